"""Every flag and client gets the first row of its history (what it is now, at the time it
was made: django-simple-history keeps changes from here on), and a rule's automatic clearing
no longer stores an English sentence: the page writes it in the reader's language."""

from django.db import migrations

FIELDS_SKIPPED = {"updated_at"}
BATCH = 2000


def _backfill(apps, model_name: str, reason: str) -> None:
    model = apps.get_model("engagements", model_name)
    historical = apps.get_model("engagements", f"Historical{model_name}")
    names = [f.attname for f in model._meta.concrete_fields if f.name not in FIELDS_SKIPPED]
    rows = []
    for obj in model.objects.exclude(pk__in=historical.objects.values("id")).iterator(chunk_size=BATCH):
        values = {name: getattr(obj, name) for name in names}
        rows.append(
            historical(**values, history_date=obj.created_at, history_type="+", history_change_reason=reason)
        )
        if len(rows) >= BATCH:
            historical.objects.bulk_create(rows)
            rows = []
    historical.objects.bulk_create(rows)


def forwards(apps, schema_editor):
    flag = apps.get_model("engagements", "Flag")
    flag.objects.filter(decided_by__isnull=True, decision_note__startswith="Cleared automatically").update(
        decision_note=""
    )
    _backfill(apps, "Flag", "raised")
    _backfill(apps, "Client", "")


class Migration(migrations.Migration):
    dependencies = [("engagements", "0019_review_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
