"""How the reminder scan scales: N meetings, of which a small fixed number are due.

    .venv/bin/python bench/reminder_scan.py                 # SQLite (a throwaway database)
    DATABASE_URL=postgres://... .venv/bin/python bench/reminder_scan.py 10000 200000

It builds each size in a fresh test database (never your data), times the scan (the
sending is left out: it is enqueued, and its cost depends only on what is due) and prints
the time and the number of queries. The time must not grow with N.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from advisors.models import AdvisorProfile  # noqa: E402
from engagements import services, tasks  # noqa: E402
from engagements.models import (  # noqa: E402
    Client,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Meeting,
    MeetingLog,
    Reminder,
)

DUE = 20
ENGAGEMENTS = 500
BATCH = 5000


def build(n: int, now) -> None:
    user = get_user_model().objects.create(username=f"bench{n}", email="bench@example.com")
    AdvisorProfile.objects.create(user=user)
    client = Client.objects.create(name=f"Bench client {n}")
    engagements = Engagement.objects.bulk_create(
        [Engagement(client=client, title=f"Bench {i}", lead=user) for i in range(ENGAGEMENTS)]
    )
    plans = DraftPlan.objects.bulk_create(
        [DraftPlan(engagement=e, version=1, title="Plan", created_by=user) for e in engagements]
    )
    background = n - DUE
    rows, past = [], []
    for i in range(background):
        engagement = engagements[i % ENGAGEMENTS]
        if i % 10:  # 90 %: held meetings of the past five years, logged
            starts = now - timedelta(days=10 + (i % 1800), hours=i % 24)
            rows.append(Meeting(engagement=engagement, purpose="progress", starts_at=starts, status="held"))
        else:  # 10 %: scheduled beyond every reminder horizon
            starts = now + timedelta(days=20 + (i % 300))
            rows.append(
                Meeting(engagement=engagement, purpose="plan_discussion", starts_at=starts, plan=plans[i % ENGAGEMENTS])
            )
        if len(rows) >= BATCH:
            past += [m for m in Meeting.objects.bulk_create(rows) if m.status == "held"]
            rows = []
    past += [m for m in Meeting.objects.bulk_create(rows) if m.status == "held"]
    for start in range(0, len(past), BATCH):
        MeetingLog.objects.bulk_create(
            [
                MeetingLog(meeting=m, summary="ok", satisfaction=4, checked_in_with_client=True, logged_by=user)
                for m in past[start : start + BATCH]
            ]
        )
    ExpectationCheckpoint.objects.bulk_create(
        [
            ExpectationCheckpoint(
                engagement=engagements[i % ENGAGEMENTS],
                topic="progress",
                status="confirmed",
                recorded_via="meeting",
                answered_at=now,
                due_on=(now - timedelta(days=30 + i % 1500)).date(),
            )
            for i in range(n // 10)
        ],
        batch_size=BATCH,
    )
    # The few that are due: plan discussions in 48 hours whose plan is not shared.
    Meeting.objects.bulk_create(
        [
            Meeting(
                engagement=engagements[i], purpose="plan_discussion", starts_at=now + timedelta(hours=48), plan=plans[i]
            )
            for i in range(DUE)
        ]
    )


def measure(n: int) -> dict:
    now = timezone.now()
    started = time.perf_counter()
    build(n, now)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would keep them
        cursor.execute("ANALYZE")
    build_seconds = time.perf_counter() - started
    enqueued = []
    tasks.reminder_send.delay = lambda pk: enqueued.append(pk)  # time the scan, not the mail
    timings, queries = [], []
    for _ in range(9):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            services.reminders_scan(now=now)
            timings.append(time.perf_counter() - t0)
        queries.append(len(captured.captured_queries))
    assert Reminder.objects.count() == DUE, Reminder.objects.count()
    return {
        "n": n,
        "build": build_seconds,
        "first": timings[0],
        "median": statistics.median(timings[1:]),
        "queries_first": queries[0],
        "queries_next": queries[1],
        "recorded": Reminder.objects.count(),
    }


def main(sizes: list[int]) -> None:
    vendor = connection.vendor
    print(f"Reminder scan on {vendor}: {DUE} reminders due among N meetings ({ENGAGEMENTS} engagements)")
    print(f"{'N meetings':>11} {'first scan':>11} {'next scans':>11} {'queries 1st':>12} {'queries next':>13}")
    for n in sizes:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            r = measure(n)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        print(
            f"{r['n']:>11,} {r['first'] * 1000:>9.1f}ms {r['median'] * 1000:>9.1f}ms "
            f"{r['queries_first']:>12} {r['queries_next']:>13}   (built in {r['build']:.0f}s)",
            flush=True,
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 200_000])
