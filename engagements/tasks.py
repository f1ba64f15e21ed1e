from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

# The services import these tasks at the top (to enqueue them); the tasks import the services
# inside their bodies, which breaks that cycle (STYLE.md §4: one direction per edge).

TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


@shared_task(acks_late=True)
def engagement_refresh_health(engagement_id: int) -> None:
    """Recompute one engagement's health (idempotent, so a redelivery is harmless)."""
    from . import services  # cycle: the services import these tasks

    services.engagement_refresh_health(engagement_id=engagement_id)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=8)
def plan_share_email_send(self, share_id: int) -> None:
    """E-mail one contact the link to a shared plan; the share row says whether it went out.
    The task id is the claim: its own retries may take the share again, nobody else."""
    from . import services  # cycle: the services import these tasks

    services.plan_share_email_send(share_id=share_id, claim_token=self.request.id or "")


@shared_task(acks_late=True)
def reminders_scan() -> None:
    """Record due reminders, raise time-based flags, enqueue sending (run by beat)."""
    from . import services  # cycle: the services import these tasks

    services.reminders_scan()


@shared_task(
    bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, max_retries=8
)
def reminder_send(self, reminder_id: int) -> None:
    """Send one reminder; the row's claim and sent_at make a second delivery harmless.
    The task id is the claim: its own retries may take the reminder again, nobody else."""
    from . import services  # cycle: the services import these tasks

    services.reminder_send(reminder_id=reminder_id, claim_token=self.request.id or "")


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=8)
def flag_notice_send(self, notice_id: int) -> None:
    """E-mail an advisor a manager's decision on their flag; the notice row says whether it
    went out. The task id is the claim: its own retries may take it again, nobody else."""
    from . import services  # cycle: the services import these tasks

    services.flag_notice_send(notice_id=notice_id, claim_token=self.request.id or "")


@shared_task
def digests_scan() -> None:
    """Make the managers' weekly digests once due, and hand out those not sent (run by beat)."""
    from . import services  # cycle: the services import these tasks

    with transaction.atomic():  # the sends are enqueued after the rows are committed
        services.digests_due()


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=8)
def digest_send(self, digest_id: int) -> None:
    """E-mail a manager their weekly digest; the digest row says whether it went out. The
    task id is the claim: its own retries may take it again, nobody else."""
    from . import services  # cycle: the services import these tasks

    services.digest_send(digest_id=digest_id, claim_token=self.request.id or "")
