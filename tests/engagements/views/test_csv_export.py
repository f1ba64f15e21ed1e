"""CSV export of the review queue and of the engagement list (issue 11; docs/domain.md: "CSV
export for managers"): who may download, the current filters, every row (not one page), the
page's order, streamed, in the reader's language, and safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from engagements.models import Engagement, Flag
from tests import factories
from tests.engagements.views.test_review import WHO, login, other_manager  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

EXPORT_MAX_QUERIES = 12


def rows_of(response) -> list[list[str]]:
    assert response.streaming, "the export is streamed, not built in memory"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


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


@pytest.mark.parametrize("count", [10, 300])
def test_the_export_query_count_does_not_grow_with_rows(
    client, manager, consultant_a, count, django_assert_max_num_queries
):
    engagements = [factories.EngagementFactory(lead=consultant_a) for _ in range(5)]
    Flag.objects.bulk_create(
        [Flag(engagement=engagements[i % 5], kind="manual", severity="low", subject=f"s{i}") for i in range(count)]
    )
    client.force_login(manager)
    with django_assert_max_num_queries(EXPORT_MAX_QUERIES):
        assert len(rows_of(client.get(reverse("engagements:review_export")))) == count + 1
    with django_assert_max_num_queries(EXPORT_MAX_QUERIES):
        assert len(rows_of(client.get(reverse("engagements:list_export")))) == 6
