"""How the community names a person and which language they read: read by pages, the feed
and the e-mails alike. A member's username is their e-mail address: their display name is
shown instead (the username only for an account made without a profile, in the admin)."""

from django.conf import settings

from core import people


def reader_language(user) -> str:
    for profile_name in ("advisor_profile", "member_profile"):
        profile = getattr(user, profile_name, None)
        if profile is not None and profile.language:
            return profile.language
    return settings.LANGUAGE_CODE


def display_name(user) -> str:
    profile = getattr(user, "member_profile", None)
    if profile is not None:
        return profile.display_name
    return people.display_name(user)
