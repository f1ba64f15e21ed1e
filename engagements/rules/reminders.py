"""The reminder timings (docs/domain.md, Reminder policy) as pure functions: given the facts and "now", which
reminders are due. No database here, so every boundary is easy to test.

Hours are real elapsed hours: "72 h before" a meeting is 72 hours earlier on the clock of
the world, whatever summer time does to the wall clock in between. A checkpoint is due at
a fixed local time (REMINDERS["checkpoint_local_hour"], Europe/Amsterdam) on its due date.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Timings:
    default_lead_hours: int = 72
    final_hours: int = 24  # the last share-the-plan call, with the manager in copy
    confirm_receipt_hours: int = 24
    log_after_hours: int = 4
    checkpoint_local_hour: int = 8
    catch_up_days: int = 7  # how late a missed log or checkpoint reminder still goes out

    @classmethod
    def from_settings(cls) -> "Timings":
        return cls(**getattr(settings, "RAPPORT_REMINDERS", {}))


@dataclass(frozen=True)
class MeetingFacts:
    starts_at: datetime
    ends_at: datetime
    status: str  # scheduled, held, cancelled
    is_plan_discussion: bool
    has_plan: bool
    plan_shared_at: datetime | None
    plan_acknowledged_at: datetime | None
    logged: bool
    lead_hours: int | None = None


@dataclass(frozen=True)
class Due:
    kind: str
    due_at: datetime
    copy_manager: bool = False


SHARE_PLAN, SHARE_PLAN_FINAL = "share_plan", "share_plan_final"
CONFIRM_RECEIPT, LOG_MEETING, CHECKPOINT_DUE = "confirm_receipt", "log_meeting", "checkpoint_due"


def _happened(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now


def meeting_reminders(meeting: MeetingFacts, *, now: datetime, timings: Timings) -> list[Due]:
    """The reminders of one meeting that are due at `now` (due time reached, still useful)."""
    if meeting.status == "cancelled":
        return []
    # Arithmetic in UTC: adding hours to a Europe/Amsterdam datetime would move by the wall
    # clock and be an hour off across a change of summer time.
    starts_at, ends_at = meeting.starts_at.astimezone(UTC), meeting.ends_at.astimezone(UTC)
    candidates: list[Due] = []
    before_start = now < starts_at
    if before_start and meeting.status == "scheduled":
        shared = _happened(meeting.plan_shared_at, now)
        if meeting.is_plan_discussion and not shared:
            lead = meeting.lead_hours or timings.default_lead_hours
            candidates.append(Due(SHARE_PLAN, starts_at - timedelta(hours=lead)))
            candidates.append(Due(SHARE_PLAN_FINAL, starts_at - timedelta(hours=timings.final_hours), True))
        if meeting.has_plan and shared and not _happened(meeting.plan_acknowledged_at, now):
            candidates.append(Due(CONFIRM_RECEIPT, starts_at - timedelta(hours=timings.confirm_receipt_hours)))
    if not meeting.logged:
        due = ends_at + timedelta(hours=timings.log_after_hours)
        if now < due + timedelta(days=timings.catch_up_days):
            candidates.append(Due(LOG_MEETING, due))
    return [c for c in candidates if c.due_at <= now]


def checkpoint_due_at(due_on: date, *, timings: Timings) -> datetime:
    return datetime.combine(due_on, time(timings.checkpoint_local_hour), tzinfo=timezone.get_default_timezone())


def checkpoint_reminders(*, due_on: date, status: str, now: datetime, timings: Timings) -> list[Due]:
    if status != "open":
        return []
    due = checkpoint_due_at(due_on, timings=timings)
    if due <= now < due + timedelta(days=timings.catch_up_days):
        return [Due(CHECKPOINT_DUE, due)]
    return []


def longest_lead_hours(timings: Timings, lead_hours: list[int]) -> int:
    """How far ahead the scan must look for meetings: the longest lead time in use."""
    return max([timings.default_lead_hours, timings.final_hours, timings.confirm_receipt_hours, *lead_hours])
