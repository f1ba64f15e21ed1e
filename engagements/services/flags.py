"""Automatic flags: one service raises, updates and closes them, idempotently.

It is called wherever the facts change (a meeting log, a checkpoint answer, a contact who
left, a complaint, a shared or answered plan) and by the reminder scan for the rules that
depend on time. Running it twice changes nothing the second time.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import Client, ClientContact, Complaint, Engagement, Flag
from ..review_queue import flag_counts_changed
from ..rules import flags as rules
from .health import engagement_refresh_health
from .review import flag_clear_automatically


def _facts(engagement: Engagement, now: datetime, thresholds: rules.Thresholds) -> rules.EngagementFacts:
    meetings = [
        rules.MeetingFacts(
            pk=m.pk,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            status=m.status,
            is_plan_discussion=m.purpose == "plan_discussion",
            plan_shared_at=m.plan.shared_at if m.plan else None,
            log_satisfaction=getattr(getattr(m, "log", None), "satisfaction", None),
            log_longest_monologue=getattr(getattr(m, "log", None), "longest_monologue_minutes", None),
            log_checked_in=getattr(getattr(m, "log", None), "checked_in_with_client", None),
        )
        for m in engagement.meetings.select_related("plan", "log")
    ]
    plans = [
        rules.PlanFacts(
            pk=p.pk, version=p.version, shared_at=p.shared_at, answer=p.matches_expectations, adjustments=p.adjustments
        )
        for p in engagement.plans.all()
    ]
    checkpoints = [
        rules.CheckpointFacts(
            pk=c.pk,
            topic=c.topic,
            status=c.status,
            due_on=c.due_on,
            recorded_via=c.recorded_via,
            plan_id=c.plan_id,
        )
        for c in engagement.checkpoints.all()
    ]
    left = ClientContact.objects.filter(client_id=engagement.client_id, is_decision_maker=True, left_on__isnull=False)
    complaints = Complaint.objects.filter(client_id=engagement.client_id)
    return rules.EngagementFacts(
        client_id=engagement.client_id,
        is_open=engagement.stage not in Engagement.ENDED_STAGES,
        underlying_need=engagement.underlying_need,
        meetings=meetings,
        plans=plans,
        checkpoints=checkpoints,
        decision_makers_left=[(c.pk, c.name, c.left_on) for c in left],
        complaint_dates=list(complaints.values_list("received_on", flat=True)),
        started_on=engagement.starts_on or timezone.localdate(engagement.created_at),
    )


@transaction.atomic
def flags_sync(*, engagement_id: int, now: datetime | None = None) -> dict[str, int]:
    """Bring the automatic flags of one engagement in line with its facts; refresh health."""
    now = now or timezone.now()
    thresholds = rules.Thresholds.from_settings()
    engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
    wanted = rules.wanted_flags(_facts(engagement, now, thresholds), now=now, thresholds=thresholds)

    existing = list(engagement.flags.filter(source=Flag.Source.RULE))
    open_flags = {(f.kind, f.subject): f for f in existing if f.is_open}
    # A flag a person closed is not raised again for the same subject (they decided on it).
    decided = {(f.kind, f.subject) for f in existing if not f.is_open and f.decided_by_id is not None}
    counts = {"raised": 0, "updated": 0, "closed": 0}

    new = [
        Flag(
            engagement=engagement,
            kind=w.kind,
            subject=w.subject,
            severity=w.severity,
            facts=w.facts,
            source=Flag.Source.RULE,
        )
        for key, w in wanted.items()
        if key not in open_flags and key not in decided
    ]
    # With a history row each (its "raised"); a racing sync raised it already: fine.
    bulk_create_with_history(new, Flag, ignore_conflicts=True, default_change_reason="raised")
    if new:
        flag_counts_changed()  # a bulk insert sends no post_save (signals.py)
    counts["raised"] = len(new)

    for key, flag in open_flags.items():
        want = wanted.get(key)
        if want and (flag.severity, flag.facts) != (want.severity, want.facts):
            flag.severity, flag.facts = want.severity, want.facts
            flag._change_reason = "updated"
            flag.save(update_fields=["severity", "facts", "updated_at"])
            counts["updated"] += 1
        elif not want and flag.kind not in rules.STICKY and flag.status == Flag.Status.OPEN:
            flag_clear_automatically(flag=flag, now=now)
            counts["closed"] += 1
    engagement_refresh_health(engagement_id=engagement_id)
    return counts


def flags_sync_for_client(*, client: Client, now: datetime | None = None) -> None:
    """A fact about the client (a contact left, a complaint) concerns each open engagement."""
    for engagement_id in client.engagements.exclude(stage__in=Engagement.ENDED_STAGES).values_list("pk", flat=True):
        flags_sync(engagement_id=engagement_id, now=now)
