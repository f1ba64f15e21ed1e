"""Checks behind /health/: does each service Rapport depends on answer right now?"""

from celery import current_app as celery_app
from django.db import connection

# The project's Celery app (config/celery_app.py, loaded with Django by config/__init__.py) is
# the current one; core reads it through Celery instead of importing config above it.


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to a load balancer
        return False, exc.__class__.__name__
    return True, "ok"


def check_broker(url: str | None = None) -> tuple[bool, str]:
    """Connect to the configured broker (or `url`) once, without retrying for long."""
    try:
        with celery_app.connection_for_write(url) as conn:
            # One attempt, no back-off: a health probe must answer within seconds.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def run_checks() -> dict[str, tuple[bool, str]]:
    return {"database": check_database(), "broker": check_broker()}
