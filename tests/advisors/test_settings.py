import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_advisor_changes_lead_time_and_language(client, consultant_a):
    client.force_login(consultant_a)
    url = reverse("advisors:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Senior advisor", "reminder_lead_hours": "96", "language": "en"})
    assert response.status_code == 302
    consultant_a.advisor_profile.refresh_from_db()
    assert consultant_a.advisor_profile.reminder_lead_hours == 96
    assert consultant_a.advisor_profile.language == "en"


@pytest.mark.parametrize("hours", ["24", "337", "-1"])
def test_a_lead_time_outside_25_to_336_hours_is_refused(client, consultant_a, hours):
    client.force_login(consultant_a)
    before = consultant_a.advisor_profile.reminder_lead_hours
    response = client.post(reverse("advisors:settings"), {"reminder_lead_hours": hours, "language": "nl"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    consultant_a.advisor_profile.refresh_from_db()
    assert consultant_a.advisor_profile.reminder_lead_hours == before


def test_resetting_the_feed_revokes_the_old_address(client, consultant_a):
    old = consultant_a.advisor_profile.calendar_token
    client.force_login(consultant_a)
    assert client.get(reverse("advisors:reset_calendar_feed")).status_code == 405
    client.post(reverse("advisors:reset_calendar_feed"))
    consultant_a.advisor_profile.refresh_from_db()
    assert consultant_a.advisor_profile.calendar_token != old
    client.logout()
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[consultant_a.advisor_profile.calendar_token])).status_code == 200


def test_community_members_have_no_advisor_settings(client, community_member):
    client.force_login(community_member)
    assert client.get(reverse("advisors:settings")).status_code == 404
    assert client.post(reverse("advisors:reset_calendar_feed")).status_code == 404
