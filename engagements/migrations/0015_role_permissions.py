"""The engagements' permission grants for the three roles (groups made by advisors 0002).

Until this migration advisors 0002 granted them itself (and so depended on engagements); each
app now grants its own, as casestudies 0002 does. On a database where advisors 0002 already
granted them, this adds nothing. Which engagement is decided by engagements/policy.py; these
model permissions say what kind of thing a role works with at all. The map is frozen here on
purpose: a later change of roles gets a migration of its own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORK = ["add", "change", "view"]
ROLE_PERMISSIONS = {
    "consultant": {
        "client": WORK,
        "clientcontact": WORK,
        "engagement": WORK,
        "draftplan": WORK,
        "planshare": WORK,
        "meeting": WORK,
        "meetinglog": WORK,
        "expectationcheckpoint": WORK,
        "complaint": WORK,
        "flag": ["add", "view"],
        "reminder": ["view"],
    },
    "manager": {
        "client": WORK,
        "clientcontact": WORK,
        "engagement": WORK,
        "draftplan": WORK,
        "planshare": WORK,
        "meeting": WORK,
        "meetinglog": WORK,
        "expectationcheckpoint": WORK,
        "complaint": WORK,
        "flag": WORK,
        "reminder": ["view"],
    },
    "community member": {},
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so that the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        permissions = Permission.objects.filter(content_type__app_label="engagements", codename__in=codenames)
        if len(permissions) != len(codenames):  # a model renamed since: fail loudly, as advisors 0002 did
            missing = set(codenames) - {p.codename for p in permissions}
            raise LookupError(f"engagements permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="engagements"))


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0014_client_sector_key"),
        ("advisors", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
