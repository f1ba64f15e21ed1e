"""The weekly digest of each manager (issue 11): Monday 08:00 in Europe/Amsterdam, the new
flags of their team, the flags open for more than a week, and the team's readiness rate
with its change from the week before.

The database decides, as for reminders: the scan (every minute, Celery beat) makes one
`ManagerDigest` row per manager for the current week once its Monday 08:00 has come (a
unique constraint: a second scan, or two at once, make nothing new), and hands out the
unsent ones; the task claims its row with one conditional UPDATE, sends, marks it sent. A
beat that was down at 08:00 is caught up by the next scan; a worker that died leaves a
claim that goes stale and is handed out again. A week that has passed is not sent late.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from advisors import roles
from core.emails import render_email

from .. import dashboard, policy, tasks
from ..models import Flag, ManagerDigest
from ._common import claim, claim_is_free, mark_done, stable_message_id

SEND_HOUR = 8  # Monday 08:00, Europe/Amsterdam
LISTED = 20  # flags a digest lists of each kind; it says how many there are in all
Q_UNSENT = Q(sent_at__isnull=True)


def week_of(now: datetime) -> tuple[date, datetime]:
    """(the Monday of `now`'s week in Amsterdam, that Monday at 08:00 there)."""
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday())
    return monday, timezone.make_aware(datetime.combine(monday, time(SEND_HOUR)))


def managers():
    """Who gets a digest: active managers of a team."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.MANAGER, advisor_profile__team__isnull=False)
        .distinct()
    )


def digests_due(*, now: datetime | None = None) -> int:
    """Make this week's digests once they are due, and hand out those not sent (after the
    caller's transaction commits). Returns how many were handed out."""
    now = now or timezone.now()
    monday, due_at = week_of(now)
    if now < due_at:
        return 0
    ManagerDigest.objects.bulk_create(
        [ManagerDigest(manager=manager, week=monday) for manager in managers()], ignore_conflicts=True
    )
    pending = list(ManagerDigest.objects.filter(Q_UNSENT, claim_is_free(now), week=monday).values_list("pk", flat=True))
    for pk in pending:
        transaction.on_commit(lambda pk=pk: tasks.digest_send.delay(pk))
    return len(pending)


@dataclass(frozen=True)
class Digest:
    manager: object
    monday: date
    new_flags: list[Flag]
    new_count: int
    old_flags: list[Flag]  # open (or in review) for more than a week
    old_count: int
    readiness: int | None  # per cent, the week before the Monday
    readiness_before: int | None  # the week before that
    queue_url: str

    @property
    def change(self) -> int | None:
        if self.readiness is None or self.readiness_before is None:
            return None
        return self.readiness - self.readiness_before


def _rate(readiness: dict) -> int | None:
    ready, total = sum(r for r, _ in readiness.values()), sum(t for _, t in readiness.values())
    return round(100 * ready / total) if total else None


def digest_build(*, manager, monday: date) -> Digest:
    """What the manager's digest of that week says: a few queries, whatever the team's size."""
    due_at = timezone.make_aware(datetime.combine(monday, time(SEND_HOUR)))
    week_ago = due_at - timedelta(days=7)
    flags = policy.flags_to_review(manager).select_related("engagement__client", "engagement__lead")
    new = flags.filter(created_at__gte=week_ago, created_at__lt=due_at).order_by("-created_at")
    old = flags.filter(status__in=Flag.OPEN_STATUSES, created_at__lt=week_ago).order_by("created_at")
    new_list, old_list = list(new[:LISTED]), list(old[:LISTED])
    advisor_ids = [a.pk for a in dashboard.team_advisors(manager)]
    return Digest(
        manager=manager,
        monday=monday,
        new_flags=new_list,
        new_count=len(new_list) if len(new_list) < LISTED else new.count(),
        old_flags=old_list,
        old_count=len(old_list) if len(old_list) < LISTED else old.count(),
        readiness=_rate(dashboard.readiness_by_advisor(advisor_ids, week_ago, due_at)),
        readiness_before=_rate(dashboard.readiness_by_advisor(advisor_ids, week_ago - timedelta(days=7), week_ago)),
        queue_url=settings.SITE_URL + reverse("engagements:review"),
    )


def digest_send(*, digest_id: int, claim_token: str = "") -> bool:
    """Send one manager's digest at most once: claim, send, mark sent. False when there was
    nothing to do (sent already, another worker has it, or its week has passed)."""
    now = timezone.now()
    token = claim_token or uuid.uuid4().hex
    this_week, _ = week_of(now)
    if not claim(ManagerDigest, digest_id, pending=Q_UNSENT & Q(week=this_week), token=token, now=now):
        return False
    row = ManagerDigest.objects.select_related("manager__advisor_profile").get(pk=digest_id)
    if row.manager.email:
        digest = digest_build(manager=row.manager, monday=row.week)
        profile = getattr(row.manager, "advisor_profile", None)
        render_email(
            "digest",
            {"digest": digest, "site": settings.SITE_URL},
            to=[row.manager.email],
            language=profile.language if profile else settings.LANGUAGE_CODE,
            headers={"Message-ID": stable_message_id(f"digest-{row.pk}")},
        ).send()
    mark_done(ManagerDigest, digest_id, sent_at=timezone.now())
    return True
