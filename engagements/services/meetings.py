from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

from ..models import DraftPlan, Engagement, Meeting, MeetingLog
from .flags import flags_sync


def _check_related(engagement: Engagement, plan: DraftPlan | None, contacts) -> None:
    errors = {}
    if plan is not None and plan.engagement_id != engagement.pk:
        errors["plan"] = _("This plan belongs to another engagement.")
    strangers = [c.name for c in contacts if c.client_id != engagement.client_id]
    if strangers:
        errors["contact_attendees"] = _("Not a contact of this client: %(names)s.") % {"names": ", ".join(strangers)}
    if errors:
        raise ValidationError(errors)


def _check_future(starts_at) -> None:
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("This moment has passed; schedule the meeting in the future.")})


@transaction.atomic
def meeting_schedule(
    *,
    engagement: Engagement,
    starts_at,
    duration_minutes: int,
    purpose: str,
    plan=None,
    contacts=(),
    advisors=(),
    location: str = "",
) -> Meeting:
    contacts = list(contacts)
    _check_future(starts_at)
    _check_related(engagement, plan, contacts)
    meeting = Meeting(
        engagement=engagement,
        purpose=purpose,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        plan=plan,
        location=location,
    )
    meeting.full_clean()
    meeting.save()
    meeting.contact_attendees.set(contacts)
    meeting.advisor_attendees.set(advisors or [engagement.lead])
    flags_sync(engagement_id=engagement.pk)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    starts_at,
    duration_minutes: int,
    purpose: str,
    plan=None,
    contacts=(),
    advisors=(),
    location: str = "",
) -> Meeting:
    """Change a scheduled meeting (time, attendees, plan). Reminders follow the new time."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ApplicationError(_("Only a scheduled meeting can be changed."))
    contacts = list(contacts)
    if starts_at != meeting.starts_at:
        _check_future(starts_at)
    _check_related(meeting.engagement, plan, contacts)
    meeting.starts_at, meeting.duration_minutes, meeting.purpose = starts_at, duration_minutes, purpose
    meeting.plan, meeting.location = plan, location
    meeting.full_clean()
    meeting.save()
    meeting.contact_attendees.set(contacts)
    meeting.advisor_attendees.set(advisors or [meeting.engagement.lead])
    flags_sync(engagement_id=meeting.engagement_id)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ApplicationError(_("Only a scheduled meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    flags_sync(engagement_id=meeting.engagement_id)
    return meeting


@transaction.atomic
def meeting_log_save(*, meeting: Meeting, by, **fields) -> MeetingLog:
    """Write (or correct) what happened in a meeting; the meeting counts as held from then on."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ApplicationError(_("A cancelled meeting has no log."))
    if meeting.starts_at > timezone.now():
        raise ApplicationError(_("This meeting has not started yet; log it afterwards."))
    log = MeetingLog.objects.filter(meeting=meeting).first() or MeetingLog(meeting=meeting, logged_by=by)
    for field, value in fields.items():
        setattr(log, field, value)
    log.full_clean()
    log.save()
    if meeting.status != Meeting.Status.HELD:
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    flags_sync(engagement_id=meeting.engagement_id)
    return log
