import importlib

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from advisors import roles
from config.celery_app import app as celery_app
from tests import factories
from tests.services import REQUIRED, require_redis

create_roles = importlib.import_module("advisors.migrations.0002_roles").create_roles


# --- CI: a skipped test is a failed test -------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRED and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every service must be there: {reason}"


# --- files ---------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    """Every test writes confidential files to its own temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Dutch leaves Dutch active in the thread: every test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- the role groups ------------------------------------------------------------------------
DB_FIXTURES = {"db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _role_groups(request):
    """The role groups (advisors migration 0002) for every test that uses the database.

    pytest-django runs the tests that reach the database only through fixtures after the
    live-server (transactional) tests, whose flush at the end removes what the migrations
    made; without this, a consultant made by a factory after them finds no group.
    """
    if not (DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("_django_db_helper")
    if Group.objects.filter(name__in=roles.ALL).count() < len(roles.ALL):
        create_roles(django_apps, None)


# --- the cast ------------------------------------------------------------------------------
@pytest.fixture
def team(db):
    return factories.TeamFactory(name="Team West")


@pytest.fixture
def manager(team):
    user = factories.UserFactory(username="manager_mila", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=user, team=team, title="Manager")
    return user


@pytest.fixture
def consultant_a(team, manager):
    """Alice: leads engagements in the manager's team."""
    user = factories.UserFactory(username="alice", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user, team=team, manager=manager)
    return user


@pytest.fixture
def consultant_b(db):
    """Bob: a consultant of another team."""
    user = factories.UserFactory(username="bob", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=user, team=factories.TeamFactory(name="Team Oost"))
    return user


@pytest.fixture
def community_member(db):
    return factories.UserFactory(username="carol", roles=[roles.COMMUNITY_MEMBER])


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="sam_staff", is_staff=True, is_superuser=True)


@pytest.fixture
def engagement_a(consultant_a):
    return factories.EngagementFactory(lead=consultant_a, title="Engagement led by Alice")


# --- a real Celery worker --------------------------------------------------------------------
@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the real broker (Redis in CI).

    Tasks are sent for real (not eager), run in the worker's thread with its own database
    connection, which is closed after each task so the test database can be dropped.
    """
    require_redis()

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True
        task_postrun.disconnect(close_connections)
