"""Signed links for client contacts, who have no account.

A token names one PlanShare (and its plan) and the share's current nonce, and carries its
signing time; it opens that plan's answer page and file and nothing else, and stops working
after PLAN_LINK_MAX_AGE_DAYS, when the share is revoked, or when the plan is sent to the
contact again (each sending and each revoke draws a new nonce, so an old link never comes
back). https://docs.djangoproject.com/en/5.2/topics/signing/
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from .models import Engagement, PlanShare

SALT = "rapport.engagements.plan-link"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def plan_link_token(share: PlanShare) -> str:
    return signing.dumps({"share": share.pk, "plan": share.plan_id, "n": share.link_nonce}, salt=SALT)


def share_for_token(token: str) -> PlanShare:
    """The share a token names, or LinkExpired / LinkInvalid (tampered, unknown, mismatched)."""
    max_age = timedelta(days=settings.PLAN_LINK_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        share = PlanShare.objects.select_related("plan__engagement__client", "contact").get(
            pk=payload["share"], plan_id=payload["plan"], link_nonce=payload["n"]
        )
    except (PlanShare.DoesNotExist, KeyError, TypeError):
        raise LinkInvalid from None
    # A link closed by hand, a contact who left, or an engagement that ended: no entry.
    if share.revoked_at or share.contact.left_on is not None or share.plan.engagement.stage in Engagement.ENDED_STAGES:
        raise LinkInvalid
    return share
