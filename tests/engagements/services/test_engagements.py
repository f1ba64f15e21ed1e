"""engagements/services/engagements.py: an engagement ends after it starts (a constraint too;
the model says it next to the end date)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements import services
from engagements.models import Engagement
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_engagement_that_ends_before_it_starts_is_refused_on_ends_on(consultant_a):
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        services.engagement_create(
            by=consultant_a,
            client=factories.ClientFactory(),
            title="Backwards",
            starts_on=today,
            ends_on=today - timedelta(days=1),
        )

    assert refused.value.message_dict == {"ends_on": ["The end date comes before the start date."]}
    assert not Engagement.objects.exists()


def test_an_edit_that_ends_before_the_start_is_refused_and_keeps_the_dates(engagement_a):
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        services.engagement_update(
            engagement=engagement_a, by=engagement_a.lead, starts_on=today, ends_on=today - timedelta(days=1)
        )

    assert list(refused.value.message_dict) == ["ends_on"]
    engagement_a.refresh_from_db()
    assert (engagement_a.starts_on, engagement_a.ends_on) == (None, None)
