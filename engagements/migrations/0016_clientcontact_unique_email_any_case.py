"""A client's contacts have different e-mail addresses whatever their case ("Anna@x.nl" and
"anna@x.nl" reach one person), now in the database; the constraint it replaces compared
them case-sensitively.

Rows saved before may already break the new rule (the admin never asked). Rather than let
the database refuse the index with a traceback, the migration first looks for such pairs and,
if there are any, stops with a list of them: which ones to merge or correct is the operator's
call, not the migration's (a contact has plans shared with it, meetings and a successor).
"""

from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models.functions import Lower


def email_duplicates(ClientContact) -> list[list]:
    """The contacts that share a client and an e-mail address but for its case, in groups:
    [[(pk, client_id, email), ...], ...], ordered by client and address."""
    keyed = ClientContact.objects.exclude(email="").annotate(key=Lower("email"))
    taken = (
        keyed.values("client_id", "key").annotate(n=models.Count("pk")).filter(n__gt=1).values_list("client_id", "key")
    )
    groups = []
    for client_id, key in taken.order_by("client_id", "key"):
        rows = keyed.filter(client_id=client_id, key=key).order_by("pk").values_list("pk", "client_id", "email")
        groups.append(list(rows))
    return groups


def report_email_duplicates(apps, schema_editor):
    groups = email_duplicates(apps.get_model("engagements", "ClientContact"))
    if not groups:
        return
    lines = [
        f"  client {group[0][1]}: " + ", ".join(f"contact {pk} <{email}>" for pk, _client, email in group)
        for group in groups
    ]
    raise CommandError(
        "Some clients have two contacts with the same e-mail address but for its case, which the new "
        "constraint clientcontact_unique_email_any_case refuses. Give each contact its own address "
        "(or merge them) in the admin, then run migrate again. Nothing was changed.\n" + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0015_role_permissions"),
    ]

    operations = [
        migrations.RunPython(report_email_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="clientcontact",
            constraint=models.UniqueConstraint(
                models.F("client"),
                Lower("email"),
                condition=~models.Q(email=""),
                name="clientcontact_unique_email_any_case",
                violation_error_message="This client already has a contact with this e-mail address.",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="clientcontact",
            name="clientcontact_unique_email",
        ),
    ]
