"""Security review, finding 6: creating a client must not tell a consultant of another team
that the company is already somebody's client. Names are unique per team, whatever their
case; another team's clients are never looked at."""

import pytest
from django.urls import reverse

from engagements import services
from engagements.models import Client
from tests.engagements.views.test_roles import text_of

pytestmark = pytest.mark.django_db


def create_client(http, name):
    return http.post(reverse("engagements:client_create"), {"name": name, "sector": "", "size": "", "fit": "good"})


def test_another_team_creates_a_client_of_the_same_name_and_learns_nothing(client, consultant_a, consultant_b):
    services.client_create(by=consultant_a, name="Hoeksma Bakeries")
    client.force_login(consultant_b)

    response = create_client(client, "Hoeksma Bakeries")

    assert response.status_code == 302
    assert "already" not in text_of(client.get(response.url))
    assert Client.objects.filter(name="Hoeksma Bakeries").count() == 2
    bobs = Client.objects.get(name="Hoeksma Bakeries", created_by=consultant_b)
    assert bobs.team == consultant_b.advisor_profile.team


def test_a_name_that_differs_only_in_case_is_refused_within_the_team(client, consultant_a, manager):
    services.client_create(by=manager, name="Hoeksma Bakeries")
    client.force_login(consultant_a)

    response = create_client(client, "hoeksma BAKERIES")

    assert response.status_code == 400
    assert "Your team already has a client with this name." in text_of(response)
    assert Client.objects.count() == 1


def test_renaming_into_a_teammates_client_is_refused(consultant_a, manager):
    services.client_create(by=manager, name="Hoeksma Bakeries")
    mine = services.client_create(by=consultant_a, name="Bakery Hoeksma")
    with pytest.raises(Exception, match="already has a client"):
        services.client_update(client=mine, name="HOEKSMA bakeries")
    assert Client.objects.get(pk=mine.pk).name == "Bakery Hoeksma"


def test_keeping_ones_own_name_in_another_case_is_fine(consultant_a):
    mine = services.client_create(by=consultant_a, name="Bakery Hoeksma")
    services.client_update(client=mine, name="BAKERY HOEKSMA")
    assert Client.objects.get(pk=mine.pk).name == "BAKERY HOEKSMA"
