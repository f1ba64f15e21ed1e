"""Querysets whose SQL is built once per shape, their values put in each time they run.

Building a queryset (filter, annotate, Q objects, subqueries) and compiling it to SQL cost
more Python than running it: on the busiest pages, 30-50 % of a request went to writing the
same SQL again with other ids in it. `frozen(key, build, **values)` calls `build()` once per
key, with `Param(name)` where a value goes (`build(True)`), compiles it, and keeps the SQL
and the compiler; each call after that copies the compiler and puts `values` in the
parameters. `build(False)` is the same queryset with the values in it.
The rows come as the queryset's own (model instances, select_related, prefetch_related,
values, named tuples), through Django's iterables.

The key names everything that changes the SQL other than a Param's value (a role, a filter
chosen or not, the page's offset): a key that leaves something out returns the wrong rows.
With settings.FROZEN_QUERIES_CHECK (on in the tests), every call also builds the queryset
with the values in it (`build(False)`) and fails when its SQL or parameters differ from the
kept ones with the values put in: the test suite proves every key complete.

A frozen queryset runs as it is: filtering it further is an error (TypeError).

On PostgreSQL its SQL also runs as a prepared statement (core.prepared): parsed and planned
once per connection.
"""

import copy
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, IntegerField, QuerySet

from . import prepared

_built: dict[tuple, "_Compiled"] = {}
_lock = threading.Lock()
# A bound on the kept shapes (keys with a page number make more of them): past it, the
# oldest are built again when next asked for.
MAX_SHAPES = 512


class _Slot:
    """Where a Param's value goes in the parameters of the SQL, and its field (which writes
    the value as the database takes it, as a lookup would: a moment as text on SQLite)."""

    __slots__ = ("name", "field")

    def __init__(self, name: str, field):
        self.name = name
        self.field = field

    def __repr__(self):
        return f"<value {self.name}>"


class Param(Expression):
    """A value of a frozen queryset, by name: frozen(..., name=value) puts it in."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field or IntegerField())
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]

    def __repr__(self):
        return f"Param({self.name!r})"

    # Built into the SQL only: nothing to resolve, no columns, no aggregate.
    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self

    def get_group_by_cols(self):
        return []


class _Compiled:
    """A shape's SQL, its parameters (values and _Slots) and the compiler that wrote them."""

    def __init__(self, queryset: QuerySet, using: str):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=using)
        try:
            self.sql, self.params = self.compiler.as_sql()
        except EmptyResultSet:  # a queryset of nothing (.none()): no SQL at all
            self.sql, self.params = None, ()
        self.slots = [i for i, param in enumerate(self.params) if isinstance(param, _Slot)]
        if self.sql and self.compiler.connection.vendor == "postgresql":  # to run it prepared
            types = [
                prepared.parameter_type(None, p.field) if isinstance(p, _Slot) else prepared.parameter_type(p)
                for p in self.params
            ]
            prepared.register(self.sql, types)

    def params_with(self, values: dict, connection) -> tuple:
        params = list(self.params)
        for i in self.slots:
            slot = params[i]
            params[i] = slot.field.get_db_prep_value(values[slot.name], connection)
        return prepared.Values(params)


class _FrozenQuery:
    """The query of a frozen queryset: the shape's query for everything Django's iterables
    read, and a compiler that writes the kept SQL with this call's values."""

    def __init__(self, compiled: _Compiled, values: dict):
        self._compiled = compiled
        self._values = values

    def __getattr__(self, name):
        return getattr(self._compiled.queryset.query, name)

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled = self._compiled
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection or connections[using or compiled.compiler.using]
        if compiled.sql is None:

            def as_sql(*args, **kwargs):
                raise EmptyResultSet

        else:
            sql, params = compiled.sql, compiled.params_with(self._values, compiler.connection)

            def as_sql(*args, **kwargs):
                return sql, params

        compiler.as_sql = as_sql
        return compiler

    def chain(self, klass=None):
        raise TypeError("A frozen queryset runs as it is: filter it in its build function.")

    clone = chain


def frozen(key: tuple, build: Callable[[bool], QuerySet], /, **values) -> QuerySet:
    """The queryset `build(False)` returns, from the SQL of `build(True)` (with Param(name)
    for each of `values`), built once per `key`, with `values` put in."""
    compiled = _built.get(key)
    if compiled is None:
        queryset = build(True)
        if queryset._known_related_objects:  # a related manager's: its rows tied to one instance
            raise TypeError(f"frozen {key!r}: build from the model's manager, not an instance's related manager")
        compiled = _Compiled(queryset, queryset.db)
        missing = {slot.name for slot in (compiled.params[i] for i in compiled.slots)} - values.keys()
        if missing:
            raise TypeError(f"frozen {key!r}: no value for {', '.join(sorted(missing))}")
        with _lock:
            if len(_built) >= MAX_SHAPES:
                _built.pop(next(iter(_built)))
            _built[key] = compiled
    if getattr(settings, "FROZEN_QUERIES_CHECK", False):
        _check(key, build, compiled, values)
    template = compiled.queryset
    queryset = template.__class__(model=template.model, query=_FrozenQuery(compiled, values), using=template._db)
    queryset._iterable_class = template._iterable_class
    queryset._fields = template._fields
    queryset._prefetch_related_lookups = template._prefetch_related_lookups
    queryset._known_related_objects = template._known_related_objects
    queryset._hints = template._hints
    return queryset


def _check(key, build, compiled: _Compiled, values: dict) -> None:
    """The queryset with the values in it writes the kept SQL with the values put in."""
    queryset = build(False)
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        sql, params = None, ()
    # A Param stands on the right of a lookup as an expression, which Django writes in
    # parentheses: "= (%s)" where the value gives "= %s".
    kept = compiled.sql and compiled.sql.replace("(%s)", "%s")
    kept_params = compiled.params_with(values, connections[queryset.db])
    if (sql and sql.replace("(%s)", "%s"), tuple(params)) != (kept, kept_params):
        raise AssertionError(
            f"frozen {key!r}: the kept SQL with these values is not the queryset's own; does the key "
            f"name everything that changes the SQL?\nkept:  {compiled.sql} {kept_params}\n"
            f"built: {sql} {tuple(params)}"
        )
