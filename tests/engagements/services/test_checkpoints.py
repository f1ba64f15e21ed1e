"""engagements/services/checkpoints.py: an answer keeps what the client said."""

import pytest
from django.core.exceptions import ValidationError

from engagements import services
from engagements.models import ExpectationCheckpoint, Flag
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [ExpectationCheckpoint.Status.CONFIRMED, ExpectationCheckpoint.Status.MISALIGNED])
def test_an_answer_without_what_the_client_said_is_refused_on_client_answer(engagement_a, status):
    checkpoint = factories.CheckpointFactory(engagement=engagement_a)

    with pytest.raises(ValidationError) as refused:
        services.checkpoint_answer(checkpoint=checkpoint, status=status, client_answer=" ", recorded_via="meeting")

    assert list(refused.value.message_dict) == ["client_answer"]
    checkpoint.refresh_from_db()
    assert (checkpoint.status, checkpoint.answered_at) == (ExpectationCheckpoint.Status.OPEN, None)
    assert not Flag.objects.exists()
