from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def engagement_refresh_health(engagement_id: int) -> None:
    """Recompute one engagement's health (idempotent, so a redelivery is harmless)."""
    services.engagement_refresh_health(engagement_id=engagement_id)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def plan_share_email_send(share_id: int) -> None:
    """E-mail one contact the link to a shared plan; the share row says whether it went out."""
    services.plan_share_email_send(share_id=share_id)
