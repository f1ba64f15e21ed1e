"""What a manager reads in the fit review of a client (issue 11): the complaints by category
over the months, every engagement of the client with its flags, the flags that asked for
the review, and how the client's fit changed. Reads only (the write is services.fit);
access goes through engagements.policy."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import policy
from .models import Client, Complaint, Engagement, Flag
from .review_queue import HistoryRow

MONTHS_SHOWN = 6  # the complaints table: this month and the five before it (older ones: "earlier")


@dataclass(frozen=True)
class CategoryRow:
    label: str
    counts: list[int]  # one a month, the oldest first
    earlier: int  # before the first month shown
    total: int


@dataclass(frozen=True)
class FitReviewPage:
    client: Client
    months: list[date]  # the first day of each month shown, the oldest first
    categories: list[CategoryRow]
    month_totals: list[int]
    complaints: list[Complaint]
    engagements: list[Engagement]  # with .flags_shown, the newest first
    open_engagements: int  # what "part ways" closes
    review_flags: list[Flag]  # the open "repeated complaints" flags
    history: list[HistoryRow]


def _months(today: date, count: int) -> list[date]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _visible_complaints(client: Client, user):
    """As on the client's page: a complaint about an engagement follows its visibility."""
    visible = policy.engagements_visible_to(user)
    return Complaint.objects.filter(Q(engagement__isnull=True) | Q(engagement__in=visible), client=client)


def complaints_by_category(client: Client, user, *, today: date | None = None):
    """(months, rows, totals a month): one query, grouped by category and month (in Europe/Amsterdam)."""
    months = _months(today or timezone.localdate(), MONTHS_SHOWN)
    counted = (
        _visible_complaints(client, user)
        .annotate(month=TruncMonth("received_on"))
        .values("category", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    index = {month: i for i, month in enumerate(months)}
    grid: dict[str, list[int]] = {}
    earlier: dict[str, int] = {}
    for row in counted:
        counts = grid.setdefault(row["category"], [0] * len(months))
        position = index.get(row["month"])
        if position is None:  # before the first month shown (or, mistyped, in the future)
            earlier[row["category"]] = earlier.get(row["category"], 0) + row["n"]
        else:
            counts[position] += row["n"]
    labels = dict(Complaint.Category.choices)
    rows = [
        CategoryRow(str(labels[value]), grid[value], earlier.get(value, 0), sum(grid[value]) + earlier.get(value, 0))
        for value in Complaint.Category.values
        if value in grid
    ]
    totals = [sum(row.counts[i] for row in rows) for i in range(len(months))]
    return months, rows, totals


def fit_history(client: Client) -> list[HistoryRow]:
    """Each change of the client's fit or its reason, the newest first."""
    records = list(client.history.select_related("history_user").order_by("-history_date", "-history_id"))
    labels = dict(Client.Fit.choices)
    rows = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None:
            changes = [("fit", "", str(labels.get(record.fit, record.fit)))]
        else:
            diff = record.diff_against(older, included_fields=["fit", "fit_reason"]).changes
            changes = [
                (c.field, str(labels.get(c.old, c.old)), str(labels.get(c.new, c.new)))
                if c.field == "fit"
                else (c.field, c.old or "", c.new or "")
                for c in diff
            ]
            if not changes:
                continue
        rows.append(HistoryRow(record.history_date, record.history_user, record.history_change_reason or "", changes))
    return rows


def fit_review_flags(client: Client):
    """The client's open flags that ask for a fit review."""
    return (
        Flag.objects.filter(
            engagement__client=client,
            kind=Flag.Kind.REPEATED_COMPLAINTS,
            status__in=[Flag.Status.OPEN, Flag.Status.IN_REVIEW],
        )
        .select_related("engagement__lead__advisor_profile")
        .order_by("pk")
    )


def fit_review_page(*, client: Client, user, today: date | None = None) -> FitReviewPage:
    months, categories, totals = complaints_by_category(client, user, today=today)
    complaints = list(
        _visible_complaints(client, user).select_related("engagement", "recorded_by").order_by("-received_on", "-pk")
    )
    flags = Flag.objects.select_related("decided_by").order_by("-created_at", "-pk")
    engagements = list(
        policy.engagements_visible_to(user)
        .filter(client=client)
        .select_related("lead")
        .prefetch_related(Prefetch("flags", queryset=flags, to_attr="flags_shown"))
        .order_by("-created_at", "-pk")
    )
    return FitReviewPage(
        client=client,
        months=months,
        categories=categories,
        month_totals=totals,
        complaints=complaints,
        engagements=engagements,
        open_engagements=sum(e.stage not in Engagement.ENDED_STAGES for e in engagements),
        review_flags=list(fit_review_flags(client).filter(engagement__in=policy.engagements_visible_to(user))),
        history=fit_history(client),
    )
