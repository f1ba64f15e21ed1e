"""What the firm already learned, brought to the next intake, and searched.

Lessons are written where they happen: a meeting log's "lesson learned", a manager's
decision on a flag (with its note), a case study's closing summary. This module reads the
first two and asks the registered sources for the rest (the case-study community registers
itself at start-up: engagements never imports casestudies).

Who sees what is decided by engagements.policy (`lesson_visibility`): a lesson is the firm's
knowledge, so an advisor reads the lesson text and the sector of any engagement's lesson; the
engagement's title, its client's name (also inside the text) and a link only where the policy
lets the advisor open that engagement.

Ranking by closeness: an earlier engagement with the same client, then the same sector and a
similar size, a matching case study, the same sector, then the advisor's own recent lessons;
newer first within each.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.search import text_search

from .client_profile import SIZES
from .models import Client, ClientContact, Engagement, Flag, LessonTaken, MeetingLog
from .policy import engagements_visible_to, lesson_visibility

# Closeness: the higher, the nearer the lesson is to this intake.
SAME_CLIENT = 100
SAME_SECTOR_AND_SIZE = 60
CASE_STUDY = 50
SAME_SECTOR = 40
OWN_LESSON = 20

WHY = {
    SAME_CLIENT: gettext_lazy("Earlier engagement with this client"),
    SAME_SECTOR_AND_SIZE: gettext_lazy("Same sector, similar size"),
    SAME_SECTOR: gettext_lazy("Same sector"),
    OWN_LESSON: gettext_lazy("Your own recent lesson"),
    CASE_STUDY: gettext_lazy("Case study on a matching theme"),
}
OWN_LESSONS_DAYS = 180
PANEL_SIZE = 8


@dataclass(frozen=True)
class IntakeContext:
    """What is known of the intake the lessons are for."""

    client_id: int | None
    sector: str
    size: str
    text: str  # the intake's own words: request, need, outcomes, boundaries, the client's notes
    engagement_id: int | None = None


@dataclass(frozen=True)
class Lesson:
    source: str  # "log:12", "flag:4", "case:3": unique, what "taken along" records
    kind: str  # "lesson", "decision", "case"
    text: str
    at: datetime
    closeness: int = 0
    why: str = ""
    sector: str = ""
    origin: str = ""  # the engagement's title and client, or the case's title; "" when not to be shown
    url: str = ""  # "" when the reader may not open the source
    label: str = ""  # the decision's name, the case's themes


class LessonSource(Protocol):
    """A source of lessons outside this app (registered with `register`)."""

    def for_intake(self, context: IntakeContext, *, limit: int) -> list[Lesson]: ...

    def search(self, query: str, *, limit: int) -> list[Lesson]: ...


_sources: list[LessonSource] = []


def register(source: LessonSource) -> None:
    if all(type(known) is not type(source) for known in _sources):
        _sources.append(source)


# --- redaction ---------------------------------------------------------------------------------
_GENERIC = {"bv", "b.v.", "nv", "n.v.", "vof", "stichting", "vereniging", "holding", "groep", "group", "de", "het"}


def _names_of(client_name: str, contact_names: Iterable[str]) -> list[str]:
    names = {client_name.strip()}
    names |= {word for word in client_name.split() if len(word) >= 4 and word.casefold() not in _GENERIC}
    for name in contact_names:
        names.add(name.strip())
        names |= {part for part in name.split() if len(part) >= 3 and part.casefold() not in _GENERIC}
    return sorted((name for name in names if name), key=len, reverse=True)


def redact(text: str, *, client_name: str, contact_names: Iterable[str] = ()) -> str:
    """`text` without the client's name, its distinctive words and its contacts' names."""
    names = _names_of(client_name, contact_names)
    if not names:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(_("[client]"), text)


# --- the panel ---------------------------------------------------------------------------------
def context_for_engagement(engagement: Engagement) -> IntakeContext:
    client = engagement.client
    text = " ".join(
        [
            engagement.title,
            engagement.stated_request,
            engagement.underlying_need,
            engagement.desired_outcomes,
            engagement.boundaries,
            client.notes,
        ]
    )
    return IntakeContext(
        client_id=client.pk, sector=client.sector, size=client.size, text=text, engagement_id=engagement.pk
    )


def context_for_client(client: Client) -> IntakeContext:
    return IntakeContext(client_id=client.pk, sector=client.sector, size=client.size, text=client.notes)


def _similar_sizes(size: str) -> list[str]:
    if size not in SIZES:
        return []
    at = SIZES.index(size)
    return list(SIZES[max(at - 1, 0) : at + 2])


def _closeness(context: IntakeContext, prefix: str, *, own_since=None, user=None) -> Case:
    """Case/When giving a row its closeness, from the path to its engagement (`prefix`); the
    row must be annotated `lesson_sector` (see `_with_sector`)."""
    whens = []
    if context.client_id is not None:
        whens.append(When(**{f"{prefix}client_id": context.client_id}, then=Value(SAME_CLIENT)))
    sector = " ".join(context.sector.split()).lower()
    if sector:
        similar = _similar_sizes(context.size)
        if similar:
            whens.append(
                When(
                    **{"lesson_sector": sector, f"{prefix}client__size__in": similar},
                    then=Value(SAME_SECTOR_AND_SIZE),
                )
            )
        whens.append(When(lesson_sector=sector, then=Value(SAME_SECTOR)))
    if user is not None and own_since is not None:
        whens.append(When(logged_by=user, created_at__gte=own_since, then=Value(OWN_LESSON)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _with_sector(queryset, prefix: str):
    """The sector of the row's client, trimmed and in lower case, to compare as people do."""
    return queryset.annotate(lesson_sector=Lower(Trim(f"{prefix}client__sector")))


def _lesson_rows(queryset, *, user, path: str):
    """Annotate `may_open` (the policy's answer) on rows reached through `path` to an engagement."""
    visible = lesson_visibility(user).filter(pk=OuterRef(f"{path}_id"))
    return queryset.annotate(may_open=Exists(visible))


def _contacts_by_client(client_ids: set[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    if client_ids:
        for client_id, name in ClientContact.objects.filter(client_id__in=client_ids).values_list("client_id", "name"):
            names.setdefault(client_id, []).append(name)
    return names


def _lesson(row, *, engagement, source, kind, text, at, url, contacts, closeness=0, label="") -> Lesson:
    """A lesson from a row annotated `may_open`: with its source where the reader may open
    the engagement, else its text redacted of the client's names and no way to the source."""
    client = engagement.client
    if row.may_open:
        origin = f"{engagement.title} · {client.name}"
    else:
        origin, url = "", ""
        text = redact(text, client_name=client.name, contact_names=contacts.get(client.pk, ()))
    return Lesson(
        source=source,
        kind=kind,
        text=text,
        at=at,
        closeness=closeness,
        why=str(WHY.get(closeness, "")),
        sector=client.sector,
        origin=origin,
        url=url,
        label=label,
    )


def _log_lesson(log: MeetingLog, contacts: dict[int, list[str]], *, closeness: int = 0) -> Lesson:
    return _lesson(
        log,
        engagement=log.meeting.engagement,
        source=f"log:{log.pk}",
        kind="lesson",
        text=log.lesson_learned,
        at=log.created_at,
        url=reverse("engagements:meeting", args=[log.meeting_id]),
        contacts=contacts,
        closeness=closeness,
    )


def _flag_lesson(flag: Flag, contacts: dict[int, list[str]], *, closeness: int = 0) -> Lesson:
    return _lesson(
        flag,
        engagement=flag.engagement,
        source=f"flag:{flag.pk}",
        kind="decision",
        text=flag.decision_note or flag.get_decision_display(),
        at=flag.closed_at or flag.updated_at,
        url=flag.engagement.get_absolute_url(),
        contacts=contacts,
        closeness=closeness,
        label=flag.get_decision_display(),
    )


def intake_lessons(*, user, context: IntakeContext, limit: int = PANEL_SIZE, now=None) -> list[Lesson]:
    """The lessons that bear on this intake, nearest first: a fixed number of queries (up to
    three for the meeting logs, one for the decisions, one for the names to redact, and each
    registered source's own), whatever the number of past engagements."""
    now = now or timezone.now()
    own_since = now - timedelta(days=OWN_LESSONS_DAYS)
    logs = MeetingLog.objects.exclude(lesson_learned="").select_related("meeting__engagement__client")
    flags = Flag.objects.exclude(decision="").select_related("engagement__client")
    if context.engagement_id is not None:
        logs = logs.exclude(meeting__engagement_id=context.engagement_id)
        flags = flags.exclude(engagement_id=context.engagement_id)
    logs = _with_sector(_lesson_rows(logs, user=user, path="meeting__engagement"), "meeting__engagement__").annotate(
        closeness=_closeness(context, "meeting__engagement__", own_since=own_since, user=user)
    )
    # One query per circle (the client, its sector, the advisor's own), each narrowed by an
    # indexed condition: a single query with OR would rank every lesson the firm ever wrote.
    circles = [Q(logged_by=user, created_at__gte=own_since)]
    if context.client_id is not None:
        circles.insert(0, Q(meeting__engagement__client_id=context.client_id))
    sector = " ".join(context.sector.split()).lower()
    if sector:
        same_sector = Client.objects.annotate(key=Lower(Trim("sector"))).filter(key=sector)
        if context.client_id is not None:
            same_sector = same_sector.exclude(pk=context.client_id)
        circles.insert(1, Q(meeting__engagement__client_id__in=same_sector.values("pk")))
    found_logs = {}
    for circle in circles:  # the newest of each circle: the database walks the logs by time
        for log in logs.filter(circle).order_by("-created_at")[:limit]:
            found_logs.setdefault(log.pk, log)
    logs = list(found_logs.values())
    # Decisions come from the same client only: a decision about another client is about that client.
    flags = (
        _lesson_rows(flags, user=user, path="engagement")
        .filter(engagement__client_id=context.client_id)
        .order_by("-closed_at", "-updated_at")[:limit]
        if context.client_id is not None
        else Flag.objects.none()
    )
    flags = list(flags)
    hidden_clients = {log.meeting.engagement.client_id for log in logs if not log.may_open}
    hidden_clients |= {flag.engagement.client_id for flag in flags if not flag.may_open}
    contacts = _contacts_by_client(hidden_clients)
    found = [_log_lesson(log, contacts, closeness=log.closeness) for log in logs]
    found += [_flag_lesson(flag, contacts, closeness=SAME_CLIENT) for flag in flags]
    for source in _sources:
        found += [
            replace(item, why=item.why or str(WHY[CASE_STUDY])) for item in source.for_intake(context, limit=limit)
        ]
    found.sort(key=lambda item: (-item.closeness, -item.at.timestamp()))
    return found[:limit]


def prefetch_taken(engagement: Engagement) -> None:
    """Load the lessons taken along once, for the panel and the timeline (with who took them)."""
    prefetch_related_objects(
        [engagement], Prefetch("lessons_taken", queryset=LessonTaken.objects.select_related("taken_by"))
    )


def taken_sources(*, engagement: Engagement) -> set[str]:
    return {taken.source for taken in engagement.lessons_taken.all()}


# --- search ------------------------------------------------------------------------------------
SEARCH_LIMIT = 50
SEARCH_CANDIDATES = 100  # per kind: the newest matches, ranked


def search_lessons(*, user, query: str, limit: int = SEARCH_LIMIT) -> list[Lesson]:
    """Lessons, decisions and the registered sources' texts that match `query`, best first
    (among the newest SEARCH_CANDIDATES matches of each kind), with the same visibility as
    the panel."""
    query = query.strip()
    if not query:
        return []
    logs = text_search(
        _lesson_rows(
            MeetingLog.objects.exclude(lesson_learned="").select_related("meeting__engagement__client"),
            user=user,
            path="meeting__engagement",
        ),
        ("lesson_learned",),
        query,
    ).order_by("-created_at")[:SEARCH_CANDIDATES]
    flags = text_search(
        _lesson_rows(
            Flag.objects.exclude(decision="").select_related("engagement__client"), user=user, path="engagement"
        ),
        ("decision_note",),
        query,
    ).order_by("-updated_at")[:SEARCH_CANDIDATES]
    # Ranked in Python among the newest matches: ranking every match in the database parses
    # each matching text again (75 ms for 3,300 matches on the load data); a word that common has
    # more than enough recent results.
    logs = sorted(logs, key=lambda log: (-log.search_rank, -log.created_at.timestamp()))[:limit]
    flags = sorted(flags, key=lambda flag: (-flag.search_rank, -flag.updated_at.timestamp()))[:limit]
    hidden_clients = {log.meeting.engagement.client_id for log in logs if not log.may_open}
    hidden_clients |= {flag.engagement.client_id for flag in flags if not flag.may_open}
    contacts = _contacts_by_client(hidden_clients)
    ranked = [(log.search_rank, _log_lesson(log, contacts)) for log in logs]
    ranked += [(flag.search_rank, _flag_lesson(flag, contacts)) for flag in flags]
    for source in _sources:
        ranked += [(item.closeness, item) for item in source.search(query, limit=limit)]
    ranked.sort(key=lambda pair: (-pair[0], -pair[1].at.timestamp()))
    return [item for _rank, item in ranked[:limit]]


# --- the manager's count -----------------------------------------------------------------------
@dataclass(frozen=True)
class IntakesTakingLessons:
    intakes: int
    took_a_lesson: int
    days: int


def intakes_taking_lessons(*, user, days: int = 90, now=None) -> IntakesTakingLessons:
    """Of the engagements the user may see that were opened in the last `days` days, how many
    took at least one lesson along (one query)."""
    since = (now or timezone.now()) - timedelta(days=days)
    taken = LessonTaken.objects.filter(engagement=OuterRef("pk"))
    counts = (
        engagements_visible_to(user)
        .filter(created_at__gte=since)
        .aggregate(intakes=Count("pk"), took=Count("pk", filter=Q(Exists(taken))))
    )
    return IntakesTakingLessons(intakes=counts["intakes"], took_a_lesson=counts["took"], days=days)
