"""Celery tasks of the community: thin, and safe to run twice (the rows decide)."""

from smtplib import SMTPException

from celery import shared_task

TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=8)
def notification_send(self, notification_id: int) -> None:
    """E-mail one notification; the task id is the claim, so only its own retries retake it."""
    from .services import notifications  # cycle: the services import these tasks

    notifications.notification_send(notification_id=notification_id, claim_token=self.request.id or "")


@shared_task(acks_late=True)
def notifications_scan() -> None:
    """Hand out notifications whose task was lost (run by beat)."""
    from .services import notifications  # cycle: the services import these tasks

    notifications.notifications_scan()
