import re

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


# --- the client list and a client's page at two sizes ----------------------------------------------
# The login: the session, the user with their advisor profile (a manager's team), the groups.
CLIENT_LIST_MAX_QUERIES = 4  # the login (3), the page's rows with the count of all
CLIENT_PAGE_MAX_QUERIES = 12


def build_clients(manager, consultant, rows: int):
    """`rows` clients of the manager's team, each with two contacts (one has left) and two
    engagements, one led by the consultant; the last client is returned."""
    for i in range(rows):
        organisation = factories.ClientFactory(name=f"Organisation {i:03d}", created_by=consultant)
        factories.ContactFactory(client=organisation, name=f"Contact {i} stays")
        factories.ContactFactory(client=organisation, name=f"Contact {i} left", left_on="2026-01-05")
        factories.EngagementFactory(client=organisation, lead=consultant, title=f"First engagement {i}")
        factories.EngagementFactory(client=organisation, lead=manager, title=f"Second engagement {i}")
        factories.ComplaintFactory(client=organisation, engagement=None, description=f"Complaint {i}")
    return organisation


@pytest.mark.parametrize("rows", [3, 40])
def test_the_client_list_counts_per_row_in_a_fixed_number_of_queries(
    client, manager, consultant_a, django_assert_max_num_queries, rows
):
    build_clients(manager, consultant_a, rows)
    client.force_login(manager)

    with django_assert_max_num_queries(CLIENT_LIST_MAX_QUERIES):
        response = client.get(reverse("engagements:clients"))

    rows_shown = re.findall(
        r"Organisation (\d+)</a></td>\s*<td>[^<]*</td><td>[^<]*</td>\s*<td>(\d+)</td><td>(\d+)</td>",
        response.content.decode(),
    )
    assert len(rows_shown) == min(rows, 25)  # 25 a page, by name
    assert [int(n) for n, _, _ in rows_shown] == list(range(min(rows, 25)))
    assert {(contacts, engagements) for _, contacts, engagements in rows_shown} == {("1", "2")}


def test_the_client_list_counts_only_the_engagements_the_consultant_may_see(client, manager, consultant_a):
    build_clients(manager, consultant_a, 2)
    client.force_login(consultant_a)

    page = client.get(reverse("engagements:clients")).content.decode()

    assert re.findall(r"<td>(\d+)</td><td>(\d+)</td>", page) == [("1", "1"), ("1", "1")]


@pytest.mark.parametrize("rows", [3, 40])
def test_a_client_page_takes_a_fixed_number_of_queries(
    client, manager, consultant_a, django_assert_max_num_queries, rows
):
    organisation = build_clients(manager, consultant_a, 1)
    for i in range(rows):
        factories.ContactFactory(client=organisation, name=f"Extra contact {i}")
        factories.EngagementFactory(client=organisation, lead=consultant_a, title=f"Extra engagement {i}")
        factories.ComplaintFactory(client=organisation, engagement=None, description=f"Extra complaint {i}")
    client.force_login(manager)

    with django_assert_max_num_queries(CLIENT_PAGE_MAX_QUERIES):
        page = client.get(reverse("engagements:client", args=[organisation.pk])).content.decode()

    assert page.count("Extra contact ") == rows
    assert page.count("Extra engagement ") == rows
    assert page.count("Extra complaint ") == rows
