from celery import shared_task

from . import services


@shared_task(acks_late=True)
def engagement_refresh_health(engagement_id: int) -> None:
    """Recompute one engagement's health (idempotent, so a redelivery is harmless)."""
    services.engagement_refresh_health(engagement_id=engagement_id)
