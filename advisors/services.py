from django.db import transaction

from core.services import model_update

from .models import AdvisorProfile, new_calendar_token


@transaction.atomic
def advisorprofile_update(*, profile: AdvisorProfile, **fields) -> AdvisorProfile:
    return model_update(profile, data=fields)


@transaction.atomic
def advisorprofile_reset_calendar_token(*, profile: AdvisorProfile) -> AdvisorProfile:
    """A new secret for the calendar feed: the old feed URL stops working at once."""
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token", "updated_at"])
    return profile
