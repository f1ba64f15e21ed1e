"""`field__any=...`: membership in a list of values, or in a subquery's column.

`field__in=[...]` makes the ORM prepare every value of the list and PostgreSQL parse one
placeholder per value; a page that filters three queries by the same few hundred ids pays
that three times. `__any` sends the list as one array (`= ANY(%s)` on PostgreSQL; on other
databases it falls back to an IN of the values). Values are used as given: pass ints.

With a subquery (a queryset of one column) PostgreSQL gets `= ANY(ARRAY(subquery))`: the
array is computed once, before the outer query, and the planner can look its values up in an
index. `field__in=subquery` is planned as a hashed subplan, which it can only check row by
row: `lead_id = 6 OR id IN (subquery)` read every engagement (a tenth of a consultant's
list page at 10,000 engagements) where the array reads two indexes. Elsewhere it is `IN`.

On SQLite a list is one parameter too, as JSON (`IN (SELECT value FROM json_each(%s))`): the
same SQL for any number of ids, which a frozen queryset (core.frozen) needs: there a list is
`Param(name, IdList())`.
"""

import json

from django.db.models import BigAutoField, Field, ForeignKey, IntegerField, Lookup
from django.db.models.sql.query import Query

from .frozen import Param


class IdList(Field):
    """The output field of a Param that holds a list of ids for `__any`: the list as the
    database takes it (an array on PostgreSQL, JSON on SQLite)."""

    def get_db_prep_value(self, value, connection, prepared=False):
        return _as_parameter([int(v) for v in value], connection)


def _as_parameter(values: list, connection):
    return values if connection.vendor == "postgresql" else json.dumps(values)


def _in_list(lhs: str, connection) -> str:
    if connection.vendor == "postgresql":
        return f"{lhs} = ANY(%s)"
    return f"{lhs} IN (SELECT value FROM json_each(%s))"


class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, Query):  # as `__in` does: no ORDER BY, the pk if no column chosen
            self.rhs.clear_ordering(clear_default=True)
            if not self.rhs.has_select_fields:
                self.rhs.clear_select_clause()
                self.rhs.add_fields(["pk"])
        return super().get_prep_lookup()

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, Param):  # a frozen queryset's list (IdList), put in on each call
            _, rhs_params = compiler.compile(self.rhs)
            return _in_list(lhs, connection), [*lhs_params, *rhs_params]
        if hasattr(self.rhs, "as_sql"):
            rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT ...)"
            if connection.vendor == "postgresql":
                return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
            return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]
        return _in_list(lhs, connection), [*lhs_params, _as_parameter(list(self.rhs), connection)]


def register() -> None:
    """Called once, from CoreConfig.ready()."""
    for field in (IntegerField, BigAutoField, ForeignKey):
        field.register_lookup(Any)
