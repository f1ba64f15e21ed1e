"""CI must really run on PostgreSQL and Redis; these fail there (skips become failures) if
the environment quietly fell back to SQLite or the in-memory broker."""

import pytest
from django.db import connection

from tests.services import redis_available, require_postgres, require_redis


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_is_postgresql_with_persistent_connections(settings):
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.redis
def test_the_broker_is_redis():
    require_redis()
    assert redis_available()
