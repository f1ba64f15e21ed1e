"""Server-side prepared statements for the SQL of frozen querysets (core.frozen), on PostgreSQL.

A frozen queryset sends the same SQL each time with other values, and PostgreSQL parses,
analyses and plans it each time: on the engagement page that was half the database's time
(bench/pages.py; 7.8 ms of SQL, 4.1 ms prepared). With these on, each frozen SQL is
PREPAREd once per connection (its parameters typed from the Params' fields and the
constants' Python types) and run as `EXECUTE name(values)`; any other SQL runs as before.

What Django sees is unchanged: CaptureQueriesContext, the debug toolbar and the query-count
tests see the frozen SQL; the rewriting happens in the psycopg2 cursor below them.

On by default with PostgreSQL (settings: DATABASE_PREPARED_STATEMENTS). Turn it off behind a
connection pooler that hands a session's statements to other clients (PgBouncer in
transaction mode before 1.21). A statement PostgreSQL refuses to prepare runs unprepared
from then on, with a warning in the log (an error under settings.FROZEN_QUERIES_CHECK, which
the tests run with, so that the suite proves every frozen SQL preparable).
"""

import datetime
import decimal
import itertools
import logging
import re
import threading

import psycopg2
import psycopg2.extensions
from django.conf import settings

log = logging.getLogger(__name__)

# Past this many on one connection, it forgets them all (DEALLOCATE ALL) and starts again.
MAX_PER_CONNECTION = 1000
# Past this many SQL texts (pages of a long list each have theirs), the oldest run unprepared
# until they are registered again.
MAX_STATEMENTS = 2048

_statements: dict[str, "_Statement"] = {}
_names = itertools.count(1)
_lock = threading.Lock()

_FIELD_TYPES = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "ForeignKey",
            "OneToOneField",
        ),
        "bigint",
    ),
    "CharField": "text",
    "TextField": "text",
    "BooleanField": "boolean",
    "DateTimeField": "timestamptz",
    "DateField": "date",
    "IdList": "bigint[]",
}


class _Statement:
    __slots__ = ("name", "prepare", "execute", "refused")

    def __init__(self, name: str, sql: str, types: list[str]):
        self.name = name
        numbers = itertools.count(1)
        body = re.sub(r"%([%s])", lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)
        self.prepare = f"PREPARE {name} ({', '.join(types)}) AS {body}"
        self.execute = f"EXECUTE {name} ({', '.join(['%s'] * len(types))})"
        self.refused = False


def parameter_type(value, field=None) -> str | None:
    """The PostgreSQL type of a parameter: its field's (a Param's), or its Python type's;
    None when neither says."""
    if field is not None:
        return _FIELD_TYPES.get(field.get_internal_type())
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.datetime):
        return "timestamptz" if value.tzinfo else "timestamp"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, float):
        return "double precision"
    if isinstance(value, decimal.Decimal):
        return "numeric"
    return None


class Values(tuple):
    """The parameters of a frozen queryset's SQL (core.frozen): only SQL run with these runs
    prepared, so that the same SQL text from an ordinary queryset (whose values may be of other
    types) runs as it is."""

    __slots__ = ()


def register(sql: str, types: list) -> None:
    """Let `sql` (psycopg2's %s placeholders, with parameters of `types`) run prepared when its
    values come as Values. SQL with a parameter of no known type, or none, runs as it is."""
    if not types or None in types or sql in _statements:
        return
    with _lock:
        if sql not in _statements:
            if len(_statements) >= MAX_STATEMENTS:
                _statements.pop(next(iter(_statements)))
            _statements[sql] = _Statement(f"frozen_{next(_names)}", sql, types)


class PreparingConnection(psycopg2.extensions.connection):
    """A psycopg2 connection that knows which statements it prepared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: set[str] = set()


class PreparingCursor(psycopg2.extensions.cursor):
    """Runs registered SQL as EXECUTE of its prepared statement, preparing it first."""

    _ran = None  # the SQL and values an EXECUTE ran, for `query`

    def execute(self, query, vars=None):
        self._ran = None
        # A frozen queryset's values, on a client-side cursor (a named one is a DECLARE ... FOR,
        # which takes a SELECT only).
        statement = _statements.get(query) if type(vars) is Values and self.name is None else None
        if statement is None or statement.refused:
            return super().execute(query, vars)
        prepared = getattr(self.connection, "prepared", None)
        if prepared is None:  # a plain connection (the setting is off): run the SQL itself
            return super().execute(query, vars)
        if statement.name not in prepared and not self._prepare(statement, prepared):
            return super().execute(query, vars)
        result = super().execute(statement.execute, vars)
        self._ran = (query, vars)
        return result

    @property
    def query(self):
        """The last SQL with its values in, as Django's query log reads it: the frozen SQL
        itself rather than `EXECUTE frozen_n (...)`."""
        if self._ran is not None:
            return self.mogrify(*self._ran)
        return super().query

    def _prepare(self, statement: _Statement, prepared: set) -> bool:
        if len(prepared) >= MAX_PER_CONNECTION:
            super().execute("DEALLOCATE ALL")
            prepared.clear()
        # Inside a transaction (also before its first statement, when psycopg2 has not sent
        # BEGIN yet): a refusal must not abort the caller's transaction.
        in_transaction = not self.connection.autocommit
        try:
            if in_transaction:
                super().execute("SAVEPOINT rapport_prepare")
            super().execute(statement.prepare)
        except psycopg2.Error as error:
            if in_transaction:
                super().execute("ROLLBACK TO SAVEPOINT rapport_prepare")
            if not (error.pgcode or "").startswith("42"):  # not "cannot be prepared": a timeout, a cancel...
                raise
            statement.refused = True
            if getattr(settings, "FROZEN_QUERIES_CHECK", False):
                raise AssertionError(f"PostgreSQL refused to prepare {statement.prepare}: {error}") from error
            log.warning("Running unprepared, as PostgreSQL refused to prepare it (%s): %s", error, statement.prepare)
            return False
        if in_transaction:
            super().execute("RELEASE SAVEPOINT rapport_prepare")
        prepared.add(statement.name)
        return True
