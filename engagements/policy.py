"""Who may see and change which engagement: the one place that answers it.

Views, selectors and later the client link all go through these functions; nothing else
decides access to engagement data.

- consultants: the engagements they lead or are a member of;
- managers: every engagement led by an advisor of their team (and their own, as above);
- community members (and anyone without an advisor role): none;
- superusers: all (they run the Django admin anyway).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from advisors import roles

from .models import Engagement

User = AbstractBaseUser | AnonymousUser


def _team_id(user) -> int | None:
    profile = getattr(user, "advisor_profile", None)
    return profile.team_id if profile else None


def _visibility_filter(user) -> Q | None:
    """The condition on Engagement rows this user may see; None means "nothing"."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    if not roles.is_advisor(user):
        return None
    condition = Q(lead=user) | Q(pk__in=Engagement.members.through.objects.filter(user=user).values("engagement"))
    team_id = _team_id(user) if roles.is_manager(user) else None
    if team_id is not None:
        condition |= Q(lead__advisor_profile__team_id=team_id)
    return condition


def engagements_visible_to(user: User) -> QuerySet[Engagement]:
    """Every engagement the user may see, as a queryset to filter further."""
    condition = _visibility_filter(user)
    if condition is None:
        return Engagement.objects.none()
    return Engagement.objects.filter(condition)


def can_view_engagement(user: User, engagement: Engagement) -> bool:
    return engagements_visible_to(user).filter(pk=engagement.pk).exists()


def can_change_engagement(user: User, engagement: Engagement) -> bool:
    """Everyone who may see an engagement works on it: lead, members, the team's manager."""
    return can_view_engagement(user, engagement)


def get_engagement_for_user(user: User, pk: int, *, write: bool = False) -> Engagement:
    """The engagement, or Http404 when the user may not see it (so its existence leaks not)."""
    queryset = engagements_visible_to(user).select_related("client", "lead")
    try:
        engagement = queryset.get(pk=pk)
    except Engagement.DoesNotExist:
        raise Http404("No engagement found.") from None
    if write and not can_change_engagement(user, engagement):
        raise Http404("No engagement found.")
    return engagement
