"""Who may read, comment on, write, publish and moderate case studies: the one place that
answers it for the community (engagement data is engagements/policy.py's, and a community
member never reaches any of it).

- everyone, logged in or not, reads published cases and cases whose discussion is closed;
  drafts, cases in review and archived cases are shown to their author and to editors only,
  and to everyone else they do not exist (404);
- comments: community members and advisors (consultants, managers) who are logged in and
  active, on a published case only; a new member's first comment waits for a moderator
  when RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT is on;
- a comment's author edits it for COMMENT_EDIT_MINUTES after posting, and deletes it at any
  time (the thread keeps a placeholder); anyone who may comment reports someone else's;
- authoring: advisors write cases (from scratch or from an engagement they may see);
  managers and superusers are editors: they edit cases in review, publish and archive;
- the case's author closes its discussion and writes the closing summary (editors too);
- moderators: managers and staff. They see held, hidden and reported comments and approve,
  hide, restore or remove them.
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from advisors import roles

from .models import CaseStudy, Comment

COMMENT_EDIT_MINUTES = 15


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_editor(user) -> bool:
    """Managers and superusers review and publish."""
    return _active(user) and (user.is_superuser or roles.is_manager(user))


def is_moderator(user) -> bool:
    return _active(user) and (user.is_staff or user.is_superuser or roles.is_manager(user))


def can_author(user) -> bool:
    return _active(user) and (user.is_superuser or roles.is_advisor(user))


def _require(allowed: bool) -> None:
    """A 404, not a 403, for what a user may not do: the page is not there for them."""
    if not allowed:
        raise Http404(_("Not found."))


def require_author(user) -> None:
    """The authoring pages (a new case, my cases) exist for authors only."""
    _require(can_author(user))


def require_moderator(user) -> None:
    _require(is_moderator(user))


def cases_visible_to(user) -> QuerySet[CaseStudy]:
    """The cases a user may open: public ones, plus their own, plus every case for editors."""
    cases = CaseStudy.objects.all()
    if is_editor(user):
        return cases
    public = Q(status__in=CaseStudy.PUBLIC)
    if can_author(user):
        return cases.filter(public | Q(author=user))
    return cases.filter(public)


def get_case_for_user(user, slug: str) -> CaseStudy:
    case = cases_visible_to(user).select_related("author__member_profile").filter(slug=slug).first()
    if case is None:
        raise Http404(_("No case study found."))
    return case


def can_edit_case(user, case: CaseStudy) -> bool:
    if case.status == CaseStudy.Status.ARCHIVED:
        return False
    if is_editor(user):
        return True
    return _active(user) and case.author_id == user.pk and can_author(user)


def get_case_to_edit(user, slug: str) -> CaseStudy:
    case = get_case_for_user(user, slug)
    _require(can_edit_case(user, case))
    return case


def can_submit_case(user, case: CaseStudy) -> bool:
    return case.status == CaseStudy.Status.DRAFT and can_edit_case(user, case)


def can_publish_case(user, case: CaseStudy) -> bool:
    return case.status in (CaseStudy.Status.DRAFT, CaseStudy.Status.REVIEW) and is_editor(user)


def can_close_case(user, case: CaseStudy) -> bool:
    """The author (or an editor) closes a published case's discussion with a summary."""
    if case.status != CaseStudy.Status.PUBLISHED:
        return False
    return is_editor(user) or (_active(user) and case.author_id == user.pk)


def get_case_to_close(user, slug: str) -> CaseStudy:
    case = get_case_for_user(user, slug)
    _require(can_close_case(user, case))
    return case


def can_archive_case(user, case: CaseStudy) -> bool:
    return case.status != CaseStudy.Status.ARCHIVED and is_editor(user)


def can_see_source(user, case: CaseStudy) -> bool:
    """The source engagement is shown to the author and editors, on their own pages only."""
    return is_editor(user) or (_active(user) and case.author_id == user.pk)


def can_comment(user) -> bool:
    return _active(user) and (user.is_superuser or roles.is_community_member(user) or roles.is_advisor(user))


def can_comment_on(user, case: CaseStudy) -> bool:
    return case.is_open_for_comments and can_comment(user)


def comment_needs_approval(user) -> bool:
    """A new community member's first comment is held (a setting); advisors' never are."""
    if not settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT or roles.is_advisor(user) or user.is_superuser:
        return False
    return not Comment.objects.filter(author=user, status=Comment.Status.VISIBLE).exists()


def can_edit_comment(user, comment: Comment, *, now=None) -> bool:
    if not _active(user) or comment.author_id != user.pk:
        return False
    if comment.status not in (Comment.Status.VISIBLE, Comment.Status.HELD):
        return False
    if not comment.case.is_open_for_comments:
        return False
    now = now or timezone.now()
    return (now - comment.created_at).total_seconds() <= COMMENT_EDIT_MINUTES * 60


def can_delete_comment(user, comment: Comment) -> bool:
    return (
        _active(user)
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.VISIBLE, Comment.Status.HELD, Comment.Status.HIDDEN)
    )


def can_report_comment(user, comment: Comment) -> bool:
    return can_comment(user) and comment.author_id != user.pk and comment.status == Comment.Status.VISIBLE


def get_comment_to_report(user, pk: int) -> Comment:
    comment = get_comment_for_user(user, pk)
    _require(can_report_comment(user, comment))
    return comment


def comments_visible_to(user, case: CaseStudy) -> Q:
    """Which comments of a case a user reads: visible ones and the placeholders of those
    gone (hidden, removed, deleted keep their place in the thread, without their text);
    a held comment only for its author and moderators."""
    condition = ~Q(status=Comment.Status.HELD)
    if is_moderator(user):
        return Q()
    if _active(user):
        condition |= Q(author=user)
    return condition


def get_comment_for_user(user, pk: int) -> Comment:
    """A comment on a case the user may open; 404 for anything else."""
    comment = (
        Comment.objects.filter(case__in=cases_visible_to(user)).select_related("case", "author").filter(pk=pk).first()
    )
    if comment is None or (
        comment.status == Comment.Status.HELD
        and not (is_moderator(user) or (_active(user) and comment.author_id == user.pk))
    ):
        raise Http404(_("No comment found."))
    return comment
