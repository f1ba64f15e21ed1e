"""How the reminder scan scales: the same 20 reminders due among 10,000 and 1,000,000 meetings.

    DATABASE_URL=postgres://rapport:rapport@127.0.0.1:5432/rapport .venv/bin/python bench/reminder_scan.py
    .venv/bin/python bench/reminder_scan.py --small           # 2,000 and 20,000: CI's run, so it cannot rot
    .venv/bin/python bench/reminder_scan.py 10000 200000 --pairs 9 --explain

Each size is built in a throwaway database of its own (`rapport_bench_scan_<N>` on the server
of DATABASE_URL, or `var/bench_scan_<N>.sqlite3` without one; never your data) with
INSERT ... SELECT over a series of numbers, relative to a fixed clock (NOW): the same rows
on every run. Per size: 500 engagements, N meetings (90 % held and logged over the past five
years, 10 % scheduled beyond every reminder horizon, and 20 plan discussions in 48 hours
whose plan is not shared: the reminders that are due) and N/10 answered checkpoints.

The scan (its sending left out: that is enqueued, and costs what is due) then runs
alternately on the small and the large database, each on a connection of its own that
stays open, so the machine's noise falls on both alike. It prints per size the median time
and the queries per scan, the median of the pairwise ratios large/small, and whether it is
at most RATIO_BOUND (issue 10). --explain prints EXPLAIN (ANALYZE, BUFFERS) of each of the
scan's queries on each database (PostgreSQL); --keep leaves the databases for the next run,
which migrates and reuses them.
"""

import argparse
import copy
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction  # noqa: E402
from django.db.utils import load_backend  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

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

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the data and every scan share this clock
DUE = 20
ENGAGEMENTS = 500
RATIO_BOUND = 1.5
DB_PREFIX = "rapport_bench_scan_"  # the only databases this script creates or drops


# --- One database per size, each with a connection of its own ------------------------------


class Database:
    """A throwaway database for one size, and a Django connection to it that stays open."""

    def __init__(self, n: int, base: dict):
        self.n = n
        self.settings = copy.deepcopy(base)
        self.postgres = base["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            self.settings["NAME"] = f"{DB_PREFIX}{n}"
        else:
            self.settings["NAME"] = str(Path(settings.BASE_DIR) / "var" / f"bench_scan_{n}.sqlite3")
        self.wrapper = load_backend(self.settings["ENGINE"]).DatabaseWrapper(self.settings, DEFAULT_DB_ALIAS)

    def use(self) -> None:
        """Make this database Django's default connection (django.db.connection follows)."""
        connections[DEFAULT_DB_ALIAS] = self.wrapper

    def exists(self) -> bool:
        if not self.postgres:
            return Path(self.settings["NAME"]).exists()
        with self._server() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.settings["NAME"]])
            return cursor.fetchone() is not None

    def create(self) -> None:
        self.drop()
        if self.postgres:
            with self._server() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.settings["NAME"]}"')

    def drop(self) -> None:
        self.wrapper.close()
        if self.postgres:
            with self._server() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.settings["NAME"]}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.settings["NAME"] + suffix).unlink(missing_ok=True)

    def _server(self):
        return self.wrapper._nodb_cursor()  # the server's maintenance database, as Django's test runner does


# --- The data -------------------------------------------------------------------------------


def _series(db: Database, n: int) -> str:
    """A FROM clause with one row per i in 0..n-1 (column i)."""
    if db.postgres:
        return f"generate_series(0, {int(n) - 1}) AS s(i)"
    numbers = f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < {int(n)})"
    return f"({numbers} SELECT i FROM s) AS s"


def _moment(db: Database, days: str, hours: str = "0") -> str:
    """SQL for NOW (the first %s) moved by the integer SQL expressions `days` and `hours`."""
    if db.postgres:
        return f"(%s::timestamptz + make_interval(days => {days}, hours => {hours}))"
    return f"datetime(%s, ({days}) || ' days', ({hours}) || ' hours')"


def _day(db: Database, days: str) -> str:
    """SQL for NOW's date (the first %s) moved by the integer SQL expression `days`."""
    if db.postgres:
        return f"(%s::date + {days})"
    return f"date(%s, ({days}) || ' days')"


def build(db: Database) -> None:
    """The rows of the module docstring, in one transaction."""
    n, ops = db.n, connection.ops
    now, today = ops.adapt_datetimefield_value(NOW), ops.adapt_datefield_value(NOW.date())
    user = get_user_model().objects.create(username=f"bench{n}", email="bench@example.com")
    AdvisorProfile.objects.create(user=user)
    client = Client.objects.create(name=f"Bench client {n}")
    engagements = Engagement.objects.bulk_create(
        [Engagement(client=client, title=f"Bench {i}", lead=user) for i in range(ENGAGEMENTS)]
    )
    plans = DraftPlan.objects.bulk_create(
        [DraftPlan(engagement=e, version=1, title="Plan", created_by=user) for e in engagements]
    )
    first_engagement, first_plan = engagements[0].pk, plans[0].pk
    assert [e.pk for e in engagements] == list(range(first_engagement, first_engagement + ENGAGEMENTS))
    assert [p.pk for p in plans] == list(range(first_plan, first_plan + ENGAGEMENTS))
    future = _moment(db, "20 + i %% 300")
    past = _moment(db, "-(10 + i %% 1800)", "-(i %% 24)")
    with connection.cursor() as cursor:
        # Meeting i: 1 in 10 a plan discussion 20-320 days ahead, the others held 10 days to 5 years ago.
        cursor.execute(
            f"""INSERT INTO {Meeting._meta.db_table}
                (created_at, updated_at, engagement_id, purpose, starts_at, duration_minutes, location, status, plan_id)
            SELECT %s, %s, {first_engagement} + i %% {ENGAGEMENTS},
                CASE WHEN i %% 10 = 0 THEN 'plan_discussion' ELSE 'progress' END,
                CASE WHEN i %% 10 = 0 THEN {future} ELSE {past} END,
                60, '', CASE WHEN i %% 10 = 0 THEN 'scheduled' ELSE 'held' END,
                CASE WHEN i %% 10 = 0 THEN {first_plan} + i %% {ENGAGEMENTS} END
            FROM {_series(db, n - DUE)} ORDER BY i""",
            [now, now, now, now],
        )
        cursor.execute(  # every held meeting is logged
            f"""INSERT INTO {MeetingLog._meta.db_table}
                (created_at, updated_at, meeting_id, summary, satisfaction, signals, longest_monologue_minutes,
                 checked_in_with_client, expectations_confirmed, next_steps, lesson_learned, logged_by_id)
            SELECT %s, %s, id, 'ok', 4, '[]', 0, %s, %s, '', '', %s
            FROM {Meeting._meta.db_table} WHERE status = 'held' ORDER BY id""",
            [now, now, True, False, user.pk],
        )
        cursor.execute(  # answered checkpoints, due 30 days to 4 years ago
            f"""INSERT INTO {ExpectationCheckpoint._meta.db_table}
                (created_at, updated_at, engagement_id, topic, question, due_on, status, client_answer,
                 recorded_via, answered_at, waived_reason)
            SELECT %s, %s, {first_engagement} + i %% {ENGAGEMENTS}, 'progress', '', {_day(db, "-(30 + i %% 1500)")},
                'confirmed', '', 'meeting', %s, ''
            FROM {_series(db, n // 10)} ORDER BY i""",
            [now, now, today, now],
        )
    # The few that are due: plan discussions in 48 hours whose plan is not shared.
    Meeting.objects.bulk_create(
        [
            Meeting(
                engagement=engagements[i], purpose="plan_discussion", starts_at=NOW + timedelta(hours=48), plan=plans[i]
            )
            for i in range(DUE)
        ]
    )


def prepare(db: Database, keep: bool) -> float | None:
    """Create, migrate and fill the database, and return the seconds it took; or reuse a kept
    one (None), keeping its statistics, so that a second run gets the same plans."""
    started = time.perf_counter()
    reuse = keep and db.exists()
    if not reuse:
        db.create()
    db.use()
    call_command("migrate", verbosity=0, interactive=False)
    if reuse and Meeting.objects.count() != db.n:
        raise SystemExit(f"{db.settings['NAME']} holds another data set: run once without --keep to rebuild it")
    if not reuse:
        with transaction.atomic():
            build(db)
    with connection.cursor() as cursor:  # fresh statistics and visibility map, as autovacuum keeps them
        if db.postgres:
            cursor.execute("VACUUM" if reuse else "VACUUM ANALYZE")
        elif not reuse:
            cursor.execute("ANALYZE")
    return None if reuse else time.perf_counter() - started


# --- The measurement ------------------------------------------------------------------------


def scan() -> float:
    started = time.perf_counter()
    services.reminders_scan(now=NOW)
    return time.perf_counter() - started


def queries_of_a_scan() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        scan()
    return [q["sql"] for q in captured.captured_queries]


def explain(db: Database) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each query of a scan, inside a transaction rolled back."""
    print(f"\n=== EXPLAIN (ANALYZE, BUFFERS) of the scan's queries, {db.n:,} meetings", flush=True)
    for number, sql in enumerate(queries_of_a_scan(), 1):
        if not sql.startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            print(f"\n--- query {number}: {sql}")  # BEGIN, COMMIT: Django logs them too
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        total = next((line for line in reversed(plan) if line.startswith("Execution Time")), "")
        print(f"\n--- query {number}: {total}\n{sql}\n" + "\n".join(plan), flush=True)


def build_label(seconds: float | None) -> str:
    return "kept" if seconds is None else f"{seconds:.0f}s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="the small and the large N (default 10000 1000000)")
    parser.add_argument("--small", action="store_true", help="2,000 and 20,000 meetings: a quick run (CI)")
    parser.add_argument("--pairs", type=int, default=15, help="alternating pairs of scans to time (default 15)")
    parser.add_argument("--explain", action="store_true", help="print each query's plan (PostgreSQL)")
    parser.add_argument("--keep", action="store_true", help="keep the databases, and reuse kept ones")
    args = parser.parse_args()
    sizes = args.sizes or ([2_000, 20_000] if args.small else [10_000, 1_000_000])
    if args.pairs < 2:
        parser.error("--pairs: at least 2")
    if len(sizes) != 2 or not DUE < sizes[0] < sizes[1]:
        parser.error(f"give two sizes, small then large, each above {DUE}")

    # Mail is not timed: record what the scan enqueues instead of handing it to the broker.
    tasks.reminder_send.delay = tasks.plan_share_email_send.delay = lambda pk: None
    base = connections[DEFAULT_DB_ALIAS].settings_dict
    databases = [Database(n, base) for n in sizes]
    vendor = databases[0].wrapper.display_name
    print(f"Reminder scan on {vendor}: {DUE} reminders due among N meetings ({ENGAGEMENTS} engagements)", flush=True)
    try:
        timings: dict[int, list[float]] = {n: [] for n in sizes}
        facts = {}
        for db in databases:
            built = prepare(db, args.keep)
            first = scan()  # records the due reminders (on a kept database: already there)
            assert Reminder.objects.count() == DUE, Reminder.objects.count()
            facts[db.n] = {"built": built, "first": first, "queries": len(queries_of_a_scan())}
            if args.explain and db.postgres:
                explain(db)
        for _ in range(args.pairs):
            for db in databases:
                db.use()
                timings[db.n].append(scan())
    finally:
        for db in databases:
            db.wrapper.close()
            if not args.keep:
                db.drop()

    print(f"\n{'N meetings':>11} {'built':>7} {'first scan':>11} {'median':>9} {'min':>9} {'max':>9} {'queries':>8}")
    for n in sizes:
        t, f = timings[n], facts[n]
        print(
            f"{n:>11,} {build_label(f['built']):>7} {f['first'] * 1000:>9.1f}ms {statistics.median(t) * 1000:>7.1f}ms "
            f"{min(t) * 1000:>7.1f}ms {max(t) * 1000:>7.1f}ms {f['queries']:>8}"
        )
    small, large = sizes
    ratios = [b / a for a, b in zip(timings[small], timings[large], strict=True)]
    ratio = statistics.median(ratios)
    verdict = "ok" if ratio <= RATIO_BOUND else "OVER"
    print(
        f"\nMedian of the {len(ratios)} pairwise ratios {large:,}/{small:,}: {ratio:.2f} "
        f"(quartiles {statistics.quantiles(ratios, n=4)[0]:.2f}-{statistics.quantiles(ratios, n=4)[2]:.2f}); "
        f"at most {RATIO_BOUND}: {verdict}"
    )


if __name__ == "__main__":
    main()
