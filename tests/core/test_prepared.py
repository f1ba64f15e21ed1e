"""core.prepared: a frozen queryset's SQL prepared once per PostgreSQL connection."""

import logging
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import DateTimeField
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import frozen as frozen_module
from core import prepared
from core.frozen import Param, frozen
from engagements.models import Engagement
from tests import factories
from tests.services import require_postgres

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def postgres_only():
    require_postgres()


@pytest.fixture(autouse=True)
def no_kept_shapes():
    frozen_module._built.clear()
    yield
    frozen_module._built.clear()


def _server_statement_types(name: str) -> list[str]:
    """The parameter types of the statement `name` this connection prepared."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s", [name])
        (types,) = cursor.fetchone()
        return types


def _recent(params, lead, since):
    return Engagement.objects.filter(
        lead_id=Param("lead") if params else lead,
        created_at__gte=Param("since", DateTimeField()) if params else since,
    ).order_by("title")


def test_a_frozen_queryset_runs_as_one_statement_prepared_once_with_typed_parameters(consultant_a, consultant_b):
    mine = factories.EngagementFactory(lead=consultant_a, title="Prepared A")
    theirs = factories.EngagementFactory(lead=consultant_b, title="Prepared B")
    since = timezone.now() - timedelta(days=1)

    def run(user):
        return list(frozen(("recent",), lambda p: _recent(p, user.pk, since), lead=user.pk, since=since))

    with CaptureQueriesContext(connection) as captured:
        assert run(consultant_a) == [mine]
        assert run(consultant_b) == [theirs]  # the other values in the same statement

    # Django saw the SQL itself, twice, as always; the server prepared it once.
    assert len(captured.captured_queries) == 2
    assert captured.captured_queries[0]["sql"].startswith('SELECT "engagements_engagement"."id"')
    assert f'"lead_id" = ({consultant_b.pk})' in captured.captured_queries[1]["sql"]
    name = prepared._statements[frozen_module._built[("recent",)].sql].name
    assert sorted(_server_statement_types(name)) == ["bigint", "timestamp with time zone"]


def test_a_statement_postgresql_refuses_runs_unprepared_and_leaves_the_transaction_usable(consultant_a, caplog):
    engagement = factories.EngagementFactory(lead=consultant_a, title="Refused")
    # A text parameter compared with an integer column: PostgreSQL refuses the typed PREPARE.
    sql = 'SELECT "title" FROM "engagements_engagement" WHERE "id"::text = %s AND "lead_id" = %s'
    prepared.register(sql, ["bigint", "bigint"])
    try:
        with (
            override_settings(FROZEN_QUERIES_CHECK=False),
            caplog.at_level(logging.WARNING, "core.prepared"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, prepared.Values([str(engagement.pk), consultant_a.pk]))
            assert cursor.fetchall() == [("Refused",)]
            cursor.execute("SELECT count(*) FROM engagements_engagement")  # the transaction goes on
            assert cursor.fetchone() == (1,)
        assert "refused to prepare" in caplog.text
        assert prepared._statements[sql].refused
    finally:
        prepared._statements.pop(sql, None)


def test_under_the_check_a_refused_statement_fails_the_test(consultant_a):
    sql = 'SELECT "title" FROM "engagements_engagement" WHERE "id"::text = %s'
    prepared.register(sql, ["bigint"])
    try:
        with pytest.raises(AssertionError, match="refused to prepare"), connection.cursor() as cursor:
            cursor.execute(sql, prepared.Values(["1"]))
    finally:
        prepared._statements.pop(sql, None)


def test_an_id_beyond_32_bits_is_a_value_like_any_other(consultant_a):
    def build(params):
        return Engagement.objects.filter(pk=Param("pk") if params else 2**40)

    assert list(frozen(("beyond",), build, pk=2**40)) == []


def test_sql_with_a_parameter_of_no_known_type_is_not_prepared():
    sql = "SELECT %s::jsonb"
    prepared.register(sql, ["text", None])
    assert sql not in prepared._statements
    assert prepared.parameter_type(object()) is None
    assert prepared.parameter_type(True) == "boolean"  # a bool is not taken for an int


def test_the_same_sql_with_ordinary_values_runs_as_it_is(consultant_a):
    """Only a frozen queryset's values (prepared.Values) run prepared: the same SQL text from
    an ordinary queryset may carry values of other types."""
    sql = 'SELECT "title" FROM "engagements_engagement" WHERE "id"::text = %s'
    prepared.register(sql, ["bigint"])  # a type PostgreSQL would refuse: preparing would fail the test
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, ["1"])
            assert cursor.fetchall() == []
        assert not prepared._statements[sql].refused
    finally:
        prepared._statements.pop(sql, None)


@pytest.mark.django_db(transaction=True)
def test_a_refusal_before_the_first_statement_of_a_transaction_leaves_it_usable():
    """Inside atomic() psycopg2 sends BEGIN with the first statement: the PREPARE is that
    statement, behind a savepoint all the same."""
    sql = 'SELECT count(*) FROM "engagements_engagement" WHERE "id"::text = %s'
    prepared.register(sql, ["bigint"])
    try:
        with override_settings(FROZEN_QUERIES_CHECK=False), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, prepared.Values(["1"]))
            assert cursor.fetchone() == (0,)
    finally:
        prepared._statements.pop(sql, None)
