"""E-mails about the discussion: the case's author on a new comment, a commenter on a reply.

As with reminders, the database decides: a Notification row per (comment, recipient) is the
promise, made in the transaction that made the comment visible; its uniqueness means nobody
is told twice about one comment; the task claims the row and `sent_at` records the sending.
The scan (config/schedule.py) hands out rows whose task was lost. Each e-mail carries a
one-click unsubscribe link for its thread (and the List-Unsubscribe headers of RFC 8058).
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.claims import claim, claim_is_free, mark_done, stable_message_id
from core.emails import render_email

from ..models import Comment, Notification, ThreadMute
from ..people import display_name, reader_language
from ..tasks import notification_send as notification_send_task

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "casestudies.unsubscribe"
# A notification is e-mailed at once by its task; the scan picks up the ones left behind
# (broker down, worker killed) after this long.
SCAN_AFTER = timedelta(minutes=2)
GIVE_UP_AFTER = timedelta(days=3)


def notifications_create(*, comment: Comment) -> list[Notification]:
    """Owe the e-mails of a comment that became visible, and send them after the commit."""
    wanted: dict[int, str] = {}
    answered = comment.reply_to or comment.parent
    if answered is not None and answered.author_id != comment.author_id:
        wanted[answered.author_id] = Notification.Kind.REPLY
    if comment.case.author_id != comment.author_id:
        wanted.setdefault(comment.case.author_id, Notification.Kind.NEW_COMMENT)
    muted = set(
        ThreadMute.objects.filter(case_id=comment.case_id, user_id__in=wanted).values_list("user_id", flat=True)
    )
    rows = [
        Notification(comment=comment, recipient_id=user_id, kind=kind)
        for user_id, kind in wanted.items()
        if user_id not in muted
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for pk in Notification.objects.filter(comment=comment, sent_at=None).values_list("pk", flat=True):
        _enqueue_after_commit(pk)
    return created


def _enqueue_after_commit(pk: int) -> None:
    """As the reminders do: robust, so a broker that is down costs a logged error and not the
    other sends; the row is owed and the scan hands it out later. A lambda, not a partial:
    Django logs a robust callback's failure by its __qualname__."""
    transaction.on_commit(lambda: notification_send_task.delay(pk), robust=True)


def notifications_scan(*, now=None) -> int:
    """Hand out the notifications whose task was lost; returns how many."""
    now = now or timezone.now()
    Notification.objects.filter(sent_at=None, skipped_at=None, created_at__lt=now - GIVE_UP_AFTER).update(
        skipped_at=now
    )
    due = Notification.objects.filter(
        claim_is_free(now), sent_at=None, skipped_at=None, created_at__lt=now - SCAN_AFTER
    ).values_list("pk", flat=True)[:500]
    ids = list(due)
    for pk in ids:  # the rows exist already: hand them out now, not after some commit
        try:
            notification_send_task.delay(pk)
        except Exception as error:  # the broker is still down: the next scan tries again
            logger.error("notification %s not enqueued: %r", pk, error)
    return len(ids)


def unsubscribe_token(*, user_id: int, case_id: int) -> str:
    return signing.dumps({"u": user_id, "c": case_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def thread_mute(*, user_id: int, case_id: int) -> None:
    ThreadMute.objects.get_or_create(user_id=user_id, case_id=case_id)


def thread_unmute(*, user_id: int, case_id: int) -> None:
    ThreadMute.objects.filter(user_id=user_id, case_id=case_id).delete()


def notification_send(*, notification_id: int, claim_token: str = "") -> str:
    """Send one notification at most once: claim, re-check, send, mark."""
    now = timezone.now()
    pending = Q(sent_at__isnull=True, skipped_at__isnull=True)
    if not claim(Notification, notification_id, pending=pending, token=claim_token or uuid.uuid4().hex, now=now):
        return "taken"
    notification = Notification.objects.select_related(
        "recipient__member_profile", "recipient__advisor_profile", "comment__case", "comment__author__member_profile"
    ).get(pk=notification_id)
    comment = notification.comment
    muted = ThreadMute.objects.filter(user=notification.recipient, case=comment.case).exists()
    recipient = notification.recipient
    if muted or comment.status != Comment.Status.VISIBLE or not recipient.email or not recipient.is_active:
        Notification.objects.filter(pk=notification_id).update(skipped_at=now)
        return "skipped"
    build_notification_email(notification).send()
    mark_done(Notification, notification_id, sent_at=timezone.now())
    return "sent"


def build_notification_email(notification: Notification) -> EmailMultiAlternatives:
    comment, recipient = notification.comment, notification.recipient
    unsubscribe = settings.SITE_URL + reverse(
        "casestudies:unsubscribe", args=[unsubscribe_token(user_id=recipient.pk, case_id=comment.case_id)]
    )
    context = {
        "kind": notification.kind,
        "recipient_name": display_name(recipient),
        "commenter": display_name(comment.author),
        "case": comment.case,
        "comment": comment,
        "link": settings.SITE_URL + comment.get_absolute_url(),
        "unsubscribe": unsubscribe,
    }
    return render_email(
        "comment_notification",
        context,
        to=[recipient.email],
        language=reader_language(recipient),
        headers={
            "Message-ID": stable_message_id(f"comment-notification-{notification.pk}"),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
