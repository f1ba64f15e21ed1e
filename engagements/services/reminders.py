"""The reminder scan and the sending of one reminder.

The database decides what is due and what was sent: the scan records each due reminder
once (unique constraints make a second scan a no-op) and enqueues the sending of every
pending one after its transaction commits; the sender claims a row with a conditional
UPDATE, sends, and marks it sent. A claim older than RAPPORT_REMINDER_CLAIM_STALE_SECONDS
(a worker that died) is picked up again by the next scan.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from advisors.models import AdvisorProfile
from core.emails import render_email

from ..models import MEETING_MAX_MINUTES, ExpectationCheckpoint, Meeting, MeetingLog, PlanShare, Reminder
from ..rules import flags as flag_rules
from ..rules import reminders as reminder_rules
from ..selectors import meeting_brief
from ..tasks import plan_share_email_send as plan_share_email_send_task
from ..tasks import reminder_send as reminder_send_task
from ._common import claim, claim_is_free, mark_done, stable_message_id
from .flags import flags_sync

logger = logging.getLogger(__name__)
MEETING_MAX = timedelta(minutes=MEETING_MAX_MINUTES)  # the longest a meeting may last


@dataclass
class ScanResult:
    recorded: int
    enqueued: int
    engagements_checked: int


def _meeting_facts(meeting: Meeting) -> reminder_rules.MeetingFacts:
    plan = meeting.plan
    profile = getattr(meeting.engagement.lead, "advisor_profile", None)
    return reminder_rules.MeetingFacts(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
        is_plan_discussion=meeting.purpose == Meeting.Purpose.PLAN_DISCUSSION,
        has_plan=plan is not None,
        plan_shared_at=plan.shared_at if plan else None,
        plan_acknowledged_at=plan.acknowledged_at if plan else None,
        logged=hasattr(meeting, "log"),
        lead_hours=profile.reminder_lead_hours if profile else None,
    )


def _meetings():
    return Meeting.objects.select_related("plan", "log", "engagement__lead__advisor_profile")


def _unlogged(**window) -> QuerySet:
    """The meetings, scheduled or held, that started in `window` (starts_at lookups) and have
    no log.

    Its plan reads two indexes and no table, whatever the history: meeting_status_start_idx
    holds the status, start, engagement and id, and NOT EXISTS needs only the log's unique
    meeting_id (a LEFT JOIN ... IS NULL reads the log's id from its table). On PostgreSQL,
    a plan that reads the meeting table for every meeting of the window goes to a parallel
    worker as soon as the statistics put a few thousand there, and waiting for the worker
    cost 8-33 ms to return no row at 1,000,000 meetings (migration 0017 has the numbers).
    """
    has_log = MeetingLog.objects.filter(meeting=OuterRef("pk"))
    return Meeting.objects.filter(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD], **window).filter(
        ~Exists(has_log)
    )


def reminders_scan(*, now: datetime | None = None) -> ScanResult:
    """Record every reminder that is due, raise the time-based flags, enqueue the sending.

    Every query is bounded by a window of time on an index (upcoming start times, recent
    start times, recent due dates, pending reminders), so its cost follows what is due,
    not the number of meetings ever held.
    """
    now = now or timezone.now()
    timings = reminder_rules.Timings.from_settings()
    with transaction.atomic():
        recorded = _record_due_reminders(now=now, timings=timings)
        engagement_ids = _engagements_with_time_rules(
            now=now, catch_up=timedelta(days=timings.catch_up_days), today=timezone.localdate(now)
        )
        for engagement_id in engagement_ids:
            flags_sync(engagement_id=engagement_id, now=now)
        enqueued = _enqueue_pending(now=now, timings=timings)
    return ScanResult(recorded=recorded, enqueued=enqueued, engagements_checked=len(engagement_ids))


def _record_due_reminders(*, now: datetime, timings: reminder_rules.Timings) -> int:
    """Record a row for each reminder due now (a second scan records nothing: the unique
    constraints ignore what is there). Returns how many rows were offered."""
    catch_up = timedelta(days=timings.catch_up_days)
    today = timezone.localdate(now)
    longest = AdvisorProfile.objects.aggregate(m=Max("reminder_lead_hours"))["m"] or 0
    horizon = now + timedelta(hours=reminder_rules.longest_lead_hours(timings, [longest]))
    rows: list[Reminder] = []
    upcoming = (
        _meetings()
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon)
        .filter(Q(plan__isnull=True) | Q(plan__shared_at__isnull=True) | Q(plan__acknowledged_at__isnull=True))
    )
    unlogged = _meetings().filter(  # the few found on the indexes, then read whole
        pk__in=_unlogged(
            starts_at__gte=now - catch_up - MEETING_MAX, starts_at__lte=now - timedelta(hours=timings.log_after_hours)
        ).values("pk")
    )
    for meeting in [*upcoming, *unlogged]:
        for due in reminder_rules.meeting_reminders(_meeting_facts(meeting), now=now, timings=timings):
            rows.append(
                Reminder(kind=due.kind, meeting=meeting, recipient_id=meeting.engagement.lead_id, due_at=due.due_at)
            )
    checkpoints = ExpectationCheckpoint.objects.filter(
        status=ExpectationCheckpoint.Status.OPEN, due_on__gte=today - catch_up, due_on__lte=today
    ).select_related("engagement")
    for checkpoint in checkpoints:
        for due in reminder_rules.checkpoint_reminders(
            due_on=checkpoint.due_on, status=checkpoint.status, now=now, timings=timings
        ):
            rows.append(
                Reminder(
                    kind=due.kind,
                    checkpoint=checkpoint,
                    recipient_id=checkpoint.engagement.lead_id,
                    due_at=due.due_at,
                )
            )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _enqueue_pending(*, now: datetime, timings: reminder_rules.Timings) -> int:
    """After the commit, enqueue the sending of every unsent, unclaimed reminder and plan
    link e-mail that is still in its window. Returns how many."""
    catch_up = timedelta(days=timings.catch_up_days)
    pending = list(
        Reminder.objects.filter(
            sent_at__isnull=True, skipped_at__isnull=True, due_at__lte=now, due_at__gte=now - catch_up
        )
        .filter(claim_is_free(now))
        .values_list("pk", flat=True)
    )
    max_age = timedelta(days=settings.PLAN_LINK_MAX_AGE_DAYS)
    unsent_shares = list(
        PlanShare.objects.filter(
            emailed_at__isnull=True, revoked_at__isnull=True, shared_at__gte=now - max_age, shared_at__lte=now
        )
        .filter(claim_is_free(now))
        .values_list("pk", flat=True)
    )
    # robust: one failed enqueue (broker down) must not stop the others; the next scan retries.
    # Lambdas, not functools.partial: Django logs a robust callback's failure by its
    # __qualname__, which a partial lacks (the AttributeError would stop the loop).
    for pk in pending:
        transaction.on_commit(lambda pk=pk: reminder_send_task.delay(pk), robust=True)
    for pk in unsent_shares:
        transaction.on_commit(lambda pk=pk: plan_share_email_send_task.delay(pk), robust=True)
    return len(pending) + len(unsent_shares)


def _engagements_with_time_rules(*, now: datetime, catch_up: timedelta, today) -> set[int]:
    """Engagements where a flag may have come due with the passing of time (the flag rules'
    thresholds, plus `catch_up` for scans that did not run)."""
    thresholds = flag_rules.Thresholds.from_settings()
    not_logged_after = timedelta(days=thresholds.not_logged_days)
    overdue_after = timedelta(days=thresholds.checkpoint_overdue_days)
    started = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        purpose=Meeting.Purpose.PLAN_DISCUSSION,
        starts_at__gt=now - catch_up,
        starts_at__lte=now,
    ).filter(Q(plan__isnull=True) | Q(plan__shared_at__isnull=True) | Q(plan__shared_at__gt=F("starts_at")))
    not_logged = _unlogged(
        starts_at__gt=now - catch_up - not_logged_after - MEETING_MAX, starts_at__lte=now - not_logged_after
    )
    overdue = ExpectationCheckpoint.objects.filter(
        status=ExpectationCheckpoint.Status.OPEN,
        due_on__gte=today - catch_up - overdue_after,
        due_on__lte=today - overdue_after,
    )
    ids = set(started.order_by().values_list("engagement_id", flat=True))
    ids |= set(not_logged.order_by().values_list("engagement_id", flat=True))
    ids |= set(overdue.order_by().values_list("engagement_id", flat=True))
    return ids


def _still_due(reminder: Reminder, now: datetime, timings: reminder_rules.Timings) -> bool:
    """Does the reminder still apply: same facts, same due time, and still the lead's?"""
    if reminder.meeting_id:
        if reminder.recipient_id != reminder.meeting.engagement.lead_id:
            return False  # the lead changed; the next scan records one for the new lead
        dues = reminder_rules.meeting_reminders(_meeting_facts(reminder.meeting), now=now, timings=timings)
    else:
        cp = reminder.checkpoint
        if reminder.recipient_id != cp.engagement.lead_id:
            return False
        dues = reminder_rules.checkpoint_reminders(due_on=cp.due_on, status=cp.status, now=now, timings=timings)
    return any(d.kind == reminder.kind and d.due_at == reminder.due_at for d in dues)


def reminder_send(*, reminder_id: int, claim_token: str = "") -> str:
    """Send one reminder at most once: claim, re-check, send, mark. Returns what happened.

    On an error the claim stays with this task (its retries hold the same token), so the
    scan does not hand the reminder out at the same time; if the task gives up, the claim
    goes stale and the scan hands it out again.
    """
    now = timezone.now()
    pending = Q(sent_at__isnull=True, skipped_at__isnull=True)
    token = claim_token or uuid.uuid4().hex
    if not claim(Reminder, reminder_id, pending=pending, token=token, now=now, attempts=F("attempts") + 1):
        return "taken"  # sent, skipped, or another worker has it
    reminder = Reminder.objects.select_related(
        "recipient__advisor_profile__manager",
        "meeting__engagement__client",
        "meeting__engagement__lead__advisor_profile",
        "meeting__plan",
        "meeting__log",
        "checkpoint__engagement__client",
    ).get(pk=reminder_id)
    if not _still_due(reminder, now, reminder_rules.Timings.from_settings()):
        Reminder.objects.filter(pk=reminder_id).update(skipped_at=now)
        return "skipped"
    try:
        build_reminder_email(reminder).send()
    except Exception as error:
        Reminder.objects.filter(pk=reminder_id).update(last_error=str(error)[:300])
        raise
    # The one window for a duplicate: a crash between the mail server's "accepted" and this
    # UPDATE (a database restart is waited for). The stable Message-ID lets mail systems
    # drop the second copy.
    mark_done(Reminder, reminder_id, sent_at=timezone.now(), last_error="")
    return "sent"


def reminder_message_id(reminder: Reminder) -> str:
    return stable_message_id(f"reminder-{reminder.pk}")


def _reminder_link(reminder: Reminder) -> str:
    if reminder.checkpoint_id:
        path = reminder.checkpoint.engagement.get_absolute_url()
    elif reminder.kind in (Reminder.Kind.SHARE_PLAN, Reminder.Kind.SHARE_PLAN_FINAL) and reminder.meeting.plan_id:
        path = reverse("engagements:plan_share", args=[reminder.meeting.plan_id])
    elif reminder.kind in (Reminder.Kind.SHARE_PLAN, Reminder.Kind.SHARE_PLAN_FINAL):
        path = reverse("engagements:plan_upload", args=[reminder.meeting.engagement_id])
    else:
        path = reminder.meeting.get_absolute_url()
    return settings.SITE_URL + path


def build_reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    recipient = reminder.recipient
    profile = getattr(recipient, "advisor_profile", None)
    cc = []
    if reminder.kind == Reminder.Kind.SHARE_PLAN_FINAL and profile and profile.manager and profile.manager.email:
        cc = [profile.manager.email]
    last_call = reminder.kind in (Reminder.Kind.SHARE_PLAN_FINAL, Reminder.Kind.CONFIRM_RECEIPT)
    context = {
        "reminder": reminder,
        "kind": reminder.kind,
        "recipient": recipient,
        "meeting": reminder.meeting,
        "checkpoint": reminder.checkpoint,
        "link": _reminder_link(reminder),
        "brief": meeting_brief(meeting=reminder.meeting) if reminder.meeting_id and last_call else None,
    }
    return render_email(
        "reminder",
        context,
        to=[recipient.email],
        language=profile.language if profile else settings.LANGUAGE_CODE,
        cc=cc,
        headers={"Message-ID": reminder_message_id(reminder)},
    )
