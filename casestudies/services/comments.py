"""The discussion of a case: posting, editing, deleting, reporting and moderating comments.

Every change of a comment's status is a CommentEvent (who, what, why), so a moderator sees
its history. A comment that becomes visible owes its e-mails (services/notifications.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

from .. import policy
from ..markup import render_markdown
from ..models import COMMENT_MAX_LENGTH, MAX_COMMENT_DEPTH, CaseStudy, Comment, CommentEvent, CommentReport
from .notifications import notifications_create

Status = Comment.Status
Action = CommentEvent.Action


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A comment holds at most %(limit)d characters; this one has %(count)d.")
                % {"limit": COMMENT_MAX_LENGTH, "count": len(body)}
            }
        )
    return body


def _parent_in(case: CaseStudy, parent_id: int | None) -> Comment | None:
    """The comment replied to, which must belong to this case (a tampered form cannot move a
    reply to another case). At the deepest level a reply joins its parent's thread."""
    if parent_id is None:
        return None
    parent = Comment.objects.filter(case=case, pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent": _("The comment you reply to is not part of this case.")})
    if parent.status != Status.VISIBLE:
        raise ValidationError({"parent": _("The comment you reply to is no longer shown.")})
    return parent


def comment_post(*, case: CaseStudy, author, body: str, parent_id: int | None = None) -> Comment:
    if not policy.can_comment(author):
        raise ApplicationError(_("Log in as a community member to take part."))
    body = _clean_body(body)
    with transaction.atomic():
        # Under a lock: a case that is being closed or archived takes no comment meanwhile.
        locked = CaseStudy.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open_for_comments:
            raise ApplicationError(_("This discussion is closed: it takes no new comments."))
        reply_to = _parent_in(locked, parent_id)
        parent = reply_to.parent if reply_to and reply_to.depth >= MAX_COMMENT_DEPTH else reply_to
        held = policy.comment_needs_approval(author)
        comment = Comment(
            case=locked,
            parent=parent,
            reply_to=reply_to,
            depth=parent.depth + 1 if parent else 0,
            author=author,
            body=body,
            body_html=render_markdown(body),
            status=Status.HELD if held else Status.VISIBLE,
        )
        comment.full_clean()
        comment.save()
        if held:
            CommentEvent.objects.create(comment=comment, action=Action.HELD, reason=_("A new member's first comment"))
        else:
            notifications_create(comment=comment)
    return comment


def comment_edit(*, comment: Comment, by, body: str, now=None) -> Comment:
    now = now or timezone.now()
    if not policy.can_edit_comment(by, comment, now=now):
        raise ApplicationError(
            _("A comment can be changed by its author for %(minutes)d minutes after posting.")
            % {"minutes": policy.COMMENT_EDIT_MINUTES}
        )
    body = _clean_body(body)
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(body=body, body_html=render_markdown(body), edited_at=now)
        CommentEvent.objects.create(comment=comment, action=Action.EDITED, by=by)
    comment.refresh_from_db()
    return comment


def comment_delete(*, comment: Comment, by) -> Comment:
    """The author takes their words back: the text goes, the thread keeps a placeholder."""
    if not policy.can_delete_comment(by, comment):
        raise ApplicationError(_("Only its author deletes a comment."))
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, body="", body_html="")
        CommentEvent.objects.create(comment=comment, action=Action.DELETED, by=by)
    comment.refresh_from_db()
    return comment


def comment_report(*, comment: Comment, by, reason: str) -> CommentReport:
    """A member reports a comment. When RAPPORT_COMMUNITY_REPORTS_TO_HIDE different members
    have, it is hidden until a moderator looks (its author is not told who reported)."""
    if not policy.can_report_comment(by, comment):
        raise ApplicationError(_("You cannot report this comment."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the comment, for the moderators.")})
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reporter=by, reason=reason[:500])
            CommentEvent.objects.create(comment=comment, action=Action.REPORTED, by=by, reason=reason[:500])
            reporters = CommentReport.objects.filter(comment=comment, resolved_at=None).count()
            if reporters >= settings.RAPPORT_COMMUNITY_REPORTS_TO_HIDE:
                hid = Comment.objects.filter(pk=comment.pk, status=Status.VISIBLE).update(status=Status.HIDDEN)
                if hid:
                    CommentEvent.objects.create(
                        comment=comment,
                        action=Action.HIDDEN,
                        reason=_("Reported by %(count)d members") % {"count": reporters},
                    )
    except IntegrityError:
        raise ValidationError({"reason": _("You already reported this comment.")}) from None
    return report


# --- moderation ------------------------------------------------------------------------------------
MODERATION = {
    # action: (from statuses, to status, reason required)
    Action.APPROVED: ((Status.HELD,), Status.VISIBLE, False),
    Action.HIDDEN: ((Status.VISIBLE, Status.HELD), Status.HIDDEN, True),
    Action.RESTORED: ((Status.HIDDEN,), Status.VISIBLE, False),
    Action.KEPT: ((Status.VISIBLE,), Status.VISIBLE, False),
    Action.REMOVED: ((Status.VISIBLE, Status.HELD, Status.HIDDEN), Status.REMOVED, True),
}


def comment_moderate(*, comment: Comment, by, action: str, reason: str = "") -> Comment:
    """A moderator approves, hides, restores or removes a comment; the reason is kept in its
    history and the open reports count as dealt with."""
    if not policy.is_moderator(by):
        raise ApplicationError(_("Only moderators do this."))
    if action not in MODERATION:
        raise ValidationError({"action": _("Choose what to do with the comment.")})
    sources, target, needs_reason = MODERATION[action]
    reason = reason.strip()
    if needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason: it is kept in the comment's history.")})
    with transaction.atomic():
        moved = Comment.objects.filter(pk=comment.pk, status__in=sources).update(status=target)
        if not moved:
            raise ApplicationError(_("The comment is no longer in a state where this applies. Please look again."))
        CommentEvent.objects.create(comment=comment, action=action, by=by, reason=reason[:500])
        CommentReport.objects.filter(comment=comment, resolved_at=None).update(resolved_at=timezone.now())
        comment.refresh_from_db()
        if target == Status.VISIBLE:  # approved or restored: the e-mails it owes (once each)
            notifications_create(comment=comment)
    return comment
