from django.db import transaction

from ..models import Client, Engagement, Flag
from ..rules import health_for_open_flags
from ._common import model_update


@transaction.atomic
def engagement_create(*, by, client: Client, title: str, lead=None, members=(), **fields) -> Engagement:
    """A new engagement; the creator leads it unless someone else is named."""
    engagement = Engagement(client=client, title=title, lead=lead or by, **fields)
    engagement.full_clean()
    engagement.save()
    engagement.members.set(members)
    return engagement


@transaction.atomic
def engagement_update(*, engagement: Engagement, members=None, **fields) -> Engagement:
    model_update(engagement, data=fields)
    if members is not None:
        engagement.members.set(members)
    from .flags import flags_sync  # the intake may now be complete

    flags_sync(engagement_id=engagement.pk)
    return engagement


@transaction.atomic
def engagement_refresh_health(*, engagement_id: int) -> str:
    """Recompute an engagement's stored health from its open flags and return it.

    Safe to run any number of times: it writes only when the health changed.
    """
    engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
    severities = engagement.flags.filter(status__in=Flag.OPEN_STATUSES).values_list("severity", flat=True)
    health = health_for_open_flags(severities)
    if engagement.health != health:
        engagement.health = health
        engagement.save(update_fields=["health", "updated_at"])
    return health
