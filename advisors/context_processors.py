from functools import lru_cache

from django.urls import get_script_prefix, reverse

from . import roles

# The menu's links, by the name the base template uses: reversed once per script prefix (a
# deployment has one), not ten times a page.
_MENU = {
    "home": "home",
    "my_week": "engagements:my_week",
    "review": "engagements:review",
    "engagements": "engagements:list",
    "clients": "engagements:clients",
    "lessons": "engagements:lesson_search",
    "cases": "casestudies:list",
    "my_cases": "casestudies:mine",
    "moderation": "casestudies:moderation",
    "admin": "admin:index",
    "set_language": "set_language",
    "settings": "advisors:settings",
    "logout": "logout",
    "signup": "casestudies:signup",
    "login": "login",
}


@lru_cache(maxsize=8)
def _menu_urls(prefix: str) -> dict[str, str]:
    return {name: reverse(view) for name, view in _MENU.items()}


def navigation(request):
    """Which menu entries the signed-in user gets (the base template only displays), and the
    menu's links (`menu`)."""
    context = {"menu": _menu_urls(get_script_prefix())}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    return context | {
        "nav": {
            "engagements": roles.is_advisor(user),
            "admin": user.is_staff,
        }
    }
