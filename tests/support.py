"""What the tests around real workers share: e-mail backends with a character, and waiting
for something a worker does."""

import os
import threading
import time
import uuid
from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections


class FlakyBackend(LocmemBackend):
    """Refuses the first FAILURES sends with an SMTP error, then delivers to mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed (test)")
        return super().send_messages(messages)


class SlowFileBackend(BaseEmailBackend):
    """A slow mail server that other processes can see: every accepted message becomes a
    file in RAPPORT_TEST_MAIL_DIR named after its Message-ID (so copies can be counted)."""

    def send_messages(self, messages):
        folder = Path(os.environ["RAPPORT_TEST_MAIL_DIR"])
        delay = float(os.environ.get("RAPPORT_TEST_MAIL_DELAY", "0.2"))
        for message in messages:
            time.sleep(delay)  # the conversation with the server
            message_id = message.extra_headers.get("Message-ID", "none").strip("<>")
            (folder / f"{message_id}--{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1) -> bool:
    """Poll `condition` until it holds or `timeout` seconds passed; whether it holds at the end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def let_in_flight_arrive(seconds: float = 0.5) -> None:
    """Wait a moment before asserting that nothing more came: anything a worker still had in
    flight (a duplicate task, a retried send) would have arrived by now."""
    time.sleep(seconds)


def run_at_once(work, times: int = 2) -> list[Exception]:
    """Run `work` in `times` threads at the same moment (each with its own database
    connection, closed after); the errors they raised, for the test to assert none."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # surfaced to the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
