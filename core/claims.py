"""Background work that is safe to run twice, shared by every app that sends e-mail from a
task: claim a row with one conditional UPDATE, record that its work was done (waiting for a
database that went away), and give each e-mail one Message-ID for all its copies."""

import logging
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, models
from django.db.models import Q


def claim(model: type[models.Model], pk: int, *, pending: Q, token: str, now: datetime, **also) -> bool:
    """Take one row of work for `token` with a single conditional UPDATE: only if it is still
    pending and nobody holds a fresh claim (a retry of the same task holds the same token).
    A claim older than RAPPORT_REMINDER_CLAIM_STALE_SECONDS belongs to a worker that died."""
    stale = now - timedelta(seconds=settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale) | Q(claimed_by=token)
    return model.objects.filter(pending, free, pk=pk).update(claimed_at=now, claimed_by=token, **also) == 1


def stable_message_id(local_part: str) -> str:
    """A Message-ID that is the same for every copy of one e-mail (`<local_part@site host>`):
    mail systems that drop duplicates by Message-ID drop a copy sent twice."""
    return f"<{local_part}@{urlsplit(settings.SITE_URL).hostname or 'rapport.local'}>"


def claim_is_free(now: datetime) -> Q:
    """The rows the scan may hand out: never claimed, or claimed by a worker that died."""
    stale = now - timedelta(seconds=settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS)
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)


logger = logging.getLogger(__name__)
MARK_DONE_SECONDS = 30  # how long a sender waits for a database that went away (a restart)


def mark_done(model: type[models.Model], pk: int, **fields) -> None:
    """Record that the work of a claimed row was done (the mail server accepted the message).

    Losing this UPDATE means doing the work twice once the claim goes stale, so a database
    that went away (a restart, a failover) is waited for, up to MARK_DONE_SECONDS, rather
    than given up on at once. The UPDATE is idempotent; inside a transaction nothing can
    be retried and the error is raised as before.
    """
    deadline = time.monotonic() + MARK_DONE_SECONDS
    while True:
        try:
            model.objects.filter(pk=pk).update(**fields)
            return
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() > deadline:
                raise
            logger.warning("Database gone while marking %s %s done, retrying: %s", model.__name__, pk, error)
            connection.close()  # the next attempt opens a new connection
            time.sleep(1)
