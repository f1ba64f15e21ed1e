from . import roles


def navigation(request):
    """Which menu entries the signed-in user gets (the base template only displays)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "engagements": roles.is_advisor(user),
            "admin": user.is_staff,
        }
    }
