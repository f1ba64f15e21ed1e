"""Reads of the community: each page's data in a fixed number of queries, whatever the
number of comments (a case with 500 comments costs what a case with 5 costs)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from engagements.selectors import EngagementLesson, engagement_lesson

from . import policy
from .anonymisation import Hit, find_hits, identifying_terms
from .markup import plain_text
from .models import CaseStudy, Comment, CommentEvent, CommentReport, Theme
from .people import display_name

PAGE_SIZE = 10
# The fields of a case that the anonymisation check reads (the Markdown ones also as shown).
CHECKED_FIELDS = ("title", "body", "question", "closing_summary")
MARKDOWN_FIELDS = ("body", "closing_summary")


def casestudy_hits(
    *, case: CaseStudy, texts: dict[str, str] | None = None, lesson: EngagementLesson | None = None
) -> list[Hit]:
    """Where the case (or `texts`, the fields about to be saved) names its source's client."""
    if case.source_engagement_id is None:
        return []
    lesson = lesson or engagement_lesson(engagement_id=case.source_engagement_id)
    if lesson is None:
        return []
    terms = identifying_terms(
        client_names=lesson.client_names, contact_names=lesson.contact_names, emails=lesson.emails
    )
    texts = texts or {field: getattr(case, field) for field in CHECKED_FIELDS}
    hits = find_hits(texts, terms)
    # The Markdown fields as readers see them too: "_Name_", "**Na**me" or "Na&euml;me" in the
    # source show the name on the page without naming it in the source.
    found = {(hit.field, hit.term) for hit in hits}
    shown = {field: plain_text(texts[field]) for field in MARKDOWN_FIELDS if texts.get(field)}
    hits += [hit for hit in find_hits(shown, terms) if (hit.field, hit.term) not in found]
    return hits


def casestudy_list_public(*, q: str = "", theme: str = "") -> QuerySet[CaseStudy]:
    """Published cases (and those whose discussion closed), newest first, with their themes
    and the number of comments one can read."""
    cases = (
        CaseStudy.objects.filter(status__in=CaseStudy.PUBLIC)
        .select_related("author__member_profile")
        .prefetch_related("themes")
        .annotate(comment_count=Count("comments", filter=Q(comments__status=Comment.Status.VISIBLE)))
        .order_by("-published_at", "-pk")
    )
    if theme:
        cases = cases.filter(themes__slug=theme)
    for word in q.split()[:8]:
        cases = cases.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(question__icontains=word))
    return cases


@dataclass(frozen=True)
class CaseList:
    page: object
    themes: list[Theme]
    q: str
    theme: Theme | None

    @property
    def query_string(self) -> str:
        """The search and theme, for the pagination's links."""
        return urlencode(
            {key: value for key, value in (("q", self.q), ("theme", self.theme and self.theme.slug)) if value}
        )


def casestudy_list_page(*, q: str = "", theme: str = "", page: str | int = 1) -> CaseList:
    themes = list(Theme.objects.filter(cases__status__in=CaseStudy.PUBLIC).distinct().order_by("name"))
    chosen = next((t for t in themes if t.slug == theme), None)
    cases = casestudy_list_public(q=q, theme=chosen.slug if chosen else "")
    return CaseList(page=Paginator(cases, PAGE_SIZE).get_page(page), themes=themes, q=q, theme=chosen)


@dataclass
class CommentNode:
    comment: Comment
    author_name: str
    by_case_author: bool
    can_edit: bool = False
    can_delete: bool = False
    can_report: bool = False
    can_reply: bool = False
    reported_by_me: bool = False
    answers: str = ""  # at the deepest level: the name of the one answered in the thread
    replies: list["CommentNode"] = field(default_factory=list)

    @property
    def shows_text(self) -> bool:
        return self.comment.status in (Comment.Status.VISIBLE, Comment.Status.HELD)


@dataclass(frozen=True)
class CasePage:
    case: CaseStudy
    author_name: str
    themes: list[Theme]
    thread: list[CommentNode]
    comment_count: int
    can_comment: bool
    can_edit: bool
    can_submit: bool
    can_publish: bool
    can_close: bool
    can_archive: bool
    is_moderator: bool
    hits: list[Hit]  # for the author and editors: where the text still names its client
    source_title: str  # the source engagement's title, for the author and editors only
    replying_to: CommentNode | None = None  # the comment the form below answers (?reply=)


def _thread(case: CaseStudy, user, *, now) -> tuple[list[CommentNode], int, dict[int, CommentNode]]:
    comments = list(
        Comment.objects.filter(policy.comments_visible_to(user, case), case=case)
        .select_related("author__member_profile")
        .order_by("created_at", "pk")
    )
    mine = set()
    if user.is_authenticated:
        mine = set(CommentReport.objects.filter(comment__case=case, reporter=user).values_list("comment_id", flat=True))
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    open_case = case.is_open_for_comments and policy.can_comment(user)
    for comment in comments:
        comment.case = case  # policy reads comment.case; no query per comment
        node = CommentNode(
            comment=comment,
            author_name=display_name(comment.author),
            by_case_author=comment.author_id == case.author_id,
            can_edit=policy.can_edit_comment(user, comment, now=now),
            can_delete=policy.can_delete_comment(user, comment),
            can_report=policy.can_report_comment(user, comment) and comment.pk not in mine,
            can_reply=open_case and comment.status == Comment.Status.VISIBLE,
            reported_by_me=comment.pk in mine,
        )
        answered = nodes.get(comment.reply_to_id) if comment.reply_to_id != comment.parent_id else None
        if answered is not None:
            node.answers = answered.author_name
        nodes[comment.pk] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    visible = sum(1 for c in comments if c.status == Comment.Status.VISIBLE)
    return roots, visible, nodes


def casestudy_page(*, case: CaseStudy, user, reply_to: int | None = None) -> CasePage:
    """The case page; `reply_to` is the comment the one form of the page answers (a page
    has one comment form, not one per comment: 500 comments stay one page to read)."""
    now = timezone.now()
    thread, count, nodes = _thread(case, user, now=now)
    replying_to = nodes.get(reply_to) if reply_to else None
    if replying_to is not None and not replying_to.can_reply:
        replying_to = None
    sees_source = policy.can_see_source(user, case)
    hits, source_title = [], ""
    if sees_source and case.source_engagement_id:
        lesson = engagement_lesson(engagement_id=case.source_engagement_id)
        hits = casestudy_hits(case=case, lesson=lesson) if lesson else []
        source_title = lesson.title if lesson else ""
    return CasePage(
        case=case,
        author_name=display_name(case.author),
        themes=list(case.themes.all()),
        thread=thread,
        comment_count=count,
        can_comment=policy.can_comment_on(user, case),
        can_edit=policy.can_edit_case(user, case),
        can_submit=policy.can_submit_case(user, case),
        can_publish=policy.can_publish_case(user, case),
        can_close=policy.can_close_case(user, case),
        can_archive=policy.can_archive_case(user, case),
        is_moderator=policy.is_moderator(user),
        hits=hits,
        source_title=source_title,
        replying_to=replying_to,
    )


def casestudy_list_for_author(*, user) -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(author=user).order_by("-updated_at")


def casestudy_list_in_review() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(status=CaseStudy.Status.REVIEW).select_related("author").order_by("updated_at")


def moderation_queue() -> QuerySet[Comment]:
    """Held comments, hidden ones, and visible ones with open reports; oldest first."""
    open_reports = CommentReport.objects.filter(resolved_at=None).select_related("reporter").order_by("created_at")
    return (
        Comment.objects.filter(
            Q(status__in=[Comment.Status.HELD, Comment.Status.HIDDEN])
            | Q(status=Comment.Status.VISIBLE, reports__resolved_at__isnull=True, reports__isnull=False)
        )
        .distinct()
        .select_related("case", "author__member_profile")
        .prefetch_related(
            Prefetch("reports", queryset=open_reports, to_attr="open_reports"),
            Prefetch("events", queryset=CommentEvent.objects.select_related("by__member_profile")),
        )
        .order_by("created_at")
    )
