import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

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


# --- the client filter: a name to type, the chosen client by id, no <select> of every client ----------
def text_of(response) -> str:
    return unescape(response.content.decode()).replace("\xa0", " ")


def suggestions(response) -> list[tuple[str, dict]]:
    """The suggested clients as a user sees them: (name, the query string its link opens)."""
    found = re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)">([^<]+)</a>', response.content.decode())
    return [(unescape(name), parse_qs(urlsplit(unescape(href)).query)) for href, name in found]


def test_the_filter_form_has_a_client_name_field_and_no_list_of_every_client(client, consultant_a, portfolio):
    many = [factories.ClientFactory(name=f"Listed Client {i}", created_by=consultant_a) for i in range(30)]
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"))

    content = response.content.decode()
    assert '<label class="form-label small mb-0" for="id_client_name">Client</label>' in content
    assert 'name="client_name"' in content
    assert '<select name="client"' not in content and 'name="client" id="id_client"' not in content
    assert not [c.name for c in many if c.name in content]  # none of the 30 clients on the page
    assert "Acme Tools" in content  # as a row's client only
    assert content.count("Acme Tools") == 2  # ...its two engagements


def test_the_chosen_client_stands_beside_the_field_and_can_be_removed(client, consultant_a, portfolio):
    acme = portfolio["planning"].client
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"), {"client": acme.pk, "stage": "proposal", "page": 1})

    assert titles(response) == ["Planning redesign"]
    content = response.content.decode()
    chip = re.search(r'<span id="client-chosen">(.*?)</span>\s*<a [^>]*href="([^"]+)"', content, re.S)
    assert unescape(re.sub(r"<[^>]+>", "", chip.group(1))).split() == ["Chosen:", "Acme", "Tools"]
    assert parse_qs(urlsplit(unescape(chip.group(2))).query) == {"stage": ["proposal"]}  # the client goes
    assert f'<input type="hidden" name="client" value="{acme.pk}">' in content  # kept when filtering again
    assert "Remove the client filter (Acme Tools)" in text_of(response)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("acme", ["Planning redesign", "Pricing study"]),
        ("  ZETA ", ["Care rota"]),
        ("Tools", ["Planning redesign", "Pricing study"]),
        ("nobody", []),
    ],
)
def test_without_javascript_the_name_typed_filters_by_client_name(client, consultant_a, portfolio, typed, expected):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:list"), {"client_name": typed})
    assert sorted(titles(response)) == expected
    assert f'value="{typed}"' in response.content.decode()  # the field keeps what was typed


def test_a_name_typed_replaces_the_chosen_client(client, consultant_a, portfolio):
    acme = portfolio["planning"].client
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"), {"client": acme.pk, "client_name": "zeta"})

    assert titles(response) == ["Care rota"]
    assert 'id="client-chosen"' not in response.content.decode()


@pytest.mark.parametrize("bad", ["not-a-number", "999999", "hidden"])
def test_a_client_id_that_is_not_yours_is_left_out_with_a_message(client, consultant_a, portfolio, bad):
    value = portfolio["hidden"].client_id if bad == "hidden" else bad
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"), {"client": value})

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Care rota", "Planning redesign", "Pricing study"]  # not filtered
    assert "This client is not one of yours, so the list is not filtered by it." in text_of(response)
    assert portfolio["hidden"].client.name not in text_of(response)


def test_the_rows_show_the_link_names_labels_and_day_in_the_readers_language(client, consultant_a, portfolio):
    planning = portfolio["planning"]
    consultant_a.first_name, consultant_a.last_name = "Alice", "de Boer"
    consultant_a.save()
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"), {"stage": "proposal"}, HTTP_ACCEPT_LANGUAGE="nl")

    row = re.search(r"<tr>\s*<td><a.*?</tr>", response.content.decode(), re.S).group(0)
    cells = [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    day = timezone.localtime(planning.updated_at)
    assert cells == ["Planning redesign", "Acme Tools", "Alice de Boer", "Voorstel", "Rood", date_format(day, "j M Y")]
    assert f'href="{planning.get_absolute_url()}"' in row


def test_the_rows_read_only_the_columns_they_show(client, consultant_a, portfolio):
    client.force_login(consultant_a)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("engagements:list"))
    page_query = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "engagements_engagement" in q["sql"])
    selected = page_query.split(" FROM ", 1)[0]
    for column in ("stated_request", "underlying_need", "desired_outcomes", "boundaries", "budget", "fit_reason"):
        assert column not in selected
    assert 'auth_user"."password' not in selected


@pytest.mark.parametrize("rows", [3, 60])
def test_the_filtered_list_costs_the_same_queries_at_any_size(
    client, consultant_a, consultant_b, django_assert_max_num_queries, rows
):
    acme = factories.ClientFactory(name="Acme Tools", created_by=consultant_a)
    for i in range(rows):
        other = factories.ClientFactory(name=f"Another client {i}", created_by=consultant_a)
        engagement = factories.EngagementFactory(
            lead=consultant_a, title=f"Listed engagement {i}", stage="active", client=acme if i % 2 else other
        )
        engagement.members.add(consultant_b)
    client.force_login(consultant_a)
    query = {"client": acme.pk, "stage": "active", "lead": consultant_b.pk, "sort": "title"}

    with django_assert_max_num_queries(LIST_WITH_FILTERS_MAX_QUERIES):
        response = client.get(reverse("engagements:list"), query)

    assert f"{rows // 2} engagement" in text_of(response)


# A consultant's: the login (session, user, groups), the chosen client, the advisors, the page
# with the count of all (a manager's one more: the team, from the profile).
LIST_WITH_FILTERS_MAX_QUERIES = 6
SUGGEST_MAX_QUERIES = 4  # the login (3), the clients


def test_typing_suggests_the_users_clients_whose_name_contains_it_starting_ones_first(client, consultant_a, portfolio):
    for name in ("Bolt Acme Supplies", "Acme Hardware", "Acmeister"):
        factories.ClientFactory(name=name, created_by=consultant_a)
    factories.ClientFactory(name="Acme Secret Works", created_by=factories.UserFactory())  # not Alice's
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:client_suggest"), {"client_name": "acme"})

    assert [name for name, _ in suggestions(response)] == [
        "Acme Hardware",
        "Acme Tools",
        "Acmeister",
        "Bolt Acme Supplies",
    ]
    assert "4 clients match; they are listed below the field." in text_of(response)


def test_a_suggestion_opens_the_list_by_that_client_with_the_other_filters(client, consultant_a, portfolio):
    acme = portfolio["planning"].client
    client.force_login(consultant_a)
    form = {"q": "plan", "stage": "proposal", "health": "", "client": "", "client_name": "acm", "lead": "", "page": 3}

    response = client.get(reverse("engagements:client_suggest"), form)

    [(name, query)] = suggestions(response)
    assert name == "Acme Tools"
    assert query == {"q": ["plan"], "stage": ["proposal"], "client": [str(acme.pk)]}
    assert "1 client matches; it is listed below the field." in text_of(response)
    followed = client.get(reverse("engagements:list"), {k: v[0] for k, v in query.items()})
    assert titles(followed) == ["Planning redesign"]


def test_suggestions_stop_at_eight_and_say_there_are_more(client, consultant_a):
    for i in range(12):
        factories.ClientFactory(name=f"Bakery {i:02d}", created_by=consultant_a)
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:client_suggest"), {"client_name": "bakery"})

    assert [name for name, _ in suggestions(response)] == [f"Bakery {i:02d}" for i in range(8)]
    assert "More match: type more of the name." in text_of(response)
    assert "More than 8 clients match; the first 8 are listed below the field." in text_of(response)


@pytest.mark.parametrize("typed", ["", "   ", "nothing like it"])
def test_nothing_typed_or_nothing_found_suggests_nothing(client, consultant_a, portfolio, typed):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:client_suggest"), {"client_name": typed})
    assert response.status_code == 200
    assert suggestions(response) == []
    status = re.search(r'<div id="client-suggestions-status"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert status.group(1) == ("No client of yours matches this name." if typed.strip() else "")


def test_suggestions_are_dutch_for_a_dutch_reader(client, consultant_a, portfolio):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:client_suggest"), {"client_name": "a"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert "2 klanten komen overeen; ze staan onder het veld." in text_of(response)


@pytest.mark.parametrize("clients", [3, 60])
def test_suggestions_cost_the_same_queries_at_any_size(client, consultant_a, django_assert_max_num_queries, clients):
    for i in range(clients):
        factories.EngagementFactory(lead=consultant_a, client=factories.ClientFactory(name=f"Bakery {i:02d}"))
    client.force_login(consultant_a)

    with django_assert_max_num_queries(SUGGEST_MAX_QUERIES):
        response = client.get(reverse("engagements:client_suggest"), {"client_name": "bakery"})

    assert len(suggestions(response)) == min(clients, 8)


@pytest.mark.parametrize(
    ("page", "shown", "number"),
    [("", 25, 1), ("2", 5, 2), ("3", 5, 2), ("0", 5, 2), ("-1", 5, 2), ("abc", 25, 1), ("²", 25, 1), ("9" * 30, 5, 2)],
)
def test_any_page_number_gives_a_page_and_the_count_of_all(client, consultant_a, page, shown, number):
    # What is no page gives the first; past the end (or below 1), the last, as Django's get_page.
    factories.EngagementFactory.create_batch(30, lead=consultant_a)
    client.force_login(consultant_a)

    response = client.get(reverse("engagements:list"), {"page": page})

    assert response.status_code == 200
    assert len(titles(response)) == shown
    assert f"Page {number} of 2" in text_of(response)
    assert "30 engagements" in text_of(response)
