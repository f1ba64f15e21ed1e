"""The run command's demo data gives the manager work (engagements/demo_review.py): a queue
with flags in every state, responses and decisions, a client awaiting a fit review, and
months of history for the team dashboard."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from engagements.models import Flag, FlagResponse
from tests.engagements.views.test_roles import text_of

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def demo():
    call_command("seed_demo", allow_without_debug=True)


def test_the_manager_finds_flags_in_every_state_with_responses_and_decisions(client, demo):
    manager = User.objects.get(username="manager")
    statuses = set(Flag.objects.values_list("status", flat=True))
    assert statuses == {"open", "in_review", "resolved", "dismissed"}
    decided = Flag.objects.filter(decided_by=manager)
    assert decided.count() >= 3 and all(flag.decision_note for flag in decided)
    assert FlagResponse.objects.filter(flag__in=decided).exists()
    assert Flag.objects.filter(source=Flag.Source.PERSON, kind=Flag.Kind.MANUAL, status="open").exists()

    client.force_login(manager)
    queue = text_of(client.get(reverse("engagements:review")))
    in_review = Flag.objects.get(status="in_review")
    assert reverse("engagements:flag", args=[in_review.pk]) in queue
    page = text_of(client.get(reverse("engagements:flag", args=[decided.first().pk])))
    assert decided.first().decision_note in page


def test_a_client_with_repeated_complaints_awaits_its_fit_review(client, demo):
    flag = Flag.objects.get(kind=Flag.Kind.REPEATED_COMPLAINTS, engagement__client__name="Tegelhuis Noorderlicht")
    assert flag.is_open
    client.force_login(User.objects.get(username="manager"))
    review = client.get(reverse("engagements:client_fit_review", args=[flag.engagement.client_id]))
    assert review.status_code == 200
    assert "1 open flag asks for this review" in text_of(review)


def test_a_second_seed_changes_no_counts_of_the_review_demo(demo):
    counts = (Flag.objects.count(), FlagResponse.objects.count(), Flag.objects.filter(status="open").count())
    call_command("seed_demo", allow_without_debug=True)
    assert (Flag.objects.count(), FlagResponse.objects.count(), Flag.objects.filter(status="open").count()) == counts
