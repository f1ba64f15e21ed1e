"""E-mails about a case's discussion (eager Celery): who is told about a comment, once, in
their own language, with a one-click way out of that thread."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from advisors import roles
from casestudies import services
from casestudies.markup import render_markdown
from casestudies.models import CaseStudy, Comment, MemberProfile, Notification, ThreadMute
from casestudies.services.notifications import SCAN_AFTER
from tests import factories

NEW_COMMENT_SUBJECT = "%(name)s commented on your case “%(title)s”"
REPLY_SUBJECT = "%(name)s replied to you on “%(title)s”"


@pytest.fixture(autouse=True)
def _comments_shown_at_once(settings):
    """Most tests are about e-mails, not moderation: comments go up at once unless a test
    turns holding back on."""
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False


def set_language(advisor, language):
    advisor.advisor_profile.language = language
    advisor.advisor_profile.save()
    return advisor


def member(username, *, display_name, language="en"):
    """A confirmed community member who signed up in `language`."""
    user = factories.UserFactory(username=username, roles=[roles.COMMUNITY_MEMBER])
    MemberProfile.objects.create(user=user, display_name=display_name, language=language, confirmed_at=timezone.now())
    return user


def published_case(author, title="A rota that nobody liked", slug=None):
    body = "The team changed the rota twice in one month."
    return CaseStudy.objects.create(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        body=body,
        body_html=render_markdown(body),
        question="What would you have asked first?",
        author=author,
        status=CaseStudy.Status.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.fixture
def alice(consultant_a):
    """The case's author, reading her e-mails in English."""
    return set_language(consultant_a, "en")


@pytest.fixture
def carol(db):
    return member("carol", display_name="Carol from Leiden")


@pytest.fixture
def case(alice):
    return published_case(alice)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post a comment through the service and run what it left for after the commit."""

    def run(case, author, body="I would have asked the night shift first.", parent=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.comment_post(case=case, author=author, body=body, parent_id=parent.pk if parent else None)

    return run


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# --- who is told ------------------------------------------------------------------------------
def test_the_case_author_gets_one_email_about_a_new_comment(post, case, alice, carol):
    comment = post(case, carol)

    assert len(mail.outbox) == 1
    [message] = mails_to(alice)
    assert "Carol from Leiden" in message.subject and case.title in message.subject
    assert comment.get_absolute_url() in message.body
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (alice, Notification.Kind.NEW_COMMENT)
    assert notification.sent_at is not None


def test_a_commenter_gets_one_email_about_a_reply(post, case, alice, carol, consultant_b):
    first = post(case, carol)
    mail.outbox.clear()

    post(case, consultant_b, "Did the night shift get a say?", parent=first)

    [to_carol] = mails_to(carol)
    assert "replied" in to_carol.subject
    assert Notification.objects.get(recipient=carol).kind == Notification.Kind.REPLY
    assert len(mails_to(alice)) == 1, "the case's author hears of the reply as a new comment"
    assert len(mail.outbox) == 2


def test_the_case_author_replied_to_gets_one_email_not_two(post, case, alice, carol):
    own = post(case, alice, "Here is what we did in the end.")
    assert mail.outbox == []

    post(case, carol, "And did it work?", parent=own)

    [message] = mail.outbox
    assert message.to == [alice.email]
    assert Notification.objects.get().kind == Notification.Kind.REPLY


def test_a_reply_at_the_deepest_level_tells_the_one_answered(post, case, alice, carol, consultant_b, manager):
    """The thread stays two levels deep, but the author of the comment answered is told,
    and the page says whom the reply answers."""
    top = post(case, carol, "Start with the night shift.")
    middle = post(case, consultant_b, "Which night shift?", parent=top)
    deepest = post(case, carol, "The one in the warehouse.", parent=middle)
    mail.outbox.clear()

    answer = post(case, manager, "Ah, that one.", parent=deepest)

    assert (answer.parent, answer.reply_to, answer.depth) == (middle, deepest, 2)
    assert Notification.objects.get(comment=answer, recipient=carol).kind == Notification.Kind.REPLY
    assert not Notification.objects.filter(comment=answer, recipient=consultant_b).exists()
    page = Client().get(case.get_absolute_url()).content.decode()
    shown = page.split(f'id="comment-{answer.pk}"', 1)[1].split("</p>", 1)[0]
    assert "in reply to Carol from Leiden" in shown


def test_an_inactive_recipient_is_not_mailed(post, case, alice, carol):
    alice.is_active = False
    alice.save()

    post(case, carol)

    assert mail.outbox == []
    assert Notification.objects.get().skipped_at is not None


def test_nobody_is_mailed_about_their_own_comment(post, case, alice, carol):
    post(case, alice, "A note from the author.")
    first = post(case, carol)
    post(case, carol, "And one more thing.", parent=first)

    assert mails_to(carol) == []
    assert len(mails_to(alice)) == 2
    assert not Notification.objects.filter(recipient=carol).exists()


def test_a_held_comment_sends_nothing_until_approved_then_once(
    post, case, alice, staff, settings, django_capture_on_commit_callbacks
):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = True
    newcomer = member("erin", display_name="Erin the newcomer")

    comment = post(case, newcomer)
    assert comment.status == Comment.Status.HELD
    services.notifications_scan(now=timezone.now() + SCAN_AFTER * 2)
    assert mail.outbox == []
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, by=staff, action="approved")
    services.notifications_scan(now=timezone.now() + SCAN_AFTER * 2)

    [message] = mail.outbox
    assert message.to == [alice.email]


# --- the database decides ----------------------------------------------------------------------
def test_sending_one_row_twice_and_scanning_twice_sends_nothing_more(post, case, carol):
    post(case, carol)
    notification = Notification.objects.get()
    later = timezone.now() + SCAN_AFTER * 2

    assert services.notification_send(notification_id=notification.pk) == "taken"
    assert services.notification_send(notification_id=notification.pk) == "taken"
    assert services.notifications_scan(now=later) == 0
    assert services.notifications_scan(now=later) == 0
    assert len(mail.outbox) == 1


def test_the_scan_sends_a_notification_whose_task_was_lost_once(case, alice, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happened
        services.comment_post(case=case, author=carol, body="Lost on the way to the broker.")
    assert mail.outbox == []

    assert services.notifications_scan() == 0, "too early: its task may still be on its way"
    later = timezone.now() + SCAN_AFTER * 2
    assert services.notifications_scan(now=later) == 1
    assert services.notifications_scan(now=later) == 0
    assert services.notification_send(notification_id=Notification.objects.get().pk) == "taken"

    [message] = mail.outbox
    assert message.to == [alice.email]


def test_a_notification_never_sent_is_given_up_after_three_days(case, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.comment_post(case=case, author=carol, body="Lost on the way to the broker.")

    assert services.notifications_scan(now=timezone.now() + timedelta(days=4)) == 0
    assert Notification.objects.get().skipped_at is not None
    assert mail.outbox == []


# --- muted threads -----------------------------------------------------------------------------
def test_a_muted_thread_sends_nothing(post, case, alice, carol):
    services.thread_mute(user_id=alice.pk, case_id=case.pk)

    post(case, carol)

    assert mail.outbox == []


def test_muting_while_the_email_waits_sends_nothing(case, alice, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.comment_post(case=case, author=carol, body="Posted just before the author unsubscribed.")
    services.thread_mute(user_id=alice.pk, case_id=case.pk)

    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert Notification.objects.get().skipped_at is not None


# --- the e-mail ----------------------------------------------------------------------------------
def test_the_email_has_text_and_html_and_a_one_click_unsubscribe(post, case, carol):
    post(case, carol, "Ask the **night shift** first.")

    [message] = mail.outbox
    html = html_of(message)
    assert "night shift" in message.body and "<strong>night shift</strong>" in html
    assert "Hello" in message.body and "Hello" in html
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    link = header[1:-1]
    assert "/cases/unsubscribe/" in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert f'href="{link}"' in html


def test_a_member_who_signed_up_in_dutch_reads_dutch(post, case, alice, consultant_b):
    dutch_member = member("femke", display_name="Femke uit Delft", language="nl")
    first = post(case, dutch_member)
    mail.outbox.clear()

    post(case, consultant_b, "Which shift were you on?", parent=first)

    [message] = mails_to(dutch_member)
    with translation.override("nl"):
        expected = gettext(REPLY_SUBJECT) % {"name": consultant_b.get_full_name(), "title": case.title}
    assert message.subject == expected
    assert "Hallo Femke uit Delft," in message.body  # from locale/nl
    assert "Hallo Femke uit Delft," in html_of(message)
    assert 'lang="nl"' in html_of(message)
    assert "Hello" not in message.body


def test_an_advisor_who_reads_dutch_gets_dutch(post, manager, carol):
    dutch_case = published_case(set_language(manager, "nl"), title="Een rooster dat niemand wilde", slug="rooster")

    post(dutch_case, carol)

    [message] = mail.outbox
    with translation.override("nl"):
        expected = gettext(NEW_COMMENT_SUBJECT) % {"name": "Carol from Leiden", "title": dutch_case.title}
    assert message.subject == expected
    assert message.body.startswith("Hallo ")
    assert 'lang="nl"' in html_of(message)


def test_an_english_reader_gets_english(post, case, carol):
    post(case, carol)

    [message] = mail.outbox
    assert message.subject == NEW_COMMENT_SUBJECT % {"name": "Carol from Leiden", "title": case.title}
    assert message.body.startswith("Hello ")
    assert 'lang="en"' in html_of(message)


# --- the unsubscribe link ----------------------------------------------------------------------
def unsubscribe_link(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"][1:-1]).path


def test_the_link_mutes_that_thread_only(post, case, alice, carol):
    other_case = published_case(alice, title="A second case of hers", slug="second")
    post(case, carol)
    link = unsubscribe_link(mail.outbox[0])
    mail.outbox.clear()

    response = Client().get(link)  # no login: the token is the key

    assert response.status_code == 200
    assert "no longer receive e-mails" in response.content.decode()
    assert ThreadMute.objects.filter(user=alice, case=case).exists()
    post(case, carol, "Nobody hears of this one.")
    assert mail.outbox == []
    post(other_case, carol, "But this case still notifies.")
    [message] = mail.outbox
    assert other_case.title in message.subject


def test_the_one_click_post_of_a_mail_client_mutes_without_csrf(post, case, alice, carol):
    post(case, carol)
    link = unsubscribe_link(mail.outbox[0])

    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert ThreadMute.objects.filter(user=alice, case=case).exists()


def test_subscribing_again_unmutes(post, case, alice, carol):
    post(case, carol)
    link = unsubscribe_link(mail.outbox[0])
    client = Client()
    client.get(link)
    mail.outbox.clear()

    response = client.post(link, {"subscribe": "1"})

    assert response.status_code == 200
    assert "again" in response.content.decode()
    assert not ThreadMute.objects.filter(user=alice, case=case).exists()
    post(case, carol, "Back in the loop.")
    assert len(mails_to(alice)) == 1


def test_a_tampered_token_is_404(post, case, alice, carol):
    post(case, carol)
    link = unsubscribe_link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("casestudies:unsubscribe", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])
    unsigned_by_us = signing.dumps({"u": alice.pk, "c": case.pk}, salt="another.salt", compress=True)
    forged = reverse("casestudies:unsubscribe", args=[unsigned_by_us])

    client = Client()
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, {"subscribe": "1"}).status_code == 404
    assert client.get(forged).status_code == 404
    assert not ThreadMute.objects.exists()
