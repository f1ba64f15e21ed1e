import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisors import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_migration_creates_the_three_roles_with_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(roles.ALL) <= set(groups)
    consultant = {p.codename for p in groups[roles.CONSULTANT].permissions.all()}
    manager = {p.codename for p in groups[roles.MANAGER].permissions.all()}
    assert {"add_engagement", "change_engagement", "add_meetinglog"} <= consultant
    assert "change_flag" not in consultant  # deciding on flags is the manager's
    assert "change_flag" in manager
    assert not groups[roles.COMMUNITY_MEMBER].permissions.filter(content_type__app_label="engagements").exists()


WORK = {"add", "change", "view"}
ENGAGEMENT_WORK = ["client", "clientcontact", "engagement", "draftplan", "planshare", "meeting", "meetinglog"]
ENGAGEMENT_WORK += ["expectationcheckpoint", "complaint"]


def grants(app_label: str, models: dict[str, set[str]]) -> set[str]:
    return {f"{app_label}.{action}_{model}" for model, actions in models.items() for action in actions}


# Each app grants its own (advisors 0002, engagements 0015, casestudies 0002); together they
# give the groups exactly what advisors 0002 alone once gave, plus the community's grants.
EXPECTED_PERMISSIONS = {
    roles.CONSULTANT: grants("advisors", {"team": {"view"}, "advisorprofile": {"view"}})
    | grants("engagements", dict.fromkeys(ENGAGEMENT_WORK, WORK) | {"flag": {"add", "view"}, "reminder": {"view"}})
    | grants(
        "casestudies",
        {"casestudy": WORK, "comment": {"add", "view"}, "commentreport": {"add"}, "theme": {"view"}},
    ),
    roles.MANAGER: grants("advisors", {"team": {"view"}, "advisorprofile": {"view", "change"}})
    | grants("engagements", dict.fromkeys(ENGAGEMENT_WORK, WORK) | {"flag": WORK, "reminder": {"view"}})
    | grants(
        "casestudies",
        {"casestudy": WORK, "comment": WORK, "commentreport": WORK, "commentevent": {"view"}, "theme": WORK},
    ),
    roles.COMMUNITY_MEMBER: grants(
        "casestudies",
        {"casestudy": {"view"}, "comment": {"add", "view"}, "commentreport": {"add"}, "theme": {"view"}},
    ),
}


def test_the_apps_migrations_give_each_role_exactly_its_permissions():
    for group in Group.objects.filter(name__in=roles.ALL).prefetch_related("permissions__content_type"):
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == EXPECTED_PERMISSIONS[group.name], group.name


def test_role_questions_cost_one_query_per_user(django_assert_num_queries):
    user = factories.UserFactory(roles=[roles.MANAGER])
    with django_assert_num_queries(1):
        assert roles.is_manager(user)
        assert roles.is_advisor(user)
        assert not roles.is_consultant(user)
        assert not roles.is_community_member(user)


def test_on_postgresql_the_user_of_a_request_comes_with_roles_and_profile_in_one_query(
    client, consultant_a, django_assert_num_queries
):
    """The session, then the user with their advisor profile and their roles: two queries before
    the page's own, where the roles were a third (on other databases they still are)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the roles are a query of their own")
    client.force_login(consultant_a)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("advisors:settings")).status_code == 200

    login = [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"] or '"auth_' in q["sql"]]
    assert len(login) == 2, login
    assert not any(sql.lstrip().startswith('SELECT "auth_group"') for sql in login)


def test_a_user_whose_roles_change_gets_the_new_ones_on_the_next_request(client, consultant_a):
    client.force_login(consultant_a)
    assert client.get(reverse("engagements:list")).status_code == 200

    consultant_a.groups.clear()

    assert client.get(reverse("engagements:list")).status_code == 404
