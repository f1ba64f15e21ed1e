"""The managers' weekly digest (issue 11): due from Monday 08:00 in Amsterdam, one per manager
and week whatever runs twice, its contents, in the manager's language, a bounded number of
queries. With a real worker on Redis: tests/test_digest_worker.py."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from advisors import roles
from engagements import services
from engagements.models import Flag, ManagerDigest
from tests import factories

pytestmark = pytest.mark.django_db

# Monday 8 June 2026 08:00 in Amsterdam is 06:00 UTC (summer); Monday 7 December, 07:00 UTC.
SUMMER_MONDAY = timezone.make_aware(datetime(2026, 6, 8, 8, 0))
WINTER_MONDAY = timezone.make_aware(datetime(2026, 12, 7, 8, 0))
DIGEST_MAX_QUERIES = 12


def send_all(now):
    """The scan's part, then each task as the worker would run it (eager here)."""
    with time_machine.travel(now, tick=False):
        services.digests_due(now=now)
        for pk in ManagerDigest.objects.filter(sent_at__isnull=True).values_list("pk", flat=True):
            services.digest_send(digest_id=pk)


@pytest.mark.parametrize("monday", [SUMMER_MONDAY, WINTER_MONDAY], ids=["summer", "winter"])
def test_nothing_is_due_before_monday_8_in_amsterdam(manager, monday):
    assert services.digests_due(now=monday - timedelta(minutes=1)) == 0
    assert ManagerDigest.objects.count() == 0
    assert services.digests_due(now=monday) == 1
    assert ManagerDigest.objects.get().week == monday.date()


def test_one_digest_per_manager_and_week_whatever_runs_twice(manager, consultant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_due(now=WINTER_MONDAY)
        services.digests_due(now=WINTER_MONDAY + timedelta(minutes=1))
    assert ManagerDigest.objects.count() == 1  # the consultant gets none
    with time_machine.travel(WINTER_MONDAY + timedelta(minutes=2), tick=False):
        row = ManagerDigest.objects.get()
        assert services.digest_send(digest_id=row.pk) is True
        assert services.digest_send(digest_id=row.pk) is False  # sent: nothing to do
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [manager.email]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<digest-{row.pk}@")


def test_a_fresh_claim_is_left_alone_and_a_stale_one_is_sent_once(manager, settings):
    services.digests_due(now=WINTER_MONDAY)
    row = ManagerDigest.objects.get()
    ManagerDigest.objects.filter(pk=row.pk).update(claimed_at=WINTER_MONDAY, claimed_by="a worker that died")
    with time_machine.travel(WINTER_MONDAY + timedelta(seconds=10), tick=False):
        assert services.digest_send(digest_id=row.pk) is False
        assert services.digests_due(now=timezone.now()) == 0  # not handed out while the claim is fresh
    later = WINTER_MONDAY + timedelta(seconds=settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert services.digests_due(now=later) == 1
        assert services.digest_send(digest_id=row.pk) is True
    assert len(mail.outbox) == 1


def test_a_past_weeks_digest_is_not_sent_late(manager):
    services.digests_due(now=WINTER_MONDAY)
    row = ManagerDigest.objects.get()
    with time_machine.travel(WINTER_MONDAY + timedelta(days=7, hours=1), tick=False):
        assert services.digest_send(digest_id=row.pk) is False
    assert mail.outbox == []


def test_what_the_digest_says(manager, engagement_a):
    manager.advisor_profile.language = "en"
    manager.advisor_profile.save()
    week_ago = WINTER_MONDAY - timedelta(days=7)
    new = factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.MANUAL,
        source="person",
        raised_by=engagement_a.lead,
        subject="",
        details="The client stopped answering.",
    )
    Flag.objects.filter(pk=new.pk).update(created_at=WINTER_MONDAY - timedelta(days=2))
    old = factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.OVERDUE_CHECKPOINT,
        subject="checkpoint:1",
        facts={"topic": "scope_role", "due_on": "2026-11-20"},
    )
    Flag.objects.filter(pk=old.pk).update(created_at=week_ago - timedelta(days=3))
    # last week: two plan discussions, one ready; the week before: one, ready
    for starts, hours in (
        (WINTER_MONDAY - timedelta(days=3), 50),
        (WINTER_MONDAY - timedelta(days=4), 10),
        (week_ago - timedelta(days=2), 72),
    ):
        plan = factories.DraftPlanFactory(engagement=engagement_a)
        plan.shared_at = starts - timedelta(hours=hours)
        plan.acknowledged_at = plan.shared_at + timedelta(hours=1)
        plan.save()
        factories.MeetingFactory(engagement=engagement_a, plan=plan, starts_at=starts, status="held")

    digest = services.digest_build(manager=manager, monday=WINTER_MONDAY.date())
    assert [f.pk for f in digest.new_flags] == [new.pk] and digest.new_count == 1
    assert [f.pk for f in digest.old_flags] == [old.pk]
    assert (digest.readiness, digest.readiness_before, digest.change) == (50, 100, -50)

    send_all(WINTER_MONDAY)
    body = mail.outbox[0].body
    assert "The client stopped answering." in body
    assert "Checkpoint “Scope and role agreed” was due on 20 Nov 2026." in body
    assert "Readiness: 50%" in body and "(-50 points on the week before)" in body
    assert "1 new flag" in mail.outbox[0].subject


def test_a_dutch_manager_reads_dutch(manager):
    manager.advisor_profile.language = "nl"
    manager.advisor_profile.save()
    send_all(WINTER_MONDAY)
    message = mail.outbox[0]
    assert "Hallo" in message.body and "Hello" not in message.body
    assert "nieuwe" in message.subject


@pytest.mark.parametrize("count", [3, 30])
def test_the_digest_costs_the_same_at_3_and_30_flags(manager, consultant_a, count, django_assert_max_num_queries):
    engagements = [factories.EngagementFactory(lead=consultant_a) for _ in range(3)]
    Flag.objects.bulk_create(
        [Flag(engagement=engagements[i % 3], kind="manual", severity="low", subject=f"s{i}") for i in range(count)]
    )
    Flag.objects.update(created_at=WINTER_MONDAY - timedelta(days=1))
    with django_assert_max_num_queries(DIGEST_MAX_QUERIES):
        digest = services.digest_build(manager=manager, monday=WINTER_MONDAY.date())
    assert digest.new_count == count


def test_only_managers_of_a_team_get_one(manager, db):
    factories.UserFactory(username="teamless_manager", roles=[roles.MANAGER])  # no team: no queue, no digest
    factories.UserFactory(username="gone", roles=[roles.MANAGER], is_active=False)
    services.digests_due(now=WINTER_MONDAY)
    assert list(ManagerDigest.objects.values_list("manager__username", flat=True)) == [manager.username]
