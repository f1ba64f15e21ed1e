"""Writing, reviewing, publishing and closing case studies.

An advisor's case goes from draft to "in review"; an editor (a manager) publishes it. Every
way to publish, and every save of a public case, runs the anonymisation check against the
source engagement: a text that still names its client, a contact, their e-mail addresses or
domains is refused, and the refusal says where each hit is.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from engagements.selectors import EngagementLesson, engagement_lesson

from .. import policy
from ..anonymisation import Hit, find_hits, identifying_terms
from ..markup import render_markdown
from ..models import CaseStudy
from ..selectors import CHECKED_FIELDS, casestudy_hits


class NamesTheClient(ApplicationError):
    """Publishing refused: the text still names the source engagement's client. `hits` says where."""

    def __init__(self, hits: list[Hit]):
        super().__init__(
            _("This case still names its client in %(count)d place(s). Replace each one shown below, then try again.")
            % {"count": len(hits)},
            extra={"hits": hits},
        )
        self.hits = hits


# Paths of casestudies/urls.py that a case's slug must not take.
RESERVED_SLUGS = {"new", "mine", "moderation", "join", "feed", "unsubscribe", "comments"}


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "case"
    slug, n = (f"{base}-2", 3) if base in RESERVED_SLUGS else (base, 2)
    while CaseStudy.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _render(case: CaseStudy) -> None:
    case.body_html = render_markdown(case.body)
    case.closing_summary_html = render_markdown(case.closing_summary)


def casestudy_create(
    *, author, title: str, body: str, question: str, themes=(), source_engagement_id: int | None = None
) -> CaseStudy:
    """A new draft by an advisor; `source_engagement_id` only of an engagement they may see."""
    if not policy.can_author(author):
        raise ApplicationError(_("Only advisors write case studies."))
    if source_engagement_id is not None and engagement_lesson(engagement_id=source_engagement_id, user=author) is None:
        raise ValidationError({"source_engagement": _("No engagement of yours has this number.")})
    case = CaseStudy(
        title=title,
        body=body,
        question=question,
        author=author,
        source_engagement_id=source_engagement_id,
        slug=_unique_slug(title),
    )
    _render(case)
    case.full_clean()
    with transaction.atomic():
        case.save()
        case.themes.set(themes)
    return case


def casestudy_update(*, case: CaseStudy, by, title: str, body: str, question: str, themes=()) -> CaseStudy:
    with transaction.atomic():
        # Re-read under the lock: a status changed meanwhile (published, archived) decides, and
        # the save writes the texts only, never the status of a stale copy back.
        stored = CaseStudy.objects.select_for_update().get(pk=case.pk)
        if not policy.can_edit_case(by, stored):
            raise ApplicationError(_("You cannot change this case study."))
        texts = {"title": title, "body": body, "question": question, "closing_summary": stored.closing_summary}
        if stored.is_public:
            hits = casestudy_hits(case=stored, texts=texts)
            if hits:
                raise NamesTheClient(hits)
        stored.title, stored.body, stored.question = title, body, question
        _render(stored)
        stored.full_clean()
        stored.save(update_fields=["title", "body", "body_html", "question", "closing_summary_html", "updated_at"])
        stored.themes.set(themes)
    case.refresh_from_db()
    return case


def _set_status(case: CaseStudy, status: str, **fields) -> CaseStudy:
    """Move a case on, re-reading it under a lock so two editors cannot both act on it."""
    with transaction.atomic():
        locked = CaseStudy.objects.select_for_update().get(pk=case.pk)
        if locked.status != case.status:
            raise ApplicationError(_("Someone else changed this case study meanwhile. Please look again."))
        CaseStudy.objects.filter(pk=case.pk).update(status=status, updated_at=timezone.now(), **fields)
    case.refresh_from_db()
    return case


def casestudy_submit(*, case: CaseStudy, by) -> CaseStudy:
    """An advisor's draft goes to the editors for review."""
    if not policy.can_submit_case(by, case):
        raise ApplicationError(_("Only a draft can be sent for review, by its author."))
    return _set_status(case, CaseStudy.Status.REVIEW)


def casestudy_publish(*, case: CaseStudy, by, now=None) -> CaseStudy:
    if not policy.can_publish_case(by, case):
        raise ApplicationError(_("Only a manager publishes, and only a draft or a case in review."))
    with transaction.atomic():
        # The text as stored, under the lock: not as read before an edit saved meanwhile.
        stored = CaseStudy.objects.select_for_update().get(pk=case.pk)
        hits = casestudy_hits(case=stored)
        if hits:
            raise NamesTheClient(hits)
        # The public address comes from the title just checked, not from the draft's first
        # title (which may have named the client: the slug is made at creation).
        return _set_status(
            case,
            CaseStudy.Status.PUBLISHED,
            published_at=now or timezone.now(),
            published_by=by,
            slug=_unique_slug(stored.title, exclude_pk=case.pk),
        )


def casestudy_close(*, case: CaseStudy, by, closing_summary: str, now=None) -> CaseStudy:
    """The author ends the discussion with what it taught; nobody comments after that."""
    if not policy.can_close_case(by, case):
        raise ApplicationError(_("Only the author closes the discussion of a published case."))
    if not closing_summary.strip():
        raise ValidationError({"closing_summary": _("Write what the discussion taught, for the readers after you.")})
    texts = {field: getattr(case, field) for field in CHECKED_FIELDS} | {"closing_summary": closing_summary}
    hits = casestudy_hits(case=case, texts=texts)
    if hits:
        raise NamesTheClient(hits)
    return _set_status(
        case,
        CaseStudy.Status.CLOSED,
        closed_at=now or timezone.now(),
        closing_summary=closing_summary,
        closing_summary_html=render_markdown(closing_summary),
    )


def casestudy_archive(*, case: CaseStudy, by) -> CaseStudy:
    """Take a case off the public pages for good (its discussion stays in the database)."""
    if not policy.can_archive_case(by, case):
        raise ApplicationError(_("Only a manager archives a case study."))
    return _set_status(case, CaseStudy.Status.ARCHIVED)


# --- a case from an engagement's lesson -------------------------------------------------------------
@dataclass(frozen=True)
class Prefill:
    title: str
    body: str
    question: str


def _neutral_words(lesson: EngagementLesson) -> list[tuple[list[str], str]]:
    """(terms, neutral word) per name: e-mail addresses first (they contain the domains),
    then the client (its name may contain a contact's surname), then each contact."""
    pairs = [
        (identifying_terms(client_names=[], contact_names=[], emails=[e]), _("[e-mail address]")) for e in lesson.emails
    ]
    pairs += [
        (identifying_terms(client_names=[n], contact_names=[], emails=[]), _("the client")) for n in lesson.client_names
    ]
    for name, role in zip(lesson.contact_names, lesson.contact_roles, strict=True):
        word = _("the %(role)s") % {"role": role.lower()} if role else _("a contact person")
        pairs.append((identifying_terms(client_names=[], contact_names=[name], emails=[]), word))
    return pairs


def neutralise(text: str, lesson: EngagementLesson) -> str:
    """Replace every name of the client and its contacts that the check would find, in one
    pass: where names overlap ("Eva Hofstede" of "Hofstede Bouw") the longest one decides."""
    words: dict[str, str] = {}
    for terms, word in _neutral_words(lesson):
        for term in terms:
            words.setdefault(term, word)
    for hit in sorted(find_hits({"text": text}, list(words)), key=lambda hit: -hit.start):
        text = text[: hit.start] + words.get(hit.term, _("[name]")) + text[hit.end :]
    return text


def casestudy_prefill(*, lesson: EngagementLesson) -> Prefill:
    """A first draft from an engagement: the request, the need behind it, the goal, the
    lessons of its meetings and the flags it had, with the client's names replaced."""
    sections = [
        (_("What the client asked"), lesson.stated_request),
        (_("The need behind the request"), lesson.underlying_need),
        (_("The shared goal"), lesson.desired_outcomes),
        (_("Out of scope"), lesson.boundaries),
        (_("Lessons from the meetings"), "\n".join(f"- {lesson_}" for lesson_ in lesson.lessons)),
        (_("What went wrong along the way"), "\n".join(f"- {kind}" for kind in lesson.flag_kinds)),
    ]
    body = "\n\n".join(f"# {heading}\n\n{text.strip()}" for heading, text in sections if text.strip())
    sector = lesson.sector or _("an organisation")
    return Prefill(
        title=neutralise(_("A case from %(sector)s") % {"sector": sector.lower()}, lesson),
        body=neutralise(body, lesson),
        question=_("How would you have handled this?"),
    )
