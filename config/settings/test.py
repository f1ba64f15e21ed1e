"""pytest: fast hashing, mail in memory, Celery eager unless a test starts a real worker.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs the same
suite against PostgreSQL and Redis.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only-key-never-used-outside-the-test-suite-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
# Eager in the test process; the worker and beat processes of the fault tests set it off.
CELERY_TASK_ALWAYS_EAGER = env.bool("RAPPORT_TEST_CELERY_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
# No collectstatic in tests: whitenoise serves from the finders instead of STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The worker-kill test runs Celery workers in other processes: they deliver mail to files.
if env("RAPPORT_TEST_MAIL_DIR", default=""):
    EMAIL_BACKEND = "tests.support.SlowFileBackend"

# Every frozen queryset (core.frozen) is checked against the queryset built with its values in
# it: a key that leaves out something that changes the SQL fails the test that reaches it.
FROZEN_QUERIES_CHECK = True
