"""What static/js/rapport.js adds, and that the pages work without it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advisors import roles
from tests import factories
from tests.browser.support import log_in_to_my_week as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def alice(live_server):
    user = factories.UserFactory(username="alice", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user)
    return user


def test_the_language_switches_on_change_with_javascript(page, live_server, alice):
    log_in(page, live_server.url)
    button = page.locator("[data-autosubmit-button]")
    expect(button).to_have_class("btn btn-sm btn-light ms-1 visually-hidden")
    page.select_option("select[name=language]", "nl")
    expect(page.locator("h1")).to_have_text("Mijn week")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_the_language_switch_is_a_form_with_a_button_without_javascript(
    browser, browser_context_args, live_server, alice
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url)
    page.select_option("select[name=language]", "nl")
    expect(page.locator("h1")).to_have_text("My week")  # nothing happens on change
    page.click("[data-autosubmit-button]")
    expect(page.locator("h1")).to_have_text("Mijn week")
    context.close()


def test_htmx_requests_carry_the_csrf_token_of_the_meta_tag(page, live_server, alice):
    meeting = factories.MeetingFactory(
        engagement=factories.EngagementFactory(lead=alice), starts_at=timezone.now() - timedelta(days=1)
    )
    log_in(page, live_server.url)
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    assert token
    with page.expect_request(lambda r: r.url.endswith(f"/meetings/{meeting.pk}/log/")) as request:
        page.locator(f"#log-{meeting.pk}").locator("text=Log it").click()
    assert request.value.headers.get("x-csrftoken") == token
    assert request.value.headers.get("hx-request") == "true"
    expect(page.locator(f"#log-{meeting.pk} form")).to_be_visible()


def test_cancelling_a_meeting_asks_first(page, live_server, alice):
    meeting = factories.MeetingFactory(engagement=factories.EngagementFactory(lead=alice))
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("text=Cancel meeting")
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Cancel meeting")
    expect(page.locator(".alert-success")).to_contain_text("Meeting cancelled.")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


@pytest.fixture
def long_engagement(alice):
    """40 held meetings, each logged two hours after it began: 81 timeline events (three steps)."""
    now = timezone.now()
    engagement = factories.EngagementFactory(lead=alice, title="Long engagement")
    type(engagement).objects.filter(pk=engagement.pk).update(created_at=now - timedelta(days=60))
    engagement.refresh_from_db()
    for i in range(40):
        starts = now - timedelta(days=i + 1)
        meeting = factories.MeetingFactory(engagement=engagement, starts_at=starts, status="held", location=f"Room {i}")
        log = factories.MeetingLogFactory(meeting=meeting, summary=f"Summary {i}")
        type(log).objects.filter(pk=log.pk).update(created_at=starts + timedelta(hours=2))
    return engagement


def test_show_more_appends_the_timelines_next_step_and_moves_the_focus_there(page, live_server, alice, long_engagement):
    log_in(page, live_server.url)
    url = f"{live_server.url}{long_engagement.get_absolute_url()}"
    page.goto(url)
    events = page.locator("#timeline > li")
    expect(events).to_have_count(30)
    expect(events.first).to_contain_text("Summary 0")

    page.locator("#timeline-more").get_by_text("Show more").click()

    expect(events).to_have_count(60)
    expect(events.nth(30)).to_be_focused()  # where the new events begin
    expect(events.nth(30)).to_contain_text("Summary 15")
    assert page.url == url  # the same page, grown
    page.locator("#timeline-more").get_by_text("Show more").click()
    expect(events).to_have_count(81)
    expect(events.last).to_contain_text("Engagement opened")
    expect(page.locator("#timeline-more a")).to_have_count(0)  # nothing older


def test_show_more_without_javascript_opens_the_next_step_and_leads_back_to_the_newest(
    browser, browser_context_args, live_server, alice, long_engagement
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}{long_engagement.get_absolute_url()}")
    events = page.locator("#timeline > li")

    page.get_by_text("Show more").click()
    expect(events).to_have_count(30)
    expect(events.first).to_contain_text("Summary 15")
    assert "?before=" in page.url
    page.get_by_text("Show more").click()
    expect(events).to_have_count(21)
    expect(events.last).to_contain_text("Engagement opened")
    expect(page.get_by_text("Show more")).to_have_count(0)

    page.get_by_text("Show the newest events").click()
    expect(events.first).to_contain_text("Summary 0")
    context.close()
