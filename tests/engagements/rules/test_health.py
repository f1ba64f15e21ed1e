"""Health (docs/domain.md, Health) as a pure function of the open flags' severities: no database."""

import pytest

from engagements.rules.health import health_for_open_flags


@pytest.mark.parametrize(
    ("severities", "health"),
    [([], "green"), (["low"], "green"), (["low", "medium"], "amber"), (["medium", "high"], "red"), (["high"], "red")],
)
def test_health_follows_the_worst_open_flag(severities, health):
    assert health_for_open_flags(severities) == health
