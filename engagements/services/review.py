"""The one writer of a flag's state (docs/domain.md: "Managers decide; rules only raise and clear").

Raising a flag by hand, taking flags into review, responding, closing with a decision,
reopening and the rules' automatic clearing all happen here; the views, the admin and the
flag rules (services.flags) call these functions. Each change is kept in the flag's history
(django-simple-history) with who made it and what it was. What a decision *does* to the
engagement is in services.decisions, which closes the flag through `flag_close`.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import render_email
from core.exceptions import ApplicationError
from core.people import display_name

from .. import policy, tasks
from ..models import Engagement, Flag, FlagNotice, FlagResponse
from ._common import claim, mark_done, stable_message_id
from .health import engagement_refresh_health

Q_UNSENT = Q(sent_at__isnull=True)


def _save(flag: Flag, *, by, reason: str, fields: list[str]) -> None:
    """Save the changed fields with a history row saying who did what."""
    flag._history_user = by
    flag._change_reason = reason
    flag.save(update_fields=[*fields, "updated_at"])


def _locked(flag: Flag) -> Flag:
    """The flag as stored now, locked until the transaction ends: two managers deciding at
    once are served one after the other, and the second sees what the first did."""
    return (
        Flag.objects.select_for_update(of=("self",)).select_related("engagement__lead__advisor_profile").get(pk=flag.pk)
    )


def _require_decider(by, flag: Flag) -> None:
    if not policy.can_decide_flag(by, flag):
        raise ApplicationError(_("Only a manager of the advisor's team decides on this flag."))


@transaction.atomic
def flag_raise(*, engagement: Engagement, by, kind: str, severity: str, details: str) -> Flag:
    """A flag raised by hand (docs/domain.md: the "manual" rule): by anyone on the engagement."""
    if not policy.can_change_engagement(by, engagement):
        raise ApplicationError(_("Only the people on this engagement raise a flag on it."))
    if not details.strip():
        raise ApplicationError(_("Say what is going on, so the manager can judge it."))
    flag = Flag(engagement=engagement, kind=kind, severity=severity, details=details.strip(), source=Flag.Source.PERSON)
    flag.raised_by = by
    flag.full_clean()
    flag._history_user, flag._change_reason = by, "raised"
    flag.save()
    engagement_refresh_health(engagement_id=engagement.pk)
    return flag


@transaction.atomic
def flag_take_into_review(*, flags, by) -> int:
    """Take open flags into review (one or many, from the queue). Flags already in review or
    closed are left as they are; a flag the user may not decide on is refused, and then none
    is taken. Returns how many were taken."""
    locked = list(
        Flag.objects.select_for_update(of=("self",))
        .select_related("engagement__lead__advisor_profile")
        .filter(pk__in=[f.pk for f in flags])
        .order_by("pk")
    )
    for flag in locked:
        _require_decider(by, flag)
    taken = 0
    for flag in locked:
        if flag.status == Flag.Status.OPEN:
            flag.status, flag.reviewer = Flag.Status.IN_REVIEW, by
            _save(flag, by=by, reason="taken into review", fields=["status", "reviewer"])
            taken += 1
    return taken


@transaction.atomic
def flag_respond(*, flag: Flag, by, text: str) -> FlagResponse:
    """The advisor's answer to a flag: anyone on the engagement, while the flag is open."""
    if not policy.can_respond_to_flag(by, flag):
        raise ApplicationError(_("Only the people on this engagement respond to its flags."))
    if not text.strip():
        raise ApplicationError(_("Write the response first."))
    response = FlagResponse(flag=flag, author=by, text=text.strip())
    response.full_clean()
    response.save()
    return response


def flag_close(*, flag: Flag, by, decision: str, note: str, dismiss: bool = False) -> Flag:
    """Close an open flag with a manager's decision and note (in the caller's transaction,
    services.decisions). Refused, changing nothing, when it was decided meanwhile."""
    flag = _locked(flag)
    _require_decider(by, flag)
    if not flag.is_open:
        raise ApplicationError(
            _("%(name)s decided on this flag meanwhile; nothing was changed. Reload the page to see the decision.")
            % {"name": display_name(flag.decided_by) if flag.decided_by else _("Someone")}
        )
    if not note.strip():
        raise ApplicationError(_("Write a note with the decision: the advisor reads it."))
    flag.status = Flag.Status.DISMISSED if dismiss else Flag.Status.RESOLVED
    flag.decision, flag.decision_note, flag.decided_by, flag.closed_at = decision, note.strip(), by, timezone.now()
    _save(flag, by=by, reason="decided", fields=["status", "decision", "decision_note", "decided_by", "closed_at"])
    engagement_refresh_health(engagement_id=flag.engagement_id)
    notice = FlagNotice.objects.create(
        flag=flag, recipient=flag.engagement.lead, decision=decision, note=flag.decision_note, decided_by=by
    )
    transaction.on_commit(lambda: tasks.flag_notice_send.delay(notice.pk))
    return flag


@transaction.atomic
def flag_reopen(*, flag: Flag, by, note: str = "") -> Flag:
    """Open a decided flag again (its decision stays in the history)."""
    flag = _locked(flag)
    _require_decider(by, flag)
    if flag.is_open:
        raise ApplicationError(_("This flag is open already."))
    twin = Flag.objects.filter(
        engagement_id=flag.engagement_id, kind=flag.kind, subject=flag.subject, status__in=Flag.OPEN_STATUSES
    ).exclude(pk=flag.pk)
    if flag.source == Flag.Source.RULE and twin.exists():
        raise ApplicationError(_("A newer flag about the same thing is open; work on that one."))
    flag.status, flag.reviewer = Flag.Status.OPEN, None
    flag.decision, flag.decision_note, flag.decided_by, flag.closed_at = "", "", None, None
    reason = f"reopened: {note.strip()}"[:100] if note.strip() else "reopened"
    _save(
        flag,
        by=by,
        reason=reason,
        fields=["status", "reviewer", "decision", "decision_note", "decided_by", "closed_at"],
    )
    engagement_refresh_health(engagement_id=flag.engagement_id)
    return flag


def flag_clear_automatically(*, flag: Flag, now: datetime) -> None:
    """A rule's flag whose condition no longer holds (services.flags, in its transaction).
    No note: the page says "cleared automatically" in the reader's language."""
    flag.status, flag.closed_at = Flag.Status.RESOLVED, now
    _save(flag, by=None, reason="cleared automatically", fields=["status", "closed_at"])


def flag_notice_send(*, notice_id: int, claim_token: str = "") -> bool:
    """E-mail the advisor what was decided, at most once per decision: claim, send, mark sent.
    Returns False when there was nothing to do (sent already, or another worker has it)."""
    now = timezone.now()
    token = claim_token or uuid.uuid4().hex
    if not claim(FlagNotice, notice_id, pending=Q_UNSENT, token=token, now=now):
        return False
    notice = FlagNotice.objects.select_related(
        "flag__engagement__client", "recipient__advisor_profile", "decided_by"
    ).get(pk=notice_id)
    if notice.recipient.email:
        _notice_email(notice).send()
    mark_done(FlagNotice, notice_id, sent_at=timezone.now())
    return True


def _notice_email(notice: FlagNotice):
    profile = getattr(notice.recipient, "advisor_profile", None)
    context = {
        "notice": notice,
        "flag": notice.flag,
        "engagement": notice.flag.engagement,
        "link": settings.SITE_URL + reverse("engagements:flag", args=[notice.flag_id]),
    }
    return render_email(
        "flag_decided",
        context,
        to=[notice.recipient.email],
        language=profile.language if profile else settings.LANGUAGE_CODE,
        headers={"Message-ID": stable_message_id(f"flagnotice-{notice.pk}")},
    )
