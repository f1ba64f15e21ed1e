"""Production: secrets without defaults, HTTPS everywhere, whitenoise for static files.

``DJANGO_SETTINGS_MODULE=config.settings.production python manage.py check --deploy``
reports nothing. https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SITE_URL, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: a missing key stops the boot
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# The development defaults of base.py (SQLite, the filesystem broker, console e-mail, links
# to 127.0.0.1) would fail quietly in production: each must be set explicitly here.
for _required in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DJANGO_SITE_URL"):
    env(_required)  # ImproperlyConfigured when missing
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("DJANGO_SITE_URL must start with https:// in production (it is in every e-mail).")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer probes /health/ over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# Shared by every web node: rate limits (and later sessions) hold across the firm's machines.
# Django's own Redis backend increments atomically; django-ratelimit only lists django-redis
# as "supported", hence the silenced warning.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("DJANGO_CACHE_URL", default=env("CELERY_BROKER_URL")),
        "KEY_PREFIX": "rapport",
    }
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
