"""Add the private calendar-feed token in three steps: nullable, backfill a distinct token
per existing profile, then unique and required."""

import secrets

from django.db import migrations, models

import advisors.models


def backfill(apps, schema_editor):
    AdvisorProfile = apps.get_model("advisors", "AdvisorProfile")
    for profile in AdvisorProfile.objects.filter(calendar_token__isnull=True):
        profile.calendar_token = secrets.token_urlsafe(32)
        profile.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [("advisors", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="advisorprofile",
            name="calendar_token",
            field=models.CharField(editable=False, max_length=43, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="advisorprofile",
            name="calendar_token",
            field=models.CharField(
                default=advisors.models.new_calendar_token, editable=False, max_length=43, unique=True
            ),
        ),
    ]
