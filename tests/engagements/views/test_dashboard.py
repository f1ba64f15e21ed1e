"""The team dashboard (issue 11), read as a manager reads it: who may open it, the numbers
per advisor, flags per week, engagements by stage and health, decisions, the period, the
query count at 10 and 300 flags, Dutch.

The cast as in test_review.py: the team's manager (Mila), a manager of another team, the
lead consultant (Alice), a consultant of another team (Bob), a community member (Carol) and
an anonymous visitor.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.people import display_name
from engagements import dashboard
from engagements.models import Engagement, Flag, Meeting
from tests import factories
from tests.engagements.views.test_review import WHO, login, other_manager, text_of  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

DASHBOARD_MAX_QUERIES = 12
NOW = timezone.make_aware(datetime(2026, 11, 26, 12, 0))  # a Thursday


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def plan_discussion(
    engagement, *, starts_at, shared_hours_before=None, acknowledged=True, status="held", satisfaction=None
):
    plan = factories.DraftPlanFactory(engagement=engagement)
    if shared_hours_before is not None:
        plan.shared_at = starts_at - timedelta(hours=shared_hours_before)
        plan.acknowledged_at = plan.shared_at + timedelta(hours=1) if acknowledged else None
        plan.save()
    meeting = factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=starts_at, status=status)
    if satisfaction is not None:
        factories.MeetingLogFactory(meeting=meeting, satisfaction=satisfaction)
    return meeting


@pytest.fixture
def team_numbers(engagement_a, manager):
    """Alice: three plan discussions this period, one of them ready, one cancelled; two logs
    (satisfaction 4 and 2); two open flags and a decided one."""
    day = timedelta(days=1)
    plan_discussion(engagement_a, starts_at=NOW - 3 * day, shared_hours_before=49, satisfaction=4)  # ready
    plan_discussion(engagement_a, starts_at=NOW - 5 * day, shared_hours_before=47, satisfaction=2)  # too late
    plan_discussion(engagement_a, starts_at=NOW - 6 * day, shared_hours_before=72, status="cancelled")
    plan_discussion(engagement_a, starts_at=NOW - 40 * day, shared_hours_before=72)  # before 4 weeks: quarter only
    Engagement.objects.filter(pk=engagement_a.pk).update(stage=Engagement.Stage.PROPOSAL, health="red")
    factories.FlagFactory(engagement=engagement_a, kind=Flag.Kind.DISSATISFIED, subject="a")
    factories.FlagFactory(engagement=engagement_a, kind=Flag.Kind.MANUAL, subject="b", severity="low")
    factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.LONG_MONOLOGUE,
        subject="c",
        status=Flag.Status.RESOLVED,
        decision=Flag.Decision.COACH,
        decision_note="Ask more.",
        decided_by=manager,
        closed_at=NOW - day,
    )
    return engagement_a


def url(period=None):
    return reverse("engagements:dashboard") + (f"?period={period}" if period else "")


@pytest.mark.parametrize("who", WHO)
def test_only_managers_open_the_dashboard_and_each_sees_their_own_team(
    client, request, team_numbers, consultant_a, who
):
    login(client, request, who)
    response = client.get(url())
    alice = display_name(consultant_a)
    if who == "manager":
        assert response.status_code == 200
        assert alice in text_of(response)
    elif who == "other_manager":
        assert response.status_code == 200
        assert alice not in text_of(response)
    elif who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404


def advisor_row(board, name_part):
    return next(row for row in board.advisors if name_part.lower() in row.name.lower())


def test_the_numbers_per_advisor(team_numbers, manager, consultant_a):
    board = dashboard.team_dashboard(user=manager, period="4w")
    alice = advisor_row(board, display_name(consultant_a))
    assert (alice.ready, alice.plan_meetings, alice.readiness) == (1, 2, 50)
    assert alice.held == 2  # the cancelled one is not held
    assert alice.satisfaction == 3.0
    assert alice.open_flags == 2
    assert board.team_readiness == 50


def test_the_period_filter_widens_the_numbers(team_numbers, manager, consultant_a, client):
    alice = advisor_row(dashboard.team_dashboard(user=manager, period="quarter"), display_name(consultant_a))
    assert (alice.ready, alice.plan_meetings) == (2, 3)
    client.force_login(manager)
    page = text_of(client.get(url("quarter")))
    assert 'aria-current="page">Quarter' in page
    assert len(dashboard.team_dashboard(user=manager, period="year").weeks) == 52
    assert dashboard.team_dashboard(user=manager, period="nonsense").period == "4w"


def test_flags_per_week_by_kind_stages_and_decisions(team_numbers, manager, client):
    board = dashboard.team_dashboard(user=manager)
    this_week = board.weeks[-1]
    assert this_week.monday == datetime(2026, 11, 23).date()
    assert this_week.counts == {"dissatisfied": 1, "manual": 1, "long_monologue": 1}
    assert [week.total for week in board.weeks[:-1]] == [0, 0, 0]
    proposal = next(row for row in board.stages if row.stage == Engagement.Stage.PROPOSAL)
    assert proposal.counts == {"red": 1}
    decisions = {row.label: row.count for row in board.decisions}
    assert decisions["Coach the advisor"] == 1 and board.decisions_total == 1
    # the same numbers in the page's tables, for screen readers
    client.force_login(manager)
    page = text_of(client.get(url()))
    assert "Flags raised per week, by kind" in page and 'id="stages-table"' in page
    assert "<svg" in page and 'aria-hidden="true"' in page


def test_the_dashboard_in_dutch(team_numbers, manager, client):
    manager.advisor_profile.language = "nl"
    manager.advisor_profile.save()
    client.force_login(manager)
    page = text_of(client.get(url(), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Teamdashboard" in page
    assert "Flags raised per week" not in page


@pytest.mark.parametrize("flags", [10, 300])
def test_the_dashboard_query_count_does_not_grow_with_flags_and_engagements(
    client, manager, consultant_a, flags, django_assert_max_num_queries
):
    engagements = [factories.EngagementFactory(lead=consultant_a) for _ in range(max(1, flags // 10))]
    Flag.objects.bulk_create(
        [
            Flag(engagement=engagements[i % len(engagements)], kind=Flag.Kind.MANUAL, severity="low", subject=f"s{i}")
            for i in range(flags)
        ]
    )
    for engagement in engagements[:5]:
        plan_discussion(engagement, starts_at=NOW - timedelta(days=2), shared_hours_before=50, satisfaction=3)
    client.force_login(manager)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        assert client.get(url("year")).status_code == 200
    assert Meeting.objects.count() == len(engagements[:5])
