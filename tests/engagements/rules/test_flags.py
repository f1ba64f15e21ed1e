"""The flag rules (docs/domain.md, Flag rules) as pure functions, at their boundaries.

No database: each test builds the plain facts of one engagement (engagements.rules.flags'
dataclasses) and asks which flags the rules want at a given moment, with the default
Thresholds unless it says otherwise. Just below and at each threshold, so a rule that moves
its edge by one (minute, day, complaint, point of satisfaction) fails here. The same rules
through the services and the database are tested in tests/engagements/services/test_flags.py.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engagements.rules.flags import (
    RULES,
    STICKY,
    CheckpointFacts,
    EngagementFacts,
    MeetingFacts,
    PlanFacts,
    Thresholds,
    Wanted,
    wanted_flags,
)

AMS = ZoneInfo("Europe/Amsterdam")
T = Thresholds()
SECOND = timedelta(seconds=1)
# Monday 15 June 2026, noon in Amsterdam.
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=AMS)
TODAY = NOW.date()


def facts(**overrides) -> EngagementFacts:
    """An open engagement whose intake found the need, with nothing else known yet."""
    values = {
        "client_id": 1,
        "is_open": True,
        "underlying_need": "Their sales team misses targets because nobody owns the forecast.",
        "started_on": date(2026, 1, 5),
    }
    return EngagementFacts(**(values | overrides))


def meeting(pk=1, *, starts_at=NOW - timedelta(days=1), **overrides) -> MeetingFacts:
    """A held one-hour progress meeting, without a log."""
    values = {
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "status": "held",
        "is_plan_discussion": False,
        "plan_shared_at": None,
    }
    return MeetingFacts(pk=pk, **(values | overrides))


def logged(pk=1, **log) -> MeetingFacts:
    """A held meeting with a good log: satisfied client, short monologue, checked in."""
    values = {"log_satisfaction": 4, "log_longest_monologue": 5, "log_checked_in": True}
    return meeting(pk, **(values | log))


def checkpoint(pk=1, **overrides) -> CheckpointFacts:
    values = {"topic": "progress", "status": "open", "due_on": TODAY, "recorded_via": "", "plan_id": None}
    return CheckpointFacts(pk=pk, **(values | overrides))


def plan(pk=1, *, version=1, shared_at=NOW - timedelta(days=2), answer="", adjustments="") -> PlanFacts:
    return PlanFacts(pk=pk, version=version, shared_at=shared_at, answer=answer, adjustments=adjustments)


def wanted(engagement: EngagementFacts, *, now=NOW, thresholds=T) -> dict[tuple[str, str], Wanted]:
    return wanted_flags(engagement, now=now, thresholds=thresholds)


def of_kind(engagement: EngagementFacts, kind: str, **kwargs) -> list[tuple[str, str]]:
    """(subject, severity) of each wanted flag of `kind`."""
    return sorted((w.subject, w.severity) for w in wanted(engagement, **kwargs).values() if w.kind == kind)


# --- thresholds and the whole ---------------------------------------------------------------
def test_the_default_thresholds_are_those_of_the_domain():
    assert Thresholds() == Thresholds(
        dissatisfied_at_most=2,
        monologue_over_minutes=10,
        complaints_count=3,
        complaints_days=90,
        checkpoint_overdue_days=2,
        not_logged_days=3,
    )


def test_the_setting_overrides_the_thresholds_key_by_key(settings):
    settings.RAPPORT_FLAG_RULES = {"complaints_count": 4}

    assert Thresholds.from_settings() == replace(T, complaints_count=4)


def test_an_engagement_with_nothing_known_wants_no_flag():
    assert wanted(facts()) == {}


def test_the_wanted_flags_are_keyed_by_kind_and_subject():
    engagement = facts(meetings=[logged(1, log_satisfaction=1), logged(2, log_satisfaction=2)])

    assert set(wanted(engagement)) == {("dissatisfied", "meeting:1"), ("dissatisfied", "meeting:2")}
    assert all(key == (w.kind, w.subject) and w.facts for key, w in wanted(engagement).items())


def test_the_sticky_kinds_record_something_that_happened():
    assert sorted(STICKY) == ["plan_not_shared", "repeated_complaints", "stakeholder_change"]
    assert len(RULES) == 10


# --- plan_not_shared ------------------------------------------------------------------------
def plan_discussion(pk=1, **overrides) -> MeetingFacts:
    return meeting(pk, **({"is_plan_discussion": True, "status": "scheduled"} | overrides))


@pytest.mark.parametrize(
    ("shared_at", "raised"),
    [(None, True), (NOW - timedelta(hours=1) + SECOND, True), (NOW - timedelta(hours=1), False)],
    ids=["never shared", "one second after the start", "at the start"],
)
def test_a_plan_discussion_that_started_before_its_plan_was_shared_wants_a_high_flag(shared_at, raised):
    engagement = facts(meetings=[plan_discussion(starts_at=NOW - timedelta(hours=1), plan_shared_at=shared_at)])

    assert of_kind(engagement, "plan_not_shared") == ([("meeting:1", "high")] if raised else [])


@pytest.mark.parametrize(("starts_in", "raised"), [(timedelta(0), True), (SECOND, False)])
def test_plan_not_shared_is_wanted_from_the_start_of_the_meeting_on(starts_in, raised):
    engagement = facts(meetings=[plan_discussion(starts_at=NOW + starts_in)])

    assert bool(of_kind(engagement, "plan_not_shared")) is raised


def test_a_cancelled_plan_discussion_or_another_meeting_wants_no_plan_not_shared_flag():
    cancelled = plan_discussion(pk=1, status="cancelled")
    progress = meeting(pk=2)

    assert of_kind(facts(meetings=[cancelled, progress]), "plan_not_shared") == []


# --- the client's answer and misaligned checkpoints ---------------------------------------------
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("no", [("misaligned", "plan:1", "high")]),
        ("partly", [("partly_met", "plan:1", "medium")]),
        ("yes", []),
        ("", []),
    ],
)
def test_the_answer_on_the_shared_plan(answer, expected):
    engagement = facts(plans=[plan(answer=answer, adjustments="Fewer workshops.")])

    assert [(w.kind, w.subject, w.severity) for w in wanted(engagement).values()] == expected


def test_only_the_newest_shared_plan_answers():
    old_no = plan(1, version=1, answer="no")
    new_yes = plan(2, version=2, answer="yes")
    newer_unshared = plan(3, version=3, shared_at=None, answer="no")

    assert wanted(facts(plans=[old_no, new_yes, newer_unshared])) == {}
    assert of_kind(facts(plans=[old_no, newer_unshared]), "misaligned") == [("plan:1", "high")]


def test_a_misaligned_checkpoint_wants_a_high_flag_unless_the_client_answered_through_the_link():
    by_email = checkpoint(1, status="misaligned", recorded_via="email")
    by_link = checkpoint(2, status="misaligned", recorded_via="client_link")
    confirmed = checkpoint(3, status="confirmed", recorded_via="email")

    assert of_kind(facts(checkpoints=[by_email, by_link, confirmed]), "misaligned") == [("checkpoint:1", "high")]


# --- dissatisfied ---------------------------------------------------------------------------
@pytest.mark.parametrize(("satisfaction", "raised"), [(1, True), (2, True), (3, False), (5, False)])
def test_dissatisfied_at_2_or_lower(satisfaction, raised):
    engagement = facts(meetings=[logged(log_satisfaction=satisfaction)])

    assert of_kind(engagement, "dissatisfied") == ([("meeting:1", "high")] if raised else [])


def test_dissatisfied_follows_its_threshold_and_needs_a_log():
    engagement = facts(meetings=[logged(1, log_satisfaction=3), meeting(2)])

    assert of_kind(engagement, "dissatisfied", thresholds=replace(T, dissatisfied_at_most=3)) == [("meeting:1", "high")]


# --- stakeholder_change ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("left_on", "raised"),
    [(date(2026, 1, 5), True), (date(2026, 1, 4), False), (date(2026, 6, 1), True)],
    ids=["on the start", "the day before the start", "later"],
)
def test_a_decision_maker_who_left_during_the_engagement_wants_a_medium_flag(left_on, raised):
    engagement = facts(decision_makers_left=[(7, "Ada de Vries", left_on)])

    assert of_kind(engagement, "stakeholder_change") == ([("contact:7", "medium")] if raised else [])


def test_stakeholder_change_without_a_start_date_counts_every_departure_and_not_after_the_end():
    left = [(7, "Ada de Vries", date(2020, 1, 1))]

    assert of_kind(facts(started_on=None, decision_makers_left=left), "stakeholder_change") == [("contact:7", "medium")]
    assert of_kind(facts(is_open=False, decision_makers_left=left), "stakeholder_change") == []


# --- repeated_complaints --------------------------------------------------------------------
def days_ago(*days: int) -> list[date]:
    return [TODAY - timedelta(days=d) for d in days]


@pytest.mark.parametrize(
    ("complaints", "raised"),
    [(days_ago(90, 45, 0), True), (days_ago(91, 45, 0), False), (days_ago(45, 0), False)],
    ids=["three within exactly 90 days", "three within 91 days", "two"],
)
def test_three_complaints_within_90_days_want_a_medium_flag(complaints, raised):
    expected = [(f"complaints:{min(complaints)}", "medium")] if raised else []

    assert of_kind(facts(complaint_dates=complaints), "repeated_complaints") == expected


@pytest.mark.parametrize(("last_ago", "raised"), [(90, True), (91, False)])
def test_repeated_complaints_are_wanted_while_the_last_one_is_at_most_90_days_old(last_ago, raised):
    complaints = days_ago(last_ago + 10, last_ago + 5, last_ago)

    assert bool(of_kind(facts(complaint_dates=complaints), "repeated_complaints")) is raised


def test_the_subject_names_the_first_date_of_the_latest_run_of_complaints():
    # 91 days without a complaint end a run: the latest run starts 109 days ago, and its last
    # three (within 90 days) make it repeated.
    complaints = days_ago(300, 250, 200, 109, 20, 10, 0)

    assert of_kind(facts(complaint_dates=complaints), "repeated_complaints") == [
        (f"complaints:{TODAY - timedelta(days=109)}", "medium")
    ]


def test_the_complaints_count_is_a_threshold():
    complaints = days_ago(20, 10, 0)

    assert (
        of_kind(facts(complaint_dates=complaints), "repeated_complaints", thresholds=replace(T, complaints_count=4))
        == []
    )


# --- overdue_checkpoint ---------------------------------------------------------------------
@pytest.mark.parametrize(("days_past_due", "raised"), [(1, False), (2, True), (10, True)])
def test_an_open_checkpoint_2_days_past_its_due_date_wants_a_medium_flag(days_past_due, raised):
    engagement = facts(checkpoints=[checkpoint(due_on=TODAY - timedelta(days=days_past_due))])

    assert of_kind(engagement, "overdue_checkpoint") == ([("checkpoint:1", "medium")] if raised else [])


@pytest.mark.parametrize(
    ("now", "raised"),
    [
        (datetime(2026, 6, 17, 0, 0, tzinfo=AMS) - SECOND, False),
        (datetime(2026, 6, 17, 0, 0, tzinfo=AMS), True),
        (datetime(2026, 6, 16, 22, 0, tzinfo=UTC), True),  # midnight in Amsterdam
    ],
    ids=["a second before local midnight", "local midnight", "local midnight in UTC"],
)
def test_a_checkpoint_is_overdue_from_local_midnight(now, raised):
    engagement = facts(checkpoints=[checkpoint(due_on=date(2026, 6, 15))])

    assert bool(of_kind(engagement, "overdue_checkpoint", now=now)) is raised


def test_an_answered_checkpoint_is_never_overdue():
    answered = [checkpoint(1, status="confirmed", due_on=date(2026, 1, 1)), checkpoint(2, status="misaligned")]

    assert of_kind(facts(checkpoints=answered), "overdue_checkpoint") == []


# --- long_monologue -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("minutes", "checked_in", "raised"),
    [(10, True, False), (11, True, True), (None, True, False), (5, False, True), (11, False, True)],
)
def test_a_monologue_over_10_minutes_or_no_check_in_wants_a_low_flag(minutes, checked_in, raised):
    engagement = facts(meetings=[logged(log_longest_monologue=minutes, log_checked_in=checked_in)])

    assert of_kind(engagement, "long_monologue") == ([("meeting:1", "low")] if raised else [])


def test_long_monologue_needs_a_log():
    assert of_kind(facts(meetings=[meeting(log_longest_monologue=30, log_checked_in=False)]), "long_monologue") == []


# --- meeting_not_logged ---------------------------------------------------------------------
@pytest.mark.parametrize(("after_end", "raised"), [(timedelta(days=3) - SECOND, False), (timedelta(days=3), True)])
def test_a_meeting_without_a_log_3_days_after_it_ended_wants_a_low_flag(after_end, raised):
    ends_at = NOW - after_end
    engagement = facts(meetings=[meeting(starts_at=ends_at - timedelta(hours=1))])

    assert of_kind(engagement, "meeting_not_logged") == ([("meeting:1", "low")] if raised else [])


def test_a_logged_or_cancelled_meeting_is_never_not_logged():
    long_ago = NOW - timedelta(days=30)
    engagement = facts(meetings=[logged(1, starts_at=long_ago), meeting(2, starts_at=long_ago, status="cancelled")])

    assert of_kind(engagement, "meeting_not_logged") == []


# --- intake_incomplete ----------------------------------------------------------------------
@pytest.mark.parametrize(("shared_in", "raised"), [(timedelta(0), True), (SECOND, False)])
def test_a_plan_shared_while_the_need_is_empty_wants_a_low_flag(shared_in, raised):
    engagement = facts(underlying_need="", plans=[plan(shared_at=NOW + shared_in)])

    assert of_kind(engagement, "intake_incomplete") == ([("plan:1", "low")] if raised else [])


def test_intake_incomplete_names_the_first_shared_plan_and_a_blank_need_is_empty():
    plans = [
        plan(2, version=2, shared_at=NOW - timedelta(days=1)),
        plan(1, version=1, shared_at=NOW - timedelta(days=5)),
    ]

    assert of_kind(facts(underlying_need="  \n", plans=plans), "intake_incomplete") == [("plan:1", "low")]
    assert of_kind(facts(plans=plans), "intake_incomplete") == []
    assert of_kind(facts(underlying_need="", plans=[plan(shared_at=None)]), "intake_incomplete") == []
