"""The firm's client profile in the browser's terms: managers write it, every advisor reads it,
the client page and the new-client form compare a client with it, and a client outside the
profile asks for a confirmation before an engagement is started for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from engagements import services
from engagements.models import Client, ClientProfile, Complaint, Engagement, Flag
from tests import factories
from tests.engagements.views.test_roles import field_errors, text_of

# Declared for the whole module: a test that takes its user by request.getfixturevalue would
# otherwise be ordered among the tests without a database, after the transactional ones that
# flush the roles' groups.
pytestmark = pytest.mark.django_db

PROFILE_POST = {
    "fitting_sectors": "Food retail\n  logistics \n\nFood Retail",
    "excluded_sectors": "Gambling",
    "sizes": ["small", "medium"],
    "we_do": "Pricing and planning reviews.",
    "we_do_not": "Build software.",
    "warning_complaint_categories": ["price"],
    "warning_complaint_count": "2",
    "warning_window_days": "365",
}


@pytest.fixture
def profile(manager):
    return ClientProfile.objects.create(
        fitting_sectors="Food retail\nLogistics",
        excluded_sectors="Gambling",
        sizes=["small", "medium"],
        we_do="Pricing and planning reviews.",
        we_do_not="Build software.",
        warning_complaint_categories=["price"],
        warning_complaint_count=2,
        warning_window_days=365,
        updated_by=manager,
    )


# --- writing the profile ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["manager", "staff"])
def test_a_manager_or_staff_writes_the_profile(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post(reverse("engagements:client_profile_edit"), PROFILE_POST)

    assert response.status_code == 302
    profile = ClientProfile.objects.get()
    assert profile.fitting_sectors == "Food retail\nlogistics"  # tidied: one per line, no repeats
    assert profile.sizes == ["small", "medium"] and profile.updated_by == user
    page = text_of(client.get(response["Location"]))
    assert "The client profile is saved." in page
    assert "Pricing and planning reviews." in page
    assert "2 complaints about price within 365 days." in page


def test_a_consultant_reads_the_profile_but_cannot_change_it(client, consultant_a, profile):
    client.force_login(consultant_a)
    page = client.get(reverse("engagements:client_profile"))
    assert page.status_code == 200
    assert "Build software." in text_of(page)
    assert reverse("engagements:client_profile_edit") not in page.content.decode()
    assert client.get(reverse("engagements:client_profile_edit")).status_code == 404
    response = client.post(reverse("engagements:client_profile_edit"), PROFILE_POST)
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.we_do == "Pricing and planning reviews."


def test_a_sector_that_both_fits_and_is_excluded_is_refused_and_nothing_saved(client, manager, profile):
    client.force_login(manager)
    response = client.post(
        reverse("engagements:client_profile_edit"), {**PROFILE_POST, "excluded_sectors": "Logistics"}
    )
    assert response.status_code == 400
    assert field_errors(response, "excluded_sectors") == ["A sector cannot both fit and be excluded: logistics."]
    profile.refresh_from_db()
    assert profile.excluded_sectors == "Gambling"


@pytest.mark.parametrize(
    ("field", "value"), [("warning_complaint_count", "0"), ("warning_window_days", "0"), ("sizes", ["huge"])]
)
def test_impossible_warning_signs_are_refused(client, manager, profile, field, value):
    client.force_login(manager)
    response = client.post(reverse("engagements:client_profile_edit"), {**PROFILE_POST, field: value})
    assert response.status_code == 400
    assert field_errors(response, field)
    profile.refresh_from_db()
    assert profile.warning_complaint_count == 2 and profile.sizes == ["small", "medium"]


def test_before_anyone_wrote_it_the_profile_page_says_so(client, consultant_a, manager):
    client.force_login(consultant_a)
    assert "The firm has not described its clients yet. A manager can describe them here." in text_of(
        client.get(reverse("engagements:client_profile"))
    )
    client.force_login(manager)
    assert "Describe them now" in text_of(client.get(reverse("engagements:client_profile")))


# --- the client page and the form compare ---------------------------------------------------------
def test_the_client_page_shows_how_the_client_compares_with_reasons(client, consultant_a, profile):
    bakery = factories.ClientFactory(name="Bakkerij Noord", sector="food retail", size="large", created_by=consultant_a)
    for days_ago in (10, 100):
        factories.ComplaintFactory(
            client=bakery, category=Complaint.Category.PRICE, received_on=timezone.localdate() - timedelta(days_ago)
        )
    client.force_login(consultant_a)

    page = text_of(client.get(reverse("engagements:client", args=[bakery.pk])))

    assert "Partly fits the profile" in page
    assert "The sector food retail is one the firm works for." in page
    assert "Its size (250 people or more) is not one the profile lists." in page
    assert "2 complaints about price in the last 365 days: a warning sign." in page


def test_a_client_the_firm_parted_ways_with_is_outside_the_profile(client, consultant_a, manager, profile):
    shop = factories.ClientFactory(name="Print Shop", sector="Logistics", size="small", created_by=consultant_a)
    earlier = factories.EngagementFactory(client=shop, lead=consultant_a, stage="lost")
    factories.FlagFactory(
        engagement=earlier,
        kind=Flag.Kind.MANUAL,
        source=Flag.Source.PERSON,
        raised_by=consultant_a,
        status=Flag.Status.RESOLVED,
        decision=Flag.Decision.PART_WAYS,
        decided_by=manager,
        closed_at=timezone.now(),
    )
    client.force_login(consultant_a)
    page = text_of(client.get(reverse("engagements:client", args=[shop.pk])))
    assert "Outside the profile" in page
    assert f"The firm parted ways with this client on {timezone.localdate():%d-%m-%Y}." in page


def test_comparing_on_the_new_client_form_shows_the_verdict_and_saves_nothing(client, consultant_a, profile):
    client.force_login(consultant_a)
    data = {"name": "Casino Royal Oak", "sector": "gambling", "size": "small", "fit": "good", "compare": "1"}

    response = client.post(reverse("engagements:client_create"), data)

    assert response.status_code == 200
    page = text_of(response)
    assert "Outside the profile" in page
    assert "The firm does not work for the sector gambling." in page
    assert 'value="Casino Royal Oak"' in page  # what was typed stays
    assert not Client.objects.filter(name="Casino Royal Oak").exists()
    # The form also shows the profile beside it, and offers its sectors as suggestions.
    assert "Build software." in page
    assert '<option value="Food retail">' in page


# --- a new engagement for a client outside the profile ------------------------------------------------
@pytest.fixture
def outside_client(consultant_a, profile):
    return factories.ClientFactory(name="Casino Noord", sector="Gambling", size="small", created_by=consultant_a)


def engagement_post(client_obj, lead, **extra):
    return {"client": client_obj.pk, "title": "First engagement", "lead": lead.pk, "stage": "intake", **extra}


def test_an_outside_client_s_first_engagement_asks_for_a_confirmation(client, consultant_a, outside_client):
    client.force_login(consultant_a)
    form = text_of(client.get(reverse("engagements:create"), {"client": outside_client.pk}))
    assert "Outside the profile" in form
    assert "I have read why this client is outside the profile and want to start the engagement" in form

    refused = client.post(reverse("engagements:create"), engagement_post(outside_client, consultant_a))

    assert refused.status_code == 400
    assert field_errors(refused, "confirm_outside_profile") == [
        "Casino Noord is outside the firm's client profile (the reasons are shown above). "
        "Tick the box to start the engagement anyway."
    ]
    assert "Nothing was saved." in text_of(refused)
    assert not Engagement.objects.filter(client=outside_client).exists()

    confirmed = client.post(
        reverse("engagements:create"), engagement_post(outside_client, consultant_a, confirm_outside_profile="on")
    )
    assert confirmed.status_code == 302
    assert Engagement.objects.filter(client=outside_client, title="First engagement").exists()


def test_a_client_within_the_profile_needs_no_confirmation(client, consultant_a, profile):
    fitting = factories.ClientFactory(name="Haven Logistics", sector="Logistics", size="small", created_by=consultant_a)
    client.force_login(consultant_a)
    form = text_of(client.get(reverse("engagements:create"), {"client": fitting.pk}))
    assert "Fits the profile" in form and "I have read why" not in form
    response = client.post(reverse("engagements:create"), engagement_post(fitting, consultant_a))
    assert response.status_code == 302


def test_the_service_refuses_an_outside_client_without_confirmation_too(consultant_a, outside_client):

    with pytest.raises(ValidationError) as refused:
        services.engagement_create(by=consultant_a, client=outside_client, title="From the admin or an API")
    assert "confirm_outside_profile" in refused.value.message_dict
    assert not Engagement.objects.exists()


def test_comparing_on_the_edit_form_counts_the_client_s_history(client, consultant_a, profile):
    bakery = factories.ClientFactory(name="Bakkerij Zuid", sector="Logistics", size="small", created_by=consultant_a)
    for days_ago in (5, 50):
        factories.ComplaintFactory(
            client=bakery, category=Complaint.Category.PRICE, received_on=timezone.localdate() - timedelta(days_ago)
        )
    client.force_login(consultant_a)
    data = {"name": "Bakkerij Zuid", "sector": "Food retail", "size": "medium", "fit": "good", "compare": "1"}

    page = text_of(client.post(reverse("engagements:client_edit", args=[bakery.pk]), data))

    assert "The sector Food retail is one the firm works for." in page  # as typed
    assert "2 complaints about price in the last 365 days: a warning sign." in page  # as it happened
    bakery.refresh_from_db()
    assert bakery.sector == "Logistics"  # nothing saved


def test_the_admin_saves_the_profile_through_its_service(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:engagements_clientprofile_add"),
        {**PROFILE_POST, "excluded_sectors": "food retail"},
    )
    assert response.status_code == 200  # refused: the service's check, shown on the admin form
    assert "A sector cannot both fit and be excluded" in text_of(response)
    assert not ClientProfile.objects.exists()

    response = client.post(reverse("admin:engagements_clientprofile_add"), PROFILE_POST)
    assert response.status_code == 302
    profile = ClientProfile.objects.get()
    assert profile.fitting_sectors == "Food retail\nlogistics" and profile.updated_by == staff
