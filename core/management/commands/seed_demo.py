"""Seed the demo: the `demo` module of every app of the project that has one, in
INSTALLED_APPS order, which is their dependency order (advisors' people, then engagements'
clients and engagements, then the casestudies' community).

core imports no app (STYLE.md §12), so it finds them: an app takes part by having a
`<app>/demo.py` with `seed(*, now=None)` that returns what it seeded, one line each, and
may declare `LOGINS` (each with username, password, role and name), printed first. Only the
project's own apps are asked (those in the repository, not in the Python installation), so a
third-party package that happens to ship a `demo` module is never run.
"""

import sys
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone


def app_demo_modules() -> list[tuple[str, object]]:
    """(app label, demo module) for each project app with a `demo` module, in INSTALLED_APPS order."""
    base, installation = Path(settings.BASE_DIR).resolve(), Path(sys.prefix).resolve()
    found = []
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if not path.is_relative_to(base) or path.is_relative_to(installation):
            continue
        name = f"{app.name}.demo"
        try:
            spec = find_spec(name)
        except ModuleNotFoundError:  # the app is a module, not a package
            spec = None
        if spec is not None:
            module = import_module(name)
            if callable(getattr(module, "seed", None)):
                found.append((app.label, module))
    return found


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent; dates move with today). Prints the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off (never on a database with real clients).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError("Refusing to seed demo data with DEBUG off; pass --allow-without-debug.")
        now = timezone.now()
        seeded, logins = [], []
        with transaction.atomic():  # all of the demo or none of it
            for label, module in app_demo_modules():
                seeded.append((label, module.seed(now=now) or []))
                logins += getattr(module, "LOGINS", [])
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with any of these:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password:<14} {login.role} ({login.name})")
        for label, lines in seeded:
            if not lines:  # an app with nothing to report beyond its logins (advisors)
                continue
            self.stdout.write(self.style.SUCCESS(f"Seeded {label}:"))
            for line in lines:
                self.stdout.write(f"  {line}")
