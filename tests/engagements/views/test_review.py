"""The manager's review pages, checked for every role the way a user would, and what a
decision made in the browser does (issue 11).

The cast: the team's manager (Mila), a manager of another team, the lead consultant (Alice),
a consultant of another team (Bob), a community member (Carol) and an anonymous visitor.
"""

from html import unescape

import pytest
from django.urls import reverse

from advisors import roles
from advisors.models import AdvisorProfile
from engagements.models import Engagement, ExpectationCheckpoint, Flag, FlagResponse
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE_MAX_QUERIES = 14
FLAG_PAGE_MAX_QUERIES = 24
SECRET_TITLE = "Engagement led by Alice"


def text_of(response) -> str:
    return unescape(response.content.decode()).replace("\xa0", " ")


@pytest.fixture
def other_manager(db):
    user = factories.UserFactory(username="manager_zuid", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=user, team=factories.TeamFactory(name="Team Zuid"))
    return user


@pytest.fixture
def flag(engagement_a):
    Engagement.objects.filter(pk=engagement_a.pk).update(stage=Engagement.Stage.PROPOSAL)
    return factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.MANUAL,
        source=Flag.Source.PERSON,
        raised_by=engagement_a.lead,
        severity=Flag.Severity.HIGH,
        subject="",
        details="The client felt nobody listened.",
    )


WHO = ["manager", "other_manager", "consultant_a", "consultant_b", "community_member", "anonymous"]


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def assert_login_or_404(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404
        assert SECRET_TITLE not in text_of(response)


@pytest.mark.parametrize("who", WHO)
def test_the_queue_is_the_team_managers_only(client, request, flag, who):
    login(client, request, who)
    response = client.get(reverse("engagements:review"))
    if who == "manager":
        assert response.status_code == 200
        assert SECRET_TITLE in text_of(response)
    elif who == "other_manager":  # their own team's queue, without this team's flag
        assert response.status_code == 200
        assert SECRET_TITLE not in text_of(response)
    else:
        assert_login_or_404(response, who)


@pytest.mark.parametrize("who", WHO)
def test_the_flag_page_opens_for_the_teams_manager_and_the_lead_only(client, request, flag, who):
    login(client, request, who)
    response = client.get(reverse("engagements:flag", args=[flag.pk]))
    if who in ("manager", "consultant_a"):
        assert response.status_code == 200
        content = text_of(response)
        assert "The client felt nobody listened." in content
        assert ("Record the decision" in content) == (who == "manager")  # the lead only responds
    else:
        assert_login_or_404(response, who)


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_takes_flags_into_review(client, request, flag, who):
    login(client, request, who)
    response = client.post(reverse("engagements:review_take"), {"flag": [flag.pk]})
    flag.refresh_from_db()
    if who == "manager":
        assert response.status_code == 302
        assert flag.status == Flag.Status.IN_REVIEW
    else:
        assert_login_or_404(response, who)
        assert flag.status == Flag.Status.OPEN


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_decides(client, request, flag, who):
    login(client, request, who)
    data = {"decision": "restart_intake", "outcome": "resolve", "note": "Find the need first."}
    response = client.post(reverse("engagements:flag_decide", args=[flag.pk]), data)
    flag.refresh_from_db()
    engagement = Engagement.objects.get(pk=flag.engagement_id)
    if who == "manager":
        assert response.status_code == 302
        assert (flag.status, flag.decision) == (Flag.Status.RESOLVED, "restart_intake")
        assert engagement.stage == Engagement.Stage.INTAKE
    else:
        assert_login_or_404(response, who)
        assert flag.is_open and engagement.stage == Engagement.Stage.PROPOSAL


@pytest.mark.parametrize("who", WHO)
def test_the_lead_and_the_manager_respond_nobody_else(client, request, flag, who):
    login(client, request, who)
    response = client.post(reverse("engagements:flag_respond", args=[flag.pk]), {"text": "We talked it over."})
    if who in ("manager", "consultant_a"):
        assert response.status_code == 302
        assert FlagResponse.objects.filter(flag=flag, text="We talked it over.").exists()
    else:
        assert_login_or_404(response, who)
        assert not FlagResponse.objects.exists()


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_reopens(client, request, flag, manager, who):
    Flag.objects.filter(pk=flag.pk).update(
        status=Flag.Status.RESOLVED,
        decision="no_action",
        decision_note="ok",
        decided_by=manager,
        closed_at=flag.created_at,
    )
    login(client, request, who)
    response = client.post(reverse("engagements:flag_reopen", args=[flag.pk]), {"note": ""})
    flag.refresh_from_db()
    if who == "manager":
        assert response.status_code == 302 and flag.is_open
    else:
        assert_login_or_404(response, who)
        assert not flag.is_open


@pytest.mark.parametrize("who", WHO)
def test_everyone_on_the_engagement_raises_a_flag_nobody_else(client, request, engagement_a, who):
    login(client, request, who)
    data = {"kind": "manual", "severity": "medium", "details": "The sponsor stopped answering."}
    response = client.post(reverse("engagements:flag_raise", args=[engagement_a.pk]), data)
    raised = Flag.objects.filter(engagement=engagement_a, details="The sponsor stopped answering.")
    if who in ("manager", "consultant_a"):
        assert response.status_code == 302
        assert raised.get().raised_by.username == request.getfixturevalue(who).username
    else:
        assert_login_or_404(response, who)
        assert not raised.exists()


# --- what a manager sees and does ---------------------------------------------------------------
def test_a_manager_lands_on_the_queue_and_the_menu_counts_open_flags(client, manager, flag):
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.url == reverse("engagements:review")
    content = client.get(response.url).content.decode()
    assert 'id="open-flag-count">1<' in content
    client.post(reverse("engagements:review_take"), {"flag": [flag.pk]})
    assert 'id="open-flag-count">0<' in client.get(reverse("engagements:review")).content.decode()


def test_a_consultant_has_no_queue_in_the_menu(client, consultant_a, flag):
    client.force_login(consultant_a)
    assert "open-flag-count" not in client.get(reverse("engagements:my_week")).content.decode()


def test_the_queue_shows_the_most_severe_first_then_the_oldest(client, manager, engagement_a):
    low = factories.FlagFactory(engagement=engagement_a, severity="low", subject="meeting:1", kind="long_monologue")
    high_new = factories.FlagFactory(engagement=engagement_a, severity="high", subject="meeting:2")
    high_old = factories.FlagFactory(engagement=engagement_a, severity="high", subject="meeting:3")
    Flag.objects.filter(pk=high_old.pk).update(created_at=high_new.created_at.replace(year=2025))
    client.force_login(manager)
    content = client.get(reverse("engagements:review")).content.decode()
    order = [content.index(f'id="flag-{f.pk}"') for f in (high_old, high_new, low)]
    assert order == sorted(order)


def test_the_queue_filters_keep_their_state_in_the_url(client, manager, engagement_a, consultant_a):
    factories.FlagFactory(engagement=engagement_a, severity="high", subject="meeting:1", details="Rota trouble")
    factories.FlagFactory(
        engagement=engagement_a, severity="low", kind="long_monologue", subject="meeting:2", details="Talked too long"
    )
    client.force_login(manager)
    response = client.get(reverse("engagements:review"), {"severity": "low", "advisor": consultant_a.pk})
    content = text_of(response)
    assert "Talked too long" in content and "Rota trouble" not in content
    assert '<option value="low" selected>' in response.content.decode()
    assert "Rota trouble" in text_of(client.get(reverse("engagements:review"), {"q": "rota"}))
    assert "Talked too long" not in text_of(client.get(reverse("engagements:review"), {"q": "rota"}))


def test_decided_flags_leave_the_queue(client, manager, flag):
    client.force_login(manager)
    client.post(
        reverse("engagements:flag_decide", args=[flag.pk]),
        {"decision": "no_action", "outcome": "resolve", "note": "ok"},
    )
    assert "The client felt nobody listened." not in text_of(client.get(reverse("engagements:review")))


def test_a_decision_without_its_choice_is_refused_with_the_reason_and_nothing_changes(client, manager, flag):
    client.force_login(manager)
    response = client.post(
        reverse("engagements:flag_decide", args=[flag.pk]),
        {"decision": "senior", "outcome": "resolve", "note": "A senior takes over."},
    )
    assert response.status_code == 400
    assert "Choose the senior advisor who takes the lead." in text_of(response)
    assert "Nothing was saved." in text_of(response)
    flag.refresh_from_db()
    assert flag.is_open


def test_the_senior_choice_lists_the_teams_seniors(client, manager, flag, team):
    senior = factories.UserFactory(username="sanne", first_name="Sanne", last_name="Senior", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=senior, team=team, seniority=AdvisorProfile.Seniority.SENIOR)
    client.force_login(manager)
    assert "Sanne Senior" in text_of(client.get(reverse("engagements:flag", args=[flag.pk])))
    response = client.post(
        reverse("engagements:flag_decide", args=[flag.pk]),
        {"decision": "senior", "outcome": "resolve", "note": "Sanne leads.", "senior": senior.pk},
    )
    assert response.status_code == 302
    assert Engagement.objects.get(pk=flag.engagement_id).lead == senior


def test_the_flag_page_shows_the_response_the_decision_and_the_history(client, manager, consultant_a, flag):
    client.force_login(consultant_a)
    client.post(reverse("engagements:flag_respond", args=[flag.pk]), {"text": "I will call the sponsor."})
    client.force_login(manager)
    client.post(reverse("engagements:review_take"), {"flag": [flag.pk]})
    client.post(
        reverse("engagements:flag_decide", args=[flag.pk]),
        {"decision": "renegotiate", "outcome": "resolve", "note": "Agree the scope again."},
    )
    content = text_of(client.get(reverse("engagements:flag", args=[flag.pk])))
    assert "I will call the sponsor." in content
    assert "Renegotiate scope" in content and "Agree the scope again." in content
    assert "taken into review" in content and "decided" in content
    assert ExpectationCheckpoint.objects.filter(engagement=flag.engagement, topic="scope_role").exists()


def test_the_flag_page_in_dutch(client, manager, flag):
    client.force_login(manager)
    content = text_of(client.get(reverse("engagements:flag", args=[flag.pk]), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Besluit vastleggen" in content and "Geschiedenis" in content and "Signaal: Handmatig" in content


@pytest.mark.parametrize("rows", [10, 300])
def test_the_queue_query_count_does_not_grow_with_flags(client, manager, team, django_assert_max_num_queries, rows):
    leads = []
    for i in range(3):
        lead = factories.UserFactory(username=f"lead{i}", roles=[roles.CONSULTANT])
        factories.AdvisorProfileFactory(user=lead, team=team)
        leads.append(lead)
    engagements = [factories.EngagementFactory(lead=leads[i % 3], title=f"Queued {i}") for i in range(min(rows, 40))]
    Flag.objects.bulk_create(
        Flag(engagement=engagements[i % len(engagements)], kind="meeting_not_logged", severity="low", subject=f"m:{i}")
        for i in range(rows)
    )
    client.force_login(manager)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = client.get(reverse("engagements:review"), {"severity": "low"})
    assert f"{rows} flags" in text_of(response)


@pytest.mark.parametrize("rows", [3, 40])
def test_the_flag_page_query_count_does_not_grow(client, manager, flag, django_assert_max_num_queries, rows):
    for i in range(rows):
        factories.FlagFactory(engagement=flag.engagement, subject=f"meeting:{i}")
        factories.ComplaintFactory(client=flag.engagement.client)
    client.force_login(manager)
    with django_assert_max_num_queries(FLAG_PAGE_MAX_QUERIES):
        response = client.get(reverse("engagements:flag", args=[flag.pk]))
    assert response.status_code == 200
