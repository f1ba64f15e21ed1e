"""How Rapport names a person on a page, in an e-mail or in a choice list: the full name, else
the username. Every app reads it from here (and templates through the `display_name` filter of
core/templatetags/people.py), so the fallback is written once."""


def display_name(user) -> str:
    """The user's full name, else their username; "" for no user (None) or an anonymous one.

    The community names its members differently (their chosen display name, never the e-mail
    address that is their username): see casestudies.people.display_name.
    """
    if user is None or user.is_anonymous:
        return ""
    return user.get_full_name() or user.get_username()


def display_name_of(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """display_name from the three columns (a query's values, not a user): the same rule."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""
