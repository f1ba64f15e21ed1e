from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.exceptions import ApplicationError
from engagements import services
from engagements.models import ExpectationCheckpoint, Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def schedule(engagement, **overrides):
    data = {
        "engagement": engagement,
        "purpose": "plan_discussion",
        "starts_at": timezone.now().replace(second=0, microsecond=0) + timedelta(days=2),
        "duration_minutes": 60,
    }
    return services.meeting_schedule(**{**data, **overrides})


def test_scheduling_refuses_the_past_another_clients_contact_and_another_engagements_plan(engagement_a):
    with pytest.raises(ValidationError, match="passed"):
        schedule(engagement_a, starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Not a contact of this client"):
        schedule(engagement_a, contacts=[factories.ContactFactory()])
    with pytest.raises(ValidationError, match="another engagement"):
        schedule(engagement_a, plan=factories.DraftPlanFactory())
    with pytest.raises(ValidationError):
        schedule(engagement_a, duration_minutes=0)
    assert not Meeting.objects.exists()


def test_a_meeting_invites_the_lead_by_default(engagement_a):
    meeting = schedule(engagement_a)
    assert list(meeting.advisor_attendees.all()) == [engagement_a.lead]


def test_rescheduling_moves_the_meeting_and_cancelling_stops_it(engagement_a):
    meeting = schedule(engagement_a)
    later = meeting.starts_at + timedelta(days=1)
    services.meeting_reschedule(meeting=meeting, starts_at=later, duration_minutes=90, purpose="progress")
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.duration_minutes, meeting.purpose) == (later, 90, "progress")

    services.meeting_cancel(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    with pytest.raises(ApplicationError):
        services.meeting_reschedule(meeting=meeting, starts_at=later, duration_minutes=60, purpose="progress")
    with pytest.raises(ApplicationError):
        services.meeting_cancel(meeting=meeting)


def test_a_meeting_is_logged_after_it_started_and_then_counts_as_held(engagement_a):
    meeting = schedule(engagement_a)
    fields = {
        "summary": "Went well.",
        "satisfaction": 5,
        "signals": ["enthusiasm"],
        "longest_monologue_minutes": 3,
        "checked_in_with_client": True,
        "expectations_confirmed": True,
        "next_steps": "",
        "lesson_learned": "",
    }
    with pytest.raises(ApplicationError, match="not started"):
        services.meeting_log_save(meeting=meeting, by=engagement_a.lead, **fields)
    with time_machine.travel(meeting.ends_at + timedelta(hours=1)):
        log = services.meeting_log_save(meeting=meeting, by=engagement_a.lead, **fields)
        again = services.meeting_log_save(meeting=meeting, by=engagement_a.lead, **{**fields, "satisfaction": 4})
    assert again.pk == log.pk and again.satisfaction == 4
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_satisfaction_outside_1_to_5_is_refused_by_the_service(engagement_a):
    meeting = schedule(engagement_a)
    with time_machine.travel(meeting.ends_at + timedelta(hours=1)), pytest.raises(ValidationError):
        services.meeting_log_save(meeting=meeting, by=engagement_a.lead, summary="x", satisfaction=6)


def test_checkpoints_are_answered_or_waived_with_a_reason(engagement_a):
    checkpoint = services.checkpoint_create(
        engagement=engagement_a,
        by=engagement_a.lead,
        topic="scope_role",
        question="Is our role clear?",
        due_on=timezone.localdate(),
    )
    services.checkpoint_answer(
        checkpoint=checkpoint, status="confirmed", client_answer="Yes, sparring partner.", recorded_via="meeting"
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == "confirmed" and checkpoint.answered_at is not None

    other = services.checkpoint_create(
        engagement=engagement_a, by=engagement_a.lead, topic="progress", due_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.checkpoint_waive(checkpoint=other, reason="")
    services.checkpoint_waive(checkpoint=other, reason="Engagement paused by the client.")
    assert ExpectationCheckpoint.objects.get(pk=other.pk).status == "waived"
    with pytest.raises(ApplicationError):
        services.checkpoint_answer(checkpoint=other, status="confirmed", client_answer="x", recorded_via="email")


def test_a_meeting_downloads_as_ics_in_amsterdam_time(client, engagement_a):
    meeting = schedule(engagement_a, location="Client office")
    client.force_login(engagement_a.lead)
    response = client.get(reverse("engagements:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert calendar.walk("VTIMEZONE")
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=60)
    assert str(event["location"]) == "Client office"


def test_the_private_calendar_feed_lists_the_advisors_meetings(client, consultant_a, engagement_a):
    mine = schedule(engagement_a)
    factories.MeetingFactory()  # someone else's
    token = consultant_a.advisor_profile.calendar_token
    response = client.get(reverse("calendar_feed", args=[token]))
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["uid"]).split("@")[0] for e in events] == [f"meeting-{mine.pk}"]
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404
