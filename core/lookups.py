"""`field__any=[...]`: membership in a list of values, sent as one parameter.

`field__in=[...]` makes the ORM prepare every value of the list and PostgreSQL parse one
placeholder per value; a page that filters three queries by the same few hundred ids pays
that three times. `__any` sends the list as one array (`= ANY(%s)` on PostgreSQL; on other
databases it falls back to an IN of the values). Values are used as given: pass ints.
"""

from django.db.models import BigAutoField, ForeignKey, IntegerField, Lookup


class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def register() -> None:
    """Called once, from CoreConfig.ready()."""
    for field in (IntegerField, BigAutoField, ForeignKey):
        field.register_lookup(Any)
