"""Links for many rows at the cost of one reverse(): a list with a link per row builds each link
from the reversed pattern, instead of resolving the URLconf once a row (get_absolute_url)."""

from collections.abc import Callable

from django.urls import reverse

_MARK = 987_654_321  # stands in for the pk while reversing: found once in the URL, then replaced


def url_for_pk(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` as a function of the pk, reversed once (for URL patterns
    whose only argument is an integer pk)."""
    head, mark, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    if not mark:
        raise ValueError(f"{name} does not take a pk as its argument")
    return lambda pk: f"{head}{pk}{tail}"
