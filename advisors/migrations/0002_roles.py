"""Create the three roles of Rapport as groups, with advisors' own model permissions.

Each app grants its own permissions to these groups in a data migration of its own
(engagements 0015, casestudies 0002), so advisors depends on no app above it. Object-level
access is decided by each app's policy.py; these model permissions say what kind of thing a
role works with at all. The map is frozen here on purpose: a later change of roles gets a
migration of its own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "consultant": {"advisors": {"team": ["view"], "advisorprofile": ["view"]}},
    "manager": {"advisors": {"team": ["view"], "advisorprofile": ["view", "change"]}},
    "community member": {},
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so that the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [
            (app_label, f"{action}_{model}")
            for app_label, models in by_app.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("advisors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
