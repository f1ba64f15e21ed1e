"""A manager's morning in a real browser (issue 11): filter the review queue, open a flag,
read the advisor's response, decide "restart intake", see the flag leave the queue and the
engagement back in intake, and open the team dashboard."""

import re

import pytest
from playwright.sync_api import expect

from advisors import roles
from engagements.models import Engagement, Flag, FlagResponse
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def team(live_server):
    """Mila manages Team West; Alice leads two engagements there, each with a flag."""
    west = factories.TeamFactory(name="Team West")
    mila = factories.UserFactory(username="mila", first_name="Mila", last_name="Manager", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=mila, team=west)
    alice = factories.UserFactory(username="alice", first_name="Alice", last_name="Advisor", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=alice, team=west)
    rota = factories.EngagementFactory(lead=alice, title="Depot rota", stage=Engagement.Stage.PROPOSAL)
    shop = factories.EngagementFactory(lead=alice, title="Shop opening hours", stage=Engagement.Stage.ACTIVE)
    unhappy = factories.FlagFactory(
        engagement=rota,
        kind=Flag.Kind.MANUAL,
        source=Flag.Source.PERSON,
        raised_by=alice,
        severity=Flag.Severity.HIGH,
        subject="",
        details="The client says the plan answers a question they never asked.",
    )
    FlagResponse.objects.create(flag=unhappy, author=alice, text="We skipped the intake; the need was never confirmed.")
    factories.FlagFactory(
        engagement=shop, kind=Flag.Kind.LONG_MONOLOGUE, severity=Flag.Severity.LOW, subject="meeting:1", details=""
    )
    return {"mila": mila, "rota": rota, "flag": unhappy}


def log_in_as_manager(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "mila")
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Review queue")  # a manager's home


def test_a_manager_works_the_queue_decides_and_reads_the_dashboard(page, live_server, team, screenshot):
    log_in_as_manager(page, live_server.url)
    queue = page.locator("#review-queue tbody tr")
    expect(queue).to_have_count(2)

    page.get_by_label("Severity").select_option("high")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"severity=high"))
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text("Depot rota")
    screenshot(page, "review-queue")

    page.get_by_role("link", name="Manual").click()
    expect(page.locator("h1")).to_have_text("Flag: Manual")
    expect(page.locator(".response")).to_contain_text("We skipped the intake; the need was never confirmed.")

    page.locator("select#id_decision").select_option("restart_intake")
    page.get_by_label("Note to the advisor").fill("Go back to the need behind the request before planning.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".alert-success")).to_contain_text("Decision recorded")
    expect(page.locator("#flag-decision")).to_contain_text("Restart intake")

    page.get_by_role("link", name="Review queue").first.click()
    expect(queue).to_have_count(1)
    expect(page.locator("#review-queue")).not_to_contain_text("Depot rota")

    page.goto(f"{live_server.url}{team['rota'].get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Intake")
    team["rota"].refresh_from_db()
    assert team["rota"].stage == Engagement.Stage.INTAKE
    assert team["rota"].checkpoints.filter(topic="intake_need", status="open").exists()

    page.get_by_role("link", name="Review queue").first.click()
    page.get_by_role("link", name="Team dashboard").click()
    expect(page.locator("h1")).to_have_text("Team dashboard")
    expect(page.locator("#advisor-table")).to_contain_text("Alice Advisor")
    expect(page.locator("#decisions-table")).to_contain_text("Restart intake")
    page.get_by_role("link", name="Quarter").click()
    expect(page).to_have_url(re.compile(r"period=quarter"))
    screenshot(page, "team-dashboard")
