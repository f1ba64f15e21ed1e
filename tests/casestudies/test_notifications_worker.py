"""Comment e-mails with a real Celery worker against the real broker (Redis in CI, not eager):
a comment committed in the database reaches the outbox exactly once, whatever is enqueued again."""

import threading
from unittest import mock

import pytest
from celery.signals import task_postrun
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from advisors import roles
from casestudies import services, tasks
from casestudies.markup import render_markdown
from casestudies.models import CaseStudy, Notification
from casestudies.services import notifications
from tests.support import let_in_flight_arrive, wait_for

pytestmark = [pytest.mark.redis]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """The role groups come from a migration: a flush by an earlier transactional test removes them."""
    for name in roles.ALL:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def finished_tasks():
    """The ids of the tasks the worker has finished, to wait for a task that must do nothing."""
    done: set[str] = set()
    lock = threading.Lock()

    def record(task_id=None, **kwargs):
        with lock:
            done.add(task_id)

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


@pytest.fixture
def case(consultant_a):
    body = "The team changed the rota twice in one month."
    return CaseStudy.objects.create(
        title="A rota that nobody liked",
        slug="a-rota-that-nobody-liked",
        body=body,
        body_html=render_markdown(body),
        question="What would you have asked first?",
        author=consultant_a,
        status=CaseStudy.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def sent(notification_id):
    return lambda: Notification.objects.filter(pk=notification_id, sent_at__isnull=False).exists()


def message_ids():
    return sorted(m.extra_headers["Message-ID"] for m in mail.outbox)


def backdate(notification_id):
    """Make the row old enough for the scan to hand out, were it still unsent."""
    old = timezone.now() - notifications.SCAN_AFTER * 2
    Notification.objects.filter(pk=notification_id).update(created_at=old)


def test_a_committed_comment_is_mailed_once_and_a_second_enqueue_sends_nothing(
    celery_worker, finished_tasks, case, consultant_a, consultant_b
):
    # transactional_db: the service's own transaction commits, its on_commit enqueues to Redis
    services.comment_post(case=case, author=consultant_b, body="I would have asked the night shift first.")
    notification = Notification.objects.get()

    assert wait_for(sent(notification.pk)), "the worker never sent the notification"
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [consultant_a.email]
    expected_id = f"<comment-notification-{notification.pk}@127.0.0.1>"
    assert message_ids() == [expected_id]

    backdate(notification.pk)
    assert services.notifications_scan() == 0
    again = tasks.notification_send.delay(notification.pk)
    scan = tasks.notifications_scan.delay()
    assert wait_for(lambda: {again.id, scan.id} <= finished_tasks), "the worker did not run the repeats"

    let_in_flight_arrive()
    assert message_ids() == [expected_id], "nothing more was sent"


def test_a_lost_notification_handed_out_by_the_scan_and_delivered_twice_is_mailed_once(
    celery_worker, finished_tasks, case, consultant_a, consultant_b
):
    with mock.patch.object(notifications.notification_send_task, "delay", side_effect=ConnectionError("broker down")):
        services.comment_post(case=case, author=consultant_b, body="Posted while the broker was down.")
    notification = Notification.objects.get()
    let_in_flight_arrive()
    assert mail.outbox == [], "the broker was down: nothing was enqueued"

    backdate(notification.pk)
    assert services.notifications_scan() == 1
    duplicate = tasks.notification_send.delay(notification.pk)  # a second copy of the task, as a redelivery
    services.notifications_scan()  # hands it out again or not, depending on whether the worker claimed it yet

    assert wait_for(sent(notification.pk)), "the worker never sent the lost notification"
    assert wait_for(lambda: duplicate.id in finished_tasks)
    let_in_flight_arrive()
    assert message_ids() == [f"<comment-notification-{notification.pk}@127.0.0.1>"]
    assert services.notifications_scan() == 0
