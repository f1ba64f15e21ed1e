"""CSV export of the review queue and of the engagement list (issue 11; docs/domain.md: "CSV
export for managers"): who may download, the current filters, every row (not one page), the
page's order, streamed, in the reader's language, and safe to open in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Engagement, Flag
from tests import factories
from tests.engagements.views.test_review import WHO, login, other_manager  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

EXPORT_MAX_QUERIES = 12
EXPORTS = ["engagements:review_export", "engagements:list_export"]


def rows_of(response) -> list[list[str]]:
    assert response.streaming, "the export is streamed, not built in memory"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def export(client, name: str, query: str = "", **headers) -> list[list[str]]:
    response = client.get(reverse(name) + query, **headers)
    assert response.status_code == 200
    return rows_of(response)


@pytest.fixture
def flags(engagement_a):
    Engagement.objects.filter(pk=engagement_a.pk).update(stage=Engagement.Stage.ACTIVE)
    high = factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.MANUAL,
        severity="high",
        subject="a",
        source="person",
        raised_by=engagement_a.lead,
        details='=HYPERLINK("http://x.example")',
    )
    low = factories.FlagFactory(
        engagement=engagement_a,
        kind=Flag.Kind.MANUAL,
        severity="low",
        subject="b",
        source="person",
        raised_by=engagement_a.lead,
        details="+31 says no",
    )
    return high, low


@pytest.mark.parametrize("who", WHO)
def test_only_the_teams_manager_downloads_the_queue(client, request, flags, who):
    login(client, request, who)
    response = client.get(reverse("engagements:review_export"))
    if who == "manager":
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert len(rows_of(response)) == 3
    elif who == "other_manager":  # their own team's queue: not this one's flags
        assert response.status_code == 200 and len(rows_of(response)) == 1
    elif who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", WHO)
def test_only_managers_download_the_engagement_list(client, request, flags, who):
    login(client, request, who)
    response = client.get(reverse("engagements:list_export"))
    if who == "manager":
        assert response.status_code == 200
        assert [row[1] for row in rows_of(response)[1:]] == ["Engagement led by Alice"]
    elif who == "other_manager":
        assert response.status_code == 200 and len(rows_of(response)) == 1
    elif who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404


def test_formulas_are_neutralised(client, manager, flags):
    client.force_login(manager)
    rows = rows_of(client.get(reverse("engagements:review_export")))
    said = [row[4] for row in rows[1:]]
    assert said == ['\'=HYPERLINK("http://x.example")', "'+31 says no"]  # the most severe first, as on the page


def test_the_filters_apply_and_every_row_comes_not_one_page(client, manager, engagement_a):
    for i in range(30):
        factories.FlagFactory(engagement=engagement_a, kind=Flag.Kind.MANUAL, severity="medium", subject=f"m{i}")
    factories.FlagFactory(engagement=engagement_a, kind=Flag.Kind.LONG_MONOLOGUE, severity="low", subject="x")
    client.force_login(manager)
    everything = rows_of(client.get(reverse("engagements:review_export")))
    assert len(everything) == 32  # the header and 31 flags: more than the page's 25
    filtered = rows_of(client.get(reverse("engagements:review_export") + "?kind=long_monologue&page=2"))
    assert [row[1] for row in filtered[1:]] == ["Long monologue"]
    page = client.get(reverse("engagements:review") + "?kind=long_monologue&page=2")
    assert reverse("engagements:review_export") + "?kind=long_monologue" in page.content.decode()


def test_the_engagement_list_export_keeps_the_filters(client, manager, consultant_a):
    factories.EngagementFactory(lead=consultant_a, title="In intake", stage="intake")
    factories.EngagementFactory(lead=consultant_a, title="Running", stage="active")
    client.force_login(manager)
    rows = rows_of(client.get(reverse("engagements:list_export") + "?stage=active"))
    assert [row[1] for row in rows[1:]] == ["Running"]
    assert rows[1][3] == "Active"
    assert "Download these engagements as CSV" in client.get(reverse("engagements:list")).content.decode()


def test_a_dutch_manager_gets_dutch_headers(client, manager, flags):
    manager.advisor_profile.language = "nl"
    manager.advisor_profile.save()
    client.force_login(manager)
    header = rows_of(client.get(reverse("engagements:review_export"), HTTP_ACCEPT_LANGUAGE="nl"))[0]
    assert "Soort" in header and "Kind" not in header


def _flags_on_engagements(lead, count: int) -> None:
    """`count` engagements of `lead`, each with a member and a flag."""
    member = factories.UserFactory(first_name="Bram", last_name="de Wit")
    for _ in range(count):
        engagement = factories.EngagementFactory(lead=lead)
        engagement.members.add(member)
        Flag.objects.create(engagement=engagement, kind="manual", severity="low", subject=f"s{engagement.pk}")


@pytest.mark.parametrize("name", EXPORTS)
def test_the_export_query_count_is_the_same_for_10_and_300_rows(
    client, manager, consultant_a, name, django_assert_max_num_queries
):
    client.force_login(manager)
    counts = []
    for total, added in ((10, 10), (300, 290)):
        _flags_on_engagements(consultant_a, added)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(EXPORT_MAX_QUERIES):
            rows = export(client, name)
        assert len(rows) == total + 1
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_engagement_export_names_the_members(client, manager, engagement_a):
    engagement_a.members.add(factories.UserFactory(first_name="Bram", last_name="de Wit"))
    client.force_login(manager)
    rows = export(client, "engagements:list_export")
    assert rows[1][rows[0].index("Members")] == "Bram de Wit"


def test_a_superuser_downloads_both(client, staff, flags):
    client.force_login(staff)
    assert len(export(client, "engagements:review_export")) == 3
    assert len(export(client, "engagements:list_export")) == 2


def test_the_download_link_is_shown_only_to_those_who_may_export(client, manager, consultant_a, engagement_a):
    client.force_login(consultant_a)
    assert reverse("engagements:list_export") not in client.get(reverse("engagements:list")).content.decode()
    client.force_login(manager)
    page = client.get(reverse("engagements:list") + "?stage=intake&page=1").content.decode()
    assert f'href="{reverse("engagements:list_export")}?stage=intake"' in page


def test_the_queue_export_has_the_pages_order_across_pages(client, manager, engagement_a):
    severities = ["low", "high", "medium"]
    for i in range(30):
        factories.FlagFactory(
            engagement=engagement_a, kind=Flag.Kind.MANUAL, severity=severities[i % 3], subject=f"o{i}"
        )
    client.force_login(manager)
    shown = []
    for number in (1, 2):
        shown += [flag.pk for flag in client.get(reverse("engagements:review") + f"?page={number}").context["flags"]]
    assert len(shown) == 30
    assert [int(row[0]) for row in export(client, "engagements:review_export")[1:]] == shown


def test_the_engagement_export_has_the_pages_order_and_sort(client, manager, consultant_a):
    for name in ["Zeeland BV", "Amstel NV", "Maas & Co"]:
        factories.EngagementFactory(lead=consultant_a, client=factories.ClientFactory(name=name))
    client.force_login(manager)
    for query in ("", "?sort=client", "?sort=-client"):
        page = client.get(reverse("engagements:list") + query).context["rows"]
        rows = export(client, "engagements:list_export", query)
        assert [int(row[0]) for row in rows[1:]] == [row.engagement.pk for row in page]
    assert [row[2] for row in export(client, "engagements:list_export", "?sort=client")[1:]] == [
        "Amstel NV",
        "Maas & Co",
        "Zeeland BV",
    ]


def test_a_client_named_like_a_formula_is_neutralised_in_both_exports(client, manager, consultant_a):
    evil = factories.ClientFactory(name='=HYPERLINK("http://x.example","klik")')
    engagement = factories.EngagementFactory(lead=consultant_a, client=evil, title="-1 dag")
    factories.FlagFactory(engagement=engagement, kind=Flag.Kind.MANUAL, details="+1", subject="f")
    client.force_login(manager)
    flag_row = export(client, "engagements:review_export")[1]
    assert flag_row[6] == '\'=HYPERLINK("http://x.example","klik")' and flag_row[5] == "'-1 dag"
    assert flag_row[4] == "'+1"
    engagement_row = export(client, "engagements:list_export")[1]
    assert engagement_row[1:3] == ["'-1 dag", '\'=HYPERLINK("http://x.example","klik")']


def test_a_dutch_manager_gets_dutch_headers_and_labels_in_the_engagement_list(client, manager, consultant_a):
    factories.EngagementFactory(lead=consultant_a, client=factories.ClientFactory(name="Café Noë"), stage="active")
    client.force_login(manager)
    header, row = export(client, "engagements:list_export", HTTP_ACCEPT_LANGUAGE="nl")
    assert header[:4] == ["ID", "Titel", "Klant", "Fase"] and row[2:4] == ["Café Noë", "Lopend"]


@time_machine.travel(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), tick=False)
def test_the_file_name_and_times_are_in_amsterdam(client, manager, engagement_a):
    factories.FlagFactory(engagement=engagement_a, kind=Flag.Kind.MANUAL, subject="late")
    client.force_login(manager)
    response = client.get(reverse("engagements:review_export"))
    assert response["Content-Disposition"] == 'attachment; filename="rapport-review-queue-2026-12-03.csv"'
    assert rows_of(response)[1][9] == "2026-12-03 00:30"
    listed = client.get(reverse("engagements:list_export"))
    assert listed["Content-Disposition"] == 'attachment; filename="rapport-engagements-2026-12-03.csv"'
