from advisors import roles

from . import policy


def community_navigation(request):
    """The community's menu entries, and a member's display name for the menu (never their
    e-mail address, which is their username). The template only displays."""
    user = getattr(request, "user", None)
    display_name = ""
    if user is not None and user.is_authenticated and roles.is_community_member(user):
        profile = getattr(user, "member_profile", None)
        display_name = profile.display_name if profile else ""
    return {
        "community_nav": {
            "author": policy.can_author(user),
            "moderate": policy.is_moderator(user),
            "display_name": display_name,
        }
    }
