"""The rules that moved from the forms into the models and services: each form still shows
the same message next to the same field (or above them), answers 400 and saves nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.links import plan_link_token
from engagements.models import ClientContact, Complaint, DraftPlan, PlanAnswer, PlanShare
from tests import factories

pytestmark = pytest.mark.django_db

TOMORROW = timedelta(days=1)


def refused(response) -> dict:
    assert response.status_code == 400
    return response.context["form"].errors


@pytest.fixture
def lead(client, engagement_a):
    client.force_login(engagement_a.lead)
    return client


def test_a_second_contact_with_an_address_in_another_case_is_refused_on_email(lead, engagement_a):
    factories.ContactFactory(client=engagement_a.client, email="anna@client.example")
    data = {"name": "Anna", "email": "Anna@Client.Example", "language": "nl"}

    response = lead.post(reverse("engagements:contact_create", args=[engagement_a.client_id]), data)

    assert refused(response) == {"email": ["This client already has a contact with this e-mail address."]}
    assert ClientContact.objects.count() == 1


def test_editing_a_contact_into_a_colleagues_address_is_refused_on_email(lead, engagement_a):
    factories.ContactFactory(client=engagement_a.client, email="anna@client.example")
    bert = factories.ContactFactory(client=engagement_a.client, email="bert@client.example")
    data = {"name": bert.name, "email": "ANNA@client.example", "language": "nl"}

    response = lead.post(reverse("engagements:contact_edit", args=[bert.pk]), data)

    assert refused(response) == {"email": ["This client already has a contact with this e-mail address."]}
    bert.refresh_from_db()
    assert bert.email == "bert@client.example"


def test_a_departure_tomorrow_is_refused_on_left_on(lead, engagement_a):
    director = factories.ContactFactory(client=engagement_a.client)

    response = lead.post(
        reverse("engagements:contact_left", args=[director.pk]),
        {"left_on": (timezone.localdate() + TOMORROW).isoformat()},
    )

    assert refused(response) == {"left_on": ["Record a departure once it happened; this date is in the future."]}
    director.refresh_from_db()
    assert director.left_on is None


def test_a_complaint_received_tomorrow_is_refused_on_received_on(lead, engagement_a):
    data = {
        "category": Complaint.Category.PRICE,
        "received_on": (timezone.localdate() + TOMORROW).isoformat(),
        "description": "Too expensive.",
    }

    response = lead.post(reverse("engagements:complaint_create", args=[engagement_a.client_id]), data)

    assert refused(response) == {"received_on": ["This date is in the future."]}
    assert not Complaint.objects.exists()


def test_a_plan_without_a_file_or_a_summary_is_refused_above_the_fields(lead, engagement_a):
    response = lead.post(reverse("engagements:plan_upload", args=[engagement_a.pk]), {"title": "Plan"})

    assert refused(response) == {"__all__": ["Give the plan a file, a summary, or both."]}
    assert not DraftPlan.objects.exists()


def test_the_clients_partly_without_a_reason_is_refused_on_adjustments(client, engagement_a):
    now = timezone.now()
    plan = factories.DraftPlanFactory(engagement=engagement_a, summary="s", shared_at=now, shared_by=engagement_a.lead)
    contact = factories.ContactFactory(client=engagement_a.client)
    share = PlanShare.objects.create(plan=plan, contact=contact, shared_at=now, shared_by=engagement_a.lead)

    response = client.post(
        reverse("client_plan", args=[plan_link_token(share)]),
        {"received": "yes", "matches_expectations": "partly", "adjustments": "  "},
    )

    assert refused(response) == {"adjustments": ["Tell us where the plan should change, so we can adjust it."]}
    assert not PlanAnswer.objects.exists()
