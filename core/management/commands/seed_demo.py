from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import DEMO_PASSWORD, seed


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
        logins = seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with any of these:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {DEMO_PASSWORD:<14} {login.role} ({login.name})")
