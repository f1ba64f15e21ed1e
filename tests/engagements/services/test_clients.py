"""engagements/services/clients.py: the rules a contact and a complaint obey, whoever calls
(the form, the admin, tomorrow an API). Each refusal names the form's field and saves nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagements import services
from engagements.models import ClientContact, Complaint, Flag
from tests import factories

pytestmark = pytest.mark.django_db

TOMORROW = timedelta(days=1)


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


# --- complaints -----------------------------------------------------------------------------------
def test_a_complaint_received_tomorrow_is_refused_on_received_on_and_raises_no_flag(engagement_a, consultant_a):
    errors = refusal(
        services.complaint_record,
        client=engagement_a.client,
        by=consultant_a,
        engagement=engagement_a,
        category=Complaint.Category.PRICE,
        received_on=timezone.localdate() + TOMORROW,
        description="Too expensive.",
    )

    assert errors == {"received_on": ["This date is in the future."]}
    assert not Complaint.objects.exists()
    assert not Flag.objects.exists()


def test_a_complaint_received_today_is_recorded(engagement_a, consultant_a):
    complaint = services.complaint_record(
        client=engagement_a.client,
        by=consultant_a,
        category=Complaint.Category.PRICE,
        received_on=timezone.localdate(),
        description="Too expensive.",
    )
    assert complaint.recorded_by == consultant_a


def test_a_complaint_about_another_clients_engagement_is_refused_on_engagement(engagement_a, consultant_a):
    errors = refusal(
        services.complaint_record,
        client=factories.ClientFactory(),
        by=consultant_a,
        engagement=engagement_a,
        category=Complaint.Category.PRICE,
        received_on=timezone.localdate(),
        description="Too expensive.",
    )

    assert errors == {"engagement": ["This engagement belongs to another client."]}
    assert not Complaint.objects.exists()


# --- a contact who left ---------------------------------------------------------------------------
def test_a_departure_tomorrow_is_refused_on_left_on_and_nothing_changes(engagement_a):
    director = factories.ContactFactory(client=engagement_a.client, is_decision_maker=True)

    errors = refusal(
        services.contact_mark_left, contact=director, left_on=timezone.localdate() + TOMORROW, replaced_by=None
    )

    assert errors == {"left_on": ["Record a departure once it happened; this date is in the future."]}
    director.refresh_from_db()
    assert director.left_on is None
    assert not Flag.objects.exists()


def test_a_successor_of_another_client_or_the_contact_itself_is_refused_on_replaced_by(engagement_a):
    director = factories.ContactFactory(client=engagement_a.client)
    message = {"replaced_by": ["Choose another contact of the same client."]}

    for successor in [factories.ContactFactory(), director]:
        assert (
            refusal(services.contact_mark_left, contact=director, left_on=timezone.localdate(), replaced_by=successor)
            == message
        )
    director.refresh_from_db()
    assert (director.left_on, director.replaced_by) == (None, None)


# --- e-mail addresses: one per contact of a client, whatever their case ------------------------------
def test_a_new_contact_with_a_colleagues_address_in_another_case_is_refused_on_email():
    anna = factories.ContactFactory(email="anna@client.example")

    errors = refusal(services.contact_create, client=anna.client, name="Anna again", email="Anna@Client.example")

    assert errors == {"email": ["This client already has a contact with this e-mail address."]}
    assert ClientContact.objects.count() == 1


def test_changing_an_address_into_a_colleagues_is_refused_on_email():
    anna = factories.ContactFactory(email="anna@client.example")
    bert = factories.ContactFactory(client=anna.client, email="bert@client.example")

    errors = refusal(services.contact_update, contact=bert, email="ANNA@client.example")

    assert errors == {"email": ["This client already has a contact with this e-mail address."]}
    bert.refresh_from_db()
    assert bert.email == "bert@client.example"


def test_a_contact_keeps_its_own_address_in_another_case_and_another_client_may_share_it():
    anna = factories.ContactFactory(email="anna@client.example")

    services.contact_update(contact=anna, name=anna.name, email="Anna@client.example")
    other = services.contact_create(client=factories.ClientFactory(), name="Anna", email="anna@client.example")

    assert other.language == "nl"  # the model's default
    assert ClientContact.objects.filter(email__iexact="anna@client.example").count() == 2


def test_the_database_refuses_the_same_address_in_another_case_for_one_client():
    anna = factories.ContactFactory(email="anna@client.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ContactFactory(client=anna.client, email="ANNA@client.example")
