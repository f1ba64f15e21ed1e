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
