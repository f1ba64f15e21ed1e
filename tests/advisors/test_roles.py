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


def test_role_questions_cost_one_query_per_user(django_assert_num_queries):
    user = factories.UserFactory(roles=[roles.MANAGER])
    with django_assert_num_queries(1):
        assert roles.is_manager(user)
        assert roles.is_advisor(user)
        assert not roles.is_consultant(user)
        assert not roles.is_community_member(user)
