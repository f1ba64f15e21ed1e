"""The scan and the sender against the database, with Celery in eager mode."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from advisors import roles
from engagements import services
from engagements.models import Flag, Meeting, Reminder
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(manager, team):
    user = factories.UserFactory(username="alice_r", first_name="Alice", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user, team=team, manager=manager, reminder_lead_hours=72, language="en")
    return user


@pytest.fixture
def discussion(alice):
    """A plan discussion in 48 hours whose plan is not shared: the 72-hour reminder is due."""
    engagement = factories.EngagementFactory(lead=alice, title="Warehouse layout")
    plan = factories.DraftPlanFactory(engagement=engagement, version=1)
    return factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=timezone.now() + timedelta(hours=48))


def scan(callbacks, now=None):
    with callbacks(execute=True):
        return services.reminders_scan(now=now)


def test_a_due_reminder_is_recorded_and_sent_once(discussion, django_capture_on_commit_callbacks):
    first = scan(django_capture_on_commit_callbacks)
    second = scan(django_capture_on_commit_callbacks)

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.meeting) == (
        "share_plan",
        discussion.engagement.lead,
        discussion,
    )
    assert reminder.sent_at is not None
    assert first.recorded == 1 and second.enqueued == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Share the plan for “Warehouse layout”" in message.subject
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@127.0.0.1>"
    assert f"/engagements/plans/{discussion.plan_id}/share/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_last_call_copies_the_manager_and_carries_a_brief(discussion, manager, django_capture_on_commit_callbacks):
    with time_machine.travel(discussion.starts_at - timedelta(hours=23)):
        scan(django_capture_on_commit_callbacks)
    final = next(m for m in mail.outbox if "Last call" in m.subject)
    assert final.cc == [manager.email]
    assert "Preparation brief" in final.body
    assert {r.kind for r in Reminder.objects.all()} == {"share_plan", "share_plan_final"}


def test_no_reminder_once_the_plan_is_shared_even_if_recorded_before(discussion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.reminders_scan()
    contact = factories.ContactFactory(client=discussion.engagement.client)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=discussion.plan, contacts=[contact], by=discussion.engagement.lead)
    mail.outbox.clear()

    reminder = Reminder.objects.get()
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    reminder.refresh_from_db()
    assert reminder.skipped_at is not None and reminder.sent_at is None
    assert mail.outbox == []


def test_a_cancelled_meeting_gets_no_reminder(discussion, django_capture_on_commit_callbacks):
    services.meeting_cancel(meeting=discussion)
    scan(django_capture_on_commit_callbacks)
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_a_moved_meeting_is_reminded_again_for_its_new_time(discussion, django_capture_on_commit_callbacks):
    scan(django_capture_on_commit_callbacks)
    new_start = discussion.starts_at + timedelta(days=3)
    services.meeting_reschedule(
        meeting=discussion, starts_at=new_start, duration_minutes=60, purpose="plan_discussion", plan=discussion.plan
    )
    scan(django_capture_on_commit_callbacks)
    assert Reminder.objects.count() == 1  # nothing due yet for the new time
    with time_machine.travel(new_start - timedelta(hours=71)):
        scan(django_capture_on_commit_callbacks)
    due_times = sorted(Reminder.objects.filter(kind="share_plan").values_list("due_at", flat=True))
    assert due_times == [discussion.starts_at - timedelta(hours=72), new_start - timedelta(hours=72)]
    assert len(mail.outbox) == 2


def test_the_advisors_language_is_used(discussion, alice, django_capture_on_commit_callbacks):
    alice.advisor_profile.language = "nl"
    alice.advisor_profile.save()
    scan(django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject.startswith("Deel het plan voor “Warehouse layout” vóór")
    assert "Share the plan" not in mail.outbox[0].subject


def test_log_and_checkpoint_reminders_and_the_flags_that_follow(alice, django_capture_on_commit_callbacks):
    engagement = factories.EngagementFactory(lead=alice)
    held = factories.MeetingFactory(
        engagement=engagement, purpose="progress", starts_at=timezone.now() - timedelta(days=4)
    )
    checkpoint = factories.CheckpointFactory(engagement=engagement, due_on=timezone.localdate() - timedelta(days=2))

    scan(django_capture_on_commit_callbacks)

    assert set(Reminder.objects.values_list("kind", flat=True)) == {"log_meeting", "checkpoint_due"}
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    open_kinds = set(Flag.objects.filter(engagement=engagement, status="open").values_list("kind", flat=True))
    assert open_kinds == {"meeting_not_logged", "overdue_checkpoint"}
    engagement.refresh_from_db()
    assert engagement.health == "amber"
    assert held.status == Meeting.Status.SCHEDULED and checkpoint.status == "open"


@pytest.mark.parametrize(
    ("rules", "meeting_days_ago", "checkpoint_days_ago"),
    [
        ({"not_logged_days": 1, "checkpoint_overdue_days": 1}, 2, 1),  # shorter than the defaults (3, 2)
        ({"not_logged_days": 10, "checkpoint_overdue_days": 5}, 11, 10),  # longer
    ],
)
def test_the_scan_raises_time_flags_at_the_thresholds_of_the_flag_rules(
    alice, settings, django_capture_on_commit_callbacks, rules, meeting_days_ago, checkpoint_days_ago
):
    settings.RAPPORT_FLAG_RULES = rules
    late = factories.EngagementFactory(lead=alice)
    factories.MeetingFactory(
        engagement=late, purpose="progress", starts_at=timezone.now() - timedelta(days=meeting_days_ago)
    )
    factories.CheckpointFactory(engagement=late, due_on=timezone.localdate() - timedelta(days=checkpoint_days_ago))
    on_time = factories.EngagementFactory(lead=alice)
    logged = factories.MeetingFactory(
        engagement=on_time, purpose="progress", starts_at=timezone.now() - timedelta(days=meeting_days_ago)
    )
    factories.MeetingLogFactory(meeting=logged)

    result = scan(django_capture_on_commit_callbacks)

    open_kinds = set(Flag.objects.filter(engagement=late, status="open").values_list("kind", flat=True))
    assert open_kinds == {"meeting_not_logged", "overdue_checkpoint"}
    assert not Flag.objects.filter(engagement=on_time).exists()
    assert result.engagements_checked == 1


def test_a_plan_discussion_that_starts_unshared_is_flagged_by_the_scan(discussion, django_capture_on_commit_callbacks):
    with time_machine.travel(discussion.starts_at + timedelta(minutes=1)):
        scan(django_capture_on_commit_callbacks)
    flag = Flag.objects.get(engagement=discussion.engagement)
    assert (flag.kind, flag.severity, flag.subject) == ("plan_not_shared", "high", f"meeting:{discussion.pk}")
    discussion.engagement.refresh_from_db()
    assert discussion.engagement.health == "red"


def test_a_stale_claim_is_handed_out_again(discussion, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False):
        services.reminders_scan()
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now())  # a worker took it, then died
    assert services.reminder_send(reminder_id=reminder.pk) == "taken"

    later = timezone.now() + timedelta(seconds=settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS + 1)
    with time_machine.travel(later):
        result = scan(django_capture_on_commit_callbacks)
    assert result.enqueued == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.attempts == 1
    assert len(mail.outbox) == 1
