"""The flag rules (docs/domain.md, Flag rules), through the real services (engagements.services.flags).

The same rules as pure functions, at their boundaries and without the database, are tested in
tests/engagements/rules/test_flags.py.

Each rule: the flag is raised once (kind, severity, subject), a second sync raises nothing
new, it clears itself when the condition no longer holds unless it is sticky, a flag a
manager decided on stays decided, and the engagement's health follows the open flags.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from engagements import services
from engagements.flag_texts import flag_text
from engagements.models import Engagement, Flag
from tests import factories

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
LOG = {
    "summary": "We went through the plan together.",
    "satisfaction": 4,
    "longest_monologue_minutes": 5,
    "checked_in_with_client": True,
}


# --- helpers ---------------------------------------------------------------------------------
@pytest.fixture
def engagement(consultant_a):
    """An active engagement whose intake found the need behind the request."""
    return factories.EngagementFactory(
        lead=consultant_a,
        stage=Engagement.Stage.ACTIVE,
        title="Sales planning for Noordhaven",
        underlying_need="Their sales team misses targets because nobody owns the forecast.",
    )


def rule_flags(engagement, kind):
    return list(Flag.objects.filter(engagement=engagement, source=Flag.Source.RULE, kind=kind))


def raised_once(engagement, kind, *, severity, subject, now=None) -> Flag:
    """The one open flag of `kind`; syncing again (at the same moment) raises no other."""
    flags = rule_flags(engagement, kind)
    assert len(flags) == 1, flags
    flag = flags[0]
    assert (flag.status, flag.severity, flag.subject, flag.closed_at) == (Flag.Status.OPEN, severity, subject, None)
    assert flag.facts and flag.details == ""  # facts, rendered in the reader's language (flag_texts)
    assert flag_text(flag.kind, flag.facts)

    again = services.flags_sync(engagement_id=engagement.pk, now=now)

    assert again["raised"] == 0
    assert len(rule_flags(engagement, kind)) == 1
    return flag


def assert_resolved(flag, *, at=None):
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED
    assert flag.closed_at is not None
    if at is not None:
        assert flag.closed_at == at


def assert_still_open(flag):
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    assert flag.closed_at is None


def health(engagement) -> str:
    engagement.refresh_from_db()
    return engagement.health


def dismiss(flag, manager):
    """What a manager does in the review queue: dismiss the flag, no action needed."""
    flag.status, flag.closed_at = Flag.Status.DISMISSED, timezone.now()
    flag.decision, flag.decided_by = Flag.Decision.NO_ACTION, manager
    flag.decision_note = "Discussed with the advisor; nothing to do."
    flag.save()


def past_meeting(engagement, *, ago, purpose="progress", **fields):
    """A meeting that started `ago` before now (the services refuse to schedule the past)."""
    return factories.MeetingFactory(engagement=engagement, purpose=purpose, starts_at=timezone.now() - ago, **fields)


def log(meeting, **overrides):
    return services.meeting_log_save(meeting=meeting, by=meeting.engagement.lead, **{**LOG, **overrides})


def share(plan, contact=None):
    contact = contact or factories.ContactFactory(client=plan.engagement.client, name="Ilse Dekker")
    return services.plan_share(plan=plan, contacts=[contact], by=plan.engagement.lead)[0]


def complain(client, by, received_on, engagement=None):
    return services.complaint_record(
        client=client,
        by=by,
        engagement=engagement,
        category="invoice",
        description="The invoice did not match the quote.",
        received_on=received_on,
    )


# --- plan not shared (high, sticky) ------------------------------------------------------------
def test_a_plan_discussion_that_starts_with_its_plan_unshared_raises_a_high_flag_once(engagement):
    plan = factories.DraftPlanFactory(engagement=engagement)
    meeting = factories.MeetingFactory(
        engagement=engagement, purpose="plan_discussion", plan=plan, starts_at=timezone.now() + timedelta(hours=2)
    )

    services.flags_sync(engagement_id=engagement.pk, now=meeting.starts_at - timedelta(seconds=1))
    assert rule_flags(engagement, "plan_not_shared") == []

    services.flags_sync(engagement_id=engagement.pk, now=meeting.starts_at)
    raised_once(engagement, "plan_not_shared", severity="high", subject=f"meeting:{meeting.pk}", now=meeting.starts_at)
    assert health(engagement) == "red"


def test_a_plan_shared_before_the_start_or_another_purpose_raises_no_plan_not_shared_flag(engagement):
    shared = factories.DraftPlanFactory(engagement=engagement, shared_at=timezone.now() - timedelta(days=3))
    past_meeting(engagement, ago=timedelta(hours=1), purpose="plan_discussion", plan=shared)
    unshared = factories.DraftPlanFactory(engagement=engagement)
    past_meeting(engagement, ago=timedelta(hours=1), purpose="progress", plan=unshared)

    services.flags_sync(engagement_id=engagement.pk)

    assert rule_flags(engagement, "plan_not_shared") == []
    assert health(engagement) == "green"


def test_plan_not_shared_is_sticky_sharing_late_or_cancelling_does_not_close_it(engagement):
    plan = factories.DraftPlanFactory(engagement=engagement)
    meeting = past_meeting(engagement, ago=timedelta(minutes=10), purpose="plan_discussion", plan=plan)
    services.flags_sync(engagement_id=engagement.pk)
    flag = raised_once(engagement, "plan_not_shared", severity="high", subject=f"meeting:{meeting.pk}")

    share(plan)  # too late: the meeting had started
    services.meeting_cancel(meeting=meeting)  # the condition no longer holds at all
    services.flags_sync(engagement_id=engagement.pk, now=timezone.now() + timedelta(days=30))

    assert_still_open(flag)
    assert len(rule_flags(engagement, "plan_not_shared")) == 1
    assert health(engagement) == "red"


# --- expectations misaligned (high) ---------------------------------------------------------------
def test_a_misaligned_checkpoint_raises_a_high_flag_that_clears_when_confirmed(engagement):
    checkpoint = services.checkpoint_create(
        engagement=engagement, by=engagement.lead, topic="scope_role", due_on=timezone.localdate() + timedelta(days=5)
    )
    services.checkpoint_answer(
        checkpoint=checkpoint, status="misaligned", client_answer="They expected us to lead.", recorded_via="meeting"
    )
    flag = raised_once(engagement, "misaligned", severity="high", subject=f"checkpoint:{checkpoint.pk}")
    assert health(engagement) == "red"

    services.checkpoint_answer(
        checkpoint=checkpoint, status="confirmed", client_answer="Agreed: we coach.", recorded_via="email"
    )

    assert_resolved(flag)
    assert len(rule_flags(engagement, "misaligned")) == 1
    assert health(engagement) == "green"


def test_the_client_answering_no_on_the_plan_raises_one_high_misaligned_flag(engagement):
    plan = factories.DraftPlanFactory(engagement=engagement)
    plan_share = share(plan)

    services.plan_answer_record(
        share=plan_share, received=True, matches_expectations="no", adjustments="We asked for a workshop, not a study."
    )

    # The client-link checkpoint is judged on the answer: one flag, about the plan.
    flag = raised_once(engagement, "misaligned", severity="high", subject=f"plan:{plan.pk}")
    assert "workshop" in flag_text(flag.kind, flag.facts)
    assert rule_flags(engagement, "partly_met") == []
    assert health(engagement) == "red"


# --- expectations partly met (medium) -------------------------------------------------------------
def test_the_client_answering_partly_raises_a_medium_flag_that_clears_on_a_later_yes(engagement):
    plan = factories.DraftPlanFactory(engagement=engagement)
    plan_share = share(plan)

    services.plan_answer_record(
        share=plan_share, received=True, matches_expectations="partly", adjustments="Drop the second phase."
    )
    flag = raised_once(engagement, "partly_met", severity="medium", subject=f"plan:{plan.pk}")
    assert rule_flags(engagement, "misaligned") == []
    assert health(engagement) == "amber"

    services.plan_answer_record(share=plan_share, received=True, matches_expectations="yes")

    assert_resolved(flag)
    assert rule_flags(engagement, "misaligned") == []
    assert health(engagement) == "green"


# --- client dissatisfied (high) -------------------------------------------------------------------
def test_satisfaction_of_2_raises_a_high_flag_that_clears_when_the_log_is_corrected_to_4(engagement):
    meeting = past_meeting(engagement, ago=timedelta(hours=3))

    log(meeting, satisfaction=2)
    flag = raised_once(engagement, "dissatisfied", severity="high", subject=f"meeting:{meeting.pk}")
    assert health(engagement) == "red"

    log(meeting, satisfaction=4)

    assert_resolved(flag)
    assert health(engagement) == "green"


def test_satisfaction_of_3_raises_no_dissatisfied_flag(engagement):
    log(past_meeting(engagement, ago=timedelta(hours=3)), satisfaction=3)

    assert rule_flags(engagement, "dissatisfied") == []
    assert health(engagement) == "green"


# --- stakeholder change (medium, sticky) ----------------------------------------------------------
def test_a_decision_maker_who_leaves_raises_a_medium_flag_on_each_open_engagement(engagement, consultant_a):
    client = engagement.client
    other_open = factories.EngagementFactory(client=client, lead=consultant_a, stage="planning")
    closed = factories.EngagementFactory(client=client, lead=consultant_a, stage="closed")
    director = factories.ContactFactory(client=client, name="Ruud Visser", is_decision_maker=True)

    services.contact_mark_left(contact=director, left_on=timezone.localdate(), replaced_by=None)

    raised_once(engagement, "stakeholder_change", severity="medium", subject=f"contact:{director.pk}")
    raised_once(other_open, "stakeholder_change", severity="medium", subject=f"contact:{director.pk}")
    assert rule_flags(closed, "stakeholder_change") == []
    assert (health(engagement), health(other_open)) == ("amber", "amber")


def test_a_contact_who_is_no_decision_maker_leaving_raises_nothing(engagement):
    assistant = factories.ContactFactory(client=engagement.client, is_decision_maker=False)

    services.contact_mark_left(contact=assistant, left_on=timezone.localdate(), replaced_by=None)

    assert rule_flags(engagement, "stakeholder_change") == []


def test_stakeholder_change_is_sticky(engagement):
    director = factories.ContactFactory(client=engagement.client, is_decision_maker=True)
    successor = factories.ContactFactory(client=engagement.client, is_decision_maker=True)
    services.contact_mark_left(contact=director, left_on=timezone.localdate(), replaced_by=successor)
    flag = raised_once(engagement, "stakeholder_change", severity="medium", subject=f"contact:{director.pk}")

    # Even when the leaving is undone (entered by mistake), only a manager closes it.
    services.contact_update(contact=director, left_on=None, replaced_by=None)
    services.flags_sync(engagement_id=engagement.pk)

    assert_still_open(flag)
    assert health(engagement) == "amber"


def test_a_decision_maker_who_left_before_the_engagement_began_does_not_flag_it(consultant_a):
    client = factories.ClientFactory()
    factories.ContactFactory(
        client=client, is_decision_maker=True, left_on=timezone.localdate() - timedelta(days=2 * 365)
    )
    engagement = services.engagement_create(by=consultant_a, client=client, title="A fresh start")

    services.engagement_update(
        engagement=engagement, by=engagement.lead, underlying_need="A new owner wants a new strategy."
    )

    assert rule_flags(engagement, "stakeholder_change") == []


# --- repeated complaints (medium, sticky) ---------------------------------------------------------
def test_three_complaints_within_90_days_raise_a_medium_flag_once(engagement, consultant_a):
    today = timezone.localdate()
    complain(engagement.client, consultant_a, today - timedelta(days=90))
    complain(engagement.client, consultant_a, today - timedelta(days=30))
    assert rule_flags(engagement, "repeated_complaints") == []

    complain(engagement.client, consultant_a, today)

    first = today - timedelta(days=90)
    raised_once(engagement, "repeated_complaints", severity="medium", subject=f"complaints:{first}")
    assert health(engagement) == "amber"


def test_three_complaints_spread_over_more_than_90_days_raise_nothing(engagement, consultant_a):
    today = timezone.localdate()
    for days_ago in (91, 40, 0):
        complain(engagement.client, consultant_a, today - timedelta(days=days_ago))

    assert rule_flags(engagement, "repeated_complaints") == []
    assert health(engagement) == "green"


def test_repeated_complaints_is_sticky_when_the_complaints_grow_old(engagement, consultant_a):
    today = timezone.localdate()
    for days_ago in (20, 10, 0):
        complain(engagement.client, consultant_a, today - timedelta(days=days_ago))
    first = today - timedelta(days=20)
    flag = raised_once(engagement, "repeated_complaints", severity="medium", subject=f"complaints:{first}")

    services.flags_sync(engagement_id=engagement.pk, now=timezone.now() + timedelta(days=365))

    assert_still_open(flag)


def test_a_new_burst_of_complaints_after_a_managers_decision_raises_a_new_flag(engagement, consultant_a, manager):
    with time_machine.travel(datetime(2026, 1, 20, 10, 0, tzinfo=AMS), tick=False):
        for day in (5, 12, 19):
            complain(engagement.client, consultant_a, date(2026, 1, day))
        first = raised_once(engagement, "repeated_complaints", severity="medium", subject="complaints:2026-01-05")
        dismiss(first, manager)

    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=AMS), tick=False):
        for day in (2, 10, 18):
            complain(engagement.client, consultant_a, date(2026, 11, day))

    open_flags = [f for f in rule_flags(engagement, "repeated_complaints") if f.is_open]
    assert len(open_flags) == 1
    assert health(engagement) == "amber"


# --- overdue checkpoint (medium) ------------------------------------------------------------------
def test_an_open_checkpoint_is_overdue_from_local_midnight_two_days_after_its_due_date(engagement):
    checkpoint = factories.CheckpointFactory(engagement=engagement, topic="progress", due_on=date(2026, 6, 10))
    # Midnight in Amsterdam starting 12 June is still 11 June in UTC: the local date counts.
    two_days_later = datetime.combine(date(2026, 6, 12), time(0, 0), tzinfo=AMS).astimezone(UTC)

    services.flags_sync(engagement_id=engagement.pk, now=two_days_later - timedelta(seconds=1))
    assert rule_flags(engagement, "overdue_checkpoint") == []

    services.flags_sync(engagement_id=engagement.pk, now=two_days_later)
    raised_once(
        engagement, "overdue_checkpoint", severity="medium", subject=f"checkpoint:{checkpoint.pk}", now=two_days_later
    )
    assert health(engagement) == "amber"


def test_a_checkpoint_one_day_past_due_raises_nothing(engagement):
    factories.CheckpointFactory(engagement=engagement, due_on=timezone.localdate() - timedelta(days=1))

    services.flags_sync(engagement_id=engagement.pk)

    assert rule_flags(engagement, "overdue_checkpoint") == []
    assert health(engagement) == "green"


def test_an_overdue_checkpoint_flag_clears_when_the_checkpoint_is_answered(engagement):
    checkpoint = factories.CheckpointFactory(
        engagement=engagement, topic="progress", due_on=timezone.localdate() - timedelta(days=2)
    )
    services.flags_sync(engagement_id=engagement.pk)
    flag = raised_once(engagement, "overdue_checkpoint", severity="medium", subject=f"checkpoint:{checkpoint.pk}")

    services.checkpoint_answer(
        checkpoint=checkpoint, status="confirmed", client_answer="On track.", recorded_via="meeting"
    )

    assert_resolved(flag)
    assert health(engagement) == "green"


# --- long monologue (low) -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("minutes", "checked_in", "raised"),
    [
        pytest.param(11, True, True, id="over-10-minutes"),
        pytest.param(3, False, True, id="no-check-in"),
        pytest.param(10, True, False, id="exactly-10-with-check-in"),
    ],
)
def test_long_monologue_or_no_check_in_raises_a_low_flag(engagement, minutes, checked_in, raised):
    meeting = past_meeting(engagement, ago=timedelta(hours=3))

    log(meeting, longest_monologue_minutes=minutes, checked_in_with_client=checked_in)

    if raised:
        raised_once(engagement, "long_monologue", severity="low", subject=f"meeting:{meeting.pk}")
    else:
        assert rule_flags(engagement, "long_monologue") == []
    assert health(engagement) == "green"  # a low flag alone leaves the engagement green


def test_a_long_monologue_flag_clears_when_the_log_is_corrected(engagement):
    meeting = past_meeting(engagement, ago=timedelta(hours=3))
    log(meeting, longest_monologue_minutes=25)
    flag = raised_once(engagement, "long_monologue", severity="low", subject=f"meeting:{meeting.pk}")

    log(meeting, longest_monologue_minutes=8, checked_in_with_client=True)

    assert_resolved(flag)


# --- meeting not logged (low) ---------------------------------------------------------------------
def test_a_meeting_without_a_log_3_days_after_it_ended_raises_a_low_flag_that_clears_when_logged(engagement):
    meeting = past_meeting(engagement, ago=timedelta(days=5), duration_minutes=60)
    three_days_after = meeting.ends_at + timedelta(days=3)

    services.flags_sync(engagement_id=engagement.pk, now=three_days_after - timedelta(seconds=1))
    assert rule_flags(engagement, "meeting_not_logged") == []

    services.flags_sync(engagement_id=engagement.pk, now=three_days_after)
    flag = raised_once(
        engagement, "meeting_not_logged", severity="low", subject=f"meeting:{meeting.pk}", now=three_days_after
    )

    log(meeting)

    assert_resolved(flag)
    assert len(rule_flags(engagement, "meeting_not_logged")) == 1


def test_a_cancelled_meeting_is_never_flagged_as_not_logged(engagement):
    past_meeting(engagement, ago=timedelta(days=5), status="cancelled")

    services.flags_sync(engagement_id=engagement.pk)

    assert rule_flags(engagement, "meeting_not_logged") == []


# --- intake incomplete (low) ----------------------------------------------------------------------
def test_sharing_a_plan_while_the_underlying_need_is_empty_raises_a_low_flag_that_clears_when_filled(engagement):
    services.engagement_update(engagement=engagement, by=engagement.lead, underlying_need="")
    first = factories.DraftPlanFactory(engagement=engagement)
    contact = factories.ContactFactory(client=engagement.client)
    assert rule_flags(engagement, "intake_incomplete") == []

    share(first, contact)
    flag = raised_once(engagement, "intake_incomplete", severity="low", subject=f"plan:{first.pk}")
    share(factories.DraftPlanFactory(engagement=engagement), contact)  # still the same missing intake
    assert len(rule_flags(engagement, "intake_incomplete")) == 1

    services.engagement_update(
        engagement=engagement, by=engagement.lead, underlying_need="They need one owner for the forecast."
    )

    assert_resolved(flag)


def test_sharing_a_plan_after_the_intake_raises_no_intake_flag(engagement):
    share(factories.DraftPlanFactory(engagement=engagement))

    assert rule_flags(engagement, "intake_incomplete") == []


# --- a manager's decision stands ------------------------------------------------------------------
def test_a_dismissed_dissatisfied_flag_is_not_raised_again(engagement, manager):
    meeting = past_meeting(engagement, ago=timedelta(hours=3))
    log(meeting, satisfaction=1)
    flag = raised_once(engagement, "dissatisfied", severity="high", subject=f"meeting:{meeting.pk}")

    dismiss(flag, manager)
    log(meeting, satisfaction=2, summary="Added the client's remarks.")
    counts = services.flags_sync(engagement_id=engagement.pk, now=timezone.now() + timedelta(days=1))

    assert counts["raised"] == 0
    assert [f.status for f in rule_flags(engagement, "dissatisfied")] == [Flag.Status.DISMISSED]
    assert health(engagement) == "green"


def test_a_dismissed_overdue_checkpoint_flag_is_not_raised_again_on_later_days(engagement, manager):
    checkpoint = factories.CheckpointFactory(engagement=engagement, due_on=timezone.localdate() - timedelta(days=3))
    services.flags_sync(engagement_id=engagement.pk)
    flag = raised_once(engagement, "overdue_checkpoint", severity="medium", subject=f"checkpoint:{checkpoint.pk}")

    dismiss(flag, manager)
    for days in (1, 2, 10):
        services.flags_sync(engagement_id=engagement.pk, now=timezone.now() + timedelta(days=days))

    assert [f.status for f in rule_flags(engagement, "overdue_checkpoint")] == [Flag.Status.DISMISSED]
    assert health(engagement) == "green"


def test_a_dismissed_sticky_flag_is_not_raised_again(engagement, manager):
    director = factories.ContactFactory(client=engagement.client, is_decision_maker=True)
    services.contact_mark_left(contact=director, left_on=timezone.localdate(), replaced_by=None)
    flag = raised_once(engagement, "stakeholder_change", severity="medium", subject=f"contact:{director.pk}")

    dismiss(flag, manager)
    services.flags_sync(engagement_id=engagement.pk)

    assert [f.status for f in rule_flags(engagement, "stakeholder_change")] == [Flag.Status.DISMISSED]
    assert health(engagement) == "green"


# --- health follows the open flags ----------------------------------------------------------------
def test_health_is_red_with_an_open_high_flag_amber_with_a_medium_one_and_green_once_all_closed(engagement):
    meeting = past_meeting(engagement, ago=timedelta(hours=3))
    checkpoint = factories.CheckpointFactory(
        engagement=engagement, topic="progress", due_on=timezone.localdate() - timedelta(days=2)
    )
    log(meeting, satisfaction=2, longest_monologue_minutes=20)  # high + low, and the checkpoint: medium
    assert {f.kind for f in Flag.objects.filter(engagement=engagement, status="open")} == {
        "dissatisfied",
        "overdue_checkpoint",
        "long_monologue",
    }
    assert health(engagement) == "red"

    log(meeting, satisfaction=4, longest_monologue_minutes=20)
    assert health(engagement) == "amber"

    services.checkpoint_answer(checkpoint=checkpoint, status="confirmed", client_answer="Fine.", recorded_via="email")
    assert health(engagement) == "green"  # only the low flag is open

    log(meeting, satisfaction=4, longest_monologue_minutes=6)
    assert not Flag.objects.filter(engagement=engagement, status__in=Flag.OPEN_STATUSES).exists()
    assert health(engagement) == "green"


def test_an_automatic_resolution_records_when_it_happened(engagement):
    meeting = past_meeting(engagement, ago=timedelta(days=5))
    services.flags_sync(engagement_id=engagement.pk)
    flag = raised_once(engagement, "meeting_not_logged", severity="low", subject=f"meeting:{meeting.pk}")
    factories.MeetingLogFactory(meeting=meeting, checked_in_with_client=True)
    moment = timezone.now() + timedelta(minutes=5)

    counts = services.flags_sync(engagement_id=engagement.pk, now=moment)

    assert counts["closed"] == 1
    assert_resolved(flag, at=moment)


@pytest.mark.django_db
def test_refresh_stores_health_from_open_flags_only():
    engagement = factories.EngagementFactory()
    factories.FlagFactory(engagement=engagement, severity=Flag.Severity.MEDIUM, subject="a")
    factories.FlagFactory(
        engagement=engagement,
        severity=Flag.Severity.HIGH,
        subject="b",
        status=Flag.Status.DISMISSED,
        closed_at="2026-01-01T00:00Z",
    )

    assert services.engagement_refresh_health(engagement_id=engagement.pk) == "amber"
    engagement.refresh_from_db()
    assert engagement.health == "amber"
