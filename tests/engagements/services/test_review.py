"""The review services: the one writer of a flag's state, and what each decision does."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from advisors import roles
from advisors.models import AdvisorProfile
from core.exceptions import ApplicationError
from engagements import services
from engagements.models import Engagement, ExpectationCheckpoint, Flag, FlagNotice, Health
from tests import factories
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior(team):
    user = factories.UserFactory(
        username="sanne_senior", first_name="Sanne", last_name="Senior", roles=[roles.CONSULTANT]
    )
    factories.AdvisorProfileFactory(user=user, team=team, seniority=AdvisorProfile.Seniority.SENIOR)
    return user


@pytest.fixture
def flag(engagement_a):
    engagement_a.stage = Engagement.Stage.PROPOSAL
    engagement_a.save()
    return services.flag_raise(
        engagement=engagement_a,
        by=engagement_a.lead,
        kind=Flag.Kind.MANUAL,
        severity=Flag.Severity.HIGH,
        details="The client walked out of the meeting.",
    )


def reasons(flag) -> list[str]:
    return [record.history_change_reason for record in flag.history.order_by("history_date", "history_id")]


def test_a_flag_raised_by_hand_counts_for_health_and_has_its_first_history_row(flag, consultant_a):
    assert flag.source == Flag.Source.PERSON and flag.raised_by == consultant_a
    assert Engagement.objects.get(pk=flag.engagement_id).health == Health.RED
    assert reasons(flag) == ["raised"]
    assert flag.history.get().history_user == consultant_a


def test_a_flag_without_details_is_refused_and_nothing_is_saved(engagement_a, consultant_a):
    with pytest.raises(ApplicationError):
        services.flag_raise(engagement=engagement_a, by=consultant_a, kind="manual", severity="low", details="  ")
    assert not Flag.objects.exists()


def test_someone_off_the_engagement_cannot_raise_a_flag_on_it(engagement_a, consultant_b):
    with pytest.raises(ApplicationError):
        services.flag_raise(engagement=engagement_a, by=consultant_b, kind="manual", severity="low", details="x")
    assert not Flag.objects.exists()


def test_taking_into_review_marks_the_reviewer_and_is_kept_in_history(flag, manager):
    assert services.flag_take_into_review(flags=[flag], by=manager) == 1
    flag.refresh_from_db()
    assert (flag.status, flag.reviewer) == (Flag.Status.IN_REVIEW, manager)
    assert reasons(flag) == ["raised", "taken into review"]
    assert services.flag_take_into_review(flags=[flag], by=manager) == 0  # twice: nothing more


def test_a_consultant_cannot_take_a_flag_into_review(flag, consultant_a):
    with pytest.raises(ApplicationError):
        services.flag_take_into_review(flags=[flag], by=consultant_a)
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.OPEN


def test_a_manager_of_another_team_cannot_decide(flag):
    other = factories.UserFactory(username="manager_zuid", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=other, team=factories.TeamFactory(name="Team Zuid"))
    with pytest.raises(ApplicationError):
        services.flag_decide(flag=flag, by=other, decision="no_action", note="Not mine.")
    assert Flag.objects.get(pk=flag.pk).is_open


def test_the_lead_responds_and_the_response_stays_on_the_flag(flag, consultant_a):
    services.flag_respond(flag=flag, by=consultant_a, text="I called them; they felt rushed.")
    assert [r.text for r in flag.responses.all()] == ["I called them; they felt rushed."]


def test_no_action_resolves_the_flag_restores_health_and_tells_the_advisor(
    flag, manager, consultant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_decide(flag=flag, by=manager, decision="no_action", note="A bad day; it passed.")
    flag.refresh_from_db()
    assert (flag.status, flag.decision, flag.decided_by) == (Flag.Status.RESOLVED, "no_action", manager)
    assert Engagement.objects.get(pk=flag.engagement_id).health == Health.GREEN
    assert reasons(flag)[-1] == "decided"
    [message] = mail.outbox
    assert message.to == [consultant_a.email]
    assert "A bad day; it passed." in message.body
    assert "A bad day; it passed." in message.alternatives[0][0]
    assert FlagNotice.objects.get().sent_at is not None


def test_the_decision_email_is_in_the_advisors_language(
    flag, manager, consultant_a, django_capture_on_commit_callbacks
):
    AdvisorProfile.objects.filter(user=consultant_a).update(language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_decide(flag=flag, by=manager, decision="coach", note="Vraag eerst wat de klant verwacht.")
    [message] = mail.outbox
    assert "Coaching van je manager" in message.body
    assert "Advisor coachen" in message.subject or "coach" in message.subject.lower()


def test_the_decision_email_goes_out_once_however_often_its_task_runs(flag, manager):
    services.flag_decide(flag=flag, by=manager, decision="no_action", note="Fine.")
    notice = FlagNotice.objects.get()
    assert services.flag_notice_send(notice_id=notice.pk) is True
    assert services.flag_notice_send(notice_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_dismissing_records_the_flag_as_dismissed(flag, manager):
    services.flag_decide(flag=flag, by=manager, decision="no_action", note="Not a real problem.", dismiss=True)
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.DISMISSED


def test_assign_a_senior_makes_the_senior_lead_and_keeps_the_old_lead_as_member(flag, manager, consultant_a, senior):
    services.flag_decide(flag=flag, by=manager, decision="senior", note="Sanne takes over.", senior=senior)
    engagement = Engagement.objects.get(pk=flag.engagement_id)
    assert engagement.lead == senior
    assert consultant_a in engagement.members.all()
    assert engagement.changes.filter(what="lead").exists()  # on the timeline


def test_assign_a_senior_without_choosing_one_changes_nothing(flag, manager, consultant_a):
    with pytest.raises(ValidationError) as error:
        services.flag_decide(flag=flag, by=manager, decision="senior", note="Someone senior.")
    assert "senior" in error.value.message_dict
    assert Flag.objects.get(pk=flag.pk).is_open
    assert Engagement.objects.get(pk=flag.engagement_id).lead == consultant_a


def test_assign_a_senior_refuses_an_advisor_who_is_not_senior(flag, manager, team):
    junior = factories.UserFactory(username="jip_junior", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=junior, team=team, seniority=AdvisorProfile.Seniority.JUNIOR)
    with pytest.raises(ValidationError):
        services.flag_decide(flag=flag, by=manager, decision="senior", note="x", senior=junior)
    assert Flag.objects.get(pk=flag.pk).is_open


def test_restart_intake_moves_the_engagement_back_and_opens_the_intake_checkpoint(flag, manager):
    services.flag_decide(flag=flag, by=manager, decision="restart_intake", note="We never found the need.")
    engagement = Engagement.objects.get(pk=flag.engagement_id)
    assert engagement.stage == Engagement.Stage.INTAKE
    checkpoint = engagement.checkpoints.get()
    assert (checkpoint.topic, checkpoint.status) == ("intake_need", "open")
    assert checkpoint.due_on == timezone.localdate() + timedelta(days=7)


def test_renegotiate_opens_a_scope_and_role_checkpoint(flag, manager):
    services.flag_decide(flag=flag, by=manager, decision="renegotiate", note="Agree what is out of scope.")
    engagement = Engagement.objects.get(pk=flag.engagement_id)
    assert engagement.stage == Engagement.Stage.PROPOSAL
    assert list(engagement.checkpoints.values_list("topic", flat=True)) == [ExpectationCheckpoint.Topic.SCOPE_ROLE]


def test_part_ways_closes_the_engagement_with_the_referral_note(flag, manager):
    services.flag_decide(
        flag=flag, by=manager, decision="part_ways", note="We part ways.", referral_note="Referred to a bookkeeper."
    )
    engagement = Engagement.objects.get(pk=flag.engagement_id)
    assert (engagement.stage, engagement.referral_note) == (Engagement.Stage.CLOSED, "Referred to a bookkeeper.")


def test_part_ways_without_a_referral_note_changes_nothing(flag, manager):
    with pytest.raises(ValidationError) as error:
        services.flag_decide(flag=flag, by=manager, decision="part_ways", note="We part ways.")
    assert "referral_note" in error.value.message_dict
    assert Flag.objects.get(pk=flag.pk).is_open
    assert Engagement.objects.get(pk=flag.engagement_id).stage == Engagement.Stage.PROPOSAL
    assert not FlagNotice.objects.exists()


def test_a_flag_decided_meanwhile_is_not_decided_again(flag, manager, staff):
    stale = Flag.objects.get(pk=flag.pk)  # the second manager's page, loaded before the first decided
    services.flag_decide(flag=flag, by=manager, decision="no_action", note="First.")
    with pytest.raises(ApplicationError, match="decided on this flag meanwhile"):
        services.flag_decide(flag=stale, by=staff, decision="restart_intake", note="Second.")
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_note) == ("no_action", "First.")
    assert Engagement.objects.get(pk=flag.engagement_id).stage == Engagement.Stage.PROPOSAL


def test_reopening_opens_the_flag_again_and_keeps_the_decision_in_history(flag, manager):
    services.flag_decide(flag=flag, by=manager, decision="no_action", note="Looked fine.")
    services.flag_reopen(flag=flag, by=manager, note="It happened again")
    flag.refresh_from_db()
    assert (flag.status, flag.decision, flag.decided_by) == (Flag.Status.OPEN, "", None)
    assert reasons(flag) == ["raised", "decided", "reopened: It happened again"]
    assert flag.history.filter(decision="no_action").exists()
    assert Engagement.objects.get(pk=flag.engagement_id).health == Health.RED


def test_the_rules_clear_a_flag_through_the_review_service_with_history(engagement_a):
    meeting = factories.MeetingFactory(engagement=engagement_a, starts_at=timezone.now() - timedelta(days=5))
    services.flags_sync(engagement_id=engagement_a.pk)
    flag = Flag.objects.get(kind=Flag.Kind.MEETING_NOT_LOGGED)
    factories.MeetingLogFactory(meeting=meeting, satisfaction=4, checked_in_with_client=True)
    services.flags_sync(engagement_id=engagement_a.pk)
    flag.refresh_from_db()
    assert (flag.status, flag.decision_note, flag.decided_by) == (Flag.Status.RESOLVED, "", None)
    assert reasons(flag) == ["raised", "cleared automatically"]
    assert flag.history.order_by("history_date").last().history_user is None


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_one_wins_and_the_other_is_told(team, manager, consultant_a, staff):
    require_postgres()
    engagement = factories.EngagementFactory(lead=consultant_a, stage=Engagement.Stage.ACTIVE)
    flag = services.flag_raise(engagement=engagement, by=consultant_a, kind="manual", severity="high", details="x")
    barrier, results = threading.Barrier(2), {}

    def decide(who, decision):
        try:
            barrier.wait()
            services.flag_decide(
                flag=Flag.objects.get(pk=flag.pk), by=who, decision=decision, note=f"{decision} by {who.username}"
            )
            results[who.username] = "won"
        except ApplicationError:
            results[who.username] = "told"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(manager, "restart_intake")),
        threading.Thread(target=decide, args=(staff, "renegotiate")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["told", "won"]
    flag.refresh_from_db()
    winner = next(name for name, result in results.items() if result == "won")
    assert flag.decided_by.username == winner
    checkpoints = list(engagement.checkpoints.values_list("topic", flat=True))
    assert checkpoints == (["intake_need"] if flag.decision == "restart_intake" else ["scope_role"])
    assert FlagNotice.objects.count() == 1
