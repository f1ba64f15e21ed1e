"""The authentication backend: Django's, reading the user's profile and roles with the user."""

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef

from core.frozen import Param, frozen

from . import roles


class ModelBackend(backends.ModelBackend):
    """django.contrib.auth's ModelBackend, with the user of a request read together with their
    advisor profile and, on PostgreSQL, their roles (one query where there were three): most
    pages of the workspace ask for a manager's team (engagements.policy), and every page asks
    what the user's roles are (the menu, the role gates). Elsewhere the roles are read on the
    first question, as advisors.roles does for any user object."""

    def get_user(self, user_id):
        with_roles = connection.vendor == "postgresql"

        def users(params):
            users = get_user_model()._default_manager.select_related("advisor_profile")
            if with_roles:
                names = Group.objects.filter(user=OuterRef("pk")).values("name")
                users = users.annotate(role_names=ArraySubquery(names))
            return users.filter(pk=Param("pk") if params else user_id)

        # Every request asks: its SQL built once (core.frozen).
        found = list(frozen(("request_user", with_roles), users, pk=user_id))
        if not found:
            return None
        user = found[0]
        if with_roles:
            roles.remember(user, user.role_names)
        return user if self.user_can_authenticate(user) else None
