"""The engagement list's advisor filter: its choices kept in the cache, made again as soon as
what they are made of changes (engagements/signals.py)."""

import pytest
from django.contrib.auth.signals import user_logged_in
from django.test import RequestFactory

from advisors import roles
from engagements import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def _names(user) -> list[str]:
    return [name for _, name in selectors.advisor_choices(user)]


def test_the_choices_are_read_once_then_kept(manager, consultant_a, django_assert_num_queries):
    factories.EngagementFactory(lead=consultant_a)
    first = selectors.advisor_choices(manager)

    with django_assert_num_queries(0):
        assert selectors.advisor_choices(manager) == first
    assert consultant_a.pk in dict(first)


def test_a_new_member_a_new_lead_and_a_new_name_show_at_once(manager, consultant_a, consultant_b):
    engagement = factories.EngagementFactory(lead=consultant_a)
    outsider = factories.UserFactory(username="olga", first_name="Olga", last_name="Outside")
    assert "Olga Outside" not in _names(manager)

    engagement.members.add(outsider)
    assert "Olga Outside" in _names(manager)

    outsider.first_name = "Olivia"
    outsider.save()
    assert "Olivia Outside" in _names(manager) and "Olga Outside" not in _names(manager)

    engagement.members.remove(outsider)
    assert "Olivia Outside" not in _names(manager)


def test_leaving_the_team_takes_the_advisor_off_the_managers_choices(manager, consultant_a):
    factories.EngagementFactory(lead=consultant_a)
    lead_name = dict(selectors.advisor_choices(manager))[consultant_a.pk]

    profile = consultant_a.advisor_profile
    profile.team = factories.TeamFactory(name="Team East")
    profile.save()

    assert lead_name not in _names(manager)


def test_a_version_set_inside_a_transaction_is_set_again_once_it_commits(
    manager, consultant_a, django_capture_on_commit_callbacks
):
    """A request that read the rows before the commit keeps them under the version of before."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    with django_capture_on_commit_callbacks() as callbacks:
        engagement.members.add(factories.UserFactory(username="late"))
    before = selectors.advisor_choices(manager)
    for callback in callbacks:
        callback()
    assert any(c.__qualname__ == "membership_changed" for c in callbacks)
    assert selectors.advisor_choices(manager) == before  # made again: the same rows, committed


def test_a_login_leaves_the_kept_choices_alone(manager, consultant_a, django_assert_num_queries):
    factories.EngagementFactory(lead=consultant_a)
    selectors.advisor_choices(manager)
    request = RequestFactory().get("/")
    user_logged_in.send(sender=type(consultant_a), request=request, user=consultant_a)  # saves last_login

    with django_assert_num_queries(0):
        selectors.advisor_choices(manager)


def test_a_consultant_sees_only_the_advisors_of_their_own_engagements(consultant_a, consultant_b):
    factories.EngagementFactory(lead=consultant_b)
    mine = factories.EngagementFactory(lead=consultant_a)
    helper = factories.UserFactory(username="helper", roles=[roles.CONSULTANT])
    mine.members.add(helper)

    assert {pk for pk, _ in selectors.advisor_choices(consultant_a)} == {consultant_a.pk, helper.pk}


def test_my_weeks_engagements_are_kept_until_one_is_added(consultant_a, django_assert_num_queries):
    first = factories.EngagementFactory(lead=consultant_a)
    assert selectors.engagement_ids_of(consultant_a) == [first.pk]
    with django_assert_num_queries(0):
        selectors.engagement_ids_of(consultant_a)

    second = factories.EngagementFactory(lead=factories.UserFactory(username="other", roles=[roles.CONSULTANT]))
    second.members.add(consultant_a)
    assert sorted(selectors.engagement_ids_of(consultant_a)) == sorted([first.pk, second.pk])
