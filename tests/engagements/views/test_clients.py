import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_complaints_about_engagements_you_cannot_see_stay_hidden(client, consultant_a, consultant_b):
    shared_client = factories.ClientFactory(name="Two-team client")
    mine = factories.EngagementFactory(client=shared_client, lead=consultant_a)
    theirs = factories.EngagementFactory(client=shared_client, lead=consultant_b)
    factories.ComplaintFactory(client=shared_client, engagement=mine, description="About our work")
    factories.ComplaintFactory(client=shared_client, engagement=theirs, description="About the other team")
    factories.ComplaintFactory(client=shared_client, engagement=None, description="About the invoice run")

    client.force_login(consultant_a)
    page = client.get(reverse("engagements:client", args=[shared_client.pk])).content.decode()

    assert "About our work" in page
    assert "About the invoice run" in page
    assert "About the other team" not in page
