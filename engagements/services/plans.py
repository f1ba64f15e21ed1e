import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import render_email
from core.exceptions import ApplicationError

from ..links import plan_link_token
from ..models import DraftPlan, Engagement, ExpectationCheckpoint, PlanAnswer, PlanShare, new_link_nonce
from ..tasks import plan_share_email_send as plan_share_email_send_task
from ._common import claim, mark_done, stable_message_id
from .flags import flags_sync

logger = logging.getLogger(__name__)
ANSWER_REPEAT_WINDOW = timedelta(minutes=1)


def plan_check_content(*, file=None, summary: str = "") -> None:
    """A plan has a file, a summary, or both (the upload form and the admin ask it here)."""
    if not file and not (summary or "").strip():
        raise ValidationError(_("Give the plan a file, a summary, or both."))


def plan_upload(
    *, engagement: Engagement, by, title: str, summary: str = "", budget: Decimal | None = None, file=None
) -> DraftPlan:
    """Store a new version of the engagement's plan: 1, 2, 3... with no gaps or doubles.

    The engagement row is locked while the next number is taken, so two uploads at once get
    consecutive numbers (and the unique constraint guards the rest).
    """
    plan_check_content(file=file, summary=summary)
    with transaction.atomic():
        Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
        last = DraftPlan.objects.filter(engagement=engagement).aggregate(last=Max("version"))["last"] or 0
        plan = DraftPlan(
            engagement=engagement, version=last + 1, title=title, summary=summary, budget=budget, created_by=by
        )
        if file is not None:
            plan.file = file
        plan.full_clean()
        try:
            plan.save()
        except Exception:
            if plan.file:
                plan.file.delete(save=False)  # no orphan confidential file
            raise
    return plan


def plan_share(*, plan: DraftPlan, contacts, by) -> list[PlanShare]:
    """Share the plan with the chosen contacts: record it and e-mail each a signed link.

    The plan keeps the time it was first shared (what readiness and reminders look at);
    each contact's share records the latest sending. The e-mails go out after the commit.
    """
    contacts = list(contacts)
    if not contacts:
        raise ValidationError({"contacts": _("Choose at least one contact.")})
    for contact in contacts:
        if contact.client_id != plan.engagement.client_id:
            raise ValidationError({"contacts": _("%(name)s is a contact of another client.") % {"name": contact.name}})
        if contact.left_on is not None:
            raise ValidationError({"contacts": _("%(name)s has left the client.") % {"name": contact.name}})
    now = timezone.now()
    with transaction.atomic():
        plan = DraftPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.shared_at is None:
            plan.shared_at, plan.shared_by = now, by
            plan.save(update_fields=["shared_at", "shared_by", "updated_at"])
        shares = []
        for contact in contacts:
            share, _created = PlanShare.objects.update_or_create(
                plan=plan,
                contact=contact,
                defaults={
                    "shared_at": now,
                    "shared_by": by,
                    "emailed_at": None,
                    "claimed_at": None,
                    "claimed_by": "",
                    "revoked_at": None,
                    # a new link: every earlier one (revoked, forwarded, lost) stops working
                    "link_nonce": new_link_nonce(),
                },
            )
            shares.append(share)
            # robust: a broker that is down must not undo the sharing; the scan sends it later.
            transaction.on_commit(lambda pk=share.pk: plan_share_email_send_task.delay(pk), robust=True)
        flags_sync(engagement_id=plan.engagement_id)
    return shares


def plan_share_email_send(*, share_id: int, claim_token: str = "") -> bool:
    """Send one share's e-mail, at most once per sharing: claim it, send, mark it e-mailed.

    Returns False when there was nothing to do (sent already, or another worker has it).
    On an error the claim stays with this task (its retries hold the same token); if the
    task gives up, the claim goes stale and the reminder scan hands the share out again.
    """
    now = timezone.now()
    token = claim_token or uuid.uuid4().hex
    pending = Q(emailed_at__isnull=True, revoked_at__isnull=True)
    if not claim(PlanShare, share_id, pending=pending, token=token, now=now):
        return False
    share = PlanShare.objects.select_related("plan__engagement__client", "contact", "shared_by").get(pk=share_id)
    _build_share_email(share).send()
    mark_done(PlanShare, share_id, emailed_at=timezone.now())
    return True


def _build_share_email(share: PlanShare) -> EmailMultiAlternatives:
    contact, plan = share.contact, share.plan
    context = {
        "contact": contact,
        "plan": plan,
        "advisor": share.shared_by,
        "link": settings.SITE_URL + reverse("client_plan", args=[plan_link_token(share)]),
        "days": settings.PLAN_LINK_MAX_AGE_DAYS,
    }
    reply_to = [share.shared_by.email] if share.shared_by.email else []
    # Stable per sending (the nonce changes with each): a copy sent twice in the one window
    # (README) carries the same Message-ID.
    message_id = stable_message_id(f"planshare-{share.pk}-{share.link_nonce}")
    return render_email(
        "plan_shared",
        context,
        to=[contact.email],
        language=contact.language,
        reply_to=reply_to,
        headers={"Message-ID": message_id},
    )


@transaction.atomic
def plan_answer_record(
    *,
    share: PlanShare,
    received: bool,
    matches_expectations: str,
    adjustments: str = "",
) -> PlanAnswer:
    """A contact answered through the link: keep the answer (history), show it on the plan,
    and settle the plan's expectation checkpoint as recorded "via client link".

    The same answer sent again within ANSWER_REPEAT_WINDOW (a double click, a resent form) is
    the same answer: it returns the stored one and changes nothing."""
    now = timezone.now()
    plan = DraftPlan.objects.select_for_update().get(pk=share.plan_id)
    # The link may have been closed (or replaced) since the page checked it: not under the lock.
    if not PlanShare.objects.filter(pk=share.pk, revoked_at__isnull=True, link_nonce=share.link_nonce).exists():
        raise ApplicationError(_("This link no longer works."))
    repeated = PlanAnswer.objects.filter(
        share=share,
        created_at__gte=now - ANSWER_REPEAT_WINDOW,
        received=received,
        matches_expectations=matches_expectations,
        adjustments=adjustments,
    ).first()
    if repeated is not None:
        return repeated
    answer = PlanAnswer(
        plan=plan, share=share, received=received, matches_expectations=matches_expectations, adjustments=adjustments
    )
    answer.full_clean()
    answer.save()

    if received and plan.acknowledged_at is None:
        plan.acknowledged_at = now
    plan.matches_expectations, plan.adjustments, plan.answered_at = matches_expectations, adjustments, now
    plan.save(update_fields=["acknowledged_at", "matches_expectations", "adjustments", "answered_at", "updated_at"])
    if share.opened_at is None:
        PlanShare.objects.filter(pk=share.pk).update(opened_at=now)

    checkpoint = (
        ExpectationCheckpoint.objects.filter(plan=plan, topic=ExpectationCheckpoint.Topic.PLAN_MATCHES)
        .exclude(status=ExpectationCheckpoint.Status.WAIVED)
        .order_by("-created_at")
        .first()
    ) or ExpectationCheckpoint(
        engagement_id=plan.engagement_id,
        plan=plan,
        topic=ExpectationCheckpoint.Topic.PLAN_MATCHES,
        due_on=timezone.localdate(now),
        question=_("Does the plan match what the client expected?"),
    )
    confirmed = matches_expectations == DraftPlan.Answer.YES
    checkpoint.status = ExpectationCheckpoint.Status.CONFIRMED if confirmed else ExpectationCheckpoint.Status.MISALIGNED
    checkpoint.client_answer = f"{answer.get_matches_expectations_display()} ({share.contact.name})" + (
        f": {adjustments}" if adjustments else ""
    )
    checkpoint.recorded_via = ExpectationCheckpoint.RecordedVia.CLIENT_LINK
    checkpoint.answered_at = now
    checkpoint.full_clean()
    checkpoint.save()
    flags_sync(engagement_id=plan.engagement_id)
    return answer


@transaction.atomic
def plan_share_revoke(*, share: PlanShare) -> PlanShare:
    """Close a contact's link before it expires (a mistake, a forwarded e-mail). The nonce
    changes too, so no later change of this row can bring the closed link back; sharing the
    plan with the contact again sends a new link."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.link_nonce = new_link_nonce()
        share.save(update_fields=["revoked_at", "link_nonce", "updated_at"])
    return share
