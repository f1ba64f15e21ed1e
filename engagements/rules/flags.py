"""The flag rules (docs/domain.md, Flag rules) as pure functions over plain facts.

Each rule returns the automatic flags that should be open now, keyed by (kind, subject).
engagements.services.flags turns that into rows: it raises what is new, updates what
changed, and closes what no longer holds, except the STICKY kinds, which record something
that happened and stay until a manager decides.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Thresholds:
    dissatisfied_at_most: int = 2
    monologue_over_minutes: int = 10
    complaints_count: int = 3
    complaints_days: int = 90
    checkpoint_overdue_days: int = 2
    not_logged_days: int = 3

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(**getattr(settings, "RAPPORT_FLAG_RULES", {}))


@dataclass(frozen=True)
class Wanted:
    """A flag that should be open. `facts` are what its sentence is written from, in the
    reader's language and time zone (engagements.flag_texts): numbers, codes, dates and
    times as ISO text (times in UTC), so that they are stored as JSON and compare equal."""

    kind: str
    subject: str
    severity: str
    facts: dict


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="minutes")


@dataclass(frozen=True)
class MeetingFacts:
    pk: int
    starts_at: datetime
    ends_at: datetime
    status: str
    is_plan_discussion: bool
    plan_shared_at: datetime | None
    log_satisfaction: int | None = None
    log_longest_monologue: int | None = None
    log_checked_in: bool | None = None

    @property
    def logged(self) -> bool:
        return self.log_satisfaction is not None


@dataclass(frozen=True)
class PlanFacts:
    pk: int
    version: int
    shared_at: datetime | None
    answer: str  # "", yes, partly, no
    adjustments: str = ""


@dataclass(frozen=True)
class CheckpointFacts:
    pk: int
    topic: str
    status: str
    due_on: date
    recorded_via: str
    plan_id: int | None


@dataclass(frozen=True)
class EngagementFacts:
    client_id: int
    is_open: bool
    underlying_need: str
    meetings: list[MeetingFacts] = field(default_factory=list)
    plans: list[PlanFacts] = field(default_factory=list)
    checkpoints: list[CheckpointFacts] = field(default_factory=list)
    decision_makers_left: list[tuple[int, str, date]] = field(default_factory=list)  # (contact id, name, left on)
    complaint_dates: list[date] = field(default_factory=list)
    started_on: date | None = None


STICKY = {"plan_not_shared", "stakeholder_change", "repeated_complaints"}


def plan_not_shared(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    return [
        Wanted(
            "plan_not_shared",
            f"meeting:{m.pk}",
            "high",
            {"starts_at": _utc(m.starts_at)},
        )
        for m in facts.meetings
        if m.is_plan_discussion
        and m.status != "cancelled"
        and m.starts_at <= now
        and (m.plan_shared_at is None or m.plan_shared_at > m.starts_at)
    ]


def client_answers(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    """The client's answer on the newest shared plan (an older version is superseded)."""
    shared = [p for p in facts.plans if p.shared_at is not None]
    if not shared:
        return []
    plan = max(shared, key=lambda p: p.version)
    if plan.answer == "no":
        return [
            Wanted(
                "misaligned",
                f"plan:{plan.pk}",
                "high",
                {"version": plan.version, "answer": "no", "adjustments": plan.adjustments.strip()},
            )
        ]
    if plan.answer == "partly":
        return [
            Wanted(
                "partly_met",
                f"plan:{plan.pk}",
                "medium",
                {"version": plan.version, "answer": "partly", "adjustments": plan.adjustments.strip()},
            )
        ]
    return []


def misaligned_checkpoints(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    # An answer through the client link is judged on the plan's answer (no / partly) instead.
    return [
        Wanted("misaligned", f"checkpoint:{c.pk}", "high", {"topic": c.topic})
        for c in facts.checkpoints
        if c.status == "misaligned" and c.recorded_via != "client_link"
    ]


def dissatisfied(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    return [
        Wanted(
            "dissatisfied",
            f"meeting:{m.pk}",
            "high",
            {"satisfaction": m.log_satisfaction, "starts_at": _utc(m.starts_at)},
        )
        for m in facts.meetings
        if m.logged and m.log_satisfaction <= t.dissatisfied_at_most
    ]


def stakeholder_change(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    if not facts.is_open:
        return []
    return [
        Wanted("stakeholder_change", f"contact:{pk}", "medium", {"name": name, "left_on": left_on.isoformat()})
        for pk, name, left_on in facts.decision_makers_left
        if facts.started_on is None or left_on >= facts.started_on  # a change during this engagement
    ]


def repeated_complaints(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    """Three complaints within 90 days, in the latest run of complaints (each within 90 days
    of the one before), while that run is recent. The subject names the run's first date,
    so the same run stays one flag and a new run after a quiet period is a new one."""
    dates, days = sorted(facts.complaint_dates), timedelta(days=t.complaints_days)
    if not dates or timezone.localtime(now).date() - dates[-1] > days:
        return []
    start = len(dates) - 1
    while start > 0 and dates[start] - dates[start - 1] <= days:
        start -= 1
    run = dates[start:]
    for i in range(len(run) - t.complaints_count + 1):
        window = run[i : i + t.complaints_count]
        if window[-1] - window[0] <= days:
            return [
                Wanted(
                    "repeated_complaints",
                    f"complaints:{run[0]}",
                    "medium",
                    {
                        "count": len(run),
                        "since": run[0].isoformat(),
                        "within": t.complaints_count,
                        "days": t.complaints_days,
                    },
                )
            ]
    return []


def overdue_checkpoints(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    today = timezone.localtime(now).date()
    return [
        Wanted("overdue_checkpoint", f"checkpoint:{c.pk}", "medium", {"topic": c.topic, "due_on": c.due_on.isoformat()})
        for c in facts.checkpoints
        if c.status == "open" and c.due_on <= today - timedelta(days=t.checkpoint_overdue_days)
    ]


def long_monologue(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    wanted = []
    for m in facts.meetings:
        if not m.logged:
            continue
        too_long = (m.log_longest_monologue or 0) > t.monologue_over_minutes
        if too_long or not m.log_checked_in:
            facts = {"starts_at": _utc(m.starts_at), "minutes": m.log_longest_monologue, "too_long": too_long}
            wanted.append(Wanted("long_monologue", f"meeting:{m.pk}", "low", facts))
    return wanted


def meeting_not_logged(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    return [
        Wanted("meeting_not_logged", f"meeting:{m.pk}", "low", {"starts_at": _utc(m.starts_at)})
        for m in facts.meetings
        if m.status != "cancelled" and not m.logged and m.ends_at + timedelta(days=t.not_logged_days) <= now
    ]


def intake_incomplete(facts: EngagementFacts, now: datetime, t: Thresholds) -> list[Wanted]:
    if facts.underlying_need.strip():
        return []
    shared = [p for p in facts.plans if p.shared_at is not None and p.shared_at <= now]
    if not shared:
        return []
    first = min(shared, key=lambda p: p.shared_at)
    return [
        Wanted(
            "intake_incomplete",
            f"plan:{first.pk}",
            "low",
            {"version": first.version},
        )
    ]


RULES = [
    plan_not_shared,
    client_answers,
    misaligned_checkpoints,
    dissatisfied,
    stakeholder_change,
    repeated_complaints,
    overdue_checkpoints,
    long_monologue,
    meeting_not_logged,
    intake_incomplete,
]


def wanted_flags(facts: EngagementFacts, *, now: datetime, thresholds: Thresholds) -> dict[tuple[str, str], Wanted]:
    """Every automatic flag that should be open for these facts at `now`."""
    return {(w.kind, w.subject): w for rule in RULES for w in rule(facts, now, thresholds)}
