"""The reminder policy (docs/domain.md, Reminder policy) at its boundaries.

Pure functions, no database: each test builds the facts of one meeting or checkpoint and
asks which reminders are due at a given moment, the way the periodic scan does.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engagements.rules.reminders import (
    CHECKPOINT_DUE,
    CONFIRM_RECEIPT,
    LOG_MEETING,
    SHARE_PLAN,
    SHARE_PLAN_FINAL,
    Due,
    MeetingFacts,
    Timings,
    checkpoint_due_at,
    checkpoint_reminders,
    meeting_reminders,
)

AMS = ZoneInfo("Europe/Amsterdam")
TIMINGS = Timings()
SECOND = timedelta(seconds=1)
# Monday 15 June 2026, 10:00 in Amsterdam: no change of summer time within weeks of it.
START = datetime(2026, 6, 15, 10, 0, tzinfo=AMS)


def meeting(**overrides) -> MeetingFacts:
    """A scheduled one-hour plan discussion with a plan that was not shared yet."""
    starts_at = overrides.pop("starts_at", START)
    facts = {
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "status": "scheduled",
        "is_plan_discussion": True,
        "has_plan": True,
        "plan_shared_at": None,
        "plan_acknowledged_at": None,
        "logged": False,
    }
    return MeetingFacts(**{**facts, **overrides})


def due_at(facts: MeetingFacts, now: datetime) -> dict[str, Due]:
    """The reminders due at `now`, by kind (each kind at most once)."""
    dues = meeting_reminders(facts, now=now, timings=TIMINGS)
    by_kind = {d.kind: d for d in dues}
    assert len(by_kind) == len(dues), dues
    return by_kind


# --- share the plan ------------------------------------------------------------------------
def test_the_defaults_are_those_of_the_domain():
    assert (TIMINGS.default_lead_hours, TIMINGS.final_hours, TIMINGS.confirm_receipt_hours) == (72, 24, 24)
    assert (TIMINGS.log_after_hours, TIMINGS.checkpoint_local_hour) == (4, 8)


def test_share_plan_reminder_is_not_due_one_second_before_72_hours_ahead():
    assert due_at(meeting(), START - timedelta(hours=72) - SECOND) == {}


@pytest.mark.parametrize("after", [timedelta(0), SECOND, timedelta(hours=47, minutes=59)])
def test_share_plan_reminder_is_due_from_72_hours_ahead_on(after):
    now = START - timedelta(hours=72) + after

    dues = due_at(meeting(), now)

    assert set(dues) == {SHARE_PLAN}
    assert dues[SHARE_PLAN].due_at == START - timedelta(hours=72)
    assert dues[SHARE_PLAN].copy_manager is False


def test_the_advisors_own_lead_time_replaces_the_72_hour_default():
    facts = meeting(lead_hours=96)

    assert due_at(facts, START - timedelta(hours=96) - SECOND) == {}
    dues = due_at(facts, START - timedelta(hours=96))
    assert set(dues) == {SHARE_PLAN}
    assert dues[SHARE_PLAN].due_at == START - timedelta(hours=96)


def test_the_last_call_24_hours_ahead_copies_the_manager():
    assert SHARE_PLAN_FINAL not in due_at(meeting(), START - timedelta(hours=24) - SECOND)

    dues = due_at(meeting(), START - timedelta(hours=24))

    assert set(dues) == {SHARE_PLAN, SHARE_PLAN_FINAL}
    assert dues[SHARE_PLAN_FINAL].due_at == START - timedelta(hours=24)
    assert dues[SHARE_PLAN_FINAL].copy_manager is True
    assert dues[SHARE_PLAN].copy_manager is False


@pytest.mark.parametrize(
    ("now", "shared_at"),
    [
        pytest.param(START - timedelta(hours=72), START - timedelta(hours=72, minutes=1), id="a-minute-before-due"),
        pytest.param(START - timedelta(hours=72), START - timedelta(hours=72), id="at-the-moment-it-falls-due"),
        pytest.param(START - timedelta(hours=24), START - timedelta(days=10), id="long-before"),
        pytest.param(START - timedelta(hours=24), START - timedelta(hours=30), id="between-the-two-calls"),
    ],
)
def test_no_share_plan_reminder_once_the_plan_was_shared(now, shared_at):
    facts = meeting(plan_shared_at=shared_at, plan_acknowledged_at=shared_at)

    assert due_at(facts, now) == {}


def test_a_plan_shared_after_now_still_counts_as_not_shared():
    now = START - timedelta(hours=24)
    facts = meeting(plan_shared_at=now + timedelta(hours=1))

    assert set(due_at(facts, now)) == {SHARE_PLAN, SHARE_PLAN_FINAL}


@pytest.mark.parametrize(
    "now",
    [START - timedelta(hours=72), START - timedelta(hours=24), START + timedelta(hours=5), START + timedelta(days=2)],
)
def test_a_cancelled_meeting_gets_no_reminder_at_all(now):
    assert due_at(meeting(status="cancelled"), now) == {}
    assert due_at(meeting(status="cancelled", plan_shared_at=START - timedelta(days=5)), now) == {}


def test_no_reminder_is_due_at_the_start_of_the_meeting():
    assert due_at(meeting(), START) == {}


@pytest.mark.parametrize("after_start", [timedelta(0), SECOND, timedelta(minutes=30), timedelta(days=2)])
def test_no_share_plan_reminder_once_the_meeting_started(after_start):
    assert due_at(meeting(logged=True), START + after_start) == {}


def test_a_meeting_that_is_not_a_plan_discussion_gets_no_share_plan_reminder():
    facts = meeting(is_plan_discussion=False, has_plan=False)

    assert due_at(facts, START - timedelta(hours=72)) == {}
    assert due_at(facts, START - timedelta(hours=24)) == {}


# --- a meeting that moves --------------------------------------------------------------------
def test_a_meeting_moved_earlier_inside_the_window_gets_due_times_of_its_new_start():
    now = START - timedelta(hours=24)
    before = due_at(meeting(), now)
    new_start = START - timedelta(hours=6)

    after = due_at(meeting(starts_at=new_start), now)

    assert set(after) == {SHARE_PLAN, SHARE_PLAN_FINAL}
    assert after[SHARE_PLAN].due_at == new_start - timedelta(hours=72)
    assert after[SHARE_PLAN_FINAL].due_at == new_start - timedelta(hours=24)
    # A new due time is a new reminder row (kind, meeting, recipient, due_at are unique).
    assert after[SHARE_PLAN].due_at != before[SHARE_PLAN].due_at
    assert after[SHARE_PLAN_FINAL].due_at != before[SHARE_PLAN_FINAL].due_at


def test_a_meeting_moved_later_inside_the_window_follows_its_new_start():
    now = START - timedelta(hours=24)
    new_start = START + timedelta(hours=12)

    after = due_at(meeting(starts_at=new_start), now)

    assert set(after) == {SHARE_PLAN}  # the last call is now 12 hours away
    assert after[SHARE_PLAN].due_at == new_start - timedelta(hours=72)


def test_a_meeting_moved_beyond_the_lead_time_has_nothing_due():
    now = START - timedelta(hours=24)

    assert due_at(meeting(starts_at=now + timedelta(hours=72, minutes=1)), now) == {}


# --- confirm receipt ------------------------------------------------------------------------
def test_confirm_receipt_is_due_24_hours_ahead_when_the_plan_is_shared_but_not_acknowledged():
    facts = meeting(plan_shared_at=START - timedelta(days=5))

    assert due_at(facts, START - timedelta(hours=24) - SECOND) == {}
    dues = due_at(facts, START - timedelta(hours=24))
    assert set(dues) == {CONFIRM_RECEIPT}
    assert dues[CONFIRM_RECEIPT].due_at == START - timedelta(hours=24)


def test_no_confirm_receipt_reminder_once_the_client_acknowledged():
    facts = meeting(plan_shared_at=START - timedelta(days=5), plan_acknowledged_at=START - timedelta(days=2))

    assert due_at(facts, START - timedelta(hours=24)) == {}
    assert due_at(facts, START - timedelta(hours=1)) == {}


# --- log the meeting ------------------------------------------------------------------------
LOG_DUE = START + timedelta(hours=1) + timedelta(hours=4)  # four hours after the end


def test_log_reminder_is_due_exactly_4_hours_after_the_meeting_ends():
    facts = meeting(plan_shared_at=START - timedelta(days=5), plan_acknowledged_at=START - timedelta(days=4))

    assert due_at(facts, LOG_DUE - SECOND) == {}
    dues = due_at(facts, LOG_DUE)
    assert set(dues) == {LOG_MEETING}
    assert dues[LOG_MEETING].due_at == LOG_DUE


def test_no_log_reminder_for_a_logged_or_cancelled_meeting():
    assert due_at(meeting(logged=True, status="held"), LOG_DUE) == {}
    assert due_at(meeting(status="cancelled"), LOG_DUE) == {}


def test_a_missed_log_reminder_still_goes_out_during_the_catch_up_period_only():
    catch_up = timedelta(days=TIMINGS.catch_up_days)

    late = due_at(meeting(), LOG_DUE + catch_up - SECOND)
    assert set(late) == {LOG_MEETING}
    assert late[LOG_MEETING].due_at == LOG_DUE  # the same reminder, not a new one
    assert due_at(meeting(), LOG_DUE + catch_up) == {}


# --- checkpoint due -------------------------------------------------------------------------
def test_a_checkpoint_is_due_at_8_in_the_morning_amsterdam_time_on_its_due_date():
    eight = datetime(2026, 6, 15, 8, 0, tzinfo=AMS)

    assert checkpoint_due_at(date(2026, 6, 15), timings=TIMINGS) == datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
    assert checkpoint_reminders(due_on=date(2026, 6, 15), status="open", now=eight - SECOND, timings=TIMINGS) == []
    assert checkpoint_reminders(due_on=date(2026, 6, 15), status="open", now=eight, timings=TIMINGS) == [
        Due(CHECKPOINT_DUE, eight)
    ]
    # The day before is not the due date, whatever the hour.
    assert checkpoint_reminders(due_on=date(2026, 6, 16), status="open", now=eight, timings=TIMINGS) == []


@pytest.mark.parametrize("status", ["confirmed", "misaligned", "waived"])
def test_no_checkpoint_reminder_when_the_checkpoint_is_no_longer_open(status):
    now = datetime(2026, 6, 15, 9, 0, tzinfo=AMS)

    assert checkpoint_reminders(due_on=date(2026, 6, 15), status=status, now=now, timings=TIMINGS) == []


def test_a_missed_checkpoint_reminder_still_goes_out_during_the_catch_up_period_only():
    due = datetime(2026, 6, 15, 8, 0, tzinfo=AMS)
    catch_up = timedelta(days=TIMINGS.catch_up_days)

    late = checkpoint_reminders(due_on=date(2026, 6, 15), status="open", now=due + catch_up - SECOND, timings=TIMINGS)
    assert [d.due_at for d in late] == [due]
    assert checkpoint_reminders(due_on=date(2026, 6, 15), status="open", now=due + catch_up, timings=TIMINGS) == []


# --- summer time in Europe/Amsterdam ----------------------------------------------------------
# 2026: clocks go forward on Sunday 29 March (02:00 -> 03:00) and back on Sunday 25 October
# (03:00 -> 02:00). "72 h before" is 72 real hours, so the wall clock shows an hour's shift.
SUMMER_TIME_CASES = [
    pytest.param(
        datetime(2026, 3, 30, 10, 0, tzinfo=AMS), datetime(2026, 3, 27, 9, 0, tzinfo=AMS), id="spring-forward"
    ),
    pytest.param(datetime(2026, 10, 26, 10, 0, tzinfo=AMS), datetime(2026, 10, 23, 11, 0, tzinfo=AMS), id="fall-back"),
]


def _assert_72_real_hours_before(starts_at: datetime, expected_local: datetime) -> None:
    facts = meeting(starts_at=starts_at)

    assert due_at(facts, expected_local - SECOND) == {}
    dues = due_at(facts, expected_local)
    assert set(dues) == {SHARE_PLAN}
    reminder_at = dues[SHARE_PLAN].due_at
    assert reminder_at.astimezone(UTC) == expected_local.astimezone(UTC)
    assert reminder_at.astimezone(AMS).replace(tzinfo=None) == expected_local.replace(tzinfo=None)
    assert starts_at.astimezone(UTC) - reminder_at.astimezone(UTC) == timedelta(hours=72)


@pytest.mark.parametrize(("local_start", "expected_local"), SUMMER_TIME_CASES)
def test_the_72_hour_reminder_is_72_real_hours_ahead_across_a_change_of_summer_time(local_start, expected_local):
    # As the database hands it over: in UTC.
    _assert_72_real_hours_before(local_start.astimezone(UTC), expected_local)


@pytest.mark.parametrize(("local_start", "expected_local"), SUMMER_TIME_CASES)
def test_the_72_hour_reminder_is_72_real_hours_ahead_when_the_start_is_in_local_time(local_start, expected_local):
    # As a form or a local calendar hands it over: in Europe/Amsterdam.
    _assert_72_real_hours_before(local_start, expected_local)


def test_the_last_call_on_the_day_after_the_spring_change_is_24_real_hours_ahead():
    starts_at = datetime(2026, 3, 30, 10, 0, tzinfo=AMS).astimezone(UTC)

    dues = due_at(meeting(starts_at=starts_at), datetime(2026, 3, 29, 10, 0, tzinfo=AMS))

    assert dues[SHARE_PLAN_FINAL].due_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due_on", "expected_utc"),
    [
        pytest.param(date(2026, 3, 29), datetime(2026, 3, 29, 6, 0, tzinfo=UTC), id="spring-forward-day"),
        pytest.param(date(2026, 10, 25), datetime(2026, 10, 25, 7, 0, tzinfo=UTC), id="fall-back-day"),
    ],
)
def test_a_checkpoint_due_on_the_day_summer_time_changes_is_due_at_8_local_time(due_on, expected_utc):
    due = checkpoint_due_at(due_on, timings=TIMINGS)

    assert due == expected_utc
    assert due.astimezone(AMS).hour == 8
    assert checkpoint_reminders(due_on=due_on, status="open", now=expected_utc - SECOND, timings=TIMINGS) == []
    assert [
        d.due_at for d in checkpoint_reminders(due_on=due_on, status="open", now=expected_utc, timings=TIMINGS)
    ] == [expected_utc]
