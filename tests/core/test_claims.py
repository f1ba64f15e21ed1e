"""Marking claimed work done survives a database connection that went away."""

import logging

import pytest
from django.db import connection

from advisors.models import Team
from core.claims import mark_done
from tests import factories
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres]


def test_marking_done_reconnects_when_the_connection_died(transactional_db, caplog):
    require_postgres()
    # A Celery test worker started earlier in the run sets the root logger to ERROR.
    caplog.set_level(logging.WARNING, logger="core.claims")
    team = factories.TeamFactory(name="Before")
    connection.ensure_connection()
    connection.connection.close()  # what a server restart leaves behind: a dead connection
    mark_done(Team, team.pk, name="After")
    assert Team.objects.get(pk=team.pk).name == "After"
    assert "Database gone while marking Team" in caplog.text
