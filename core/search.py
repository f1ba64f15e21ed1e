"""Search a text column the way each database does it best, for every app.

On PostgreSQL: full-text search in both of Rapport's languages (the `english` and `dutch`
configurations, so "planning" finds "plannen" and "plans"), ranked, with web-search syntax
("quoted phrases", -not, or). Elsewhere (SQLite under `make run`): every word must occur,
without regard to case, newest first.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value

LANGUAGES = ("english", "dutch")


def words(query: str) -> list[str]:
    return [word for word in query.replace('"', " ").split() if word.lstrip("-")]


def search_vector(fields: tuple[str, ...]):
    """The PostgreSQL document of `fields` in both languages. A GIN index on exactly this
    expression (see `gin_index`) makes the search use it instead of reading every row."""
    vector = None
    for config in LANGUAGES:
        part = SearchVector(*fields, config=config)
        vector = part if vector is None else vector + part
    return vector


def gin_index(name: str, fields: tuple[str, ...]):
    return GinIndex(search_vector(fields), name=name)


def text_search(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """`queryset` narrowed to rows whose `fields` match `query`, annotated `search_rank`
    (higher is closer; on SQLite all matches rank the same)."""
    query = query.strip()
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        vector = search_vector(fields)
        search = None
        for config in LANGUAGES:
            asked = SearchQuery(query, config=config, search_type="websearch")
            search = asked if search is None else search | asked
        return queryset.annotate(search_vector=vector, search_rank=SearchRank(F("search_vector"), search)).filter(
            search_vector=search
        )
    condition = Q()
    for word in words(query):
        if word.startswith("-"):
            excluded = Q()
            for field in fields:
                excluded |= Q(**{f"{field}__icontains": word[1:]})
            condition &= ~excluded
            continue
        matched = Q()
        for field in fields:
            matched |= Q(**{f"{field}__icontains": word})
        condition &= matched
    return queryset.filter(condition).annotate(search_rank=Value(1.0, output_field=FloatField()))
