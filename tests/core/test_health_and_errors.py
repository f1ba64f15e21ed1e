import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import permission_denied, server_error

from core import health


@pytest.mark.django_db
def test_health_reports_database_and_broker(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_health_answers_503_when_the_broker_is_down(client, monkeypatch):
    # A real connection attempt to a port nothing listens on: it must fail fast and say so.
    dead_broker = "redis://127.0.0.1:1/0"
    real_check = health.check_broker
    monkeypatch.setattr(health, "check_broker", lambda: real_check(dead_broker))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_health_reports_a_database_that_does_not_answer(monkeypatch):
    def broken_cursor():
        raise OSError("no route")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    ok, detail = health.check_database()
    assert not ok and detail == "OSError"


@pytest.mark.django_db
def test_404_page_is_in_the_sites_style(client, consultant_a):
    client.force_login(consultant_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    assert "Rapport" in response.content.decode()


@pytest.mark.django_db
def test_500_page_is_in_the_sites_style():

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_in_the_sites_style(rf, consultant_a):

    request = rf.get("/")
    request.user = consultant_a
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_pages_use_no_cdn(client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "http://" not in html and "https://" not in html
