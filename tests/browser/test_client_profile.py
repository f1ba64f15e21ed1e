"""The firm's client profile and the lessons at intake in a real browser: a manager writes the
profile; a consultant compares a new client with it, saves the client anyway, is asked to
confirm before starting an engagement for a client outside the profile, and takes a lesson
the firm learned earlier into the new engagement's intake."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advisors import roles
from engagements.models import Client, ClientProfile, Engagement, Flag, LessonTaken, MeetingLog
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLIENT = "Casino Noordzee BV"
EARLIER_LESSON = "The owner signs off every plan himself: book him for the first workshop."
EARLIER = "Opening planning for the first casino"
RENEGOTIATED = "Scope cut back to the planning: the owner wanted marketing added halfway."


@pytest.fixture
def cast(live_server, settings):
    settings.SITE_URL = live_server.url
    west = factories.TeamFactory(name="Team West")
    manager = factories.UserFactory(username="mila", first_name="Mila", last_name="Manager", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=manager, team=west, title="Manager")
    alice = factories.UserFactory(username="alice", first_name="Alice", last_name="Adviseur", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=alice, team=west, manager=manager)
    bram = factories.UserFactory(username="bram", first_name="Bram", last_name="Bakker", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=bram, team=west, manager=manager)

    # Alice's own recent lesson, at another client.
    own = factories.EngagementFactory(
        client=factories.ClientFactory(name="Hofstede Bouw BV", sector="Construction", created_by=alice),
        lead=alice,
        title="Site planning review",
    )
    logged(
        factories.MeetingFactory(engagement=own, starts_at=timezone.now() - timedelta(days=20)),
        lesson="Send the agenda a week ahead: the owners read it on paper.",
    )
    # Another team's lesson in the same sector and size: Alice reads it without its client.
    east = factories.TeamFactory(name="Team East")
    olga = factories.UserFactory(username="olga", first_name="Olga", last_name="Oost", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=olga, team=east)
    arcade = factories.ClientFactory(
        name="Speelhal De Gouden Munt", sector="Gambling", size=Client.Size.LARGE, created_by=olga
    )
    factories.ContactFactory(client=arcade, name="Ria Munt", role="Director")
    theirs = factories.EngagementFactory(client=arcade, lead=olga, title="Opening hours")
    logged(
        factories.MeetingFactory(engagement=theirs, starts_at=timezone.now() - timedelta(days=60)),
        lesson="Ria Munt wanted the franchise board to sign off the planning, not herself.",
    )
    return {"manager": manager, "alice": alice, "bram": bram}


def earlier_engagement(client, *, lead, member, manager) -> Engagement:
    """The firm worked for this client before (entered after the fact): a lesson in a meeting
    log and a manager's decision with its note."""
    now = timezone.now()
    earlier = factories.EngagementFactory(client=client, lead=lead, title=EARLIER, stage=Engagement.Stage.CLOSED)
    earlier.members.add(member)
    Engagement.objects.filter(pk=earlier.pk).update(created_at=now - timedelta(days=430))
    meeting = factories.MeetingFactory(engagement=earlier, starts_at=now - timedelta(days=400))
    logged(meeting, lesson=EARLIER_LESSON, logged_by=lead)
    factories.FlagFactory(
        engagement=earlier,
        kind=Flag.Kind.MISALIGNED,
        subject="",
        status=Flag.Status.RESOLVED,
        decision=Flag.Decision.RENEGOTIATE,
        decision_note=RENEGOTIATED,
        decided_by=manager,
        closed_at=now - timedelta(days=380),
    )
    return earlier


def logged(meeting, *, lesson: str, logged_by=None, days_later: int = 1) -> MeetingLog:
    """The meeting's log with its lesson, written the day after the meeting (a lesson is dated
    by its log)."""
    fields = {"logged_by": logged_by} if logged_by else {}
    log = factories.MeetingLogFactory(meeting=meeting, lesson_learned=lesson, **fields)
    MeetingLog.objects.filter(pk=log.pk).update(created_at=meeting.starts_at + timedelta(days=days_later))
    return log


def log_in(page, url, username, *, next_path="/"):
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")


def test_a_manager_writes_the_profile_and_a_consultant_starts_an_engagement_outside_it(
    page, browser, browser_context_args, live_server, cast, screenshot
):
    url = live_server.url

    # 1. The manager describes the firm's clients.
    manager_context = browser.new_context(**browser_context_args)
    manager_page = manager_context.new_page()
    log_in(manager_page, url, "mila", next_path="/engagements/clients/")
    manager_page.locator("main").get_by_role("link", name="The firm's client profile").click()
    expect(manager_page.locator("h1")).to_have_text("The firm's client profile")
    expect(manager_page.locator("main")).to_contain_text("The firm has not described its clients yet.")
    manager_page.get_by_role("link", name="Describe them now").click()
    expect(manager_page.locator("h1")).to_have_text("Edit the firm's client profile")
    manager_page.fill("#id_fitting_sectors", "Construction\nInstallation\nLogistics")
    manager_page.fill("#id_excluded_sectors", "Gambling\nTobacco")
    manager_page.get_by_label("10-49 people").check()
    manager_page.get_by_label("50-249 people").check()
    manager_page.fill("#id_we_do", "Planning and tender reviews for builders and installers.")
    manager_page.fill("#id_we_do_not", "Choosing or building software.")
    manager_page.get_by_label("Price", exact=True).check()
    manager_page.fill("#id_warning_complaint_count", "2")
    manager_page.fill("#id_warning_window_days", "365")
    manager_page.get_by_role("button", name="Save").click()
    expect(manager_page.locator(".alert-success")).to_have_text("The client profile is saved.")
    expect(manager_page.locator("h1")).to_have_text("The firm's client profile")
    fits = manager_page.locator("section[aria-labelledby=who-fits]")
    expect(fits.locator("h3:has-text('Sectors that fit') + ul li")).to_have_text(
        ["Construction", "Installation", "Logistics"]
    )
    expect(fits.locator("h3:has-text('Sectors we do not work for') + ul li")).to_have_text(["Gambling", "Tobacco"])
    expect(fits.locator("h3:has-text('Sizes that fit') + ul li")).to_have_text(["10-49 people", "50-249 people"])
    main = manager_page.locator("main")
    expect(main).to_contain_text("Planning and tender reviews for builders and installers.")
    expect(main).to_contain_text("2 complaints about price within 365 days.")
    expect(main).to_contain_text("by Mila Manager")
    profile = ClientProfile.objects.get()
    assert profile.excluded_sectors == "Gambling\nTobacco" and profile.warning_complaint_categories == ["price"]
    manager_page.reload()  # without the message, for the README
    screenshot(manager_page, "client-profile")  # docs/screenshots/ has a copy for the README
    manager_context.close()

    # 2. The consultant types a new client in an excluded sector and compares it: outside the
    #    profile, with the reason, and nothing saved.
    log_in(page, url, "alice", next_path="/engagements/clients/")
    page.locator("main").get_by_role("link", name="New client").click()
    expect(page.locator("aside")).to_contain_text("Gambling")  # the profile beside the form
    page.fill("#id_name", CLIENT)
    page.fill("#id_sector", "Gambling")
    page.select_option("#id_size", label="250 people or more")
    page.get_by_role("button", name="Compare with the profile").click()
    comparison = page.locator(".profile-comparison")
    expect(comparison).to_contain_text("Outside the profile")
    expect(comparison.locator("li").first).to_have_text("The firm does not work for the sector Gambling.")
    expect(comparison).to_contain_text("Its size (250 people or more) is not one the profile lists.")
    assert not Client.objects.filter(name=CLIENT).exists()
    expect(page.locator("#id_name")).to_have_value(CLIENT)  # what was typed stays
    expect(page.locator("#id_sector")).to_have_value("Gambling")

    # 3. Saved anyway: the client's page says the same.
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Client created.")
    expect(page.locator("h1")).to_have_text(CLIENT)
    expect(page.locator(".profile-comparison")).to_contain_text("Outside the profile")
    client = Client.objects.get(name=CLIENT)
    earlier_engagement(client, lead=cast["bram"], member=cast["alice"], manager=cast["manager"])

    # 4. "New engagement": the lessons panel and the comparison; refused without the confirmation.
    page.locator("main").get_by_role("link", name="New engagement").click()
    expect(page.locator("h1")).to_have_text("New engagement")
    expect(page.locator("#id_client option:checked")).to_have_text(CLIENT)
    panel = page.locator("#lessons")
    expect(panel.locator(".profile-comparison")).to_contain_text("Outside the profile")
    expect(panel.locator(".profile-comparison")).to_contain_text("The firm does not work for the sector Gambling.")
    items = panel.locator("li.lesson")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("Earlier engagement with this client")
    expect(items.filter(has_text=EARLIER_LESSON)).to_contain_text(f"{EARLIER} · {CLIENT}")
    expect(items.filter(has_text=RENEGOTIATED)).to_contain_text("decision: Renegotiate scope")
    redacted = items.filter(has_text="franchise board")
    expect(redacted).to_contain_text("Same sector, similar size")
    expect(redacted).to_contain_text("[client] wanted the franchise board to sign off the planning")
    expect(redacted).to_contain_text("From an engagement you do not work on")
    expect(redacted).not_to_contain_text("Munt")
    expect(items.nth(3)).to_contain_text("Your own recent lesson")
    expect(panel.get_by_role("button")).to_have_count(0)  # taken along once the engagement exists

    # Choosing another client brings that client's panel in (htmx), and back again.
    page.select_option("#id_client", label="Hofstede Bouw BV")
    expect(panel.locator(".profile-comparison")).to_contain_text("Partly fits the profile")
    expect(panel.locator("li.lesson")).to_have_count(1)
    expect(panel).not_to_contain_text(EARLIER_LESSON)
    page.select_option("#id_client", label=CLIENT)
    expect(panel.locator(".profile-comparison")).to_contain_text("Outside the profile")
    expect(panel.locator("li.lesson")).to_have_count(4)

    page.fill("#id_title", "Floor planning for the new casino")
    page.fill("#id_stated_request", "Help us plan the staff for the second casino.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-danger").first).to_contain_text("Nothing was saved.")
    expect(page.locator("main")).to_contain_text(
        f"{CLIENT} is outside the firm's client profile (the reasons are shown above). "
        "Tick the box to start the engagement anyway."
    )
    assert not Engagement.objects.filter(title="Floor planning for the new casino").exists()
    expect(page.locator("#id_title")).to_have_value("Floor planning for the new casino")

    # 5. Confirmed: the engagement is created, in intake.
    page.get_by_label("I have read why this client is outside the profile and want to start the engagement").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_have_text("Engagement created.")
    expect(page.locator("h1")).to_have_text("Floor planning for the new casino")
    engagement = Engagement.objects.get(title="Floor planning for the new casino")
    assert engagement.client == client and engagement.stage == Engagement.Stage.INTAKE
    assert page.url.endswith(engagement.get_absolute_url())

    # 6. On the intake, the consultant takes the earlier lesson along; the timeline shows it.
    panel = page.locator("#lessons")
    lesson = panel.locator("li.lesson").filter(has_text=EARLIER_LESSON)
    lesson.get_by_role("button", name=re.compile(r"^Take into this intake")).click()
    expect(page.locator(".alert-success")).to_have_text("The lesson is marked as taken into this intake.")
    expect(lesson.locator(".badge")).to_have_text("Taken into this intake")
    expect(lesson.get_by_role("button", name=re.compile(r"^Undo"))).to_be_visible()
    expect(panel.get_by_role("button", name=re.compile(r"^Take into this intake"))).to_have_count(3)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Alice Adviseur took a lesson into the intake")
    expect(timeline).to_contain_text(EARLIER_LESSON)
    (taken,) = LessonTaken.objects.filter(engagement=engagement)
    assert taken.text == EARLIER_LESSON and taken.taken_by == cast["alice"]
    page.reload()  # without the message, for the README
    screenshot(page, "lessons-at-intake")  # docs/screenshots/ has a copy for the README
