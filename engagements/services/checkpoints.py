from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

from ..models import Engagement, ExpectationCheckpoint
from .flags import flags_sync


@transaction.atomic
def checkpoint_create(*, engagement: Engagement, by, **fields) -> ExpectationCheckpoint:
    checkpoint = ExpectationCheckpoint(engagement=engagement, created_by=by, **fields)
    checkpoint.full_clean()
    checkpoint.save()
    flags_sync(engagement_id=engagement.pk)
    return checkpoint


def _open_checkpoint(checkpoint: ExpectationCheckpoint) -> ExpectationCheckpoint:
    checkpoint = ExpectationCheckpoint.objects.select_for_update().get(pk=checkpoint.pk)
    if checkpoint.status == ExpectationCheckpoint.Status.WAIVED:
        raise ApplicationError(_("This checkpoint was waived."))
    return checkpoint


@transaction.atomic
def checkpoint_answer(
    *, checkpoint: ExpectationCheckpoint, status: str, client_answer: str, recorded_via: str
) -> ExpectationCheckpoint:
    """Record the client's answer: confirmed or misaligned, and how we heard it."""
    checkpoint = _open_checkpoint(checkpoint)
    checkpoint.status, checkpoint.client_answer, checkpoint.recorded_via = status, client_answer, recorded_via
    checkpoint.answered_at = timezone.now()
    checkpoint.full_clean()
    checkpoint.save()
    flags_sync(engagement_id=checkpoint.engagement_id)
    return checkpoint


@transaction.atomic
def checkpoint_waive(*, checkpoint: ExpectationCheckpoint, reason: str) -> ExpectationCheckpoint:
    checkpoint = _open_checkpoint(checkpoint)
    checkpoint.status, checkpoint.waived_reason = ExpectationCheckpoint.Status.WAIVED, reason
    checkpoint.full_clean()
    checkpoint.save()
    flags_sync(engagement_id=checkpoint.engagement_id)
    return checkpoint
