"""A worker killed with SIGKILL in the middle of a batch loses no reminder, and only the
one it was sending at that moment may go out twice.

Workers run as real processes (celery -A config worker) against the test database
(PostgreSQL: shared between processes) and Redis, and deliver mail to files through a slow
"mail server" (tests.support.SlowFileBackend) so that the kill lands mid-batch.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery_app import app as celery_app
from engagements import services
from engagements.models import Reminder
from tests import factories
from tests.services import require_postgres, require_redis

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BATCH = 20
STALE_SECONDS = 3


def start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def files_by_message_id(folder: Path) -> Counter:
    return Counter(path.name.split("--")[0] for path in folder.glob("*.eml"))


@pytest.fixture
def worker_env(tmp_path, settings):
    require_postgres()
    require_redis()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "RAPPORT_TEST_MAIL_DIR": str(mail_dir),
        "RAPPORT_TEST_MAIL_DELAY": "0.25",
        "RAPPORT_REMINDER_CLAIM_STALE_SECONDS": str(STALE_SECONDS),
    }
    settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS = STALE_SECONDS
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as conn:  # start from an empty queue
        conn.default_channel.queue_purge("celery")
    yield env, mail_dir
    celery_app.conf.task_always_eager = True


def test_a_killed_worker_loses_no_reminder(worker_env, tmp_path):
    env, mail_dir = worker_env
    lead = factories.UserFactory()
    factories.AdvisorProfileFactory(user=lead)
    for _ in range(BATCH):
        engagement = factories.EngagementFactory(lead=lead)
        plan = factories.DraftPlanFactory(engagement=engagement, version=1)
        factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=timezone.now() + timedelta(hours=48))
    services.reminders_scan()  # records BATCH reminders and enqueues their sending
    assert Reminder.objects.count() == BATCH

    first = start_worker(env, tmp_path / "worker-1.log")
    try:
        deadline = time.monotonic() + 60
        while sum(files_by_message_id(mail_dir).values()) < BATCH // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sum(files_by_message_id(mail_dir).values()) >= BATCH // 4, (tmp_path / "worker-1.log").read_text()
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    sent_before_kill = Reminder.objects.filter(sent_at__isnull=False).count()
    assert sent_before_kill < BATCH, "the kill came too late to test anything"

    time.sleep(STALE_SECONDS + 0.5)  # the dead worker's claim goes stale
    second = start_worker(env, tmp_path / "worker-2.log")
    try:
        deadline = time.monotonic() + 90
        while Reminder.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            services.reminders_scan()  # what beat does every minute: hand out what is pending
            time.sleep(1)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    copies = files_by_message_id(mail_dir)
    duplicates = {mid: n for mid, n in copies.items() if n > 1}
    print(
        f"\nworker killed after {sent_before_kill} of {BATCH} reminders; "
        f"{len(duplicates)} went out twice: {sorted(duplicates) or 'none'}"
    )
    assert not Reminder.objects.filter(sent_at__isnull=True).exists(), "a reminder was lost"
    expected = {f"reminder-{pk}@127.0.0.1" for pk in Reminder.objects.values_list("pk", flat=True)}
    assert set(copies) == expected, "every reminder reached the mail server"
    # The only window for a duplicate: the one message the killed worker had handed to the
    # mail server but not yet marked sent. Nothing else may be doubled.
    assert len(duplicates) <= 1 and all(n == 2 for n in duplicates.values()), duplicates
