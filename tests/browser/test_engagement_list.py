"""The engagement list's client filter in a real browser: typing a name brings up the user's
clients that match (htmx), chosen with the mouse or the keyboard; the chosen client stands
beside the field until removed; without JavaScript the name typed filters the list."""

import re

import pytest
from playwright.sync_api import expect

from advisors import roles
from tests import factories
from tests.browser.support import log_in_to_my_week as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def alice(live_server):
    user = factories.UserFactory(username="alice", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user)
    for name, title in [("Hofstede Bouw BV", "Site planning"), ("Hofman Logistics", "Depot rota")]:
        factories.EngagementFactory(client=factories.ClientFactory(name=name), lead=user, title=title, stage="active")
    factories.EngagementFactory(lead=user, title="Care rota", stage="active")
    other = factories.UserFactory(username="olga", roles=[roles.CONSULTANT])
    factories.EngagementFactory(client=factories.ClientFactory(name="Hofweg Holding"), lead=other, stage="active")
    return user


def rows(page):
    return page.locator("tbody tr td:first-child")


def test_typing_a_name_suggests_the_users_clients_and_the_keyboard_chooses_one(page, live_server, alice, screenshot):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/engagements/?stage=active")
    field = page.get_by_label("Client", exact=True)

    field.press_sequentially("hof", delay=50)

    suggestions = page.locator("#client-suggestions a")
    expect(suggestions).to_have_text(["Hofman Logistics", "Hofstede Bouw BV"])  # not Olga's Hofweg Holding
    expect(page.locator("#client-suggestions-status")).to_have_text("2 clients match; they are listed below the field.")
    screenshot(page, "engagement-list-client-suggestions")
    page.keyboard.press("Tab")
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/engagements/\?stage=active&client=\d+$"))
    expect(page.locator("#client-chosen")).to_have_text("Chosen: Hofstede Bouw BV")
    expect(rows(page)).to_have_text(["Site planning"])
    expect(page.get_by_label("Stage")).to_have_value("active")  # the other filters stay
    screenshot(page, "engagement-list-chosen-client")

    page.get_by_role("link", name="Remove the client filter (Hofstede Bouw BV)").click()
    expect(page).to_have_url(re.compile(r"/engagements/\?stage=active$"))
    expect(page.locator("#client-chosen")).to_have_count(0)
    expect(rows(page)).to_have_count(3)


def test_a_click_chooses_a_suggestion_and_the_list_steps_aside_when_the_focus_moves_on(page, live_server, alice):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/engagements/")
    field = page.get_by_label("Client", exact=True)

    field.press_sequentially("logis", delay=50)
    expect(page.locator("#client-suggestions a")).to_have_text(["Hofman Logistics"])
    page.get_by_label("Search").focus()
    page.mouse.move(0, 0)
    expect(page.locator("#client-suggestions a")).to_be_hidden()
    field.focus()
    expect(page.locator("#client-suggestions a")).to_be_visible()

    page.locator("#client-suggestions a").click()
    expect(page.locator("#client-chosen")).to_have_text("Chosen: Hofman Logistics")
    expect(rows(page)).to_have_text(["Depot rota"])


def test_without_javascript_the_name_typed_filters_the_list(browser, browser_context_args, live_server, alice):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/engagements/")

    page.get_by_label("Client", exact=True).fill("hofstede")
    page.get_by_label("Client", exact=True).press("Enter")

    expect(page).to_have_url(re.compile(r"client_name=hofstede"))
    expect(rows(page)).to_have_text(["Site planning"])
    expect(page.get_by_label("Client", exact=True)).to_have_value("hofstede")
    context.close()
