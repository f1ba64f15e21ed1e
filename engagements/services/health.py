"""An engagement's health, derived from its open flags: written by whatever changes a flag."""

from django.db import transaction

from ..models import Engagement, Flag
from ..rules.health import health_for_open_flags


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
