"""The three roles of Rapport are Django groups (created by migration 0002_roles).

A user's group names are read once per user object and cached on it, so asking the same
question many times while rendering one page costs one query.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CONSULTANT = "consultant"
MANAGER = "manager"
COMMUNITY_MEMBER = "community member"
ALL = (CONSULTANT, MANAGER, COMMUNITY_MEMBER)

_CACHE_ATTR = "_rapport_group_names"


def group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    names = getattr(user, _CACHE_ATTR, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _CACHE_ATTR, names)
    return names


def remember(user, names) -> None:
    """Cache group names read with the user (advisors.backends, on every request)."""
    setattr(user, _CACHE_ATTR, frozenset(names))


def forget(user) -> None:
    """Drop the cached group names (after changing a user's groups)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_consultant(user) -> bool:
    return CONSULTANT in group_names(user)


def is_manager(user) -> bool:
    return MANAGER in group_names(user)


def is_advisor(user) -> bool:
    """Consultants and managers both work on engagements."""
    return bool({CONSULTANT, MANAGER} & group_names(user))


def is_community_member(user) -> bool:
    return COMMUNITY_MEMBER in group_names(user)
