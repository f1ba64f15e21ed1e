"""Security review, finding 4: headers of every main page and file, read as a browser gets
them under the production settings' middleware: a strict Content-Security-Policy, a
Permissions-Policy, and nothing a shared cache or the browser's back button may keep of a
logged-in user's pages and files."""

import pytest
from django.urls import reverse

from engagements.links import plan_link_token
from engagements.models import PlanShare
from tests.engagements.views.test_roles import ENGAGEMENT_PAGES, LIST_URLS, build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(engagement_a):
    return build_scene(engagement_a, client_name="Hoeksma Bakeries", contact_name="Dana Visser")


def assert_strict_csp(response) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def assert_permissions_policy(response) -> None:
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def assert_private(response) -> None:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= cache_control, response.get("Cache-Control")


@pytest.mark.parametrize("view", [pytest.param(p, id=p.name) for p in ENGAGEMENT_PAGES])
def test_every_engagement_page_and_file_is_private_and_strict(client, consultant_a, scene, view):
    client.force_login(consultant_a)
    response = client.get(view.url(scene))
    assert response.status_code == 200
    assert_private(response)
    assert_strict_csp(response)
    assert_permissions_policy(response)


@pytest.mark.parametrize("url_name", LIST_URLS + [pytest.param("advisors:settings", id="my settings")])
def test_every_list_page_is_private_and_strict(client, consultant_a, manager, url_name):
    managers_only = {
        "engagements:client_profile_edit",
        "engagements:review",
        "engagements:dashboard",
        "engagements:review_export",
        "engagements:list_export",
    }
    client.force_login(manager if url_name in managers_only else consultant_a)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_private(response)
    assert_strict_csp(response)
    assert_permissions_policy(response)


def test_the_clients_link_and_file_and_the_calendar_feed_are_private(client, consultant_a, scene):
    share = PlanShare.objects.create(
        plan=scene.plan, contact=scene.contact, shared_at=scene.plan.created_at, shared_by=consultant_a
    )
    token = plan_link_token(share)
    feed = reverse("calendar_feed", args=[consultant_a.advisor_profile.calendar_token])
    for url in (reverse("client_plan", args=[token]), reverse("client_plan_file", args=[token]), feed):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
        assert_strict_csp(response)


@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_public_pages_carry_the_policies_too(client, url_name):
    response = client.get(reverse(url_name))
    assert_strict_csp(response)
    assert_permissions_policy(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_report_only_mode_sends_the_policy_without_enforcing_it(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
