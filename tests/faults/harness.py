"""What the fault tests share: a Redis server of their own, Celery worker and beat
processes, a slow mail server that writes files, and the figures they print.

Every process is started in its own session and killed (the whole group) when the test
ends, whatever happens; every wait has a deadline, so a fault test fails, never hangs.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery_app import app as celery_app
from engagements.models import Meeting, PlanShare, Reminder
from tests.factories import plan_discussions  # noqa: F401 (used by the fault tests)
from tests.services import require_postgres
from tests.support import wait_for  # noqa: F401 (the fault tests import it from here)

MAIL_DELAY = 0.3  # seconds the slow mail server takes per message
STALE_SECONDS = 3  # a claim older than this belongs to a worker that died


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server process of the test's own, on a free port, keeping nothing on disk:
    stopping it loses every message it held, like a broker that died."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            pytest.skip("needs the redis-server program on PATH (apt-get install redis-server)")
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no", "--dir", str(self.folder)]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        assert wait_for(self.ping, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        assert wait_for(lambda: not self.ping(), timeout=10), "redis-server did not stop"

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def queue_length(self) -> int:
        return redis.Redis(port=self.port, socket_timeout=2).llen("celery")


class Cluster:
    """The processes of one fault test: Redis, Celery workers and beats, all against the
    test database, delivering mail to files in `mail_dir`."""

    def __init__(self, tmp_path: Path, scan_seconds: float):
        self.tmp_path, self.processes = tmp_path, []
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.redis = RedisServer(tmp_path)
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": self.redis.url,
            "RAPPORT_TEST_CELERY_EAGER": "false",
            "RAPPORT_TEST_MAIL_DIR": str(self.mail_dir),
            "RAPPORT_TEST_MAIL_DELAY": str(MAIL_DELAY),
            "RAPPORT_REMINDER_CLAIM_STALE_SECONDS": str(STALE_SECONDS),
            "RAPPORT_SCAN_INTERVAL_SECONDS": str(scan_seconds),
        }

    def _start(self, name: str, arguments: list[str]) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("ab")
        command = [sys.executable, "-m", "celery", "-A", "config", *arguments, "--loglevel=INFO"]
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def start_worker(self, name: str) -> subprocess.Popen:
        arguments = ["worker", "--pool=solo", "--concurrency=1", f"--hostname={name}@%h"]
        return self._start(name, [*arguments, "--without-gossip", "--without-mingle", "--without-heartbeat"])

    def start_beat(self, name: str) -> subprocess.Popen:
        return self._start(name, ["beat", f"--schedule={self.tmp_path / (name + '-schedule')}", "--pidfile="])

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp_path.glob("*.log"))

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def close(self) -> None:
        """Kill every process started, whatever state each is in (also after a failure)."""
        try:
            for process in self.processes:
                with contextlib.suppress(Exception):
                    self.kill(process)
        finally:
            if self.redis.process:
                self.redis.stop()


def use_broker(url: str | None) -> None:
    """Point this process's Celery app (the web side) at `url`. Celery reads CELERY_BROKER_URL
    from the environment before its own setting; kombu keeps one pool per URL (left open:
    a closed one would be handed out again to the next test using that URL)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    if url is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = url


def cluster_fixture(tmp_path, settings, scan_seconds: float):
    """The body of the `cluster` fixture: Redis up, this process publishing to it."""
    require_postgres()
    cluster = Cluster(tmp_path, scan_seconds)
    settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS = STALE_SECONDS
    settings.EMAIL_BACKEND = "tests.support.SlowFileBackend"
    previous_url = os.environ.get("CELERY_BROKER_URL")
    environment = {k: os.environ.get(k) for k in ("RAPPORT_TEST_MAIL_DIR", "RAPPORT_TEST_MAIL_DELAY")}
    os.environ.update(RAPPORT_TEST_MAIL_DIR=str(cluster.mail_dir), RAPPORT_TEST_MAIL_DELAY=str(MAIL_DELAY))
    try:
        cluster.redis.start()
        use_broker(cluster.redis.url)
        assert celery_app.connection_for_write().as_uri(include_password=True) == cluster.redis.url
        celery_app.conf.task_always_eager = False
        yield cluster
    finally:
        celery_app.conf.task_always_eager = True
        use_broker(previous_url)
        for key, value in environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        cluster.close()


# --- what is due, what went out --------------------------------------------------------------
def lead_hours(meeting: Meeting) -> int:
    return meeting.engagement.lead.advisor_profile.reminder_lead_hours


def mail_copies(folder: Path) -> Counter:
    """How many copies the mail server accepted of each message: reminders by their stable
    Message-ID, share e-mails (which have none of their own) by their recipient."""
    copies = Counter()
    for path in folder.glob("*.eml"):
        name = path.name.split("--")[0]
        if name.startswith("reminder-"):
            copies[name] += 1
        else:
            with path.open("rb") as handle:
                copies["share:" + BytesHeaderParser().parse(handle)["To"]] += 1
    return copies


def reminders_sent() -> int:
    return Reminder.objects.filter(sent_at__isnull=False).count()


def everything_sent() -> bool:
    unsent = PlanShare.objects.filter(emailed_at__isnull=True, revoked_at__isnull=True)
    return not Reminder.objects.filter(sent_at__isnull=True, skipped_at__isnull=True).exists() and not unsent.exists()


# Every table a fault test printed, for the run's closing summary (CI output, whatever -s says).
TABLES: list[str] = []


class Outcome:
    """Reminders and share e-mails owed (rows in the database) against what the mail server
    accepted (files): sent, sent twice, lost."""

    def __init__(self, folder: Path):
        copies = mail_copies(folder)
        self.reminders = {f"reminder-{pk}@127.0.0.1" for pk in Reminder.objects.values_list("pk", flat=True)}
        self.shares = {f"share:{email}" for email in PlanShare.objects.values_list("contact__email", flat=True)}
        self.copies = copies
        self.unexpected = set(copies) - self.reminders - self.shares

    def figures(self, owed: set) -> dict:
        return {
            "due": len(owed),
            "sent": sum(1 for key in owed if self.copies[key] >= 1),
            "sent twice": sum(1 for key in owed if self.copies[key] > 1),
            "lost": sum(1 for key in owed if self.copies[key] == 0),
        }

    def table(self, title: str, notes: dict) -> str:
        lines = [f"\n{title}", f"  {'':<16}{'due':>6}{'sent':>6}{'twice':>7}{'lost':>6}"]
        for label, owed in (("reminders", self.reminders), ("share e-mails", self.shares)):
            f = self.figures(owed)
            lines.append(f"  {label:<16}{f['due']:>6}{f['sent']:>6}{f['sent twice']:>7}{f['lost']:>6}")
        lines += [f"  {key}: {value}" for key, value in notes.items()]
        text = "\n".join(lines)
        TABLES.append(text)  # printed again at the end of the run (tests/faults/conftest.py)
        return text

    def assert_each_exactly_once(self) -> None:
        assert not self.unexpected, f"mail nobody owed: {self.unexpected}"
        for owed in (self.reminders, self.shares):
            f = self.figures(owed)
            assert f["lost"] == 0, f"lost: {sorted(k for k in owed if self.copies[k] == 0)}"
            assert f["sent twice"] == 0, f"sent twice: {sorted(k for k in owed if self.copies[k] > 1)}"
