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
from engagements.models import ExpectationCheckpoint, Flag, LessonTaken, Meeting, PlanAnswer, PlanShare
from tests import factories

pytestmark = pytest.mark.django_db

# A fixed "now" on a Monday, far from a change of summer time.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


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

    assert [(event.at, event.kind) for event in timeline.events] == [
        (NOW + DAY, "meeting"),
        (NOW - DAY, "lesson"),
        (NOW - 2 * DAY, "plan"),
        (NOW - 3 * DAY, "engagement"),
    ]
    assert timeline.next is None  # nothing older: no "Show more"
    meeting, lesson, uploaded, opened = timeline.events
    assert (meeting.title, meeting.detail) == ("Plan discussion meeting (scheduled)", "Their office")
    assert lesson.title == f"{display_name(consultant_a)} took a lesson into the intake"
    assert lesson.detail == "Agree who owns the forecast first. (Harbour engagement)"
    assert (uploaded.title, uploaded.detail) == ("Plan v1 uploaded", "Forecast plan")
    assert (opened.title, opened.detail) == ("Engagement opened", "Sales planning")


def busy_timeline(engagement, rows: int) -> None:
    """`rows` of every kind of event, interleaved in time, many of them at the very same moment
    (one `at` block gives its rows one created_at), and complaints at midnights that other
    events share."""
    lead = engagement.lead
    contact = factories.ContactFactory(client=engagement.client)
    for i in range(rows):
        moment = NOW - (i // 3) * DAY  # three rounds a day: ties within and across kinds
        with at(moment):
            plan = factories.DraftPlanFactory(engagement=engagement, version=i + 1, title=f"Plan {i}")
            share = PlanShare.objects.create(plan=plan, contact=contact, shared_at=moment, shared_by=lead)
            PlanAnswer.objects.create(plan=plan, share=share, received=True, matches_expectations="yes")
            meeting = factories.MeetingFactory(engagement=engagement, starts_at=moment - HOUR, location=f"Room {i}")
            factories.MeetingLogFactory(meeting=meeting, summary=f"Log {i}")
            factories.CheckpointFactory(
                engagement=engagement, status="confirmed", recorded_via="email", answered_at=moment
            )
            factories.FlagFactory(
                engagement=engagement,
                subject=f"meeting:{i}",
                status=Flag.Status.RESOLVED,
                closed_at=moment,
                details=f"Flag {i}",
            )
            factories.ComplaintFactory(
                client=engagement.client,
                engagement=engagement,
                recorded_by=lead,
                received_on=moment.date(),
                description=f"Complaint {i}",
            )
        with at(selectors._day_start(moment.date())):  # at the complaints' midnight
            factories.FlagFactory(engagement=engagement, subject=f"midnight:{i}", details=f"Midnight flag {i}")


def walk(engagement, *, limit):
    """Every step of the timeline, "Show more" after "Show more", until no more is offered."""
    steps = [selectors.engagement_timeline(engagement=engagement, limit=limit)]
    while steps[-1].next is not None:
        assert len(steps) < 500, "Show more never ends"
        steps.append(selectors.engagement_timeline(engagement=engagement, before=steps[-1].next, limit=limit))
    return steps


@pytest.mark.parametrize("limit", [1, 7, 30])
def test_show_more_gives_the_next_events_without_gaps_or_repeats_down_to_the_oldest(consultant_a, limit):
    with at(NOW - 30 * DAY):
        engagement = factories.EngagementFactory(lead=consultant_a, title="Sales planning")
    busy_timeline(engagement, 12)
    everything = selectors.engagement_timeline(engagement=engagement, limit=10_000).events

    steps = walk(engagement, limit=limit)

    assert all(len(step.events) == limit for step in steps[:-1])
    assert 1 <= len(steps[-1].events) <= limit
    shown = [event for step in steps for event in step.events]
    assert shown == everything  # newest first, nothing left out, nothing twice
    assert len({event.place for event in shown}) == len(shown) == 12 * 11 + 1
    assert (shown[-1].title, shown[-1].detail) == ("Engagement opened", "Sales planning")
    assert [event.at for event in shown] == sorted((event.at for event in shown), reverse=True)


def test_a_cursor_reads_back_as_itself_and_anything_else_is_refused(consultant_a):
    engagement = factories.EngagementFactory(lead=consultant_a)
    busy_timeline(engagement, 2)
    place = selectors.engagement_timeline(engagement=engagement, limit=3).next

    assert selectors.TimelineCursor.parse(str(place)) == place
    for text in ["", "x", "1.meeting", "1.meeting.2.3", "-1.meeting.2", "1.nothing.2", "1.meeting.-2", "1.meeting.a",
                 "9" * 30 + ".meeting.1", "1.meeting." + "9" * 30, "1e5.meeting.1"]:  # fmt: skip
        with pytest.raises(ValueError):
            selectors.TimelineCursor.parse(text)


@pytest.mark.parametrize("rows", [3, 60])
def test_the_timeline_reads_two_queries_whatever_its_size(consultant_a, django_assert_num_queries, rows):
    """Every kind of event with a moment in one query (a UNION of each kind's newest), and the
    complaints, which have a day."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    busy_timeline(engagement, rows)
    factories.CheckpointFactory(engagement=engagement)
    LessonTaken.objects.create(engagement=engagement, source="log:1", text="Ask first.", taken_by=consultant_a)

    with django_assert_num_queries(2):
        first = selectors.engagement_timeline(engagement=engagement)
    with django_assert_num_queries(2):
        selectors.engagement_timeline(engagement=engagement, before=first.next)

    assert len(first.events) == min(selectors.TIMELINE_STEP, rows * 11 + 3)
    assert {event.kind for event in first.events} >= (
        {"meeting", "log", "plan", "share", "answer", "checkpoint", "flag"} if rows > 3 else {"lesson", "engagement"}
    )


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

    assert [w.meeting for w in week.waiting_for_log] == [unlogged]
    assert week.flags == [open_flag]
    assert (week.waiting_total, week.flags_total) == (1, 1)


def test_my_week_waits_for_the_log_of_a_meeting_from_the_minute_it_ends(consultant_a):
    """Its start plus its length, reckoned by the database (minutes as a duration on each)."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    just_ended = factories.MeetingFactory(engagement=engagement, starts_at=NOW - 90 * MINUTE, duration_minutes=90)
    factories.MeetingFactory(engagement=engagement, starts_at=NOW - 90 * MINUTE, duration_minutes=91)  # a minute left

    week = selectors.my_week(user=consultant_a, now=NOW)

    assert [w.meeting for w in week.waiting_for_log] == [just_ended]
    assert week.waiting_for_log[0].meeting.engagement_title == engagement.title


def test_my_week_waits_for_logs_of_the_last_30_days_only(consultant_a):
    engagement = factories.EngagementFactory(lead=consultant_a)
    recent = factories.MeetingFactory(engagement=engagement, starts_at=NOW - (selectors.WAITING_FOR_LOG_DAYS - 1) * DAY)
    factories.MeetingFactory(engagement=engagement, starts_at=NOW - (selectors.WAITING_FOR_LOG_DAYS + 1) * DAY)

    week = selectors.my_week(user=consultant_a, now=NOW)

    assert [w.meeting for w in week.waiting_for_log] == [recent]
    assert week.waiting_total == 1


def test_my_week_lists_the_meetings_the_advisor_attends_on_an_engagement_they_only_see(manager, consultant_a):
    """A manager attending a meeting of their team's engagement (neither lead nor member)."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    attended = factories.MeetingFactory(engagement=engagement, starts_at=NOW + DAY)
    attended.advisor_attendees.add(manager)
    factories.MeetingFactory(engagement=engagement, starts_at=NOW + 2 * DAY)  # not attended: not theirs

    week = selectors.my_week(user=manager, now=NOW)

    assert [r.meeting for r in week.readiness] == [attended]


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
