import pytest

from engagements.models import Flag
from engagements.rules.health import health_for_open_flags
from engagements.services import engagement_refresh_health
from tests import factories


@pytest.mark.parametrize(
    ("severities", "health"),
    [([], "green"), (["low"], "green"), (["low", "medium"], "amber"), (["medium", "high"], "red"), (["high"], "red")],
)
def test_health_follows_the_worst_open_flag(severities, health):
    assert health_for_open_flags(severities) == health


@pytest.mark.django_db
def test_refresh_stores_health_from_open_flags_only():
    engagement = factories.EngagementFactory()
    factories.FlagFactory(engagement=engagement, severity=Flag.Severity.MEDIUM, subject="a")
    factories.FlagFactory(
        engagement=engagement,
        severity=Flag.Severity.HIGH,
        subject="b",
        status=Flag.Status.DISMISSED,
        closed_at="2026-01-01T00:00Z",
    )

    assert engagement_refresh_health(engagement_id=engagement.pk) == "amber"
    engagement.refresh_from_db()
    assert engagement.health == "amber"
