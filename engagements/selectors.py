"""Reads of the engagement domain: each page's data in a fixed number of queries."""

from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.people import display_name

from . import client_profile
from .models import (
    Client,
    ClientContact,
    ClientProfile,
    Complaint,
    Engagement,
    EngagementChange,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    PlanAnswer,
    PlanShare,
)
from .policy import engagements_visible_to


def engagement_list_for_user(*, user) -> QuerySet[Engagement]:
    """The engagements a user may see, with what a list row shows, in one query."""
    return engagements_visible_to(user).select_related("client", "lead").order_by("-updated_at")


# --- the timeline ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # plan, share, answer, meeting, log, checkpoint, complaint, flag, engagement
    title: str
    detail: str = ""


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _engagement_change_title(change: EngagementChange) -> str:
    if change.what == EngagementChange.What.LEAD:
        return _("Lead advisor changed from %(before)s to %(after)s") % {"before": change.before, "after": change.after}
    if change.what == EngagementChange.What.STAGE:
        labels = dict(Engagement.Stage.choices)
        return _("Stage changed from %(before)s to %(after)s") % {
            "before": labels.get(change.before, change.before),
            "after": labels.get(change.after, change.after),
        }
    parts = []
    if change.after:
        parts.append(_("added %(names)s") % {"names": change.after})
    if change.before:
        parts.append(_("removed %(names)s") % {"names": change.before})
    return _("Members changed: %(changes)s") % {"changes": "; ".join(parts)}


def engagement_timeline(*, engagement: Engagement) -> list[TimelineEvent]:
    """Everything that happened in an engagement, newest first (one query per kind of event)."""
    events = [TimelineEvent(engagement.created_at, "engagement", _("Engagement opened"), engagement.title)]
    for kind_of_event in _TIMELINE_SOURCES:
        events += kind_of_event(engagement)
    return sorted(events, key=lambda e: e.at, reverse=True)


def _change_events(engagement: Engagement) -> list[TimelineEvent]:
    return [TimelineEvent(c.created_at, "change", _engagement_change_title(c)) for c in engagement.changes.all()]


def _plan_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(plan.created_at, "plan", _("Plan v%(v)s uploaded") % {"v": plan.version}, plan.title)
        for plan in engagement.plans.all()
    ]


def _share_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            share.shared_at,
            "share",
            _("Plan v%(v)s shared with %(name)s") % {"v": share.plan.version, "name": share.contact.name},
        )
        for share in PlanShare.objects.filter(plan__engagement=engagement).select_related("plan", "contact")
    ]


def _answer_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            answer.created_at,
            "answer",
            _("%(name)s answered on plan v%(v)s: %(answer)s")
            % {
                "name": answer.share.contact.name,
                "v": answer.plan.version,
                "answer": answer.get_matches_expectations_display(),
            },
            answer.adjustments,
        )
        for answer in PlanAnswer.objects.filter(plan__engagement=engagement).select_related("plan", "share__contact")
    ]


def _meeting_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            meeting.starts_at,
            "meeting",
            _("%(purpose)s meeting (%(status)s)")
            % {"purpose": meeting.get_purpose_display(), "status": meeting.get_status_display().lower()},
            meeting.location,
        )
        for meeting in engagement.meetings.all()
    ]


def _log_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            log.created_at, "log", _("Meeting logged: satisfaction %(s)s/5") % {"s": log.satisfaction}, log.summary
        )
        for log in MeetingLog.objects.filter(meeting__engagement=engagement).select_related("meeting")
    ]


def _checkpoint_events(engagement: Engagement) -> list[TimelineEvent]:
    events = []
    for checkpoint in engagement.checkpoints.all():
        events.append(
            TimelineEvent(
                checkpoint.created_at,
                "checkpoint",
                _("Checkpoint set: %(topic)s") % {"topic": checkpoint.get_topic_display()},
                checkpoint.question,
            )
        )
        if checkpoint.answered_at:
            events.append(
                TimelineEvent(
                    checkpoint.answered_at,
                    "checkpoint",
                    _("Checkpoint %(status)s via %(via)s")
                    % {
                        "status": checkpoint.get_status_display().lower(),
                        "via": checkpoint.get_recorded_via_display().lower(),
                    },
                    checkpoint.client_answer,
                )
            )
    return events


def _complaint_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            _day_start(complaint.received_on),
            "complaint",
            _("Complaint: %(c)s") % {"c": complaint.get_category_display()},
            complaint.description,
        )
        for complaint in Complaint.objects.filter(engagement=engagement)
    ]


def _flag_events(engagement: Engagement) -> list[TimelineEvent]:
    events = []
    for flag in engagement.flags.all():
        events.append(
            TimelineEvent(
                flag.created_at,
                "flag",
                _("Flag raised: %(kind)s (%(sev)s)")
                % {"kind": flag.get_kind_display(), "sev": flag.get_severity_display().lower()},
                flag.details,
            )
        )
        if flag.closed_at:
            events.append(
                TimelineEvent(
                    flag.closed_at,
                    "flag",
                    _("Flag %(status)s: %(kind)s")
                    % {"status": flag.get_status_display().lower(), "kind": flag.get_kind_display()},
                    flag.decision_note,
                )
            )
    return events


def _lesson_events(engagement: Engagement) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            taken.created_at,
            "lesson",
            _("%(name)s took a lesson into the intake") % {"name": display_name(taken.taken_by)},
            f"{taken.text} ({taken.origin})" if taken.origin else taken.text,
        )
        for taken in engagement.lessons_taken.all()  # the page prefetches them with taken_by
    ]


# One function per kind of event, one query each (the timeline's docstring).
_TIMELINE_SOURCES = (
    _change_events,
    _plan_events,
    _share_events,
    _answer_events,
    _meeting_events,
    _log_events,
    _checkpoint_events,
    _complaint_events,
    _flag_events,
    _lesson_events,
)


# --- one selector per page: what the page shows, as one dataclass ---------------------------------
@dataclass(frozen=True)
class EngagementPage:
    """engagements/engagement_detail.html (without the intake's lessons panel: see views)."""

    engagement: Engagement
    members: QuerySet
    plans: list
    latest_answers: QuerySet[PlanAnswer]
    meetings: QuerySet[Meeting]
    checkpoints: QuerySet[ExpectationCheckpoint]
    open_flags: QuerySet[Flag]
    complaints: QuerySet[Complaint]
    timeline: list[TimelineEvent]
    now: datetime


def engagement_page(*, engagement: Engagement, now: datetime | None = None) -> EngagementPage:
    """An engagement's page: intake, plans (with shares and answers), meetings, checkpoints,
    open flags, complaints and the timeline, each in one query."""
    return EngagementPage(
        engagement=engagement,
        members=engagement.members.all(),
        plans=list(engagement.plans.prefetch_related("shares__contact")),
        latest_answers=PlanAnswer.objects.filter(plan__engagement=engagement).select_related("share__contact", "plan")[
            :5
        ],
        meetings=engagement.meetings.select_related("plan", "log").order_by("-starts_at"),
        checkpoints=engagement.checkpoints.select_related("plan"),
        open_flags=engagement.flags.filter(status__in=Flag.OPEN_STATUSES),
        complaints=engagement.complaints.all(),
        timeline=engagement_timeline(engagement=engagement),
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class ClientPage:
    """engagements/client_detail.html."""

    client: Client
    contacts: QuerySet[ClientContact]
    engagements: QuerySet[Engagement]
    complaints: QuerySet[Complaint]
    comparison: "ProfileComparison | None"


def client_page(*, client: Client, user) -> ClientPage:
    """A client's page as `user` may see it: contacts (and who replaced whom), the engagements
    the user may see, the complaints (one about an engagement follows that engagement's
    visibility), and how the client compares with the firm's profile."""
    visible = engagements_visible_to(user)
    return ClientPage(
        client=client,
        contacts=client.contacts.select_related("replaced_by").order_by("left_on", "name"),
        engagements=visible.filter(client=client).select_related("lead"),
        complaints=client.complaints.filter(Q(engagement__isnull=True) | Q(engagement__in=visible)).select_related(
            "engagement", "recorded_by"
        ),
        comparison=client_comparison(client=client),
    )


def page_context(page) -> dict:
    """A page dataclass as a template context, one name a field (not deep-copied)."""
    return {field.name: getattr(page, field.name) for field in fields(page)}


# --- "My week" ----------------------------------------------------------------------------------
def meetings_of_advisor(user) -> QuerySet[Meeting]:
    """Meetings of engagements the user leads or belongs to, or that the user attends, and
    always only of engagements the policy lets the user see."""
    member_of = Engagement.members.through.objects.filter(user=user).values("engagement")
    attends = Meeting.advisor_attendees.through.objects.filter(user=user).values("meeting")
    return (
        Meeting.objects.filter(Q(engagement__lead=user) | Q(engagement__in=member_of) | Q(pk__in=attends))
        .filter(engagement__in=engagements_visible_to(user))
        .select_related("engagement__client", "plan")
    )


@dataclass(frozen=True)
class Readiness:
    meeting: Meeting
    plan_shared: bool
    hours_shared_ahead: int | None
    acknowledged: bool
    answer: str
    open_checkpoints: int

    @property
    def needs_plan(self) -> bool:
        return self.meeting.purpose == Meeting.Purpose.PLAN_DISCUSSION

    @property
    def ready(self) -> bool:
        if self.needs_plan and not (self.plan_shared and self.acknowledged):
            return False
        return self.open_checkpoints == 0 and self.answer in ("", "yes")


@dataclass(frozen=True)
class MyWeek:
    """engagements/my_week.html."""

    readiness: list[Readiness]
    waiting_for_log: list[Meeting]
    flags: list[Flag]


def my_week(*, user, now: datetime | None = None) -> MyWeek:
    """An advisor's week: the next 7 days' meetings with their readiness, the meetings
    waiting for a log, and the open flags of the engagements the user leads or is on."""
    now = now or timezone.now()
    open_checkpoints = (
        ExpectationCheckpoint.objects.filter(engagement=OuterRef("engagement"), status="open")
        .values("engagement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    upcoming = (
        meetings_of_advisor(user)
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now, starts_at__lt=now + timedelta(days=7))
        .annotate(open_checkpoints=Coalesce(Subquery(open_checkpoints), Value(0)))
        .order_by("starts_at")
    )
    readiness = []
    for meeting in upcoming:
        plan = meeting.plan
        shared_at = plan.shared_at if plan else None
        readiness.append(
            Readiness(
                meeting=meeting,
                plan_shared=shared_at is not None,
                hours_shared_ahead=int((meeting.starts_at - shared_at).total_seconds() // 3600) if shared_at else None,
                acknowledged=bool(plan and plan.acknowledged_at),
                answer=plan.matches_expectations if plan else "",
                open_checkpoints=meeting.open_checkpoints,
            )
        )
    waiting_for_log = (
        meetings_of_advisor(user)
        .filter(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD], starts_at__lt=now, log__isnull=True)
        .order_by("starts_at")
    )
    waiting_for_log = [m for m in waiting_for_log if m.ends_at <= now]
    member_of = Engagement.members.through.objects.filter(user=user).values("engagement")
    flags = (
        Flag.objects.filter(status__in=Flag.OPEN_STATUSES)
        .filter(Q(engagement__lead=user) | Q(engagement__in=member_of))
        .select_related("engagement")
        .order_by("-created_at")
    )
    return MyWeek(readiness=readiness, waiting_for_log=waiting_for_log, flags=list(flags))


def meeting_brief(*, meeting: Meeting) -> dict:
    """What an advisor should know walking in: the client's answer to the plan, the open
    checkpoints, contacts new since the last meeting, and that meeting's next steps and lesson."""
    engagement = meeting.engagement
    previous = (
        Meeting.objects.filter(engagement=engagement, starts_at__lt=meeting.starts_at, status=Meeting.Status.HELD)
        .select_related("log")
        .order_by("-starts_at")
        .first()
    )
    previous_log = getattr(previous, "log", None) if previous else None
    new_contacts = (
        ClientContact.objects.filter(
            client_id=engagement.client_id, left_on__isnull=True, created_at__gt=previous.starts_at
        )
        if previous
        else ClientContact.objects.none()
    )
    return {
        "plan": meeting.plan,
        "open_checkpoints": list(engagement.checkpoints.filter(status=ExpectationCheckpoint.Status.OPEN)),
        "new_contacts": list(new_contacts),
        "previous": previous,
        "previous_log": previous_log,
    }


# --- an engagement's lesson, for a case study (read by casestudies, never the reverse) -----------
@dataclass(frozen=True)
class EngagementLesson:
    """What a case study written from an engagement starts from, and what identifies the
    client (the anonymisation check refuses a text that still names any of it)."""

    engagement_id: int
    title: str
    sector: str
    stated_request: str
    underlying_need: str
    desired_outcomes: str
    boundaries: str
    advisor_role: str
    lessons: tuple[str, ...]  # the meeting logs' "lesson learned", oldest first
    flag_kinds: tuple[str, ...]  # the kinds of flag the engagement had, as labels
    client_names: tuple[str, ...]
    contact_names: tuple[str, ...]
    contact_roles: tuple[str, ...]  # beside contact_names, "" where none was recorded
    emails: tuple[str, ...]


def engagement_lesson(*, engagement_id: int, user=None) -> EngagementLesson | None:
    """The lesson of one engagement, or None when it does not exist or `user` (when given)
    may not see it. Four queries, whatever the engagement's size."""
    engagements = Engagement.objects.all() if user is None else engagements_visible_to(user)
    engagement = engagements.select_related("client").filter(pk=engagement_id).first()
    if engagement is None:
        return None
    contacts = list(ClientContact.objects.filter(client_id=engagement.client_id).order_by("pk"))
    lessons = tuple(
        MeetingLog.objects.filter(meeting__engagement=engagement)
        .exclude(lesson_learned="")
        .order_by("meeting__starts_at")
        .values_list("lesson_learned", flat=True)
    )
    kinds = dict(Flag.Kind.choices)
    seen = Flag.objects.filter(engagement=engagement).order_by("created_at").values_list("kind", flat=True)
    return EngagementLesson(
        engagement_id=engagement.pk,
        title=engagement.title,
        sector=engagement.client.sector,
        stated_request=engagement.stated_request,
        underlying_need=engagement.underlying_need,
        desired_outcomes=engagement.desired_outcomes,
        boundaries=engagement.boundaries,
        advisor_role=engagement.get_advisor_role_display() if engagement.advisor_role else "",
        lessons=lessons,
        flag_kinds=tuple(str(kinds.get(kind, kind)) for kind in dict.fromkeys(seen)),
        client_names=(engagement.client.name,),
        contact_names=tuple(contact.name for contact in contacts),
        contact_roles=tuple(contact.role for contact in contacts),
        emails=tuple(contact.email for contact in contacts if contact.email),
    )


def engagement_id_led_by(*, lead, title: str) -> int | None:
    """The engagement `lead` leads under this title (the community's demo finds its source so)."""
    return Engagement.objects.filter(lead=lead, title=title).values_list("pk", flat=True).first()


# --- the firm's client profile ---------------------------------------------------------------------
def firm_client_profile() -> ClientProfile:
    """The firm's profile: the stored one, or an empty one (unsaved) before a manager wrote it."""
    return ClientProfile.objects.filter(key="firm").select_related("updated_by").first() or ClientProfile()


def profile_rules(profile: ClientProfile) -> client_profile.Profile:
    return client_profile.Profile(
        fitting_sectors=client_profile.sectors_from_lines(profile.fitting_sectors),
        excluded_sectors=client_profile.sectors_from_lines(profile.excluded_sectors),
        sizes=frozenset(profile.sizes),
        warning_categories=frozenset(profile.warning_complaint_categories),
        warning_count=profile.warning_complaint_count,
        warning_window_days=profile.warning_window_days,
    )


@dataclass(frozen=True)
class ProfileComparison:
    """A comparison with its words, ready for a page."""

    verdict: str
    label: str
    reasons: tuple[tuple[str, str], ...]  # (verdict, text), the worst first

    @property
    def outside(self) -> bool:
        return self.verdict == client_profile.OUTSIDE


def _worded(comparison: client_profile.Comparison | None) -> ProfileComparison | None:
    if comparison is None:
        return None
    sizes, categories = dict(Client.Size.choices), dict(Complaint.Category.choices)
    return ProfileComparison(
        verdict=comparison.verdict,
        label=client_profile.verdict_label(comparison.verdict),
        reasons=tuple(
            (reason.verdict, client_profile.reason_text(reason, size_labels=sizes, category_labels=categories))
            for reason in comparison.reasons
        ),
    )


def client_comparison(
    *, client: Client, profile: ClientProfile | None = None, today=None, **typed
) -> ProfileComparison | None:
    """How a client compares with the firm's profile (three queries: the profile, the
    client's complaints, its latest "part ways" decision). `typed` (sector, size, fit) stands
    in for the saved values: what the edit form would make of the client, history included."""
    complaints = tuple(Complaint.objects.filter(client=client).values_list("received_on", "category"))
    parted = (
        Flag.objects.filter(engagement__client=client, decision=Flag.Decision.PART_WAYS)
        .order_by("-closed_at")
        .values_list("closed_at", "updated_at")
        .first()
    )
    parted_on = timezone.localdate(parted[0] or parted[1]) if parted else None
    facts = client_profile.ClientFacts(
        sector=typed.get("sector", client.sector),
        size=typed.get("size", client.size),
        fit=typed.get("fit") or client.fit,
        complaints=complaints,
        parted_ways_on=parted_on,
    )
    return _compared(facts, profile=profile, today=today)


def new_client_comparison(*, sector: str, size: str, fit: str, today=None) -> ProfileComparison | None:
    """How a client not saved yet would compare (no complaints or decisions yet)."""
    return _compared(client_profile.ClientFacts(sector=sector, size=size, fit=fit or Client.Fit.GOOD), today=today)


def _compared(facts: client_profile.ClientFacts, *, profile=None, today=None) -> ProfileComparison | None:
    profile = profile or firm_client_profile()
    return _worded(client_profile.compare(profile_rules(profile), facts, today=today or timezone.localdate()))
