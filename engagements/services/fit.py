"""The fit review of a client (issue 11; docs/domain.md, "A client's fit"): a manager sets
the client's fit with a reason, and may part ways: every open engagement of the client is
closed with the referral note, and the open "repeated complaints" flags that asked for the
review are decided with it. All of it in one transaction, or none of it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

from .. import policy
from ..fit_review import fit_review_flags
from ..models import Client, Engagement, Flag
from .engagements import engagement_update
from .review import flag_close


def client_part_ways(*, client: Client, by, referral_note: str) -> list[Engagement]:
    """Close every open engagement of the client that `by` may close, with the referral note
    (in the caller's transaction). Returns the engagements closed."""
    note = referral_note.strip()
    if not note:
        raise ValidationError({"referral_note": _("Write where the client is referred to, and why.")})
    closed = []
    open_ones = client.engagements.exclude(stage__in=Engagement.ENDED_STAGES).select_related("lead__advisor_profile")
    for engagement in open_ones.order_by("pk"):
        if policy.can_change_engagement_staffing(by, engagement):
            engagement_update(engagement=engagement, by=by, stage=Engagement.Stage.CLOSED, referral_note=note)
            closed.append(engagement)
    return closed


@transaction.atomic
def client_fit_review(
    *, client: Client, by, fit: str, reason: str, part_ways: bool = False, referral_note: str = ""
) -> Client:
    """Record the outcome of a fit review: the fit and its reason (kept in the client's
    history), and with `part_ways` the client's open engagements closed with the referral
    note. The client's open "repeated complaints" flags are decided with the review's reason
    ("part ways and refer", or "no action": the fit is the answer)."""
    if not policy.can_review_client_fit(by, client):
        raise ApplicationError(_("Only a manager of the team decides on a client's fit."))
    if fit not in Client.Fit.values:
        raise ValidationError({"fit": _("Choose the client's fit.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Write why: the advisors read it when they start new work for the client.")})
    if part_ways and fit == Client.Fit.GOOD:
        raise ValidationError({"fit": _("A client you part ways with does not fit: choose doubtful or mismatch.")})
    locked = Client.objects.select_for_update().get(pk=client.pk)
    locked.fit, locked.fit_reason = fit, reason.strip()
    locked._history_user, locked._change_reason = by, "fit review"
    locked.full_clean()
    locked.save(update_fields=["fit", "fit_reason", "updated_at"])
    if part_ways:
        client_part_ways(client=locked, by=by, referral_note=referral_note)
    decision = Flag.Decision.PART_WAYS if part_ways else Flag.Decision.NO_ACTION
    for flag in fit_review_flags(locked):
        if policy.can_decide_flag(by, flag):
            flag_close(flag=flag, by=by, decision=decision, note=locked.fit_reason)
    return locked
