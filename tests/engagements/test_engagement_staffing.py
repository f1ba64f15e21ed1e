"""Who changes the lead, the members and the stage of an engagement (security review,
finding 2): only its lead, the team's manager and staff. Members work on everything else.
Such changes appear on the timeline."""

import re
from html import unescape

import pytest
from django.urls import reverse

from advisors import roles
from core.exceptions import ApplicationError
from engagements import policy, services
from engagements.models import Engagement
from tests import factories
from tests.engagements.views.test_roles import engagement_form_data, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(team, manager):
    """Max: a consultant of the manager's team, member (not lead) of Alice's engagement."""

    user = factories.UserFactory(username="max", first_name="Max", last_name="Member", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user, team=team, manager=manager)
    return user


@pytest.fixture
def engagement(engagement_a, member):
    engagement_a.members.add(member)
    return engagement_a


@pytest.mark.parametrize(
    ("who", "may"),
    [("lead", True), ("manager", True), ("staff", True), ("member", False)],
)
def test_only_the_lead_the_manager_and_staff_may_change_the_staffing(
    who, may, engagement, consultant_a, manager, staff, member
):
    user = {"lead": consultant_a, "manager": manager, "staff": staff, "member": member}[who]
    assert policy.can_change_engagement_staffing(user, engagement) is may
    assert policy.can_change_engagement(user, engagement) is True  # everyone on it works on it


def test_the_service_refuses_a_member_who_makes_himself_lead(engagement, consultant_a, member):
    with pytest.raises(ApplicationError, match="lead advisor"):
        services.engagement_update(engagement=engagement, by=member, lead=member, members=[])
    engagement = Engagement.objects.get(pk=engagement.pk)
    assert engagement.lead == consultant_a
    assert list(engagement.members.all()) == [member]


def test_the_service_refuses_a_member_who_closes_the_engagement(engagement, member):
    with pytest.raises(ApplicationError):
        services.engagement_update(engagement=engagement, by=member, stage=Engagement.Stage.LOST)
    assert Engagement.objects.get(pk=engagement.pk).stage != Engagement.Stage.LOST


def test_a_member_still_edits_the_intake(engagement, member):
    services.engagement_update(
        engagement=engagement, by=member, lead=engagement.lead, stage=engagement.stage, underlying_need="A new owner."
    )
    assert Engagement.objects.get(pk=engagement.pk).underlying_need == "A new owner."


def test_a_member_posting_a_takeover_changes_nothing_and_the_lead_keeps_his_page(
    client, engagement, consultant_a, member
):
    client.force_login(member)
    url = reverse("engagements:edit", args=[engagement.pk])
    html = client.get(url).content.decode()
    for field in ("lead", "stage"):  # offered as they are, not to be changed
        assert re.search(rf'<select name="{field}"[^>]*\bdisabled\b', html), field
    assert "Only the lead advisor, the team's manager or staff change this." in unescape(html)

    response = client.post(
        url,
        engagement_form_data(engagement, lead=member.pk, members=[], stage=Engagement.Stage.LOST, title="Mine now"),
    )

    assert response.status_code == 302
    engagement = Engagement.objects.get(pk=engagement.pk)
    assert engagement.title == "Mine now"  # what a member may change is saved
    assert engagement.lead == consultant_a
    assert list(engagement.members.all()) == [member]
    assert engagement.stage != Engagement.Stage.LOST
    client.force_login(consultant_a)
    assert client.get(reverse("engagements:detail", args=[engagement.pk])).status_code == 200


def test_the_manager_hands_the_engagement_over_and_the_timeline_shows_it(
    client, engagement, consultant_a, manager, member
):
    client.force_login(manager)
    response = client.post(
        reverse("engagements:edit", args=[engagement.pk]),
        engagement_form_data(engagement, lead=member.pk, members=[consultant_a.pk], stage=Engagement.Stage.ACTIVE),
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get(pk=engagement.pk)
    assert engagement.lead == member
    assert list(engagement.members.all()) == [consultant_a]

    page = text_of(client.get(reverse("engagements:detail", args=[engagement.pk])))
    assert f"Lead advisor changed from {consultant_a.get_full_name()} to Max Member" in page
    assert "Stage changed from Intake to Active" in page
    assert f"Members changed: added {consultant_a.get_full_name()}; removed Max Member" in page
