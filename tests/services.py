"""Which real services (PostgreSQL, Redis) this test run has, and what to do without one.

Locally a test that needs a missing service skips and says which service and how to provide
it. In CI (RAPPORT_REQUIRE_SERVICES=1) conftest turns every skip into a failure, so a
service test can never pass CI by not running.
"""

import os
from functools import cache

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("RAPPORT_REQUIRE_SERVICES") == "1"


@cache
def redis_available() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return False
    import redis  # only when the broker is Redis (kombu brings it)

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def require_redis() -> None:
    if not redis_available():
        pytest.skip("needs a Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 with Redis running")


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://user:pass@127.0.0.1:5432/rapport")
