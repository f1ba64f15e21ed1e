"""The harness later issues build on: a real Celery worker (celery's test worker) consuming
from the real broker (Redis in CI, never eager mode) runs a task that writes to the database."""

import pytest
from celery.result import EagerResult

from engagements import tasks
from engagements.models import Engagement, Flag
from tests import factories
from tests.support import wait_for


@pytest.mark.redis
def test_a_real_worker_runs_a_task_that_writes_to_the_database(celery_worker):
    engagement = factories.EngagementFactory()
    factories.FlagFactory(engagement=engagement, severity=Flag.Severity.HIGH)
    assert Engagement.objects.get(pk=engagement.pk).health == "green"  # stored value not refreshed yet

    result = tasks.engagement_refresh_health.delay(engagement.pk)

    assert not isinstance(result, EagerResult), "the task must travel through the broker"
    assert wait_for(lambda: Engagement.objects.get(pk=engagement.pk).health == "red"), "the worker never wrote"
