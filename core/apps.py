from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks, lookups, security  # noqa: F401  (registers the system checks, the login-failure log)

        lookups.register()
