"""Meetings as iCalendar (RFC 5545), for a single download and for each advisor's feed."""

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

ICS_STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def meetings_to_ics(meetings, *, request, name: str = "Rapport") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Rapport//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = request.get_host().split(":")[0]
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", timezone.localtime(meeting.starts_at))  # TZID=Europe/Amsterdam
        event.add("dtend", timezone.localtime(meeting.ends_at))
        event.add(
            "summary", f"{meeting.get_purpose_display()}: {meeting.engagement.title} ({meeting.engagement.client.name})"
        )
        if meeting.location:
            event.add("location", meeting.location)
        event.add("description", request.build_absolute_uri(meeting.get_absolute_url()))
        event.add("status", ICS_STATUS[meeting.status])
        calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE that TZID refers to
    return calendar.to_ical()
