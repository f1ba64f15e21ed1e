import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_login_sends_a_consultant_to_my_week(client, consultant_a):
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("engagements:my_week")
    assert "Meetings in the next 7 days" in response.content.decode()


def test_login_with_a_wrong_password_says_so(client, consultant_a):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_community_member_lands_on_the_community_page(client, community_member):
    client.force_login(community_member)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("casestudies:list")  # their home is the case list
    assert "Case studies" in response.content.decode()
    assert "Engagements" not in response.content.decode()  # no engagement menu for members


def test_staff_without_role_goes_to_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("home")).url == reverse("admin:index")


def test_logout_is_a_post_and_ends_the_session(client, consultant_a):
    client.force_login(consultant_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("engagements:list")).status_code == 302


def test_password_reset_mails_a_link_that_works(client):
    user = factories.UserFactory(username="dora", email="dora@example.com")
    client.post(reverse("password_reset"), {"email": "dora@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "n3w-Passphrase!", "new_password2": "n3w-Passphrase!"}
    )

    user.refresh_from_db()
    assert user.check_password("n3w-Passphrase!")


def test_navigation_differs_per_role(client, consultant_a, community_member, staff):
    client.force_login(consultant_a)
    page = client.get(reverse("engagements:list")).content.decode()
    assert 'href="/engagements/"' in page and 'href="/admin/"' not in page
    client.force_login(community_member)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'href="/engagements/"' not in page and "Case studies" in page
    client.force_login(staff)
    page = client.get(reverse("engagements:list")).content.decode()
    assert 'href="/admin/"' in page


def test_language_switch_shows_dutch(client, consultant_a):
    client.force_login(consultant_a)
    response = client.post(reverse("set_language"), {"language": "nl", "next": reverse("engagements:list")})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "nl"
