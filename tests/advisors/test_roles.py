import pytest
from django.contrib.auth.models import Group

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
