"""Security review, finding 3: guessing passwords, flooding password resets and the
client's answer form. Logins lock after a number of failures per username and per address
(django-axes, the admin login included); resets and client answers are rate limited
(django-ratelimit) with a clear message."""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from core.security import client_ip
from engagements import services
from engagements.models import PlanAnswer, PlanShare
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-1"


def login(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client, consultant_a, settings):
    for _ in range(30):
        login(client, "alice", "guess")
    response = login(client, "alice", PASSWORD)

    assert not logged_in(client)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins" in text
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in text


def test_the_lockout_speaks_dutch(client, consultant_a, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "guess")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Te veel mislukte" in response.content.decode()


def test_failures_below_the_limit_do_not_lock(client, consultant_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "alice", "guess")
    login(client, "alice", PASSWORD)
    assert logged_in(client)


def test_the_limit_holds_per_address_across_usernames(client, consultant_a, consultant_b, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"nobody{n}", "guess")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_admin_login_locks_too(client, staff, settings):
    url = reverse("admin:login")
    for _ in range(30):
        login(client, "sam_staff", "guess", url=url)
    response = login(client, "sam_staff", PASSWORD, url=url)
    assert response.status_code == 429
    assert not logged_in(client)


def test_a_failed_login_is_logged(client, consultant_a, caplog):
    with caplog.at_level(logging.WARNING, logger="rapport.security"):
        login(client, "alice", "guess")
    record = next(r for r in caplog.records if r.name == "rapport.security")
    assert "login failed" in record.getMessage()
    assert "alice" in record.getMessage()
    assert "127.0.0.1" in record.getMessage()
    assert "guess" not in record.getMessage()


def test_staff_lift_a_lockout_in_the_admin(client, consultant_a, staff, settings):

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "guess")
    assert login(client, "alice", PASSWORD).status_code == 429

    admin = factories.UserFactory(username="other_staff", is_staff=True, is_superuser=True)
    staff_client = client.__class__()
    staff_client.force_login(admin)
    changelist = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "alice" in changelist.content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    staff_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()
    login(client, "alice", PASSWORD)
    assert logged_in(client)


def test_thirty_reset_requests_for_one_inbox_send_a_few_mails(client, consultant_a, settings):
    responses = [client.post(reverse("password_reset"), {"email": consultant_a.email}) for _ in range(30)]

    assert 1 <= len(mail.outbox) <= 3
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) >= 27
    assert "Too many requests" in refused[-1].content.decode()


@pytest.fixture
def link(engagement_a, django_capture_on_commit_callbacks):
    plan = factories.DraftPlanFactory(engagement=engagement_a, title="Plan for the board", summary="Two options.")
    contact = factories.ContactFactory(client=engagement_a.client, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact], by=engagement_a.lead)
    return re.search(r"https?://[^/\s]+(/p/\S+/)", mail.outbox[-1].body).group(1)


def test_one_link_takes_a_few_answers_and_then_says_wait(client, link):
    answers = [
        client.post(link, {"received": "yes", "matches_expectations": "no", "adjustments": f"Try {n}."})
        for n in range(30)
    ]
    stored = PlanAnswer.objects.count()
    assert 1 <= stored <= 10
    refused = [r for r in answers if r.status_code == 429]
    assert len(refused) == 30 - stored
    assert "Too many answers" in refused[-1].content.decode()
    assert "Plan for the board" in refused[-1].content.decode()  # the page stays usable


def test_the_same_answer_sent_twice_within_a_minute_is_stored_once(client, link):
    answer = {"received": "yes", "matches_expectations": "partly", "adjustments": "Less training."}
    first = client.post(link, answer)
    second = client.post(link, answer)
    assert first.status_code == second.status_code == 302
    assert PlanAnswer.objects.count() == 1
    assert PlanShare.objects.get().answers.count() == 1


def test_logging_in_to_ones_own_account_does_not_reset_the_count_against_another(
    client, consultant_a, consultant_b, settings
):
    """Review finding: a successful login used to wipe every failure from that address, so
    Bob could guess Alice's password forever by logging in as himself between guesses."""
    for _ in range(6):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, "alice", "guess")
        login(client, "bob", PASSWORD)
        client.post(reverse("logout"))
    assert login(client, "alice", PASSWORD).status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("forwarded", ["not-an-ip", "999.1.1.1", "", "1.2.3.4, <script>"])
def test_a_forged_forwarded_for_header_falls_back_to_the_peer_address(client, settings, forwarded):
    settings.RAPPORT_TRUSTED_PROXIES = 1
    response = client.post(reverse("password_reset"), {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_one_it_added(rf, settings):

    settings.RAPPORT_TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"  # the entry left of it could be forged
    settings.RAPPORT_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"


@pytest.fixture
def cache_server_down(settings):
    """The shared cache (Redis in production) does not answer: a real RedisCache pointed at a
    port where nothing listens."""
    settings.CACHES = {  # Django's setting_changed handler drops the old cache connections
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    yield


def test_the_client_can_still_answer_when_the_cache_is_down(client, link, cache_server_down, caplog):
    response = client.post(link, {"received": "yes", "matches_expectations": "yes", "adjustments": ""})
    assert response.status_code == 302
    assert PlanAnswer.objects.count() == 1
    assert any("rate limit unavailable" in r.getMessage() for r in caplog.records)


def test_a_password_reset_still_works_when_the_cache_is_down(client, consultant_a, cache_server_down):
    response = client.post(reverse("password_reset"), {"email": consultant_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
