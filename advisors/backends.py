"""The authentication backend: Django's, reading the advisor profile with the user."""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """django.contrib.auth's ModelBackend, with the user of a request read together with their
    advisor profile (one query where there were two): most pages of the workspace ask for a
    manager's team (engagements.policy), and every page asks who the user is."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("advisor_profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
