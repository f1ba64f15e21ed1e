"""The run command's demo data tells both stories of the lessons at intake: a returning client
after a "part ways" decision, and a new client in a sector the firm knows."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from engagements.models import Client, Engagement
from tests.engagements.views.test_roles import text_of

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def demo():
    call_command("seed_demo", allow_without_debug=True)


def lessons_in(response) -> list[str]:
    """The panel's items as a reader sees them, in order."""
    panel = re.search(r'<section class="card mb-4 lessons-panel".*?</section>', response.content.decode(), re.S)
    assert panel, "no lessons panel"
    items = re.findall(r'<li class="lesson .*?</li>', panel.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text_of_html(item)).split()) for item in items]


def text_of_html(html: str) -> str:
    return unescape(html).replace("\xa0", " ")


def test_the_returning_client_s_intake_leads_with_the_part_ways_decision(client, demo):
    client.force_login(User.objects.get(username="consultant"))
    engagement = Engagement.objects.get(title="Order process review")

    response = client.get(engagement.get_absolute_url())

    items = lessons_in(response)
    assert items[0].startswith("Earlier engagement with this client · decision: Part ways and refer")
    assert "Web shop proposal · Studio Drukwerk Oost" in items[0]
    assert "Ask for a reading confirmation before planning the meeting." in items[1]
    assert "does not fit the firm (fit review: Mismatch)" in text_of(response)

    # Starting another engagement for this client: the same lessons, and a confirmation first.
    form = text_of(client.get(reverse("engagements:create"), {"client": engagement.client_id}))
    assert "Outside the profile" in form
    assert "The firm parted ways with this client on" in form
    assert "I have read why this client is outside the profile and want to start the engagement" in form


def test_the_new_bakery_s_intake_shows_the_first_bakery_s_lesson_within_the_visibility_rules(client, demo):
    engagement = Engagement.objects.get(title="Price list for the third shop")
    lesson = "A bakery owner decides per product, not per margin"

    client.force_login(User.objects.get(username="consultant2"))  # not on the first bakery's engagements
    items = lessons_in(client.get(engagement.get_absolute_url()))
    assert lesson in items[0] and items[0].startswith("Same sector, similar size")
    assert "From an engagement you do not work on" in items[0] and "Molenaar" not in items[0]

    client.force_login(User.objects.get(username="manager"))  # the team's manager may open it
    items = lessons_in(client.get(engagement.get_absolute_url()))
    assert lesson in items[0] and "Opening hours review · Bakkerij Molenaar" in items[0]


def test_the_demo_profile_compares_the_demo_clients(client, demo):
    client.force_login(User.objects.get(username="consultant"))
    molenaar = Client.objects.get(name="Bakkerij Molenaar")
    page = text_of(client.get(reverse("engagements:client", args=[molenaar.pk])))
    assert "Partly fits the profile" in page
    assert "2 complaints about price in the last 365 days: a warning sign." in page
