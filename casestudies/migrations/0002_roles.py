"""The community's permission grants for the three roles (groups made by advisors 0002).

Which case or comment is decided by casestudies/policy.py; these model permissions say what
kind of thing a role works with at all. Frozen here; a later change gets its own migration.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "consultant": {
        "casestudy": ["add", "change", "view"],
        "comment": ["add", "view"],
        "commentreport": ["add"],
        "theme": ["view"],
    },
    "manager": {
        "casestudy": ["add", "change", "view"],
        "comment": ["add", "change", "view"],
        "commentreport": ["add", "change", "view"],
        "commentevent": ["view"],
        "theme": ["add", "change", "view"],
    },
    "community member": {
        "casestudy": ["view"],
        "comment": ["add", "view"],
        "commentreport": ["add"],
        "theme": ["view"],
    },
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions  # at run time, as Django does in a migration

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casestudies", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="casestudies"))


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0001_initial"),
        ("advisors", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
