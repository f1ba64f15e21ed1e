"""Joining the community: the form, the e-mail with its link, the confirmation, the login."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from advisors import roles
from casestudies.models import MemberProfile
from tests.casestudies.scene import field_errors, make_case, text_of

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "a-long-rota-of-bakers"
FORM = {
    "display_name": "  Rosa   Bakker ",
    "email": "Rosa.Bakker@Example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}
LINK = re.compile(r"https?://[^\s\"<>]+/cases/join/[^/\s]+/[^/\s]+/")


def sign_up(client, **changes):
    return client.post(reverse("casestudies:signup"), {**FORM, **changes})


def confirmation_link(message) -> str:
    links = set(LINK.findall(message.body))
    assert len(links) == 1, message.body
    return links.pop()


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_signing_up_creates_an_inactive_member_and_sends_one_link(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("casestudies:signup_sent")
    assert "Check your inbox" in text_of(client.get(response.url))
    user = User.objects.get()
    assert (user.username, user.email, user.is_active) == ("rosa.bakker@example.org", "rosa.bakker@example.org", False)
    assert roles.is_community_member(user)
    assert user.member_profile.display_name == "Rosa Bakker"
    assert user.member_profile.confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa.bakker@example.org"]
    assert message.subject == "Confirm your e-mail address for the Rapport community"
    assert path_of(confirmation_link(message)) in message.alternatives[0][0]  # the HTML part has it too


def test_following_the_link_confirms_once_and_the_member_logs_in_with_the_address(client):
    sign_up(client)
    url = path_of(confirmation_link(mail.outbox[0]))

    # Opening the link (as a mail scanner does) confirms nothing; it shows a button.
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirm that rosa.bakker@example.org is yours" in text_of(response)
    assert '<button class="btn btn-primary" type="submit">Confirm</button>' in response.content.decode()
    assert not User.objects.get().is_active

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('casestudies:list')}"
    user = User.objects.get()
    assert user.is_active
    assert user.member_profile.confirmed_at is not None
    response = client.post(reverse("login"), {"username": "rosa.bakker@example.org", "password": PASSWORD}, follow=True)
    assert response.context["user"] == user

    # The link worked once.
    client.logout()
    response = client.post(url)
    assert response.status_code == 404
    assert "This link does not work" in text_of(response)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda uid, token: (uid, token[:-2] + ("aa" if not token.endswith("aa") else "bb")), id="token"),
        pytest.param(lambda uid, token: ("OTk5OTk", token), id="user"),
        pytest.param(lambda uid, token: ("!!!", token), id="garbage"),
    ],
)
def test_a_tampered_link_shows_the_invalid_page_and_confirms_nothing(client, tamper):
    sign_up(client)
    uid, token = path_of(confirmation_link(mail.outbox[0])).strip("/").split("/")[-2:]
    bad = reverse("casestudies:confirm", args=tamper(uid, token))

    for response in (client.get(bad), client.post(bad)):
        assert response.status_code == 404
        assert "This link does not work" in text_of(response)
    assert not User.objects.get().is_active


def test_signing_up_with_a_known_address_shows_the_same_page_and_sends_a_note(client, consultant_a):
    response = sign_up(client, email="ALICE@example.com")

    assert response.status_code == 302
    assert response.url == reverse("casestudies:signup_sent")
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert not MemberProfile.objects.exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].subject == "You already have a Rapport account"
    assert not LINK.findall(mail.outbox[0].body)  # no confirmation link for an existing account


def test_signing_up_again_before_confirming_sends_a_fresh_link_and_no_second_account(client):
    sign_up(client)
    sign_up(client)

    assert User.objects.count() == 1
    assert len(mail.outbox) == 2
    assert all(LINK.findall(message.body) for message in mail.outbox)


def test_different_passwords_are_refused_next_to_the_field(client):
    response = sign_up(client, password2="a-long-rota-of-baker")

    assert response.status_code == 400
    assert field_errors(response, "password2") == ["The two passwords differ."]
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("rota", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("93817265", "This password is entirely numeric."),
    ],
)
def test_a_weak_password_is_refused_next_to_the_field(client, password, error):
    response = sign_up(client, password1=password, password2=password)

    assert response.status_code == 400
    assert error in field_errors(response, "password1")
    assert not User.objects.exists()
    assert not mail.outbox


def test_signing_up_while_logged_in_goes_to_the_cases(client, community_member):
    client.force_login(community_member)
    response = sign_up(client, email="someone.new@example.org")
    assert response.status_code == 302
    assert response.url == reverse("casestudies:list")
    assert not User.objects.filter(email="someone.new@example.org").exists()


def test_too_many_sign_ups_from_one_address_are_refused_with_429(client, settings):
    settings.RAPPORT_RATE_LIMITS = {**settings.RAPPORT_RATE_LIMITS, "signup_per_address": "2/h"}
    for n in (1, 2):
        assert sign_up(client, email=f"member{n}@example.org").status_code == 302

    response = sign_up(client, email="member3@example.org")

    assert response.status_code == 429
    assert "Too many sign-ups from your address. Please wait an hour and try again." in text_of(response)
    assert not User.objects.filter(email="member3@example.org").exists()
    assert len(mail.outbox) == 2


def test_a_display_name_with_markup_is_inert_on_the_case_page(client, settings, consultant_a):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False
    case = make_case(consultant_a)
    payload = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    sign_up(client, display_name=payload)
    client.post(path_of(confirmation_link(mail.outbox[0])))
    client.force_login(User.objects.get(email="rosa.bakker@example.org"))
    response = client.post(reverse("casestudies:comment", args=[case.slug]), {"body": "Hello."}, follow=True)
    assert "Your comment is posted." in text_of(response)
    client.logout()

    response = client.get(case.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is
