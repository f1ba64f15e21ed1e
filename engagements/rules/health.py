"""Pure functions of the engagement domain: no database, easy to test at the boundaries."""

from collections.abc import Iterable

from ..models import Flag, Health


def health_for_open_flags(severities: Iterable[str]) -> str:
    """Red with an open high flag, amber with an open medium flag, else green (docs/domain.md, Health)."""
    severities = set(severities)
    if Flag.Severity.HIGH in severities:
        return Health.RED
    if Flag.Severity.MEDIUM in severities:
        return Health.AMBER
    return Health.GREEN
