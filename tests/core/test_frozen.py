"""core.frozen: a queryset's SQL built once per shape, each call's values put in."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import DateTimeField
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import frozen as frozen_module
from core.frozen import Param, frozen
from engagements import policy
from engagements.models import Engagement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_kept_shapes():
    frozen_module._built.clear()
    yield
    frozen_module._built.clear()


def _led_by(params, user_id):
    lead = Param("lead") if params else user_id
    return Engagement.objects.filter(lead_id=lead).select_related("client").order_by("title")


def test_each_call_gets_the_rows_of_its_own_values_from_sql_built_once(consultant_a, consultant_b):
    alices = [factories.EngagementFactory(lead=consultant_a, title=f"A{i}") for i in range(2)]
    bobs = factories.EngagementFactory(lead=consultant_b, title="B")
    builds = []

    def build(params, user_id):
        builds.append(params)
        return _led_by(params, user_id)

    with override_settings(FROZEN_QUERIES_CHECK=False):
        first = list(frozen(("led",), lambda p: build(p, consultant_a.pk), lead=consultant_a.pk))
        second = list(frozen(("led",), lambda p: build(p, consultant_b.pk), lead=consultant_b.pk))

    assert first == alices and second == [bobs]
    assert builds == [True]  # the second call put Bob's id in the SQL built for Alice
    assert first[0].client.name == alices[0].client.name  # select_related came along


def test_values_rows_and_a_queryset_of_nothing(consultant_a, community_member):
    engagement = factories.EngagementFactory(lead=consultant_a, title="Kept")

    def titles(params):
        return _led_by(params, consultant_a.pk).values_list("pk", "title", named=True)

    (row,) = frozen(("titles",), titles, lead=consultant_a.pk)
    assert (row.pk, row.title) == (engagement.pk, "Kept")

    shape, values = policy.visibility_shape(community_member)
    nothing = frozen(("visible", shape), lambda p: policy.engagements_visible_to(community_member, params=p), **values)
    with CaptureQueriesContext(connection) as captured:
        assert list(nothing) == []
    assert captured.captured_queries == []


def test_the_check_fails_a_key_that_leaves_out_what_changes_the_sql(consultant_a, manager):
    """The tests run with FROZEN_QUERIES_CHECK: a key without the user's shape (a manager
    sees their team's engagements too, a consultant does not) is found on the second call."""

    def visible(user):
        return lambda params: policy.engagements_visible_to(user, params=params)

    _, alice = policy.visibility_shape(consultant_a)
    _, mila = policy.visibility_shape(manager)
    list(frozen(("visible",), visible(consultant_a), **alice))
    with pytest.raises(AssertionError, match="does the key name everything"):
        list(frozen(("visible",), visible(manager), **mila))


def test_a_frozen_queryset_refuses_more_filters_and_a_missing_value(consultant_a):
    rows = frozen(("led",), lambda p: _led_by(p, consultant_a.pk), lead=consultant_a.pk)
    with pytest.raises(TypeError, match="runs as it is"):
        rows.filter(title="x")
    with pytest.raises(TypeError, match="no value for lead"):
        frozen(("led", "again"), lambda p: _led_by(p, consultant_a.pk))


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808"])
def test_an_engagement_id_past_what_the_column_holds_is_not_found(client, consultant_a, pk):
    """The engagement page's query is frozen: an id too large for the column answers 404 as
    Django's own lookup does, never a database error."""
    factories.EngagementFactory(lead=consultant_a)
    client.force_login(consultant_a)
    assert client.get(f"/engagements/{pk}/").status_code == 404


def test_a_related_managers_queryset_is_refused(consultant_a):
    """Its rows would come with the first call's engagement attached, whatever the values."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    with pytest.raises(TypeError, match="related manager"):
        frozen(("meetings",), lambda p: engagement.meetings.all(), engagement=engagement.pk)


def test_a_moment_as_a_value_is_written_as_the_database_takes_it(consultant_a):
    """A Param with a DateTimeField: on SQLite the moment goes in as text, as a lookup writes it."""
    engagement = factories.EngagementFactory(lead=consultant_a)
    now = timezone.now()

    def changed_since(params, moment):
        since = Param("since", DateTimeField()) if params else moment
        return Engagement.objects.filter(updated_at__gte=since).values_list("pk", flat=True)

    for moment, expected in ((now - timedelta(hours=1), [engagement.pk]), (now + timedelta(hours=1), [])):
        assert list(frozen(("since",), lambda p, m=moment: changed_since(p, m), since=moment)) == expected


def test_the_session_of_a_request_is_found_and_an_expired_one_is_not(client, consultant_a):
    """core.sessions: the logged-in user stays logged in; a session past its expiry logs out."""
    client.force_login(consultant_a)
    assert client.get("/engagements/").status_code == 200
    Session.objects.update(expire_date=timezone.now())
    assert client.get("/engagements/").status_code == 302
