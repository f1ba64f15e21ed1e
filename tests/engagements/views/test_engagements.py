import pytest
from django.urls import reverse

from engagements.models import Engagement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(consultant_a, consultant_b):
    acme = factories.ClientFactory(name="Acme Tools", created_by=consultant_a)
    zeta = factories.ClientFactory(name="Zeta Care", created_by=consultant_a)
    shared = factories.EngagementFactory(client=zeta, lead=consultant_b, title="Care rota", stage="active")
    shared.members.add(consultant_a)
    return {
        "planning": factories.EngagementFactory(
            client=acme, lead=consultant_a, title="Planning redesign", stage="proposal", health="red"
        ),
        "pricing": factories.EngagementFactory(
            client=acme, lead=consultant_a, title="Pricing study", stage="intake", health="green"
        ),
        "rota": shared,
        "hidden": factories.EngagementFactory(lead=consultant_b, title="Not for Alice", stage="proposal"),
    }


def titles(response) -> list[str]:
    return [e.title for e in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "proposal"}, ["Planning redesign"]),
        ({"health": "red"}, ["Planning redesign"]),
        ({"q": "pricing"}, ["Pricing study"]),
        ({"q": "zeta"}, ["Care rota"]),
        ({"sort": "title"}, ["Care rota", "Planning redesign", "Pricing study"]),
        ({"sort": "-title"}, ["Pricing study", "Planning redesign", "Care rota"]),
    ],
)
def test_the_list_filters_searches_and_sorts(client, consultant_a, portfolio, query, expected):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:list"), query)
    assert response.status_code == 200
    if "sort" in query:
        assert titles(response) == expected
    else:
        assert sorted(titles(response)) == sorted(expected)


def test_filter_by_client_and_by_advisor(client, consultant_a, consultant_b, portfolio):
    client.force_login(consultant_a)
    acme = portfolio["planning"].client
    by_client = client.get(reverse("engagements:list"), {"client": acme.pk})
    assert sorted(titles(by_client)) == ["Planning redesign", "Pricing study"]
    by_advisor = client.get(reverse("engagements:list"), {"lead": consultant_b.pk})
    assert titles(by_advisor) == ["Care rota"]  # Bob's, visible to Alice as a member; never "Not for Alice"


def test_the_list_paginates_and_keeps_the_filters(client, consultant_a):
    factories.EngagementFactory.create_batch(30, lead=consultant_a, stage="active")
    client.force_login(consultant_a)
    first = client.get(reverse("engagements:list"), {"stage": "active"})
    assert len(titles(first)) == 25
    assert "stage=active&amp;page=2" in first.content.decode()
    second = client.get(reverse("engagements:list"), {"stage": "active", "page": 2})
    assert len(titles(second)) == 5
    assert Engagement.objects.count() == 30
