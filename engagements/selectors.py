"""Reads of the engagement domain: each page's data in a fixed number of queries."""

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta
from operator import itemgetter
from uuid import uuid4

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.frozen import Param, frozen
from core.lookups import IdList
from core.people import display_name, display_name_of
from core.reversing import url_for_pk

from . import client_profile, flag_texts
from .models import (
    Client,
    ClientContact,
    ClientProfile,
    Complaint,
    DraftPlan,
    Engagement,
    EngagementChange,
    ExpectationCheckpoint,
    Flag,
    LessonTaken,
    Meeting,
    MeetingLog,
    PlanAnswer,
    PlanShare,
)
from .policy import (
    advisors_on_visible_engagements,
    clients_visible_to,
    engagements_visible_to,
    sees_beyond_own_engagements,
    visibility_shape,
)


def engagement_list_for_user(*, user, params: bool = False) -> QuerySet[Engagement]:
    """The engagements a user may see, with what a list row shows, in one query. `params`:
    with the policy's Params for the user's ids (a frozen queryset, core.frozen)."""
    return engagements_visible_to(user, params=params).select_related("client", "lead").order_by("-updated_at")


# --- the timeline ------------------------------------------------------------------------------
TIMELINE_STEP = 30  # events a step of the timeline shows; "Show more" loads the next step
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST_MICROS = (datetime(9000, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)  # no cursor beyond


@dataclass(frozen=True, order=True)
class TimelineCursor:
    """A place in the timeline. Events come newest first; those of one moment by their source's
    name, then by pk (both descending), so every event has a place of its own and a step can
    begin just after any of them. As text (str, parse): microseconds since 1970, the source's
    name and the pk, e.g. "1781510400000000.meeting.42"."""

    at: datetime
    source: str
    pk: int

    def __str__(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.source}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "TimelineCursor":
        """The cursor that str() wrote; ValueError for anything else."""
        micros, source, pk = text.split(".")
        if not (micros.isdigit() and pk.isdigit() and len(pk) < 19 and source in _SOURCE_NAMES):
            raise ValueError(text)
        if int(micros) >= _LATEST_MICROS:
            raise ValueError(text)
        return cls(_EPOCH + timedelta(microseconds=int(micros)), source, int(pk))


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # plan, share, answer, meeting, log, checkpoint, complaint, flag, change, lesson, engagement
    title: str
    detail: str = ""
    source: str = ""  # the name of the source it came from (_TIMELINE_SOURCES)
    pk: int = 0  # of the row it came from

    @property
    def place(self) -> TimelineCursor:
        return TimelineCursor(self.at, self.source, self.pk)


@dataclass(frozen=True)
class TimelineStep:
    """engagements/partials/timeline_step.html: a step of the timeline, newest first."""

    events: list[TimelineEvent]
    next: TimelineCursor | None  # where the next step begins; None: this step ends with the oldest


def engagement_timeline(
    *,
    engagement: Engagement,
    before: TimelineCursor | None = None,
    limit: int = TIMELINE_STEP,
    complaints: list[Complaint] | None = None,
) -> TimelineStep:
    """A step of everything that happened in an engagement: the `limit` newest events after
    `before` (from the newest when None), newest first, and where the next step begins.

    Two queries whatever the engagement's size: every kind of event with a moment in one
    (_TIMELINE_SOURCES, a UNION ALL of each kind's limit + 1 newest after the cursor, the
    newest limit + 1 of them in all), and the complaints, which have a day (no query when the
    caller passes every complaint of the engagement, as its page has them). The merged newest
    `limit` are the step, and an event beyond says there is more."""
    opened = TimelineEvent(
        engagement.created_at, "engagement", _("Engagement opened"), engagement.title, "engagement", engagement.pk
    )
    events = [opened] if before is None or opened.place < before else []
    events += _moment_events(engagement, before, limit + 1)
    events += _complaint_events(engagement, "complaint", _After(before, "complaint"), limit + 1, complaints)
    events.sort(key=lambda event: event.place, reverse=True)
    step = events[:limit]
    return TimelineStep(step, step[-1].place if len(events) > limit else None)


@dataclass(frozen=True)
class _After:
    """The rows of one source that come after a cursor in the timeline's order."""

    cursor: TimelineCursor | None
    source: str

    def newest(self, rows: QuerySet, field: str, *columns: str, limit: int, by_day: bool = False) -> QuerySet:
        """The `limit` newest rows after the cursor by their time `field` (then pk), as named
        tuples of the pk, the time and `columns`. A date field (`by_day`) puts its events at
        the start of their day."""
        after = self.day_q(field) if by_day else self.q(field)
        return rows.filter(after).order_by(f"-{field}", "-pk").values_list("pk", field, *columns, named=True)[:limit]

    def q(self, field: str) -> Q:
        """Where a moment `field` comes after the cursor."""
        if self.cursor is None:
            return Q()
        return self._q(Q(**{f"{field}__lt": self.cursor.at}), Q(**{field: self.cursor.at}))

    def day_q(self, field: str) -> Q:
        """Where a day `field`, its events at the start of the day, comes after the cursor."""
        if self.cursor is None:
            return Q()
        day = timezone.localtime(self.cursor.at).date()
        if _day_start(day) != self.cursor.at:  # the cursor lies inside `day`: its start is earlier
            return Q(**{f"{field}__lte": day})
        return self._q(Q(**{f"{field}__lt": day}), Q(**{field: day}))

    def _q(self, earlier: Q, same_moment: Q) -> Q:
        # At the cursor's moment, the sources whose names sort before the cursor's come after it; of
        # the cursor's own source, the rows with a smaller pk.
        if self.source < self.cursor.source:
            return earlier | same_moment
        if self.source == self.cursor.source:
            return earlier | (same_moment & Q(pk__lt=self.cursor.pk))
        return earlier


def _labels(choices) -> dict[str, str]:
    """A choice field's labels in the reader's language, translated once (not once a row)."""
    return {value: str(label) for value, label in choices.choices}


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class _Source:
    """A kind of event that happens at a moment: its name and the kind of event it shows, its
    rows of an engagement, the moment's field, the columns its events are written from (c1,
    c2, ... of the timeline's UNION, as text), and how (`texts`: its rows to a title and a
    detail each)."""

    name: str
    kind: str
    rows: Callable[[Engagement], QuerySet]
    field: str
    columns: tuple
    texts: Callable[[list], list[tuple[str, str]]]


_COLUMNS = 5  # c1..c5: as many as the source with the most (a lesson taken) needs


def _moment_events(engagement: Engagement, before: TimelineCursor | None, limit: int) -> list[TimelineEvent]:
    """The `limit` newest events after `before` of every _TIMELINE_SOURCES kind, in one query.

    Each kind's rows come as (source, pk, at, c1..c5) (the columns cast to text, the missing
    ones NULL); each kind sorted and limited on its own where the database allows it
    (PostgreSQL: an index scan of the engagement's newest rows per kind), then all of them by
    their place in the timeline: the moment, the source's rank (its name's order, the same
    as in Python whatever the database's collation), the pk, all descending."""
    if before is None:  # the first step, what the page shows: its SQL built once (core.frozen)

        def union(params):
            return _moment_union(Param("engagement") if params else engagement, None, limit)

        rows = frozen(("timeline", limit), union, engagement=engagement.pk)
    else:
        rows = _moment_union(engagement, before, limit)
    by_source: dict[int, list] = {}
    for row in rows:
        by_source.setdefault(row.rank, []).append(row)
    events = []
    for source in _TIMELINE_SOURCES:
        if source_rows := by_source.get(_SOURCE_RANKS[source.name]):
            events += [
                TimelineEvent(row.at, source.kind, title, detail, source.name, row.pk)
                for row, (title, detail) in zip(source_rows, source.texts(source_rows), strict=True)
            ]
    return events


def _moment_union(engagement, before: TimelineCursor | None, limit: int) -> QuerySet:
    """_moment_events' query; `engagement` an Engagement or a Param of its pk."""
    sliced = connection.features.supports_slicing_ordering_in_compound
    branches = []
    for source in _TIMELINE_SOURCES:
        columns = [Cast(column, TextField()) for column in source.columns]
        columns += [Value(None, output_field=TextField())] * (_COLUMNS - len(columns))
        branch = (
            source.rows(engagement)
            .filter(_After(before, source.name).q(source.field))
            .annotate(
                rank=Value(_SOURCE_RANKS[source.name], output_field=IntegerField()),
                at=F(source.field),
                **{f"c{i}": column for i, column in enumerate(columns, start=1)},
            )
            .values_list("rank", "pk", "at", *(f"c{i}" for i in range(1, _COLUMNS + 1)), named=True)
        )
        branches.append(branch.order_by(f"-{source.field}", "-pk")[:limit] if sliced else branch.order_by())
    return branches[0].union(*branches[1:], all=True).order_by("-at", "-rank", "-pk")[:limit]


def _engagement_change_title(what: str, before: str, after: str, stages: dict[str, str]) -> str:
    if what == EngagementChange.What.LEAD:
        return _("Lead advisor changed from %(before)s to %(after)s") % {"before": before, "after": after}
    if what == EngagementChange.What.STAGE:
        return _("Stage changed from %(before)s to %(after)s") % {
            "before": stages.get(before, before),
            "after": stages.get(after, after),
        }
    parts = []
    if after:
        parts.append(_("added %(names)s") % {"names": after})
    if before:
        parts.append(_("removed %(names)s") % {"names": before})
    return _("Members changed: %(changes)s") % {"changes": "; ".join(parts)}


# Each source's (title, detail) per row, from its rows (rank, pk, at, c1..c5: the columns its
# _Source names), the labels translated once a step, not once a row.
def _change_texts(rows) -> list[tuple[str, str]]:
    stages = _labels(Engagement.Stage)
    return [(_engagement_change_title(r.c1, r.c2 or "", r.c3 or "", stages), "") for r in rows]


def _plan_texts(rows) -> list[tuple[str, str]]:
    title = _("Plan v%(v)s uploaded")
    return [(title % {"v": r.c1}, r.c2 or "") for r in rows]


def _share_texts(rows) -> list[tuple[str, str]]:
    title = _("Plan v%(v)s shared with %(name)s")
    return [(title % {"v": r.c1, "name": r.c2}, "") for r in rows]


def _answer_texts(rows) -> list[tuple[str, str]]:
    title, answers = _("%(name)s answered on plan v%(v)s: %(answer)s"), _labels(DraftPlan.Answer)
    return [(title % {"name": r.c1, "v": r.c2, "answer": answers.get(r.c3, r.c3)}, r.c4 or "") for r in rows]


def _meeting_texts(rows) -> list[tuple[str, str]]:
    title, purposes, statuses = _("%(purpose)s meeting (%(status)s)"), _labels(Meeting.Purpose), _labels(Meeting.Status)
    return [
        (title % {"purpose": purposes.get(r.c1, r.c1), "status": statuses.get(r.c2, r.c2).lower()}, r.c3 or "")
        for r in rows
    ]


def _log_texts(rows) -> list[tuple[str, str]]:
    title = _("Meeting logged: satisfaction %(s)s/5")
    return [(title % {"s": r.c1}, r.c2 or "") for r in rows]


def _checkpoint_texts(rows) -> list[tuple[str, str]]:
    title, topics = _("Checkpoint set: %(topic)s"), _labels(ExpectationCheckpoint.Topic)
    return [(title % {"topic": topics.get(r.c1, r.c1)}, r.c2 or "") for r in rows]


def _checkpoint_answer_texts(rows) -> list[tuple[str, str]]:
    title = _("Checkpoint %(status)s via %(via)s")
    statuses, vias = _labels(ExpectationCheckpoint.Status), _labels(ExpectationCheckpoint.RecordedVia)
    return [
        (title % {"status": statuses.get(r.c1, r.c1).lower(), "via": vias.get(r.c2, r.c2).lower()}, r.c3 or "")
        for r in rows
    ]


def _flag_texts(rows) -> list[tuple[str, str]]:
    """c1 kind, c2 severity, c3 what a person wrote, c4 a rule's facts (JSON, as text)."""
    title, kinds, severities = _("Flag raised: %(kind)s (%(sev)s)"), _labels(Flag.Kind), _labels(Flag.Severity)
    return [
        (
            title % {"kind": kinds.get(r.c1, r.c1), "sev": severities.get(r.c2, r.c2).lower()},
            flag_texts.flag_text(r.c1, json.loads(r.c4) if r.c4 else None, r.c3 or ""),
        )
        for r in rows
    ]


def _flag_closed_texts(rows) -> list[tuple[str, str]]:
    """c1 status, c2 kind, c3 the decision note: a decision always has one, so a resolved
    flag without one was cleared by its rule."""
    title, kinds, statuses = _("Flag %(status)s: %(kind)s"), _labels(Flag.Kind), _labels(Flag.Status)
    cleared = _("Cleared automatically: the condition no longer holds.")
    return [
        (
            title % {"status": statuses.get(r.c1, r.c1).lower(), "kind": kinds.get(r.c2, r.c2)},
            r.c3 or (cleared if r.c1 == Flag.Status.RESOLVED else ""),
        )
        for r in rows
    ]


def _lesson_texts(rows) -> list[tuple[str, str]]:
    """c1-c3: who took it (first name, last name, username), c4 the text, c5 where it came from."""
    title = _("%(name)s took a lesson into the intake")
    return [(title % {"name": display_name_of(r.c1, r.c2, r.c3)}, f"{r.c4} ({r.c5})" if r.c5 else r.c4) for r in rows]


def _complaint_events(engagement, name, after, limit, every=None) -> list[TimelineEvent]:
    """Complaints have a day, not a moment: their events stand at the start of the day in the
    reader's time zone, which a query cannot sort by on every database; a query of their own,
    or of the first step, the newest `limit` of `every` complaint of the engagement if given."""
    title, categories = _("Complaint: %(c)s"), _labels(Complaint.Category)

    def newest(params):
        rows = Complaint.objects.filter(engagement=Param("engagement") if params else engagement)
        return after.newest(rows, "received_on", "category", "description", limit=limit, by_day=True)

    if after.cursor is None and every is not None:
        complaints = sorted(every, key=lambda c: (c.received_on, c.pk), reverse=True)[:limit]
    elif after.cursor is None:  # the first step: its SQL built once (core.frozen)
        complaints = frozen(("timeline_complaints", limit), newest, engagement=engagement.pk)
    else:
        complaints = newest(False)
    return [
        TimelineEvent(
            _day_start(c.received_on),
            "complaint",
            title % {"c": categories.get(c.category, c.category)},
            c.description,
            name,
            c.pk,
        )
        for c in complaints
    ]


# Every kind of event with a moment, by name: the name is part of a cursor (TimelineCursor) and
# orders the events of one moment. The complaints, with a day, come apart (_complaint_events).
_TIMELINE_SOURCES = (
    _Source(
        "change",
        "change",
        lambda e: EngagementChange.objects.filter(engagement=e),
        "created_at",
        ("what", "before", "after"),
        _change_texts,
    ),
    _Source(
        "plan",
        "plan",
        lambda e: DraftPlan.objects.filter(engagement=e),
        "created_at",
        ("version", "title"),
        _plan_texts,
    ),
    _Source(
        "share",
        "share",
        lambda e: PlanShare.objects.filter(plan__engagement=e),
        "shared_at",
        ("plan__version", "contact__name"),
        _share_texts,
    ),
    _Source(
        "answer",
        "answer",
        lambda e: PlanAnswer.objects.filter(plan__engagement=e),
        "created_at",
        ("share__contact__name", "plan__version", "matches_expectations", "adjustments"),
        _answer_texts,
    ),
    _Source(
        "meeting",
        "meeting",
        lambda e: Meeting.objects.filter(engagement=e),
        "starts_at",
        ("purpose", "status", "location"),
        _meeting_texts,
    ),
    _Source(
        "log",
        "log",
        # The logs of its meetings by their ids (an array): PostgreSQL reads them by the index on
        # the meeting, where a join walked every log of the firm back to the oldest one of these.
        lambda e: MeetingLog.objects.filter(meeting_id__any=Meeting.objects.filter(engagement=e).values("pk")),
        "created_at",
        ("satisfaction", "summary"),
        _log_texts,
    ),
    _Source(
        "checkpoint",
        "checkpoint",
        lambda e: ExpectationCheckpoint.objects.filter(engagement=e),
        "created_at",
        ("topic", "question"),
        _checkpoint_texts,
    ),
    _Source(
        "checkpoint_answer",
        "checkpoint",
        lambda e: ExpectationCheckpoint.objects.filter(engagement=e, answered_at__isnull=False),
        "answered_at",
        ("status", "recorded_via", "client_answer"),
        _checkpoint_answer_texts,
    ),
    _Source(
        "flag",
        "flag",
        lambda e: Flag.objects.filter(engagement=e),
        "created_at",
        ("kind", "severity", "details", "facts"),
        _flag_texts,
    ),
    _Source(
        "flag_closed",
        "flag",
        lambda e: Flag.objects.filter(engagement=e, closed_at__isnull=False),
        "closed_at",
        ("status", "kind", "decision_note"),
        _flag_closed_texts,
    ),
    _Source(
        "lesson",
        "lesson",
        lambda e: LessonTaken.objects.filter(engagement=e),
        "created_at",
        ("taken_by__first_name", "taken_by__last_name", "taken_by__username", "text", "origin"),
        _lesson_texts,
    ),
)
_SOURCE_NAMES = {"engagement", "complaint", *(source.name for source in _TIMELINE_SOURCES)}
_SOURCE_RANKS = {name: rank for rank, name in enumerate(sorted(_SOURCE_NAMES))}


# --- one selector per page: what the page shows, as one dataclass ---------------------------------
MEETINGS_SHOWN = 10  # of the upcoming meetings, and of the earlier ones, on the engagement page
MEETINGS_PER_PAGE = 25  # on the list of every meeting of an engagement
_MEETING_COLUMNS = ("pk", "starts_at", "purpose", "status", "plan__version", "log__satisfaction")


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as a list shows it ({% meeting_rows %}, engagements/templatetags/engagement_rows.py)."""

    url: str
    starts_at: datetime
    purpose: str
    status: str
    status_label: str
    plan_version: int | None
    satisfaction: int | None  # from its log; None while it has none
    log_url: str  # the log form, when the meeting waits for its log (started, not cancelled); else ""


def _meetings_of(engagement) -> QuerySet:
    """An engagement's meetings (`engagement`: one, its pk or a Param of it), the newest first,
    as the values a MeetingRow is made of."""
    return Meeting.objects.filter(engagement=engagement).order_by("-starts_at", "-pk").values(*_MEETING_COLUMNS)


def _meeting_rows(meetings, *, now: datetime) -> list[MeetingRow]:
    """Rows of meetings (values of _meetings_of): the labels and links made once a list."""
    purposes, statuses = _labels(Meeting.Purpose), _labels(Meeting.Status)
    meeting_url, log_url = url_for_pk("engagements:meeting"), url_for_pk("engagements:meeting_log")
    return [
        MeetingRow(
            url=meeting_url(m["pk"]),
            starts_at=m["starts_at"],
            purpose=purposes.get(m["purpose"], m["purpose"]),
            status=m["status"],
            status_label=statuses.get(m["status"], m["status"]),
            plan_version=m["plan__version"],
            satisfaction=m["log__satisfaction"],
            log_url=log_url(m["pk"])
            if m["status"] != Meeting.Status.CANCELLED and m["log__satisfaction"] is None and m["starts_at"] < now
            else "",
        )
        for m in meetings
    ]


@dataclass(frozen=True)
class EngagementPage:
    """engagements/engagement_detail.html (without the intake's lessons panel: see views)."""

    engagement: Engagement
    members: list
    plans: list[DraftPlan]  # each with `recipient_names`: the names of the contacts it went to
    latest_answers: QuerySet[PlanAnswer]
    upcoming_meetings: list[MeetingRow]  # the next MEETINGS_SHOWN, the soonest first
    earlier_meetings: list[MeetingRow]  # the latest MEETINGS_SHOWN that started, the latest first
    more_meetings: bool  # there are more than these: the list of every meeting has them
    checkpoints: list[ExpectationCheckpoint]
    open_flags: list[Flag]
    complaints: list[Complaint]
    timeline: TimelineStep
    timeline_before: TimelineCursor | None  # the step shown begins after it (None: the newest)
    now: datetime


def engagement_page(
    *, engagement: Engagement, now: datetime | None = None, before: TimelineCursor | None = None
) -> EngagementPage:
    """An engagement's page: intake, plans (with shares and answers), the upcoming and the latest
    meetings, checkpoints, open flags, complaints and a step of the timeline (the newest, or
    the one after `before`), each in a fixed number of queries whatever the engagement's size."""
    now = now or timezone.now()
    pk = engagement.pk

    # Every query of the page with its SQL built once (core.frozen): the engagement's id and
    # the moment as Params.
    def of(params):
        return Param("engagement") if params else pk

    def at(params):
        return Param("now", DateTimeField()) if params else now

    def upcoming(params):
        rows = _meetings_of(of(params)).filter(starts_at__gte=at(params)).annotate(upcoming=Value(True))
        return rows.order_by("starts_at", "pk")[: MEETINGS_SHOWN + 1]

    def earlier(params):
        rows = _meetings_of(of(params)).filter(starts_at__lt=at(params)).annotate(upcoming=Value(False))
        return rows[: MEETINGS_SHOWN + 1]

    def meetings(params):  # both in one UNION ALL, each sorted and limited on its own
        return upcoming(params).union(earlier(params), all=True)

    def members(params):
        return get_user_model().objects.filter(member_engagements=of(params))

    def plans(params):
        return DraftPlan.objects.filter(engagement_id=of(params))

    def shared_with(params):  # one frozen query, where prefetch_related compiled two on every visit
        shares = PlanShare.objects.filter(plan__engagement_id=of(params)).order_by("plan_id", "-shared_at", "pk")
        return shares.values_list("plan_id", "contact__name")

    def answers(params):
        rows = PlanAnswer.objects.filter(plan__engagement_id=of(params)).select_related("share__contact", "plan")
        return rows[:5]

    def checkpoints(params):
        return ExpectationCheckpoint.objects.filter(engagement_id=of(params)).select_related("plan")

    def open_flags(params):
        return Flag.objects.filter(engagement_id=of(params), status__in=Flag.OPEN_STATUSES)

    def complaints(params):
        return Complaint.objects.filter(engagement_id=of(params))

    def rows(name, build, **values):
        found = list(frozen(("engagement_page", name), build, engagement=pk, **values))
        for row in found:  # each row's engagement is this one, as a related manager gives it
            if hasattr(row, "engagement_id"):
                row.engagement = engagement
        return found

    plan_rows = rows("plans", plans)
    names: dict[int, list[str]] = {}
    if any(plan.shared_at for plan in plan_rows):
        for plan_id, name in frozen(("engagement_page", "shared_with"), shared_with, engagement=pk):
            names.setdefault(plan_id, []).append(name)
    for plan in plan_rows:
        plan.recipient_names = names.get(plan.pk, [])  # the contacts it went to, the latest first

    if connection.features.supports_slicing_ordering_in_compound:
        both = rows("meetings", meetings, now=now)
        upcoming = sorted((m for m in both if m["upcoming"]), key=itemgetter("starts_at", "pk"))
        earlier = sorted((m for m in both if not m["upcoming"]), key=itemgetter("starts_at", "pk"), reverse=True)
    else:  # SQLite: a query each
        upcoming, earlier = rows("upcoming", upcoming, now=now), rows("earlier", earlier, now=now)
    upcoming, earlier = _meeting_rows(upcoming, now=now), _meeting_rows(earlier, now=now)
    complaint_rows = rows("complaints", complaints)
    return EngagementPage(
        engagement=engagement,
        members=rows("members", members),
        plans=plan_rows,
        # Lazy, as the template reads the answers only when a plan was shared.
        latest_answers=frozen(("engagement_page", "answers"), answers, engagement=pk),
        upcoming_meetings=upcoming[:MEETINGS_SHOWN],
        earlier_meetings=earlier[:MEETINGS_SHOWN],
        more_meetings=len(upcoming) > MEETINGS_SHOWN or len(earlier) > MEETINGS_SHOWN,
        checkpoints=rows("checkpoints", checkpoints),
        open_flags=rows("open_flags", open_flags),
        complaints=complaint_rows,
        timeline=engagement_timeline(engagement=engagement, before=before, complaints=complaint_rows),
        timeline_before=before,
        now=now,
    )


@dataclass(frozen=True)
class MeetingListPage:
    """engagements/meeting_list.html."""

    engagement: Engagement
    page: Page  # of the meetings' values; `meetings` holds its rows
    meetings: list[MeetingRow]


def meeting_list_page(*, engagement: Engagement, page_number, now: datetime | None = None) -> MeetingListPage:
    """Every meeting of an engagement, the newest first, MEETINGS_PER_PAGE a page (a count and
    one page of rows)."""
    page = Paginator(_meetings_of(engagement), MEETINGS_PER_PAGE).get_page(page_number)
    return MeetingListPage(engagement, page, _meeting_rows(page.object_list, now=now or timezone.now()))


# --- Kept per user: who is on which engagement ------------------------------------------------
# The engagement list's advisor filter and My week's engagements, cached per user: reading the
# leads and members of a manager's 2,000 engagements took 3-4 ms of every visit to the list,
# the user's own engagements a query of every My week. Each kept value carries the version of
# who is on which engagement at the time; engagements/signals.py puts a new version in the
# cache on every change to what they are made of (an engagement, its lead or members, a
# profile's team, a user's name or roles), so a value of an older version is made again.
KEPT_SECONDS = 300  # and at the latest after this, whatever the version
ADVISOR_CHOICE_FIELDS = ("pk", "first_name", "last_name", "username")
_MEMBERSHIP_VERSION = "engagements:membership-version"


def membership_changed() -> None:
    """A new version of who is on which engagement: every kept value is made again."""
    cache.set(_MEMBERSHIP_VERSION, uuid4().hex, None)


def _kept(name: str, user, make: Callable[[], list]) -> list:
    """`make()` for `user`, from the cache when kept under the current version (one read). The
    key names what the user sees as well (a manager made a consultant mid-request must not
    keep the team's values under the new version)."""
    shape, values = visibility_shape(user)
    key = f"engagements:{name}:{user.pk}:{shape}:{values.get('team')}"
    found = cache.get_many([_MEMBERSHIP_VERSION, key])
    version, kept = found.get(_MEMBERSHIP_VERSION), found.get(key)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    if version is None:  # none yet (or evicted): a first one, the same for every process
        cache.add(_MEMBERSHIP_VERSION, uuid4().hex, None)
        version = cache.get(_MEMBERSHIP_VERSION)
    value = make()
    cache.set(key, (version, value), KEPT_SECONDS)
    return value


def advisor_choices(user) -> list[tuple[int, str]]:
    """The engagement list's advisor filter: the leads and members of the engagements the
    user may see, as (pk, display name), by name (kept: see above)."""
    shape, values = visibility_shape(user)

    def advisors(params):
        return advisors_on_visible_engagements(user, params=params).only(*ADVISOR_CHOICE_FIELDS)

    def choices():
        return [(advisor.pk, display_name(advisor)) for advisor in frozen(("list_advisors", shape), advisors, **values)]

    return _kept("advisor-choices", user, choices)


def client_rows(*, user, q: str = "", params: bool = False) -> QuerySet[Client]:
    """The client list's rows: the clients the user may see (by name or sector when `q`), by
    name, with their active contacts and the engagements the user may see of each. The counts
    are correlated subqueries, which PostgreSQL computes for the page's rows only (after the
    sort and the limit), where a GROUP BY counted for every visible client. `params`: with
    the policy's Params for the user's ids (a frozen queryset, core.frozen)."""
    visible = engagements_visible_to(user, params=params).filter(client=OuterRef("pk")).order_by()
    contacts = ClientContact.objects.filter(client=OuterRef("pk"), left_on__isnull=True).order_by()
    clients = clients_visible_to(user, params=params).only("name", "sector", "fit")
    if q:
        clients = clients.filter(Q(name__icontains=q) | Q(sector__icontains=q))
    return clients.annotate(
        active_contacts=Coalesce(Subquery(contacts.values("client").annotate(n=Count("pk")).values("n")), Value(0)),
        engagement_count=Coalesce(Subquery(visible.values("client").annotate(n=Count("pk")).values("n")), Value(0)),
    ).order_by("name", "pk")


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
    shape, values = visibility_shape(user)
    values |= {"client": client.pk}

    def client_of(params):
        return Param("client") if params else client.pk

    def contacts(params):
        rows = ClientContact.objects.filter(client_id=client_of(params)).select_related("replaced_by")
        return rows.order_by("left_on", "name")

    def engagements(params):
        return engagements_visible_to(user, params=params).filter(client_id=client_of(params)).select_related("lead")

    def complaints(params):
        visible = engagements_visible_to(user, params=params)
        return Complaint.objects.filter(
            Q(engagement__isnull=True) | Q(engagement__in=visible), client_id=client_of(params)
        ).select_related("engagement", "recorded_by")

    # Every query of the page with its SQL built once per kind of user (core.frozen).
    return ClientPage(
        client=client,
        contacts=frozen(("client_contacts",), contacts, client=client.pk),
        engagements=frozen(("client_engagements", shape), engagements, **values),
        complaints=frozen(("client_complaints", shape), complaints, **values),
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
    url: str = ""  # the meeting's page
    purpose: str = ""  # the purpose's label

    @property
    def needs_plan(self) -> bool:
        return self.meeting.purpose == Meeting.Purpose.PLAN_DISCUSSION

    @property
    def ready(self) -> bool:
        if self.needs_plan and not (self.plan_shared and self.acknowledged):
            return False
        return self.open_checkpoints == 0 and self.answer in ("", "yes")


@dataclass(frozen=True)
class WaitingForLog:
    """A meeting of My week's "waiting for a log", with its links and label made once a page."""

    meeting: Meeting
    url: str
    log_url: str
    purpose: str


@dataclass(frozen=True)
class MyWeek:
    """engagements/my_week.html: each list bounded, with how many there are in all."""

    readiness: list[Readiness]
    meetings_total: int  # the next 7 days' meetings; `readiness` holds the first WEEK_MEETINGS
    waiting_for_log: list[WaitingForLog]
    waiting_total: int  # `waiting_for_log` holds the oldest WEEK_WAITING
    flags: list[Flag]
    flags_total: int  # the open flags; `flags` holds the newest WEEK_FLAGS
    showing_all: bool


# What My week shows unless the user asks for all: the next meetings, the oldest meetings
# waiting for a log, the newest open flags. A busy advisor's week stays one screen, and a page
# that costs the same at any size.
WEEK_MEETINGS = 12
WEEK_WAITING = 10
WEEK_FLAGS = 10
WAITING_FOR_LOG_DAYS = 30  # "waiting for a log": meetings of the last 30 days (older ones are flagged)


def engagement_ids_of(user) -> list[int]:
    """The engagements the user leads or is a member of, of those the user may see: one query,
    a UNION of two index scans (an OR of the two made PostgreSQL read every engagement), kept
    per user under the version of who is on which engagement (_kept)."""
    shape, values = visibility_shape(user)

    def ids(params):
        visible = engagements_visible_to(user, params=params)
        user_id = Param("user") if params else user.pk
        member_of = Engagement.members.through.objects.filter(user_id=user_id).values("engagement")
        led = visible.filter(lead_id=user_id).order_by().values_list("pk", flat=True)
        return led.union(visible.filter(pk__in=member_of).order_by().values_list("pk", flat=True))

    def make():
        return list(frozen(("my_engagement_ids", shape), ids, **(values | {"user": user.pk})))

    return _kept("engagement-ids", user, make)


def _week_meetings(user, params: bool, mine: list[int]) -> QuerySet[Meeting]:
    """meetings_of_advisor, for a page that knows the user's engagements: their ids sent as one
    parameter (core.lookups), so that PostgreSQL walks the index on (engagement, start). The
    meetings the user attends on another engagement they may see (a manager sitting in on
    the team's) only for those who see beyond their own engagements: for anyone else every
    engagement they may see is theirs already, and the OR would keep the index out.
    `params`: Param("mine") for the ids and the policy's Params (a frozen queryset)."""
    mine_q = Q(engagement_id__any=Param("mine", IdList()) if params else mine)
    if sees_beyond_own_engagements(user):
        user_id = Param("user") if params else user.pk
        attends = Meeting.advisor_attendees.through.objects.filter(user_id=user_id).values("meeting")
        mine_q |= Q(pk__in=attends) & Q(engagement__in=engagements_visible_to(user, params=params))
    return Meeting.objects.filter(mine_q).select_related("engagement__client", "plan")


def _engagement_title() -> Subquery:
    """The title of a row's engagement as a subquery, which PostgreSQL runs for the rows shown
    (after the sort and the limit), where a join hashed every engagement of the firm."""
    return Subquery(Engagement.objects.filter(pk=OuterRef("engagement_id")).order_by().values("title"))


def _minutes(field: str) -> ExpressionWrapper:
    """A number of minutes as a duration: an interval on PostgreSQL, microseconds on SQLite
    (what Django stores a duration as there)."""
    if connection.features.has_native_duration_field:
        return ExpressionWrapper(F(field) * timedelta(minutes=1), output_field=DurationField())
    return ExpressionWrapper(F(field) * 60_000_000, output_field=DurationField())


def my_week(*, user, now: datetime | None = None, show_all: bool = False) -> MyWeek:
    """An advisor's week: the next 7 days' meetings with their readiness, the meetings
    waiting for a log, and the open flags of the engagements the user leads or is on. The
    meetings and flags are capped (WEEK_MEETINGS, WEEK_FLAGS) unless `show_all`; each list
    is one query however long the advisor's history, with its total as a window count. Every
    query's SQL is built once per kind of user (core.frozen)."""
    now = now or timezone.now()
    mine = engagement_ids_of(user)
    shape, values = visibility_shape(user)
    key = (shape, sees_beyond_own_engagements(user), show_all)
    values |= {"user": user.pk, "mine": mine, "now": now}

    def moment(params, name, value):
        return Param(name, DateTimeField()) if params else value

    def upcoming(params):
        open_checkpoints = (
            ExpectationCheckpoint.objects.filter(engagement=OuterRef("engagement"), status="open")
            .values("engagement")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = (
            _week_meetings(user, params, mine)
            .filter(
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=moment(params, "now", now),
                starts_at__lt=moment(params, "week_end", now + timedelta(days=7)),
            )
            .annotate(open_checkpoints=Coalesce(Subquery(open_checkpoints), Value(0)), total=Window(Count("pk")))
            .order_by("starts_at", "pk")
        )
        return rows if show_all else rows[:WEEK_MEETINGS]

    upcoming = list(frozen(("week_upcoming", *key), upcoming, week_end=now + timedelta(days=7), **values))
    meeting_url, log_url = url_for_pk("engagements:meeting"), url_for_pk("engagements:meeting_log")
    purposes = dict(Meeting.Purpose.choices)  # one gettext per label, not one per row
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
                url=meeting_url(meeting.pk),
                purpose=purposes.get(meeting.purpose, meeting.purpose),
            )
        )

    # Bounded to a recent window (older unlogged meetings are flagged: "meeting not logged"),
    # and "no log" as NOT EXISTS: an anti-join probing the log's unique index per meeting of the
    # window, where a LEFT JOIN ... IS NULL made PostgreSQL hash every log ever written. Only
    # the meetings that ended (start + duration), the oldest first, with their engagement's
    # title as a subquery for the shown rows (a join hashed every engagement).
    def waiting(params):
        length = _minutes("duration_minutes")
        rows = (
            _week_meetings(user, params, mine)
            .filter(
                status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD],
                starts_at__lt=moment(params, "now", now),
                starts_at__gte=moment(params, "since", now - timedelta(days=WAITING_FOR_LOG_DAYS)),
            )
            .exclude(Exists(MeetingLog.objects.filter(meeting=OuterRef("pk"))))
            .alias(ends_at=ExpressionWrapper(F("starts_at") + length, output_field=DateTimeField()))
            .filter(ends_at__lte=moment(params, "now", now))
            .select_related(None)
            .only("pk", "starts_at", "purpose", "engagement_id")
            .annotate(
                total=Window(Count("pk")),
                engagement_title=_engagement_title(),
            )
            .order_by("starts_at", "pk")
        )
        return rows if show_all else rows[:WEEK_WAITING]

    since = now - timedelta(days=WAITING_FOR_LOG_DAYS)
    waiting_for_log = list(frozen(("week_waiting", *key), waiting, since=since, **values))

    def flags(params):
        rows = (
            Flag.objects.filter(
                status__in=Flag.OPEN_STATUSES, engagement_id__any=Param("mine", IdList()) if params else mine
            )
            # The title of each shown flag's engagement, as a subquery PostgreSQL runs for the
            # rows after the sort and the limit: a join hashed every engagement of the firm to
            # title ten flags (2.5 of 3 ms).
            .annotate(
                total=Window(Count("pk")),
                engagement_title=_engagement_title(),
            )
            # NULLS LAST (created_at is never null): no index gives that order, so PostgreSQL
            # takes the user's flags through the index on their engagements and sorts those
            # few, instead of walking every flag ever raised backwards by date for the first ten.
            .order_by(F("created_at").desc(nulls_last=True), "-pk")
        )
        return rows if show_all else rows[:WEEK_FLAGS]

    flags = list(frozen(("week_flags", show_all), flags, mine=mine))
    return MyWeek(
        readiness=readiness,
        meetings_total=upcoming[0].total if upcoming else 0,
        waiting_for_log=[
            WaitingForLog(meeting=m, url=meeting_url(m.pk), log_url=log_url(m.pk), purpose=purposes.get(m.purpose, ""))
            for m in waiting_for_log
        ],
        waiting_total=waiting_for_log[0].total if waiting_for_log else 0,
        flags=flags,
        flags_total=flags[0].total if flags else 0,
        showing_all=show_all,
    )


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

    def profile(params):
        return ClientProfile.objects.filter(key="firm").select_related("updated_by").order_by("pk")[:1]

    return next(iter(frozen(("firm_client_profile",), profile)), None) or ClientProfile()


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

    def client_of(params):
        return Param("client") if params else client.pk

    def complaint_facts(params):
        return Complaint.objects.filter(client_id=client_of(params)).values_list("received_on", "category")

    def parted_ways(params):
        flags = Flag.objects.filter(engagement__client_id=client_of(params), decision=Flag.Decision.PART_WAYS)
        return flags.order_by("-closed_at", "pk").values_list("closed_at", "updated_at")[:1]

    complaints = tuple(frozen(("client_complaint_facts",), complaint_facts, client=client.pk))
    parted = next(iter(frozen(("client_parted_ways",), parted_ways, client=client.pk)), None)
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
