import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement, Meeting
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


# --- the engagement's page: the timeline in steps, the meetings bounded ---------------------------
NOW = timezone.now().replace(microsecond=0)
TIMELINE_ITEM = re.compile(r'<li class="tl-\w+"([^>]*)>(.*?)</li>', re.S)
SHOW_MORE = re.compile(r'<a [^>]*href="([^"]*\?before=[^"]*)"[^>]*data-hx-get="([^"]*)"[^>]*>Show more</a>', re.S)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def timeline_of(html: str) -> list[str]:
    """The timeline's events as a reader sees them, newest first (date, title, detail)."""
    return [text(item) for _attributes, item in TIMELINE_ITEM.findall(html)]


def details_of(events: list[str]) -> list[str]:
    """What each event's detail line ends with (our fixtures' details are two words)."""
    return [" ".join(event.split()[-2:]) for event in events]


def show_more(html: str) -> tuple[str, str] | None:
    """The "Show more" link: (where it leads without JavaScript, what htmx fetches), if any."""
    found = SHOW_MORE.search(html)
    return (unescape(found.group(1)), unescape(found.group(2))) if found else None


@pytest.fixture
def long_history(consultant_a):
    """An engagement opened 60 days ago with 40 held meetings, one a day, each logged two
    hours after it began: 81 events, the newest a log."""
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        engagement = factories.EngagementFactory(lead=consultant_a, title="Long engagement")
    for i in range(40):
        starts = NOW - timedelta(days=i + 1)
        meeting = factories.MeetingFactory(
            engagement=engagement, starts_at=starts, status=Meeting.Status.HELD, location=f"Room {i}"
        )
        with time_machine.travel(starts + timedelta(hours=2), tick=False):
            factories.MeetingLogFactory(meeting=meeting, summary=f"Summary {i}")
    return engagement


def expected_details() -> list[str]:
    return [detail for i in range(40) for detail in (f"Summary {i}", f"Room {i}")] + ["Long engagement"]


def test_the_timeline_shows_the_newest_events_and_show_more_leads_to_the_oldest_without_javascript(
    client, consultant_a, long_history
):
    client.force_login(consultant_a)
    response = client.get(long_history.get_absolute_url())
    steps = [response.content.decode()]
    while link := show_more(steps[-1]):
        page = client.get(link[0])
        assert page.status_code == 200
        steps.append(page.content.decode())

    assert [len(timeline_of(step)) for step in steps] == [30, 30, 21]
    events = [event for step in steps for event in timeline_of(step)]
    assert details_of(events) == expected_details()  # newest first, none left out, none twice
    assert events[0].endswith("Meeting logged: satisfaction 4/5 Summary 0")
    assert events[-1].endswith("Engagement opened Long engagement")
    assert "Older events." not in text(steps[0])
    assert "Older events. Show the newest events" in text(steps[1])
    assert f'href="{long_history.get_absolute_url()}#timeline"' in steps[1]  # back to the newest


def test_show_more_with_htmx_appends_the_next_step_and_brings_its_own_show_more(client, consultant_a, long_history):
    client.force_login(consultant_a)
    page = client.get(long_history.get_absolute_url()).content.decode()
    events, link = timeline_of(page), show_more(page)
    while link:
        step = client.get(link[1], headers={"HX-Request": "true"})
        assert step.status_code == 200
        html = step.content.decode()
        assert "<html" not in html  # a fragment: its events, and the "Show more" out of band
        assert 'id="timeline-more" class="mb-4" data-hx-swap-oob="true"' in html
        first_attributes = TIMELINE_ITEM.findall(html)[0][0]
        assert 'tabindex="-1" autofocus' in first_attributes  # the focus goes to the first new event
        events += timeline_of(html)
        link = show_more(html)

    assert len(events) == len(set(events)) == 81
    assert details_of(events) == expected_details()  # newest first, none left out, none twice


@pytest.mark.parametrize(
    "before", ["nonsense", "1.meeting", "99999999999999999999.meeting.1", "1.password.1", "-1.log.2"]
)
def test_a_cursor_that_is_none_is_a_400_for_the_step_and_the_newest_events_on_the_page(
    client, consultant_a, long_history, before
):
    client.force_login(consultant_a)
    newest = timeline_of(client.get(long_history.get_absolute_url()).content.decode())

    step = client.get(reverse("engagements:timeline", args=[long_history.pk]), {"before": before})
    page = client.get(long_history.get_absolute_url(), {"before": before})

    assert step.status_code == 400
    assert "This is no place in the timeline. Open the engagement's page again." in step.content.decode()
    assert page.status_code == 200
    assert timeline_of(page.content.decode()) == newest


def test_the_page_shows_the_next_and_the_latest_meetings_and_links_to_every_one(client, consultant_a, engagement_a):
    upcoming = [
        factories.MeetingFactory(engagement=engagement_a, starts_at=NOW + timedelta(days=i + 1), location=f"Next {i}")
        for i in range(15)
    ]
    earlier = [
        factories.MeetingFactory(engagement=engagement_a, starts_at=NOW - timedelta(days=i + 1), location=f"Past {i}")
        for i in range(15)
    ]
    for meeting in earlier[1::2]:
        factories.MeetingLogFactory(meeting=meeting)
    client.force_login(consultant_a)

    page = client.get(engagement_a.get_absolute_url()).content.decode()

    next_ones = page.split('id="upcoming-meetings"')[1].split("</ul>")[0]
    latest = page.split('id="earlier-meetings"')[1].split("</ul>")[0]
    assert re.findall(r'href="/engagements/meetings/(\d+)/"', next_ones) == [str(m.pk) for m in upcoming[:10]]
    assert re.findall(r'href="/engagements/meetings/(\d+)/"', latest) == [str(m.pk) for m in earlier[:10]]
    assert re.findall(r'href="/engagements/meetings/(\d+)/log/"', latest) == [str(m.pk) for m in earlier[:10:2]]
    all_meetings = reverse("engagements:meeting_list", args=[engagement_a.pk])
    assert f'<a href="{all_meetings}">All meetings</a>' in page

    listed, log_links, url = [], [], all_meetings
    while url:
        html = client.get(url).content.decode()
        assert "30 meetings, the newest first" in text(html)
        listed += re.findall(r'href="/engagements/meetings/(\d+)/"', html)
        log_links += re.findall(r'href="/engagements/meetings/(\d+)/log/"', html)
        more = re.search(r'href="(\?page=\d+)">Next</a>', html)
        url = all_meetings + unescape(more.group(1)) if more else None

    newest_first = sorted(upcoming + earlier, key=lambda m: m.starts_at, reverse=True)
    assert listed == [str(m.pk) for m in newest_first]  # every meeting, once, the newest first
    assert sorted(log_links) == sorted(str(m.pk) for m in earlier[::2])  # every one waiting for its log


def test_an_engagement_without_meetings_says_so_and_offers_no_list(client, consultant_a, engagement_a):
    client.force_login(consultant_a)
    page = text(client.get(engagement_a.get_absolute_url()).content.decode())
    assert "Meetings No meetings yet." in page
    assert "All meetings" not in page and "Show more" not in page
