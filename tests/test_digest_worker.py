"""The managers' weekly digest with a real Celery worker on the real broker (Redis in CI, not
eager): each manager gets this week's digest exactly once, whatever scan runs twice."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from advisors import roles
from engagements import tasks
from engagements.models import ManagerDigest
from tests import factories
from tests.support import let_in_flight_arrive, run_at_once, wait_for

pytestmark = [pytest.mark.redis]

THURSDAY = timezone.make_aware(datetime(2026, 12, 3, 12, 0))  # the digests of Monday 30 November are due


@pytest.fixture
def managers(transactional_db):
    team = factories.TeamFactory(name="Team Digest")
    people = []
    for i in range(3):
        user = factories.UserFactory(username=f"digest_manager_{i}", roles=[roles.MANAGER])
        factories.AdvisorProfileFactory(user=user, team=team)
        people.append(user)
    return people


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY, tick=True):  # every thread, the worker's too
        yield


def all_sent(count):
    return lambda: ManagerDigest.objects.filter(sent_at__isnull=False).count() == count


def assert_each_digest_mailed_once(managers):
    let_in_flight_arrive()
    expected = {f"<digest-{pk}@127.0.0.1>" for pk in ManagerDigest.objects.values_list("pk", flat=True)}
    assert len(expected) == len(managers)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(expected), "each digest exactly once"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in managers)


def test_the_scan_run_twice_sends_each_managers_digest_once(thursday, managers, celery_worker):
    tasks.digests_scan()
    tasks.digests_scan()
    assert wait_for(all_sent(3)), "the worker did not send every digest"
    assert_each_digest_mailed_once(managers)


def test_two_scans_at_once_send_each_digest_once(thursday, managers, celery_worker):
    errors = run_at_once(tasks.digests_scan)
    assert errors == []
    assert ManagerDigest.objects.count() == 3
    assert wait_for(all_sent(3)), "the worker did not send every digest"
    assert_each_digest_mailed_once(managers)
