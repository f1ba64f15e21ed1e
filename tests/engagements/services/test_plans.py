"""engagements/services/plans.py: a plan has something to read, and an answer that is not a
plain yes says where the plan should change. Each refusal names the form's field (or the form
itself) and saves nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements import services
from engagements.models import DraftPlan, ExpectationCheckpoint, Flag, PlanAnswer, PlanShare
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("summary", ["", "   "], ids=["no summary", "blank summary"])
def test_a_plan_without_a_file_or_a_summary_is_refused_as_a_whole(engagement_a, summary):
    with pytest.raises(ValidationError) as refused:
        services.plan_upload(engagement=engagement_a, by=engagement_a.lead, title="Plan", summary=summary)

    assert not hasattr(refused.value, "error_dict")  # the form shows it above its fields
    assert refused.value.messages == ["Give the plan a file, a summary, or both."]
    assert not DraftPlan.objects.exists()


def shared_plan(engagement):
    now = timezone.now()
    plan = factories.DraftPlanFactory(
        engagement=engagement, summary="The plan", shared_at=now, shared_by=engagement.lead
    )
    contact = factories.ContactFactory(client=engagement.client)
    return PlanShare.objects.create(plan=plan, contact=contact, shared_at=now, shared_by=engagement.lead)


@pytest.mark.parametrize("answer", [DraftPlan.Answer.PARTLY, DraftPlan.Answer.NO])
@pytest.mark.parametrize("adjustments", ["", "  \n "], ids=["none", "blank"])
def test_an_answer_that_is_not_yes_without_a_reason_is_refused_on_adjustments(engagement_a, answer, adjustments):
    share = shared_plan(engagement_a)

    with pytest.raises(ValidationError) as refused:
        services.plan_answer_record(share=share, received=True, matches_expectations=answer, adjustments=adjustments)

    assert refused.value.message_dict == {"adjustments": ["Tell us where the plan should change, so we can adjust it."]}
    share.plan.refresh_from_db()
    assert (share.plan.matches_expectations, share.plan.acknowledged_at) == ("", None)
    assert not PlanAnswer.objects.exists()
    assert not ExpectationCheckpoint.objects.exists()
    assert not Flag.objects.exists()


def test_a_plain_yes_needs_no_reason(engagement_a):
    share = shared_plan(engagement_a)
    answer = services.plan_answer_record(share=share, received=True, matches_expectations=DraftPlan.Answer.YES)
    assert answer.adjustments == ""
