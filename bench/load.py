"""Load test: 50 advisors and the case-study community against gunicorn and PostgreSQL, beside the floor.

    .venv/bin/python bench/load.py [--users 50 --seconds 60] [--readers 6 --members 4] [--rebuild] [--no-floor]

One command: it builds the data once into the database rapport_load_template (10,000
engagements and the case-study community, bench/load_data.py; again after --rebuild, when
older than a day or when bench/load_data.py changed), copies it to rapport_load for this
run (logging meetings and commenting change it), collects the static files, starts
gunicorn (config.wsgi, production settings, 2 workers, 127.0.0.1 on a free port) and the
floor page of /work/shared/bench/floor (its own database rapport_load_floor, seeded once,
same gunicorn settings), runs the simulated users (bench/load_users.py: locust, headless,
as a library: --users advisors and, on top, --readers anonymous readers and --members
community members of the case studies; 0 and 0 is the advisors' run alone), stops both
servers and prints, per page, requests per second, p50, p99, errors and the ratio of its
p50 to the floor's. Phases alternate, floor 5 s then Rapport 10 s, with the same users at
the same pace, until Rapport has had --seconds.

PostgreSQL (role rapport) and Redis are shared: it creates and drops only its own
databases, and uses Redis db 3 as the Celery broker (sharing a plan enqueues e-mails; no
worker runs, and the queue it filled is deleted at the end) and as the cache, whose keys
(the rate limits' counts, such as comments per member) it clears at the start, as the
database is fresh too. Exit status 1 when any request failed.
"""

import argparse
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
# The shared folder beside the checkout (../shared), or RAPPORT_FLOOR_DIR.
FLOOR_DIR = Path(os.environ.get("RAPPORT_FLOOR_DIR", ROOT.parent / "shared" / "bench" / "floor"))
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PG = {"host": "127.0.0.1", "port": 5432, "user": "rapport", "password": "rapport"}
DB, TEMPLATE, FLOOR_DB = "rapport_load", "rapport_load_template", "rapport_load_floor"
BROKER = "redis://127.0.0.1:6379/3"
PASSWORD = "load-test-pass-1"  # bench/load_data.py gives it to every advisor of the test data
SECRET_KEY = secrets.token_urlsafe(40)  # one per run: a session made by one process holds in the next
STALE = timedelta(days=1)  # the data's dates are relative to its build: rebuild daily
# What built the template: a new bench/load_data.py (more data, another shape) rebuilds it.
DATA_VERSION = hashlib.sha256((ROOT / "bench" / "load_data.py").read_bytes()).hexdigest()[:12]


def database_url(name: str) -> str:
    return f"postgres://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/{name}"


def rapport_env(database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SITE_URL": "https://rapport.example.com",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": database_url(database),
        "CELERY_BROKER_URL": BROKER,
    }


def floor_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "floorsite.local_settings",
        "PYTHONDONTWRITEBYTECODE": "1",  # the floor's folder is read-only
        "FLOOR_DB_NAME": FLOOR_DB,
        "FLOOR_DB_USER": PG["user"],
        "FLOOR_DB_PASSWORD": PG["password"],
        "FLOOR_DB_HOST": PG["host"],
        "FLOOR_DB_PORT": str(PG["port"]),
    }


def admin(sql: str, *params):
    """One statement on the maintenance database (outside a transaction, as CREATE DATABASE needs)."""
    connection = psycopg2.connect(dbname="postgres", **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def template_built_at(template: str = TEMPLATE) -> datetime | None:
    """When today's template was built; None when missing, unfinished or built by another load_data.py."""
    rows = admin("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", template)
    words = (rows[0][0] or "").split() if rows else []
    if len(words) != 4 or words[0] != "built" or words[2:] != ["data", DATA_VERSION]:
        return None
    return datetime.fromisoformat(words[1])


def prepare_data(rebuild: bool, *, template: str = TEMPLATE, db: str = DB, scale: str = "1") -> None:
    """Today's template (built by bench/load_data.py at LOAD_SCALE=scale), copied to db and migrated."""
    built = template_built_at(template)
    if rebuild or built is None or datetime.now(UTC) - built > STALE:
        print("Building the test data (once a day) ...", flush=True)
        admin(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        admin(f"CREATE DATABASE {template}")
        data_env = {**rapport_env(template), "LOAD_SCALE": scale}
        subprocess.run([PYTHON, str(ROOT / "bench" / "load_data.py")], env=data_env, check=True)
        admin(f"COMMENT ON DATABASE {template} IS 'built {datetime.now(UTC).isoformat()} data {DATA_VERSION}'")
    admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    admin(f"CREATE DATABASE {db} TEMPLATE {template}")
    # Migrations newer than the template (the code moved on since today's build).
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=rapport_env(db), check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=rapport_env(db), check=True
    )


def prepare_floor() -> str:
    """The floor's database (migrated and seeded once) and a session id for manager1."""
    if not admin("SELECT 1 FROM pg_database WHERE datname = %s", FLOOR_DB):
        print("Setting up the floor's database ...", flush=True)
        admin(f"CREATE DATABASE {FLOOR_DB}")
        run = {"cwd": FLOOR_DIR, "env": floor_env(), "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
        subprocess.run([PYTHON, "seed_floor.py"], **run)
    out = subprocess.run(
        [PYTHON, "make_session.py"], cwd=FLOOR_DIR, env=floor_env(), check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, *, env: dict, cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # No control socket: its default path is one per machine user, shared with other servers.
    command = [GUNICORN, app, "-w", "2", "-b", f"127.0.0.1:{port}", "--no-control-socket", "--error-logfile", str(log)]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/accounts/login/" if "config" in app else f"{url}/items/", timeout=2)
            return process, url
        except urllib.error.HTTPError:
            return process, url  # it answers (the floor's /items/ redirects to a login that does not exist)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn {app} did not start; see {log}")


def clear_cache() -> None:
    """The run's cache (Redis db 3): counts left by an earlier run's copy of the data."""
    cache = redis.Redis.from_url(BROKER)
    for key in cache.scan_iter("rapport:*"):
        cache.delete(key)


def start_servers(db: str, floor_session: str, logs: Path, servers: list) -> tuple[str, str]:
    """gunicorn for Rapport on `db` and, with a floor session, for the floor; appends each
    process to `servers` (the caller stops them) and returns both URLs ("" for no floor)."""
    rapport, rapport_url = start_gunicorn("config.wsgi", env=rapport_env(db), cwd=ROOT, log=logs / "rapport.log")
    servers.append(rapport)
    floor_url = ""
    if floor_session:
        floor, floor_url = start_gunicorn("floorsite.wsgi", env=floor_env(), cwd=FLOOR_DIR, log=logs / "floor.log")
        servers.append(floor)
    print(f"Rapport at {rapport_url}, floor at {floor_url or '(left out)'}; server logs in {logs}", flush=True)
    return rapport_url, floor_url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_users(args, rapport_url: str, floor_url: str, floor_session: str) -> dict:
    env = {
        **os.environ,
        "LOAD_RAPPORT_URL": rapport_url,
        "LOAD_FLOOR_URL": floor_url,
        "LOAD_FLOOR_SESSION": floor_session,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_USERS": str(args.users),
        "LOAD_READERS": str(args.readers),
        "LOAD_MEMBERS": str(args.members),
        "LOAD_SECONDS": str(args.seconds),
        "LOAD_PHASE_SECONDS": "10",
        "LOAD_FLOOR_PHASE_SECONDS": "5",
    }
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "load_users.py")], env=env, capture_output=True, text=True, timeout=900
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        sys.exit(f"the load client failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


PAGES = [
    "My week",
    "Engagement list (filter, search)",
    "Engagement page",
    "Engagement page: intake (lessons)",
    "Lessons: search",
    "Log a meeting: form",
    "Log a meeting: save",
    "Share a plan: form",
    "Share a plan: send",
    "Moderation queue",
    "Cases: list",
    "Cases: search",
    "Cases: theme",
    "Case page",
    "Case page: 500 comments",
    "Comment: post",
]


def report(result: dict, args) -> int:
    pages, floor = result["pages"], result["pages"].get("Floor /items/")
    print()
    spent = result["spent"]
    people = f"{args.users} advisors, {args.readers} readers, {args.members} members"
    print(f"{people}, {spent['rapport']:.0f} s on Rapport, {spent['floor']:.0f} s on the floor")
    print(f"{'page':<34} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} {'p50/floor':>10}")
    total = {"requests": 0, "errors": 0}
    for name in [*PAGES, *(n for n in pages if n not in PAGES and n != "Floor /items/")]:
        if name not in pages:
            continue
        page = pages[name]
        total["requests"] += page["requests"]
        total["errors"] += page["errors"]
        ratio = f"{page['p50'] / floor['p50']:.1f}x" if floor and floor["p50"] else "-"
        print(f"{name:<34} {page['rps']:>7.1f} {page['p50']:>7.0f} {page['p99']:>7.0f} {page['errors']:>7} {ratio:>10}")
    seconds = result["spent"]["rapport"]
    print(f"{'all of Rapport':<34} {total['requests'] / seconds:>7.1f} {'':>7} {'':>7} {total['errors']:>7}")
    if floor:
        row = f"{floor['rps']:>7.1f} {floor['p50']:>7.0f} {floor['p99']:>7.0f} {floor['errors']:>7}"
        print(f"{'Floor /items/':<34} {row} {'1.0x':>10}")
    login = result["login"]
    print(f"\nLogins: {login.get('logged_in', 0)} in, {login.get('failed', 0)} failed (before the measured window).")
    skipped = {k: v for k, v in result["skipped"].items() if v}
    if skipped:
        print(f"Skipped actions: {skipped}")
    errors = total["errors"] + (floor["errors"] if floor else 0) + login.get("failed", 0) + login.get("errors", 0)
    for line in result["errors"][:20]:
        print(f"  error: {line}")
    print(f"Errors: {errors}")
    return 1 if errors or result["errors"] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--readers", type=int, default=6, help="anonymous readers of the case studies, on top")
    parser.add_argument("--members", type=int, default=4, help="community members (read, comment), on top")
    parser.add_argument("--seconds", type=int, default=60, help="time under load on Rapport (the floor's comes on top)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the test data even if today's exists")
    parser.add_argument("--no-floor", action="store_true", help="leave out the floor page (no ratios)")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600 or not 0 <= args.readers + args.members <= 100:
        parser.error("keep it bounded: 1-200 users, 0-100 readers and members, 1-600 seconds")
    prepare_data(args.rebuild)
    clear_cache()
    floor_session = "" if args.no_floor else prepare_floor()
    logs = Path(tempfile.mkdtemp(prefix="rapport-load-"))
    servers = []
    try:
        rapport_url, floor_url = start_servers(DB, floor_session, logs, servers)
        result = run_users(args, rapport_url, floor_url, floor_session)
    finally:
        for process in servers:
            stop(process)
        redis.Redis.from_url(BROKER).delete("celery")  # the share e-mails no worker will send
    return report(result, args)


if __name__ == "__main__":
    sys.exit(main())
