"""`__any`: the same rows as `__in`, with the list sent as one parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Engagement
from tests import factories

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_in_the_list_and_none_for_an_empty_list(consultant_a):
    first, second, third = (factories.EngagementFactory(lead=consultant_a, title=f"E{i}") for i in range(3))

    assert set(Engagement.objects.filter(pk__any=[first.pk, third.pk])) == {first, third}
    assert list(Engagement.objects.filter(lead_id__any=[consultant_a.pk]).order_by("title")) == [first, second, third]
    assert list(Engagement.objects.filter(pk__any=[])) == []
    assert set(Engagement.objects.exclude(pk__any=[second.pk])) == {first, third}


def test_on_postgresql_the_list_is_one_parameter(consultant_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere __any is an IN of the values")
    ids = [factories.EngagementFactory(lead=consultant_a).pk for _ in range(3)]

    with CaptureQueriesContext(connection) as captured:
        list(Engagement.objects.filter(pk__any=ids))

    assert "= ANY(" in captured.captured_queries[0]["sql"]


def test_any_takes_a_subquery_and_finds_the_same_rows_as_in(consultant_a, consultant_b):
    """A subquery on the right: the rows of `__in` with it (PostgreSQL gets `= ANY(ARRAY(...))`,
    an array computed once that the planner can look up in an index)."""
    mine = factories.EngagementFactory(lead=consultant_a)
    joined = factories.EngagementFactory(lead=consultant_b)
    joined.members.add(consultant_a)
    factories.EngagementFactory(lead=consultant_b)
    member_of = Engagement.members.through.objects.filter(user=consultant_a).values("engagement")

    assert set(Engagement.objects.filter(pk__any=member_of)) == {joined}
    assert set(Engagement.objects.filter(pk__any=member_of)) == set(Engagement.objects.filter(pk__in=member_of))
    assert set(Engagement.objects.filter(lead_id__any=Engagement.objects.filter(pk=mine.pk).values("lead"))) == {mine}
    assert list(Engagement.objects.filter(pk__any=member_of.none())) == []


def test_on_postgresql_a_subquery_becomes_an_array(consultant_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere __any of a subquery is an IN of it")
    member_of = Engagement.members.through.objects.filter(user=consultant_a).values("engagement")

    with CaptureQueriesContext(connection) as captured:
        list(Engagement.objects.filter(pk__any=member_of))

    assert "= ANY(ARRAY(SELECT" in captured.captured_queries[0]["sql"]
