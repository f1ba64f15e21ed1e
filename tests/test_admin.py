"""Every model in the admin opens for staff: changelist (with its filters and search) and add."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from advisors import demo as advisors_demo
from engagements import demo as engagements_demo
from engagements.models import ClientContact, Complaint, DraftPlan, Flag, MeetingLog
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# What a changelist reads, whatever its number of rows (the session and the user, the count, the
# rows with what they show, the filters' choices): at most 10 on the demo's data (measured: the
# engagements' and axes' changelists; most need 7).
CHANGELIST_MAX_QUERIES = 10


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_and_add_page_answer_for_staff(client, staff, model, django_assert_max_num_queries):
    advisors_demo.seed()  # real rows, so the changelists render something
    engagements_demo.seed()
    client.force_login(staff)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        assert client.get(changelist).status_code == 200
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        assert client.get(changelist, {"q": "a"}).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
    # Records of what happened (login attempts, staffing changes) are not added by hand.
    assert add == (200 if admin.site._registry[model].has_add_permission(_request_of(staff)) else 403)


def _request_of(user):

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_domain_model_is_in_the_admin():

    for app_label in ["advisors", "engagements"]:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.object_name.startswith("Historical"):
                continue  # a model's history: its admin page's "History" (SimpleHistoryAdmin)
            assert model in admin.site._registry, f"{model._meta.label} has no admin page"


def test_non_staff_are_kept_out_of_the_admin(client, consultant_a):
    client.force_login(consultant_a)
    response = client.get(reverse("admin:engagements_engagement_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


# --- the admin obeys the rules the forms do, and the flags follow what it saves -----------------------
def _admin_url(model_name: str, *args) -> str:
    return reverse(f"admin:engagements_{model_name}_{'change' if args else 'add'}", args=args)


def _form_errors(response) -> dict:
    assert response.status_code == 200, "the admin saved what it should have refused"
    return response.context["adminform"].form.errors


def _complaint_data(engagement, by, **changes) -> dict:

    data = {
        "client": engagement.client_id,
        "engagement": engagement.pk,
        "category": "invoice",
        "description": "The invoice did not match the quote.",
        "received_on": timezone.localdate().isoformat(),
        "recorded_by": by.pk,
    }
    return {**data, **changes}


def _open_flags(engagement, kind: str):

    return Flag.objects.filter(engagement=engagement, kind=kind, status__in=Flag.OPEN_STATUSES)


def test_a_complaint_added_in_the_admin_raises_the_complaint_flag(client, staff, engagement_a):

    for _ in range(2):
        factories.ComplaintFactory(client=engagement_a.client, recorded_by=staff)
    client.force_login(staff)

    response = client.post(_admin_url("complaint"), _complaint_data(engagement_a, staff))

    assert response.status_code == 302
    assert _open_flags(engagement_a, "repeated_complaints").count() == 1
    assert engagement_a.client.complaints.latest("created_at").recorded_by == staff


def test_the_admin_refuses_a_complaint_from_the_future_with_the_forms_message(client, staff, engagement_a):

    client.force_login(staff)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(_admin_url("complaint"), _complaint_data(engagement_a, staff, received_on=tomorrow))

    assert _form_errors(response) == {"received_on": ["This date is in the future."]}
    assert not Complaint.objects.exists()


def test_the_admin_refuses_a_complaint_about_another_clients_engagement(client, staff, engagement_a):

    client.force_login(staff)
    other_client = factories.ClientFactory()

    response = client.post(_admin_url("complaint"), _complaint_data(engagement_a, staff, client=other_client.pk))

    assert _form_errors(response) == {"engagement": ["This engagement belongs to another client."]}


def _contact_data(contact, **changes) -> dict:
    data = {
        "client": contact.client_id,
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "language": contact.language,
        "is_decision_maker": "on" if contact.is_decision_maker else "",
        "left_on": "",
        "replaced_by": "",
    }
    return {**data, **changes}


def test_the_admin_refuses_a_contacts_address_in_another_case(client, staff):

    anna = factories.ContactFactory(email="anna@client.example")
    client.force_login(staff)

    response = client.post(_admin_url("clientcontact"), _contact_data(anna, name="Anna 2", email="ANNA@client.example"))

    assert _form_errors(response) == {"__all__": ["This client already has a contact with this e-mail address."]}
    assert ClientContact.objects.count() == 1


def test_a_decision_maker_who_left_set_in_the_admin_raises_the_stakeholder_flag(client, staff, engagement_a):

    director = factories.ContactFactory(client=engagement_a.client, is_decision_maker=True)
    client.force_login(staff)
    today, tomorrow = timezone.localdate(), timezone.localdate() + timedelta(days=1)

    refused = client.post(_admin_url("clientcontact", director.pk), _contact_data(director, left_on=tomorrow))
    assert _form_errors(refused) == {"left_on": ["Record a departure once it happened; this date is in the future."]}
    assert not _open_flags(engagement_a, "stakeholder_change").exists()

    saved = client.post(_admin_url("clientcontact", director.pk), _contact_data(director, left_on=today))
    assert saved.status_code == 302
    assert _open_flags(engagement_a, "stakeholder_change").count() == 1


def test_a_low_satisfaction_logged_in_the_admin_raises_the_flag_and_deleting_the_log_clears_it(
    client, staff, engagement_a
):

    meeting = factories.MeetingFactory(engagement=engagement_a, starts_at=timezone.now() - timedelta(days=1))
    client.force_login(staff)
    data = {
        "meeting": meeting.pk,
        "summary": "Tense.",
        "satisfaction": "1",
        "signals": "[]",
        "longest_monologue_minutes": "0",
        "logged_by": staff.pk,
    }

    assert client.post(_admin_url("meetinglog"), data).status_code == 302
    assert _open_flags(engagement_a, "dissatisfied").count() == 1

    log = MeetingLog.objects.get()
    response = client.post(reverse("admin:engagements_meetinglog_delete", args=[log.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not _open_flags(engagement_a, "dissatisfied").exists()


def test_the_admin_refuses_a_plan_without_a_summary_and_an_answer_without_a_reason(client, staff, engagement_a):

    client.force_login(staff)
    data = {"engagement": engagement_a.pk, "version": "1", "title": "Plan", "summary": "", "created_by": staff.pk}
    data |= {"shares-TOTAL_FORMS": "0", "shares-INITIAL_FORMS": "0"}

    response = client.post(_admin_url("draftplan"), data)
    assert _form_errors(response) == {"__all__": ["Give the plan a file, a summary, or both."]}
    assert not DraftPlan.objects.exists()

    response = client.post(_admin_url("draftplan"), data | {"summary": "s", "matches_expectations": "partly"})
    assert _form_errors(response)["adjustments"] == ["Tell us where the plan should change, so we can adjust it."]
    assert not DraftPlan.objects.exists()
