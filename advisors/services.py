from django.db import transaction

from .models import AdvisorProfile, new_calendar_token


@transaction.atomic
def advisorprofile_update(*, profile: AdvisorProfile, **fields) -> AdvisorProfile:
    for field, value in fields.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def advisorprofile_reset_calendar_token(*, profile: AdvisorProfile) -> AdvisorProfile:
    """A new secret for the calendar feed: the old feed URL stops working at once."""
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token", "updated_at"])
    return profile
