"""A page of a queryset with the count of all its rows, from the page's own query."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window


def page_with_count(queryset, number: str | None, *, per_page: int) -> Page:
    """A page of `queryset` with the count of all its rows from the page's own query
    (COUNT(*) OVER ()): a COUNT query of its own would filter every row again (on the
    engagement list: who may see which of every engagement). What is not a page number from 1
    up (or too long for one), or a page past the end, goes to Django's get_page (page 1, or
    the last page)."""
    paginator = Paginator(queryset, per_page)
    if not number:
        wanted = 1
    elif number.isascii() and number.isdigit() and len(number) < 10:
        wanted = int(number)
    else:
        return paginator.get_page(number)
    if wanted < 1:
        return paginator.get_page(number)
    start = (wanted - 1) * per_page
    rows = list(queryset.annotate(rows_in_all=Window(Count("*")))[start : start + per_page])
    if not rows and wanted > 1:
        return paginator.get_page(number)
    paginator.count = rows[0].rows_in_all if rows else 0  # the cached property, filled in
    return Page(rows, wanted, paginator)
