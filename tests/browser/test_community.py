"""The case-study community in a real browser: a visitor joins and takes part, the case's
author answers, members report a comment, a manager moderates, and a draft that still names
its client cannot be published until it no longer does."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from advisors import roles
from casestudies import services
from casestudies.models import CaseStudy, Comment, MemberProfile
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_MEMBER = "noor.visser@example.org"
NEW_PASSWORD = "koperen-ketel-7"


def member(username: str, display_name: str):
    user = factories.UserFactory(username=username, email=f"{username}@example.org", roles=[roles.COMMUNITY_MEMBER])
    MemberProfile.objects.create(user=user, display_name=display_name)
    return user


def approved_comment(case, author, body, manager):
    """A member's first comment as a moderator let it through."""
    comment = services.comment_post(case=case, author=author, body=body)
    return services.comment_moderate(comment=comment, by=manager, action="approved")


@pytest.fixture
def cast(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = True
    settings.RAPPORT_COMMUNITY_REPORTS_TO_HIDE = 3
    team = factories.TeamFactory(name="Team West")
    manager = factories.UserFactory(username="mila", first_name="Mila", last_name="Manager", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=manager, team=team, title="Manager")
    alice = factories.UserFactory(username="alice", first_name="Alice", last_name="Adviseur", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=alice, team=team, manager=manager)
    case = services.casestudy_create(
        author=alice,
        title="The planning nobody trusted",
        body="The foremen kept their own planning next to the official one.",
        question="How would you have won the foremen over?",
    )
    services.casestudy_publish(case=case, by=manager)
    ruben = member("ruben", "Ruben Mol")
    spammer = member("spammer", "Quick Cash")
    reporters = [member(name, name.capitalize()) for name in ("ilse", "jasper", "katrien")]
    ruben_comment = approved_comment(case, ruben, "Did anyone ask the foremen what they needed?", manager)
    spam = approved_comment(case, spammer, "Buy cheap followers at spam.example today!", manager)

    client = factories.ClientFactory(name="Brouwerij Kalkhoven BV", sector="Food and drink", created_by=alice)
    factories.ContactFactory(client=client, name="Joost Brandsma", email="joost@kalkhoven.nl", role="Director")
    engagement = factories.EngagementFactory(client=client, lead=alice, title="Brewing schedule")
    draft = services.casestudy_create(
        author=alice,
        title="A brewery that planned in a spreadsheet",
        body="At Kalkhoven the brewers planned every batch in one shared spreadsheet.",
        question="Where would you have started?",
        source_engagement_id=engagement.pk,
    )
    return {
        "case": case,
        "ruben_comment": ruben_comment,
        "spam": spam,
        "reporters": reporters,
        "draft": draft,
    }


def log_in(page, url, username, *, next_path="/cases/"):
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_visitor_joins_the_discussion_and_a_manager_moderates_and_publishes(
    page, browser, browser_context_args, live_server, cast, screenshot
):
    url = live_server.url
    case, spam = cast["case"], cast["spam"]
    case_path = case.get_absolute_url()

    # 1. A visitor reads the case and joins the community.
    page.goto(f"{url}/cases/")
    page.get_by_role("link", name="The planning nobody trusted").click()
    expect(page.locator("h1")).to_have_text("The planning nobody trusted")
    expect(page.locator("#comment-form")).to_have_count(0)
    page.locator("main").get_by_role("link", name="join the community").click()
    page.fill("#id_display_name", "Noor Visser")
    page.fill("#id_email", NEW_MEMBER)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your inbox")
    (confirmation,) = mail_to(NEW_MEMBER)
    link = re.search(r"http://\S+/cases/join/\S+/\S+/", confirmation.body).group(0)
    page.goto(link)
    expect(page.locator("main")).to_contain_text(f"Confirm that {NEW_MEMBER} is yours")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("Your e-mail address is confirmed")
    page.fill("#id_username", NEW_MEMBER)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Case studies")

    # 2. The member's first comment waits for a moderator, who approves it.
    page.get_by_role("link", name="The planning nobody trusted").click()
    page.fill("#id_body", "We let the foremen draw the first planning themselves.")
    page.get_by_role("button", name="Post the comment").click()
    expect(page.locator(".alert-info")).to_contain_text("appears as soon as a moderator has read it")
    first = Comment.objects.get(body="We let the foremen draw the first planning themselves.")
    mine = page.locator(f"#comment-{first.pk} > article")
    expect(mine.locator(".badge")).to_have_text("waiting for a moderator")

    manager_context = browser.new_context(**browser_context_args)
    manager_page = manager_context.new_page()
    log_in(manager_page, url, "mila")
    manager_page.get_by_role("link", name="Moderation").click()
    card = manager_page.locator(f"#moderate-{first.pk}")
    expect(card).to_contain_text("Held for moderation · Noor Visser")
    card.get_by_label("Action").select_option(label="Approve")
    card.get_by_role("button", name="Apply").click()
    expect(manager_page.locator(".alert-success")).to_have_text("Done: the comment is visible.")

    page.reload()
    expect(mine).to_contain_text("We let the foremen draw the first planning themselves.")
    expect(mine.locator(".badge")).to_have_count(0)

    # 3. The member replies to Ruben; the case's author replies to the member, who is told.
    ruben_comment = page.locator(f"#comment-{cast['ruben_comment'].pk}")
    ruben_comment.locator("> article").get_by_role("link", name="Reply to Ruben Mol").click()
    expect(page.locator("#replying-to")).to_contain_text("Did anyone ask the foremen what they needed?")
    page.fill("#id_body", "We did, and they wanted fewer meetings.")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.locator(".alert-success")).to_have_text("Your comment is posted.")
    expect(ruben_comment.locator("ol .comment")).to_contain_text("We did, and they wanted fewer meetings.")

    author_context = browser.new_context(**browser_context_args)
    author_page = author_context.new_page()
    log_in(author_page, url, "alice", next_path=case_path)
    noor_comment = author_page.locator(f"#comment-{first.pk}")
    noor_comment.locator("> article").get_by_role("link", name="Reply to Noor Visser").click()
    author_page.fill("#id_body", "Good point: that is what we ended up doing too.")
    author_page.get_by_role("button", name="Post the reply").click()
    expect(author_page.locator(".alert-success")).to_have_text("Your comment is posted.")
    answer = Comment.objects.get(body="Good point: that is what we ended up doing too.")
    page.reload()
    answer_on_page = page.locator(f"#comment-{answer.pk} > article")
    expect(answer_on_page).to_contain_text("Alice Adviseur")
    expect(answer_on_page.locator(".badge")).to_have_text("author of the case")
    (notification,) = [m for m in mail_to(NEW_MEMBER) if m is not confirmation]
    assert notification.subject == "Alice Adviseur replied to you on “The planning nobody trusted”"
    assert "Good point: that is what we ended up doing too." in notification.body

    # 4. Three members report the spam; after the third it is hidden; the manager removes it.
    public_context = browser.new_context(**browser_context_args)
    public_page = public_context.new_page()
    public_spam = public_page.locator(f"#comment-{spam.pk} > article")
    for n, reporter in enumerate(cast["reporters"], start=1):
        context = browser.new_context(**browser_context_args)
        reporter_page = context.new_page()
        log_in(reporter_page, url, reporter.username, next_path=case_path)
        reporter_page.locator(f"#comment-{spam.pk} > article").get_by_role("link", name="Report").click()
        reporter_page.fill("#id_reason", f"Advertising, not a contribution ({n}).")
        reporter_page.get_by_role("button", name="Send the report").click()
        expect(reporter_page.locator(".alert-success")).to_contain_text("A moderator will look at the comment")
        context.close()
        public_page.goto(f"{url}{case_path}")
        if n < 3:
            expect(public_spam).to_contain_text("Buy cheap followers")
    expect(public_spam).to_have_text("This comment was hidden by a moderator.")

    manager_page.get_by_role("link", name="Moderation").click()
    card = manager_page.locator(f"#moderate-{spam.pk}")
    expect(card).to_contain_text("Hidden · Quick Cash")
    expect(card).to_contain_text("3 open reports")
    expect(card).to_contain_text("Advertising, not a contribution (3).")
    card.get_by_label("Action").select_option(label="Remove")
    card.get_by_label("Reason (needed to hide or remove)").fill("Advertising")
    card.get_by_role("button", name="Apply").click()
    expect(manager_page.locator(".alert-success")).to_have_text("Done: the comment is removed.")
    expect(manager_page.locator("main")).to_contain_text("Nothing to moderate.")
    public_page.goto(f"{url}{case_path}")
    expect(public_spam).to_have_text("This comment was hidden by a moderator.")
    expect(public_page.locator("main")).not_to_contain_text("Buy cheap followers")
    expect(public_page.locator("#discussion")).to_have_text("Discussion (4 comments)")
    public_context.close()

    page.reload()
    screenshot(page, "community-case-page")  # docs/screenshots/ has a copy for the README

    # 5. A draft that still names its client: the author sends it for review, the manager's
    #    Publish is refused with the place shown, and goes through once the name is gone.
    draft = cast["draft"]
    author_page.get_by_role("link", name="My cases").click()
    author_page.get_by_role("link", name="A brewery that planned in a spreadsheet").click()
    author_page.get_by_role("button", name="Send for review").click()
    expect(author_page.locator(".alert-success")).to_contain_text("Sent for review")

    manager_page.get_by_role("link", name="My cases").click()
    manager_page.locator("#review-heading + ul").get_by_role("link", name=draft.title).click()
    manager_page.get_by_role("button", name="Publish").click()
    expect(manager_page.locator(".alert-danger").first).to_contain_text("still names its client in 1 place")
    expect(manager_page.locator("#anonymisation-hits mark")).to_have_text("Kalkhoven")
    manager_page.get_by_role("link", name="Edit").click()
    manager_page.fill("#id_body", "At the brewery the brewers planned every batch in one shared spreadsheet.")
    manager_page.get_by_role("button", name="Save").click()
    expect(manager_page.locator(".alert-success")).to_contain_text("The case study is saved.")
    expect(manager_page.locator("#anonymisation-hits")).to_have_count(0)
    manager_page.get_by_role("button", name="Publish").click()
    expect(manager_page.locator(".alert-success")).to_contain_text("Published")
    manager_page.goto(f"{url}/cases/")
    expect(manager_page.get_by_role("link", name=draft.title)).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.PUBLISHED
    manager_context.close()
    author_context.close()


def test_an_advisor_turns_an_engagements_lesson_into_a_published_anonymised_case(
    page, browser, browser_context_args, live_server, cast
):
    """From the engagement's page: "Write a case study" prefills the draft from the intake and
    the meeting's lesson with the client and its contact replaced; the author previews, saves
    and sends it for review; the manager publishes; the public page names no one."""
    url = live_server.url
    alice = CaseStudy.objects.get(slug=cast["case"].slug).author
    client = factories.ClientFactory(name="Zuivelhoeve Terpstra BV", sector="Dairy", created_by=alice)
    factories.ContactFactory(client=client, name="Wietske Terpstra", email="wietske@zuivelhoeve.nl", role="Owner")
    engagement = factories.EngagementFactory(
        client=client,
        lead=alice,
        title="Cheese dairy succession",
        stated_request="Wietske Terpstra asked us for a succession plan for Zuivelhoeve Terpstra.",
        underlying_need="The family had never talked about who would take over.",
    )
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=engagement.created_at)
    factories.MeetingLogFactory(
        meeting=meeting, logged_by=alice, lesson_learned="Ask who decides before you write a plan for them."
    )

    log_in(page, url, "alice", next_path=engagement.get_absolute_url())
    page.get_by_role("link", name="Write a case study").click()
    body = page.locator("#id_body")
    expect(body).to_contain_text("The family had never talked about who would take over.")
    expect(body).to_contain_text("Ask who decides before you write a plan for them.")
    for name in ("Terpstra", "Wietske", "Zuivelhoeve"):
        expect(body).not_to_contain_text(name)
        expect(page.locator("#id_title")).not_to_have_value(re.compile(name))
    page.fill("#id_title", "A succession nobody had discussed")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-heading + .case-body")).to_contain_text("Ask who decides")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The draft is saved")
    expect(page.locator("#anonymisation-hits")).to_have_count(0)
    page.get_by_role("button", name="Send for review").click()

    manager_context = browser.new_context(**browser_context_args)
    manager_page = manager_context.new_page()
    log_in(manager_page, url, "mila", next_path="/cases/mine/")
    manager_page.locator("#review-heading + ul").get_by_role("link", name="A succession nobody had discussed").click()
    manager_page.get_by_role("button", name="Publish").click()
    expect(manager_page.locator(".alert-success")).to_contain_text("Published")
    manager_context.close()

    public_context = browser.new_context(**browser_context_args)
    public_page = public_context.new_page()
    public_page.goto(f"{url}/cases/")
    public_page.get_by_role("link", name="A succession nobody had discussed").click()
    expect(public_page.locator("main")).to_contain_text("Ask who decides before you write a plan for them.")
    for secret in ("Terpstra", "Wietske", "Zuivelhoeve", "Cheese dairy succession"):
        expect(public_page.locator("main")).not_to_contain_text(secret)
    public_context.close()
