"""What a manager reads to decide on flags: the review queue, a flag's page, the count in the
menu, and whom a decision may make lead. Reads only (the writes are services.review and
services.decisions); access goes through engagements.policy."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from advisors import roles
from advisors.models import AdvisorProfile
from core.people import display_name

from . import policy
from .models import (
    Client,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    FlagResponse,
    Meeting,
    PlanAnswer,
)

QUEUE_PER_PAGE = 25
MEETING_LOGS_SHOWN = 3  # the last logs on a flag's page
COMPLAINTS_SHOWN = 10
COUNT_SECONDS = 300  # the menu's count, kept per user until a flag changes (signals.py)
_COUNT_VERSION = "review:flag-count-version"

SEVERITY_RANK = Case(
    When(severity=Flag.Severity.HIGH, then=Value(3)),
    When(severity=Flag.Severity.MEDIUM, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


def review_queue(*, user) -> QuerySet[Flag]:
    """The open and in-review flags a reviewer decides on: the most severe first, then the
    oldest. With what a row shows (engagement, client, lead, reviewer) in the same query."""
    return (
        policy.flags_to_review(user)
        .filter(status__in=Flag.OPEN_STATUSES)
        .select_related("engagement__client", "engagement__lead", "reviewer")
        .annotate(severity_rank=SEVERITY_RANK)
        .order_by("-severity_rank", "created_at", "pk")
    )


def flag_counts_changed() -> None:
    """A flag was raised, taken, decided or cleared: every menu counts again."""
    try:
        cache.incr(_COUNT_VERSION)
    except ValueError:
        cache.set(_COUNT_VERSION, 1, None)


def open_flag_count(*, user) -> int | None:
    """How many flags wait in the user's queue (open, not yet in review); None for a user
    without one. Kept in the cache until a flag changes: every page's menu shows it."""
    if not policy.reviews_flags(user):
        return None
    version = cache.get(_COUNT_VERSION, 0)
    key = f"review:open-flags:{user.pk}:{version}"
    count = cache.get(key)
    if count is None:
        count = policy.flags_to_review(user).filter(status=Flag.Status.OPEN).count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def senior_advisors_for(engagement: Engagement) -> list:
    """Whom "assign a senior advisor" may make lead: the active senior and principal advisors
    of the lead's team, the lead excepted."""
    team_id = AdvisorProfile.objects.filter(user_id=engagement.lead_id).values_list("team_id", flat=True).first()
    if team_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name__in=[roles.CONSULTANT, roles.MANAGER],
            advisor_profile__team_id=team_id,
            advisor_profile__seniority__in=[AdvisorProfile.Seniority.SENIOR, AdvisorProfile.Seniority.PRINCIPAL],
        )
        .exclude(pk=engagement.lead_id)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class HistoryRow:
    at: object
    who: object  # a user, or None (the rules)
    reason: str
    changes: list[tuple[str, str, str]]  # (field's name, before, after)


@dataclass(frozen=True)
class FlagPage:
    """Everything a manager reads to decide on one flag, without clicking around."""

    flag: Flag
    engagement: Engagement
    plan: DraftPlan | None  # the latest version, with its answers
    checkpoints: list[ExpectationCheckpoint]  # open and misaligned
    meetings: list[Meeting]  # the last ones with a log
    complaints: list[Complaint]
    complaint_count: int
    other_flags: list[Flag]
    responses: list[FlagResponse]
    history: list[HistoryRow]
    can_decide: bool
    can_respond: bool
    seniors: list


_HISTORY_FIELDS = {"status": Flag.Status, "decision": Flag.Decision, "severity": Flag.Severity}


def _label(field: str, value) -> str:
    choices = _HISTORY_FIELDS.get(field)
    if choices is not None and value:
        return str(dict(choices.choices).get(value, value))
    return "" if value is None else str(value)


def flag_history(flag: Flag) -> list[HistoryRow]:
    """Each change of the flag, the newest first: who, when, why, and what it changed."""
    records = list(flag.history.select_related("history_user").order_by("-history_date", "-history_id"))
    rows = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in record.diff_against(
                older, included_fields=["status", "decision", "severity", "decision_note"]
            ).changes:
                changes.append((change.field, _label(change.field, change.old), _label(change.field, change.new)))
        rows.append(HistoryRow(record.history_date, record.history_user, record.history_change_reason or "", changes))
    return rows


def flag_page(*, flag: Flag, user) -> FlagPage:
    engagement = flag.engagement
    plan = engagement.plans.order_by("-version").prefetch_related(Prefetch("answers", queryset=_answers())).first()
    checkpoints = list(
        engagement.checkpoints.filter(
            status__in=[ExpectationCheckpoint.Status.OPEN, ExpectationCheckpoint.Status.MISALIGNED]
        ).order_by("due_on", "pk")
    )
    meetings = list(
        engagement.meetings.filter(log__isnull=False).select_related("log").order_by("-starts_at")[:MEETING_LOGS_SHOWN]
    )
    complaints = Complaint.objects.filter(client_id=engagement.client_id).order_by("-received_on", "-pk")
    shown = list(complaints[:COMPLAINTS_SHOWN])
    others = list(engagement.flags.exclude(pk=flag.pk).select_related("decided_by").order_by("-created_at")[:20])
    responses = list(flag.responses.select_related("author"))
    can_decide = policy.can_decide_flag(user, flag)
    return FlagPage(
        flag=flag,
        engagement=engagement,
        plan=plan,
        checkpoints=checkpoints,
        meetings=meetings,
        complaints=shown,
        complaint_count=len(shown) if len(shown) < COMPLAINTS_SHOWN else complaints.count(),
        other_flags=others,
        responses=responses,
        history=flag_history(flag),
        can_decide=can_decide,
        can_respond=policy.can_respond_to_flag(user, flag),
        seniors=senior_advisors_for(engagement) if can_decide and flag.is_open else [],
    )


def _answers():
    return PlanAnswer.objects.select_related("share__contact").order_by("-created_at")


def queue_choices(queue: QuerySet[Flag]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The advisors (leads) and clients of the flags in a queue, as (pk, name) choices for
    its filters: two small queries, whatever the queue's length."""
    users = (
        get_user_model()
        .objects.filter(pk__in=queue.values("engagement__lead_id"))
        .order_by("first_name", "last_name", "username")
    )
    advisors = [(u.pk, display_name(u)) for u in users.only("pk", "first_name", "last_name", "username")]
    clients = list(
        Client.objects.filter(pk__in=queue.values("engagement__client_id")).order_by("name").values_list("pk", "name")
    )
    return advisors, clients
