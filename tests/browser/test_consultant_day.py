"""The consultant's day in a real browser, and the client's answer in another one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from advisors import roles
from engagements.models import DraftPlan, Engagement, Meeting, MeetingLog
from tests import factories
from tests.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def alice(live_server, settings):
    settings.SITE_URL = live_server.url
    user = factories.UserFactory(username="alice", first_name="Alice", last_name="Adviseur", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user)
    return user


@pytest.fixture
def client_org(alice):
    client = factories.ClientFactory(name="Hofstede Bouw BV", created_by=alice)
    factories.ContactFactory(
        client=client, name="Eva Hofstede", email="eva@hofstede.example", language="en", is_decision_maker=True
    )
    return client


def test_from_intake_to_the_clients_answer_to_the_log(
    page, browser, live_server, alice, client_org, screenshot, tmp_path
):
    url = live_server.url
    page.goto(f"{url}/accounts/login/")
    screenshot(page, "01-login")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("My week")

    # An engagement with its intake.
    page.click("text=Engagements")
    page.click("text=New engagement")
    page.select_option("#id_client", label="Hofstede Bouw BV")
    page.fill("#id_title", "Site planning review")
    page.fill("#id_stated_request", "Our projects always run late. Can you look at the planning?")
    page.fill("#id_underlying_need", "Foremen do not trust the planning, so they keep their own.")
    page.fill("#id_desired_outcomes", "One planning everybody works from.")
    page.select_option("#id_advisor_role", "process")
    page.fill("#id_boundaries", "No software selection.")
    screenshot(page, "02-engagement-form")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Site planning review")
    engagement = Engagement.objects.get(title="Site planning review")
    assert engagement.underlying_need.startswith("Foremen")

    # A plan, uploaded.
    page.click("text=Upload plan")
    page.fill("#id_title", "Planning approach")
    page.fill("#id_summary", "Three workshops with the foremen.")
    page.fill("#id_budget", "8000")
    pdf = tmp_path / "approach.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#id_file", str(pdf))
    screenshot(page, "03-plan-upload")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Plan v1 uploaded")

    # The meeting to discuss it, the day after tomorrow.
    page.goto(f"{url}{engagement.get_absolute_url()}")
    page.click("text=Schedule meeting")
    starts = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    page.select_option("#id_purpose", "plan_discussion")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_duration_minutes", "60")
    page.check("text=Eva Hofstede")
    screenshot(page, "04-meeting-form")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Meeting scheduled")
    meeting = Meeting.objects.get(engagement=engagement)
    assert meeting.plan.title == "Planning approach"

    # Share the plan with the client.
    page.goto(f"{url}{engagement.get_absolute_url()}")
    page.click("text=Share with client")
    page.check("text=Eva Hofstede")
    screenshot(page, "05-share-form")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("shared with Eva Hofstede")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/p/\S+/", mail.outbox[0].body).group(0)

    # The client, in a fresh browser context without any login, answers "partly".
    client_context = browser.new_context(viewport={"width": 1000, "height": 900})
    client_page = client_context.new_page()
    client_page.goto(link)
    expect(client_page.locator("h1")).to_contain_text("Planning approach")
    screenshot(client_page, "06-client-page")
    client_page.check("#id_received_0")
    client_page.check("input[name=matches_expectations][value=partly]")
    client_page.fill("#id_adjustments", "Please add the subcontractors to the workshops.")
    client_page.click("main button[type=submit]")
    expect(client_page.locator(".alert-success")).to_contain_text("Thank you")
    screenshot(client_page, "07-client-thanks")
    client_context.close()

    # The consultant sees the answer on the engagement page and in "My week".
    page.goto(f"{url}{engagement.get_absolute_url()}")
    expect(page.locator("#plans .client-answer")).to_contain_text("Partly")
    expect(page.locator("#plans")).to_contain_text("Please add the subcontractors to the workshops.")
    expect(page.locator("#checkpoints")).to_contain_text("via client link")
    screenshot(page, "08-engagement-page")
    page.click("text=My week")
    card = page.locator(f"#meeting-{meeting.pk}")
    expect(card).to_contain_text("Client's answer: Partly")
    expect(card).to_contain_text("Plan shared")
    screenshot(page, "09-my-week")

    # After the meeting: log it from "My week" without leaving the page (htmx).
    with time_machine.travel(meeting.ends_at + timedelta(hours=1), tick=True):
        page.reload()
        row = page.locator(f"#log-{meeting.pk}")
        row.locator("text=Log it").click()
        row.locator("#id_summary").fill("Agreed to add the subcontractors; the foremen were on board.")
        row.locator("input[name=satisfaction][value='4']").check()
        row.locator("#id_longest_monologue_minutes").fill("5")
        row.locator("#id_checked_in_with_client").check()
        row.locator("#id_expectations_confirmed").check()
        screenshot(page, "10-log-form")
        row.locator("button[type=submit]").click()
        expect(row).to_contain_text("is logged")
        screenshot(page, "11-logged")

    log = MeetingLog.objects.get(meeting=meeting)
    assert log.satisfaction == 4 and log.checked_in_with_client
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert DraftPlan.objects.get(engagement=engagement).matches_expectations == "partly"
