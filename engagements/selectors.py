"""Reads of the engagement domain."""

from django.db.models import QuerySet

from .models import Engagement
from .policy import engagements_visible_to


def engagement_list_for_user(*, user) -> QuerySet[Engagement]:
    """The engagements a user may see, with what a list row shows, in one query."""
    return engagements_visible_to(user).select_related("client", "lead").order_by("-updated_at")
