"""The reads of engagements.selectors, called directly (the pages that render them are tested
through the views in tests/engagements/views/).

Each test builds its rows with the factories at fixed moments (time_machine), then asks the
selector and checks what it returns, not how a template shows it.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.people import display_name
from engagements import selectors
from engagements.models import ExpectationCheckpoint, Flag, LessonTaken, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

# A fixed "now" on a Monday, far from a change of summer time.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def at(moment):
    """Create rows as if at `moment` (their created_at)."""
    return time_machine.travel(moment, tick=False)


# --- engagement_timeline ------------------------------------------------------------------------
def test_the_timeline_lists_every_event_newest_first_including_a_lesson_taken(consultant_a):
    with at(NOW - 3 * DAY):
        engagement = factories.EngagementFactory(lead=consultant_a, title="Sales planning")
    with at(NOW - 2 * DAY):
        plan = factories.DraftPlanFactory(engagement=engagement, version=1, title="Forecast plan")
    with at(NOW - DAY):
        LessonTaken.objects.create(
            engagement=engagement,
            source="log:1",
            text="Agree who owns the forecast first.",
            origin="Harbour engagement",
            taken_by=consultant_a,
        )
    with at(NOW - 2 * DAY):
        factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=NOW + DAY, location="Their office")

    timeline = selectors.engagement_timeline(engagement=engagement)

    assert [(event.at, event.kind) for event in timeline] == [
        (NOW + DAY, "meeting"),
        (NOW - DAY, "lesson"),
        (NOW - 2 * DAY, "plan"),
        (NOW - 3 * DAY, "engagement"),
    ]
    meeting, lesson, uploaded, opened = timeline
    assert (meeting.title, meeting.detail) == ("Plan discussion meeting (scheduled)", "Their office")
    assert lesson.title == f"{display_name(consultant_a)} took a lesson into the intake"
    assert lesson.detail == "Agree who owns the forecast first. (Harbour engagement)"
    assert (uploaded.title, uploaded.detail) == ("Plan v1 uploaded", "Forecast plan")
    assert (opened.title, opened.detail) == ("Engagement opened", "Sales planning")


def test_the_timeline_reads_one_query_per_kind_of_event(consultant_a, django_assert_num_queries):
    engagement = factories.EngagementFactory(lead=consultant_a)
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=NOW - DAY)
    factories.MeetingLogFactory(meeting=meeting)
    factories.CheckpointFactory(engagement=engagement)
    factories.FlagFactory(engagement=engagement)
    factories.ComplaintFactory(client=engagement.client, engagement=engagement, recorded_by=consultant_a)

    with django_assert_num_queries(len(selectors._TIMELINE_SOURCES)):
        kinds = {event.kind for event in selectors.engagement_timeline(engagement=engagement)}

    assert kinds == {"engagement", "meeting", "log", "checkpoint", "flag", "complaint"}


# --- my_week --------------------------------------------------------------------------------------
def test_my_week_lists_the_next_7_days_meetings_in_order_with_their_readiness(consultant_a, consultant_b):
    ready_engagement = factories.EngagementFactory(lead=consultant_a)
    shared = factories.DraftPlanFactory(
        engagement=ready_engagement, version=1, shared_at=NOW - DAY, acknowledged_at=NOW - HOUR
    )
    ready = factories.MeetingFactory(engagement=ready_engagement, plan=shared, starts_at=NOW + 2 * DAY)

    waiting_engagement = factories.EngagementFactory(lead=consultant_a)
    unshared = factories.DraftPlanFactory(engagement=waiting_engagement, version=1)
    not_ready = factories.MeetingFactory(engagement=waiting_engagement, plan=unshared, starts_at=NOW + DAY)
    factories.CheckpointFactory(engagement=waiting_engagement)

    factories.MeetingFactory(engagement=ready_engagement, starts_at=NOW + 7 * DAY)  # next week
    factories.MeetingFactory(engagement=ready_engagement, starts_at=NOW + HOUR, status=Meeting.Status.CANCELLED)
    factories.MeetingFactory(engagement=factories.EngagementFactory(lead=consultant_b), starts_at=NOW + DAY)

    week = selectors.my_week(user=consultant_a, now=NOW)

    assert [r.meeting for r in week.readiness] == [not_ready, ready]
    first, second = week.readiness
    assert (first.plan_shared, first.hours_shared_ahead, first.acknowledged, first.open_checkpoints) == (
        False,
        None,
        False,
        1,
    )
    assert not first.ready
    assert (second.plan_shared, second.hours_shared_ahead, second.acknowledged, second.open_checkpoints) == (
        True,
        72,
        True,
        0,
    )
    assert second.ready


def test_my_week_lists_the_meetings_waiting_for_a_log_and_the_open_flags(consultant_a, consultant_b):
    engagement = factories.EngagementFactory(lead=consultant_a)
    unlogged = factories.MeetingFactory(engagement=engagement, starts_at=NOW - DAY)
    logged = factories.MeetingFactory(engagement=engagement, starts_at=NOW - 2 * DAY)
    factories.MeetingLogFactory(meeting=logged)
    factories.MeetingFactory(engagement=engagement, starts_at=NOW - HOUR / 2)  # still going on
    open_flag = factories.FlagFactory(engagement=engagement, subject="meeting:1")
    factories.FlagFactory(engagement=engagement, subject="meeting:2", status=Flag.Status.RESOLVED, closed_at=NOW - HOUR)
    factories.FlagFactory(engagement=factories.EngagementFactory(lead=consultant_b), subject="meeting:3")

    week = selectors.my_week(user=consultant_a, now=NOW)

    assert week.waiting_for_log == [unlogged]
    assert week.flags == [open_flag]


# --- meeting_brief --------------------------------------------------------------------------------
def test_the_brief_names_the_contacts_new_since_the_previous_meeting(consultant_a):
    with at(NOW - 30 * DAY):
        engagement = factories.EngagementFactory(lead=consultant_a)
        known = factories.ContactFactory(client=engagement.client, name="Known Contact")
    previous = factories.MeetingFactory(
        engagement=engagement, purpose=Meeting.Purpose.INTAKE, starts_at=NOW - 10 * DAY, status=Meeting.Status.HELD
    )
    previous_log = factories.MeetingLogFactory(meeting=previous)
    factories.MeetingFactory(engagement=engagement, starts_at=NOW - 5 * DAY, status=Meeting.Status.CANCELLED)
    with at(NOW - 3 * DAY):
        new = factories.ContactFactory(client=engagement.client, name="New Contact")
        factories.ContactFactory(client=engagement.client, name="Gone Again", left_on=(NOW - DAY).date())
        factories.ContactFactory(name="Someone Elsewhere")
    checkpoint = factories.CheckpointFactory(engagement=engagement)
    factories.CheckpointFactory(
        engagement=engagement,
        topic=ExpectationCheckpoint.Topic.PROGRESS,
        status=ExpectationCheckpoint.Status.CONFIRMED,
        answered_at=NOW - DAY,
        recorded_via=ExpectationCheckpoint.RecordedVia.EMAIL,
    )
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=NOW + DAY)

    brief = selectors.meeting_brief(meeting=meeting)

    assert brief["new_contacts"] == [new]
    assert known not in brief["new_contacts"]
    assert (brief["previous"], brief["previous_log"]) == (previous, previous_log)
    assert brief["open_checkpoints"] == [checkpoint]


def test_the_brief_of_a_first_meeting_has_no_previous_meeting_and_no_new_contacts(consultant_a):
    engagement = factories.EngagementFactory(lead=consultant_a)
    factories.ContactFactory(client=engagement.client)
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=NOW + DAY)

    brief = selectors.meeting_brief(meeting=meeting)

    assert (brief["previous"], brief["previous_log"], brief["new_contacts"]) == (None, None, [])


# --- engagement_lesson ----------------------------------------------------------------------------
def test_an_engagements_lesson_is_its_logs_lessons_oldest_first_for_whoever_may_see_it(consultant_a, consultant_b):
    engagement = factories.EngagementFactory(lead=consultant_a, title="Sales planning")
    factories.ContactFactory(client=engagement.client, name="Ada de Vries", role="CFO", email="ada@client.example")
    later = factories.MeetingFactory(engagement=engagement, starts_at=NOW - DAY)
    earlier = factories.MeetingFactory(engagement=engagement, starts_at=NOW - 5 * DAY)
    factories.MeetingLogFactory(meeting=later, lesson_learned="Share the plan two days ahead.")
    factories.MeetingLogFactory(meeting=earlier, lesson_learned="Ask who owns the forecast.")
    factories.MeetingFactory(engagement=engagement, starts_at=NOW - 3 * DAY)  # no log, no lesson
    factories.FlagFactory(engagement=engagement, kind=Flag.Kind.DISSATISFIED, subject="meeting:1")
    factories.FlagFactory(engagement=engagement, kind=Flag.Kind.DISSATISFIED, subject="meeting:2")

    lesson = selectors.engagement_lesson(engagement_id=engagement.pk, user=consultant_a)

    assert lesson.title == "Sales planning"
    assert lesson.lessons == ("Ask who owns the forecast.", "Share the plan two days ahead.")
    assert lesson.flag_kinds == (str(Flag.Kind.DISSATISFIED.label),)
    assert (lesson.client_names, lesson.contact_names, lesson.contact_roles, lesson.emails) == (
        (engagement.client.name,),
        ("Ada de Vries",),
        ("CFO",),
        ("ada@client.example",),
    )
    assert selectors.engagement_lesson(engagement_id=engagement.pk, user=consultant_b) is None
    assert selectors.engagement_lesson(engagement_id=engagement.pk) == lesson
    assert selectors.engagement_lesson(engagement_id=engagement.pk + 1000) is None
