"""The team dashboard of a manager (issue 11): per advisor the readiness rate, meetings held,
the average satisfaction and the open flags; flags raised per week by kind; the open
engagements by stage and health; the decisions taken. Over a period: 4 weeks, a quarter
(13 weeks) or a year (52 weeks), each ending with the current week.

Every number is one aggregate query over the team, whatever the number of engagements,
meetings or flags (a test holds it to a bound). The charts are server-rendered SVG drawn
from the same numbers as the tables beside them (templates/engagements/dashboard.html).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import roles
from core.people import display_name

from . import policy
from .models import Engagement, Flag, Health, Meeting

PERIODS = {"4w": (4, _("4 weeks")), "quarter": (13, _("Quarter")), "year": (52, _("Year"))}
DEFAULT_PERIOD = "4w"

# One colour a flag kind, dark enough against white for a chart's marks (3:1, WCAG 1.4.11).
KIND_COLOURS = {
    Flag.Kind.PLAN_NOT_SHARED: "#b3261e",
    Flag.Kind.MISALIGNED: "#7b1fa2",
    Flag.Kind.PARTLY_MET: "#ad5700",
    Flag.Kind.DISSATISFIED: "#c2185b",
    Flag.Kind.STAKEHOLDER_CHANGE: "#00695c",
    Flag.Kind.REPEATED_COMPLAINTS: "#5d4037",
    Flag.Kind.OVERDUE_CHECKPOINT: "#1565c0",
    Flag.Kind.LONG_MONOLOGUE: "#546e7a",
    Flag.Kind.MEETING_NOT_LOGGED: "#2e7d32",
    Flag.Kind.INTAKE_INCOMPLETE: "#4527a0",
    Flag.Kind.MANUAL: "#37474f",
}
HEALTH_COLOURS = {"green": "#2e7d32", "amber": "#b26a00", "red": "#c62828"}


@dataclass(frozen=True)
class AdvisorRow:
    name: str
    ready: int
    plan_meetings: int  # plan discussions in the period: the readiness rate's base
    held: int
    satisfaction: float | None
    open_flags: int

    @property
    def readiness(self) -> int | None:
        """Per cent, or None without a plan discussion in the period."""
        return round(100 * self.ready / self.plan_meetings) if self.plan_meetings else None


@dataclass(frozen=True)
class Bar:
    """One mark of a chart: where it is drawn (SVG units) and what it stands for."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    value: int


@dataclass(frozen=True)
class WeekColumn:
    monday: datetime
    counts: dict  # kind -> flags raised that week
    cells: list[int]  # the counts in the order of Dashboard.kinds (the table's row)
    bars: list[Bar] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    counts: dict  # health -> engagements
    cells: list[int]  # the counts in the order of Dashboard.healths (the table's row)
    bars: list[Bar] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DecisionRow:
    label: str
    count: int
    width: float  # per cent of the largest


@dataclass(frozen=True)
class Dashboard:
    period: str
    periods: list[tuple[str, str]]
    start: datetime
    end: datetime
    advisors: list[AdvisorRow]
    team_readiness: int | None
    weeks: list[WeekColumn]
    kinds: list[tuple[str, str, str]]  # (value, label, colour) of the kinds raised in the period
    week_chart_max: int
    stages: list[StageRow]
    healths: list[tuple[str, str, str]]  # (value, label, colour)
    decisions: list[DecisionRow]
    decisions_total: int


def period_bounds(period: str, now: datetime | None = None) -> tuple[datetime, datetime, int]:
    """(start, end, weeks): from the Monday 00:00 (Europe/Amsterdam) `weeks` weeks back, the
    current week included, until now."""
    weeks = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])[0]
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return start, now, weeks


def team_advisors(user):
    """The advisors whose numbers the user reads: a manager's team (themselves included),
    for a superuser every advisor with a team."""
    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[roles.CONSULTANT, roles.MANAGER], advisor_profile__team__isnull=False
    )
    if not user.is_superuser:
        users = users.filter(advisor_profile__team_id=user.advisor_profile.team_id)
    return list(users.distinct().order_by("first_name", "last_name", "username"))


READY_HOURS = 48  # a plan shared this long before the meeting, and acknowledged before it starts


def readiness_by_advisor(advisor_ids, start, end) -> dict[int, tuple[int, int]]:
    """{lead: (ready, plan discussions)} of the plan discussions starting in [start, end),
    cancelled ones left out: one query."""
    counted = (
        Meeting.objects.filter(
            engagement__lead_id__in=advisor_ids,
            purpose=Meeting.Purpose.PLAN_DISCUSSION,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .values("engagement__lead_id")
        .annotate(
            total=Count("pk"),
            ready=Count(
                "pk",
                filter=Q(plan__shared_at__lte=F("starts_at") - timedelta(hours=READY_HOURS))
                & Q(plan__acknowledged_at__lt=F("starts_at")),
            ),
        )
        .order_by()
    )
    return {row["engagement__lead_id"]: (row["ready"], row["total"]) for row in counted}


def _advisor_rows(advisors, start, end) -> list[AdvisorRow]:
    ids = [a.pk for a in advisors]
    readiness = readiness_by_advisor(ids, start, end)
    meetings = {
        row["engagement__lead_id"]: row
        for row in Meeting.objects.filter(engagement__lead_id__in=ids, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Meeting.Status.CANCELLED)
        .values("engagement__lead_id")
        .annotate(held=Count("pk"), satisfaction=Avg("log__satisfaction"))
        .order_by()
    }
    flags = dict(
        Flag.objects.filter(engagement__lead_id__in=ids, status__in=Flag.OPEN_STATUSES)
        .values("engagement__lead_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("engagement__lead_id", "n")
    )
    rows = []
    for advisor in advisors:
        ready, total = readiness.get(advisor.pk, (0, 0))
        met = meetings.get(advisor.pk, {})
        satisfaction = met.get("satisfaction")
        rows.append(
            AdvisorRow(
                name=display_name(advisor),
                ready=ready,
                plan_meetings=total,
                held=met.get("held", 0),
                satisfaction=round(satisfaction, 1) if satisfaction is not None else None,
                open_flags=flags.get(advisor.pk, 0),
            )
        )
    return rows


# The flags-per-week chart: its drawing area in SVG units.
WEEK_CHART_WIDTH, WEEK_CHART_HEIGHT = 640, 200


def _weeks(engagements, start, weeks: int) -> tuple[list[WeekColumn], list[tuple[str, str, str]], int]:
    counted = (
        Flag.objects.filter(engagement__in=engagements, created_at__gte=start)
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    first = timezone.localtime(start).date()
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    grid = {monday: {} for monday in mondays}
    for row in counted:
        week = timezone.localtime(row["week"]).date() if isinstance(row["week"], datetime) else row["week"]
        if week in grid:
            grid[week][row["kind"]] = grid[week].get(row["kind"], 0) + row["n"]
    labels = dict(Flag.Kind.choices)
    raised = [kind for kind in Flag.Kind.values if any(kind in counts for counts in grid.values())]
    kinds = [(kind, str(labels[kind]), KIND_COLOURS[kind]) for kind in raised]
    top = max([sum(c.values()) for c in grid.values()] + [1])
    slot = WEEK_CHART_WIDTH / weeks
    columns = []
    for i, monday in enumerate(mondays):
        counts, bars, y = grid[monday], [], float(WEEK_CHART_HEIGHT)
        for kind, label, colour in kinds:
            n = counts.get(kind, 0)
            if n:
                height = WEEK_CHART_HEIGHT * n / top
                y -= height
                bars.append(Bar(i * slot + slot * 0.15, y, slot * 0.7, height, colour, label, n))
        columns.append(WeekColumn(monday, counts, [counts.get(kind, 0) for kind, _l, _c in kinds], bars))
    return columns, kinds, top


STAGE_CHART_WIDTH = 400


def _stages(engagements) -> tuple[list[StageRow], list[tuple[str, str, str]]]:
    counted = engagements.exclude(stage__in=Engagement.ENDED_STAGES).values("stage", "health").annotate(n=Count("pk"))
    grid: dict[str, dict] = {}
    for row in counted.order_by():
        grid.setdefault(row["stage"], {})[row["health"]] = row["n"]
    top = max([sum(c.values()) for c in grid.values()] + [1])
    healths = [(value, str(label), HEALTH_COLOURS[value]) for value, label in Health.choices]
    rows = []
    for stage, label in Engagement.Stage.choices:
        if stage in Engagement.ENDED_STAGES:
            continue
        counts, bars, x = grid.get(stage, {}), [], 0.0
        for health, health_label, colour in healths:
            n = counts.get(health, 0)
            if n:
                width = STAGE_CHART_WIDTH * n / top
                bars.append(Bar(x, 0, width, 20, colour, health_label, n))
                x += width
        rows.append(StageRow(stage, str(label), counts, [counts.get(h, 0) for h, _l, _c in healths], bars))
    return rows, healths


def _decisions(engagements, start, end) -> tuple[list[DecisionRow], int]:
    counted = dict(
        Flag.objects.filter(engagement__in=engagements, closed_at__gte=start, closed_at__lt=end)
        .filter(~Q(decision=""))
        .values("decision")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("decision", "n")
    )
    top = max([*counted.values(), 1])
    rows = [
        DecisionRow(str(label), counted.get(value, 0), 100 * counted.get(value, 0) / top)
        for value, label in Flag.Decision.choices
    ]
    return rows, sum(counted.values())


def team_dashboard(*, user, period: str = DEFAULT_PERIOD, now: datetime | None = None) -> Dashboard:
    period = period if period in PERIODS else DEFAULT_PERIOD
    start, end, weeks = period_bounds(period, now)
    engagements = policy.engagements_visible_to(user)
    advisors = _advisor_rows(team_advisors(user), start, end)
    ready, planned = sum(a.ready for a in advisors), sum(a.plan_meetings for a in advisors)
    columns, kinds, top = _weeks(engagements, start, weeks)
    stages, healths = _stages(engagements)
    decisions, decided = _decisions(engagements, start, end)
    return Dashboard(
        period=period,
        periods=[(key, str(label)) for key, (_weeks_, label) in PERIODS.items()],
        start=start,
        end=end,
        advisors=advisors,
        team_readiness=round(100 * ready / planned) if planned else None,
        weeks=columns,
        kinds=kinds,
        week_chart_max=top,
        stages=stages,
        healths=healths,
        decisions=decisions,
        decisions_total=decided,
    )
