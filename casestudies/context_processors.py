from . import policy


def community_navigation(request):
    """The community's menu entries for the signed-in user (the template only displays)."""
    user = getattr(request, "user", None)
    return {
        "community_nav": {
            "author": policy.can_author(user),
            "moderate": policy.is_moderator(user),
        }
    }
