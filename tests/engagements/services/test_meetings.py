"""engagements/services/meetings.py: a meeting is scheduled in the future; the form shows the
service's message on its starts_at field."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements import services
from engagements.models import Meeting

pytestmark = pytest.mark.django_db


def test_a_meeting_in_the_past_is_refused_on_starts_at_with_the_forms_message(engagement_a):
    with pytest.raises(ValidationError) as refused:
        services.meeting_schedule(
            engagement=engagement_a,
            purpose=Meeting.Purpose.PROGRESS,
            starts_at=timezone.now() - timedelta(minutes=1),
            duration_minutes=60,
        )

    assert refused.value.message_dict == {"starts_at": ["This moment has passed; schedule the meeting in the future."]}
    assert not Meeting.objects.exists()
