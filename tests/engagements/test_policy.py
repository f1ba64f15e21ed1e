"""Who sees which engagement: the policy module and the views that use it."""

import pytest
from django.http import Http404
from django.urls import reverse

from advisors import roles
from engagements import policy
from tests import factories

pytestmark = pytest.mark.django_db


def detail_url(engagement):
    return reverse("engagements:detail", args=[engagement.pk])


def test_consultant_sees_what_they_lead_and_belong_to(consultant_a, consultant_b):
    led = factories.EngagementFactory(lead=consultant_a)
    joined = factories.EngagementFactory(lead=consultant_b)
    joined.members.add(consultant_a)
    factories.EngagementFactory(lead=consultant_b)  # Bob's own

    assert set(policy.engagements_visible_to(consultant_a)) == {led, joined}


def test_consultant_gets_404_for_another_consultants_engagement(client, consultant_a, consultant_b):
    bobs = factories.EngagementFactory(lead=consultant_b, title="Secret engagement of Bob")
    client.force_login(consultant_a)

    response = client.get(detail_url(bobs))

    assert response.status_code == 404
    assert b"Secret engagement of Bob" not in response.content
    assert not policy.can_view_engagement(consultant_a, bobs)


def test_consultant_opens_own_engagement(client, consultant_a, engagement_a):
    client.force_login(consultant_a)
    response = client.get(detail_url(engagement_a))
    assert response.status_code == 200
    assert engagement_a.title in response.content.decode()


def test_member_of_an_engagement_may_open_it(client, consultant_a, consultant_b):
    engagement = factories.EngagementFactory(lead=consultant_b)
    engagement.members.add(consultant_a)
    client.force_login(consultant_a)
    assert client.get(detail_url(engagement)).status_code == 200


def test_manager_sees_the_teams_engagements_only(client, manager, consultant_a, consultant_b, engagement_a):
    other_team = factories.EngagementFactory(lead=consultant_b)

    assert set(policy.engagements_visible_to(manager)) == {engagement_a}
    client.force_login(manager)
    assert client.get(detail_url(engagement_a)).status_code == 200
    assert client.get(detail_url(other_team)).status_code == 404


def test_manager_list_shows_team_engagements(client, manager, engagement_a, consultant_b):
    factories.EngagementFactory(lead=consultant_b, title="Work of the other team")
    client.force_login(manager)
    content = client.get(reverse("engagements:list")).content.decode()
    assert engagement_a.title in content
    assert "Work of the other team" not in content


def test_community_member_sees_no_engagement(client, community_member, engagement_a):
    assert not policy.engagements_visible_to(community_member).exists()
    client.force_login(community_member)
    assert client.get(detail_url(engagement_a)).status_code == 404
    list_page = client.get(reverse("engagements:list"))
    assert engagement_a.title not in list_page.content.decode()


@pytest.mark.parametrize("who", ["consultant_a", "manager", "staff"])
def test_advisors_and_superusers_work_on_engagements(request, who):
    user = request.getfixturevalue(who)
    assert policy.works_on_engagements(user)
    policy.require_advisor(user)  # no 404


@pytest.mark.parametrize("who", ["community member", "no role", "staff without a role", "inactive consultant"])
def test_the_workspace_is_a_404_to_everyone_else(who):
    user = {
        "community member": lambda: factories.UserFactory(roles=[roles.COMMUNITY_MEMBER]),
        "no role": lambda: factories.UserFactory(),
        "staff without a role": lambda: factories.UserFactory(is_staff=True),
        "inactive consultant": lambda: factories.UserFactory(roles=[roles.CONSULTANT], is_active=False),
    }[who]()
    assert not policy.works_on_engagements(user)
    with pytest.raises(Http404):
        policy.require_advisor(user)


def test_anonymous_users_are_sent_to_login(client, engagement_a):
    for url in [detail_url(engagement_a), reverse("engagements:list"), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_inactive_user_sees_nothing(consultant_a, engagement_a):
    consultant_a.is_active = False
    assert not policy.engagements_visible_to(consultant_a).exists()


def test_engagement_list_does_not_query_per_row(client, consultant_a, django_assert_max_num_queries):
    client.force_login(consultant_a)
    factories.EngagementFactory.create_batch(3, lead=consultant_a)
    with django_assert_max_num_queries(8):
        client.get(reverse("engagements:list"))
    factories.EngagementFactory.create_batch(20, lead=consultant_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("engagements:list")).status_code == 200
