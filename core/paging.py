"""A page of a queryset with the count of all its rows, from the page's own query."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import Count, Func, IntegerField, QuerySet, Subquery, Value, Window

from .frozen import frozen


def page_with_count(queryset, number: str | None, *, per_page: int) -> Page:
    """A page of `queryset` with the count of all its rows from the page's own query
    (COUNT(*) OVER ()): a COUNT query of its own would filter every row again (on the
    engagement list: who may see which of every engagement). What is not a page number from 1
    up (or too long for one), or a page past the end, goes to Django's get_page (page 1, or
    the last page)."""
    return _page(lambda: queryset, number, per_page, lambda start: list(_counted(queryset, start, per_page)))


def frozen_page_with_count(
    key: tuple,
    build: Callable[[bool], QuerySet],
    number: str | None,
    /,
    *,
    per_page: int,
    ids_first: bool = False,
    **values,
) -> Page:
    """page_with_count of a frozen queryset (core.frozen: `build(True)` with Params for
    `values`, `build(False)` with the values in it), the page's query built once per key and
    page. A page number that is not one, or past the end, goes to get_page of build(False).

    `ids_first`, for a queryset sorted by its own columns that joins others: the page's ids
    first (`pk = ANY(ARRAY(... LIMIT 25))`, then the joins for those rows only) and the count
    as a subquery. With the count as a window, PostgreSQL joined every row before sorting:
    a manager's list joined 2,000 engagements with their clients and leads to show 25."""

    def rows(start):
        def counted(params):
            if ids_first:
                return _ids_first(build(params), start, per_page)
            return _counted(build(params), start, per_page)

        return list(frozen((*key, start, per_page), counted, **values))

    return _page(lambda: build(False), number, per_page, rows)


def _ids_first(queryset: QuerySet, start: int, per_page: int) -> QuerySet:
    count = queryset.order_by().values(n=Func(Value(1), function="COUNT", output_field=IntegerField()))
    page = queryset.filter(pk__any=queryset.values("pk")[start : start + per_page])
    return page.annotate(rows_in_all=Subquery(count))


def _counted(queryset: QuerySet, start: int, per_page: int) -> QuerySet:
    return queryset.annotate(rows_in_all=Window(Count("*")))[start : start + per_page]


def _page(queryset: Callable[[], QuerySet], number, per_page: int, rows: Callable[[int], list]) -> Page:
    if not number:
        wanted = 1
    elif number.isascii() and number.isdigit() and len(number) < 10:
        wanted = int(number)
    else:
        return Paginator(queryset(), per_page).get_page(number)
    if wanted < 1:
        return Paginator(queryset(), per_page).get_page(number)
    found = rows((wanted - 1) * per_page)
    if not found and wanted > 1:
        return Paginator(queryset(), per_page).get_page(number)
    paginator = Paginator(found, per_page)  # its count filled in below (a cached property)
    paginator.count = found[0].rows_in_all if found else 0
    return Page(found, wanted, paginator)
