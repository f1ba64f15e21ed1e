"""Rules that are facts hold in the database itself: an invalid row raises, whatever code
wrote it. Runs on SQLite locally and on PostgreSQL in CI (.ci/run runs it on both)."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagements.models import ExpectationCheckpoint, Flag, Reminder
from tests import factories

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by_database():
    """The statement fails with IntegrityError; a savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def test_one_open_automatic_flag_per_engagement_kind_and_subject():
    flag = factories.FlagFactory(subject="meeting:7")
    with refused_by_database():
        factories.FlagFactory(engagement=flag.engagement, kind=flag.kind, subject="meeting:7")
    # another subject, another kind: fine
    factories.FlagFactory(engagement=flag.engagement, kind=flag.kind, subject="meeting:8")
    factories.FlagFactory(engagement=flag.engagement, kind=Flag.Kind.LONG_MONOLOGUE, subject="meeting:7")


def test_a_closed_flag_lets_the_rule_raise_again():
    flag = factories.FlagFactory(subject="meeting:7")
    flag.status, flag.closed_at = Flag.Status.RESOLVED, timezone.now()
    flag.save()
    again = factories.FlagFactory(engagement=flag.engagement, kind=flag.kind, subject="meeting:7")
    assert again.status == Flag.Status.OPEN


def test_manual_flags_are_not_limited_but_need_an_author(consultant_a):
    engagement = factories.EngagementFactory(lead=consultant_a)
    for _ in range(2):
        factories.FlagFactory(
            engagement=engagement, kind=Flag.Kind.MANUAL, source=Flag.Source.PERSON, subject="", raised_by=consultant_a
        )
    with refused_by_database():
        factories.FlagFactory(
            engagement=engagement, kind=Flag.Kind.MANUAL, source=Flag.Source.PERSON, subject="", raised_by=None
        )


def test_one_reminder_per_subject_kind_recipient_and_due_time():
    reminder = factories.ReminderFactory()
    with refused_by_database():
        Reminder.objects.create(
            kind=reminder.kind, meeting=reminder.meeting, recipient=reminder.recipient, due_at=reminder.due_at
        )
    Reminder.objects.create(
        kind=reminder.kind,
        meeting=reminder.meeting,
        recipient=reminder.recipient,
        due_at=reminder.due_at + timedelta(hours=1),
    )


def test_one_checkpoint_reminder_per_due_time():
    checkpoint = factories.CheckpointFactory()
    due = timezone.now()
    recipient = checkpoint.engagement.lead
    Reminder.objects.create(kind=Reminder.Kind.CHECKPOINT_DUE, checkpoint=checkpoint, recipient=recipient, due_at=due)
    with refused_by_database():
        Reminder.objects.create(
            kind=Reminder.Kind.CHECKPOINT_DUE, checkpoint=checkpoint, recipient=recipient, due_at=due
        )


def test_a_reminder_is_about_exactly_one_meeting_or_checkpoint():
    meeting = factories.MeetingFactory()
    checkpoint = factories.CheckpointFactory(engagement=meeting.engagement)
    with refused_by_database():
        Reminder.objects.create(kind=Reminder.Kind.SHARE_PLAN, recipient=meeting.engagement.lead, due_at=timezone.now())
    with refused_by_database():
        Reminder.objects.create(
            kind=Reminder.Kind.SHARE_PLAN,
            meeting=meeting,
            checkpoint=checkpoint,
            recipient=meeting.engagement.lead,
            due_at=timezone.now(),
        )


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_satisfaction_is_between_1_and_5(satisfaction):
    with refused_by_database():
        factories.MeetingLogFactory(satisfaction=satisfaction)


@pytest.mark.parametrize("satisfaction", [1, 5])
def test_satisfaction_bounds_are_allowed(satisfaction):
    assert factories.MeetingLogFactory(satisfaction=satisfaction).pk


def test_each_plan_version_exists_once_per_engagement():
    plan = factories.DraftPlanFactory(version=1)
    with refused_by_database():
        factories.DraftPlanFactory(engagement=plan.engagement, version=1)
    factories.DraftPlanFactory(version=1)  # another engagement starts at 1 too


def test_plan_versions_start_at_1():
    with refused_by_database():
        factories.DraftPlanFactory(version=0)


@pytest.mark.parametrize("factory", [factories.DraftPlanFactory, factories.EngagementFactory])
def test_budgets_are_not_negative(factory):
    with refused_by_database():
        factory(budget=-1)


def test_a_plan_is_acknowledged_only_after_it_was_shared():
    with refused_by_database():
        factories.DraftPlanFactory(acknowledged_at=timezone.now())


@pytest.mark.parametrize("minutes", [0, 12 * 60 + 1])
def test_meeting_duration_is_positive_and_bounded(minutes):
    with refused_by_database():
        factories.MeetingFactory(duration_minutes=minutes)


def test_waiving_a_checkpoint_needs_a_reason():
    with refused_by_database():
        factories.CheckpointFactory(status=ExpectationCheckpoint.Status.WAIVED, waived_reason="")
    factories.CheckpointFactory(status=ExpectationCheckpoint.Status.WAIVED, waived_reason="Client on leave.")


def test_an_answered_checkpoint_says_how_and_when():
    with refused_by_database():
        factories.CheckpointFactory(status=ExpectationCheckpoint.Status.CONFIRMED)
    factories.CheckpointFactory(
        status=ExpectationCheckpoint.Status.CONFIRMED,
        recorded_via=ExpectationCheckpoint.RecordedVia.CLIENT_LINK,
        answered_at=timezone.now(),
    )


def test_an_engagement_ends_after_it_starts():
    today = timezone.localdate()
    with refused_by_database():
        factories.EngagementFactory(starts_on=today, ends_on=today - timedelta(days=1))


def test_contact_e_mail_is_unique_per_client():
    contact = factories.ContactFactory()
    with refused_by_database():
        factories.ContactFactory(client=contact.client, email=contact.email)


def test_only_a_contact_who_left_has_a_successor():
    successor = factories.ContactFactory()
    with refused_by_database():
        factories.ContactFactory(client=successor.client, replaced_by=successor)
    factories.ContactFactory(client=successor.client, replaced_by=successor, left_on=timezone.localdate())


def test_client_names_are_unique_per_team_regardless_of_case():
    team = factories.TeamFactory(name="Team Zuid")
    factories.ClientFactory(name="Hoeksma Bakeries", team=team)
    with refused_by_database():
        factories.ClientFactory(name="HOEKSMA bakeries", team=team)
    factories.ClientFactory(name="Hoeksma Bakeries", team=factories.TeamFactory(name="Team Oost"))
    factories.ClientFactory(name="Hoeksma Bakeries", team=None)
    with refused_by_database():
        factories.ClientFactory(name="hoeksma bakeries", team=None)
