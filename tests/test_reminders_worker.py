"""Reminders with a real Celery worker against the real broker (Redis in CI, not eager):
each reminder reaches the outbox exactly once, whatever runs twice or fails on the way."""

import pytest
from django.core import mail

from engagements import services
from engagements.models import Reminder
from tests.factories import plan_discussions
from tests.support import FlakyBackend, let_in_flight_arrive, run_at_once, wait_for

pytestmark = [pytest.mark.redis]


def all_sent(count):
    return lambda: Reminder.objects.filter(sent_at__isnull=False).count() == count


def assert_each_reminder_mailed_once(count):
    let_in_flight_arrive()
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    expected = {f"<reminder-{pk}@127.0.0.1>" for pk in Reminder.objects.values_list("pk", flat=True)}
    assert len(expected) == count
    assert sorted(ids) == sorted(expected), "each reminder exactly once"


def test_the_scan_run_twice_sends_each_reminder_once(celery_worker):
    plan_discussions(5)
    services.reminders_scan()
    services.reminders_scan()
    assert wait_for(all_sent(5)), "the worker did not send every reminder"
    assert_each_reminder_mailed_once(5)


def test_two_scans_at_once_send_each_reminder_once(celery_worker):
    plan_discussions(6)
    errors = run_at_once(services.reminders_scan)
    assert errors == []
    assert Reminder.objects.count() == 6
    assert wait_for(all_sent(6)), "the worker did not send every reminder"
    assert_each_reminder_mailed_once(6)


def test_a_send_retried_after_an_smtp_error_arrives_once(celery_worker, settings):
    settings.EMAIL_BACKEND = "tests.support.FlakyBackend"
    FlakyBackend.failures_left = 2
    plan_discussions(1)
    services.reminders_scan()
    assert wait_for(all_sent(1), timeout=40), "the retried reminder never went out"
    assert FlakyBackend.failures_left == 0
    reminder = Reminder.objects.get()
    assert reminder.attempts == 3
    assert_each_reminder_mailed_once(1)
