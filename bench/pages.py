"""The main pages at a consultancy's real size, each beside the bare Django page of the floor.

    .venv/bin/python bench/pages.py [--seconds 10] [--rounds 2] [--rebuild]
    .venv/bin/python bench/pages.py --small        # a twentieth of the data, short runs (CI)

One command. It builds the data once a day with bench/load_data.py (10,000 engagements,
2,000 clients, about 100,000 meetings; one engagement with 200 meetings more) into the
template database that bench/load.py also uses, and a twentieth of it into another, copies
the one it measures to rapport_pages, collects the static files and serves the project with
gunicorn (config.wsgi, production settings, 2 workers) beside the floor, the bare Django
page of /work/shared/bench/floor (same gunicorn settings, its own database). Then, per
round, for each page: the floor for --seconds, then the page for --seconds, both with
`wrk -t2 -c10 --latency` from Debian's wrk package. It prints, per page, requests per
second, p50, p99 and errors (wrk's non-2xx and socket errors), the ratio of its req/s to the
floor's run just before it (the median over rounds), and the queries the page issues at
both sizes (counted through Django's test client on the same databases).

Nothing here is a test: the machine is noisy, so only the ratios mean anything. The pages
must be at 0.5 or more (README: Performance). Exit status 1 when a request failed or a page
did not answer 200 to its user. PostgreSQL (role rapport) and Redis db 3 are shared; it
creates and drops only its own databases.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from load import (
    FLOOR_DIR,
    PYTHON,
    ROOT,
    TEMPLATE,
    clear_cache,
    prepare_data,
    prepare_floor,
    rapport_env,
    start_servers,
    stop,
)

DB = "rapport_pages"
SIZES = {  # name: (template database, LOAD_SCALE)
    "full": (TEMPLATE, "1"),
    "small": ("rapport_pages_small_template", "0.05"),
}
TARGET = 0.5  # of the floor's req/s
# (name, user, what to open): bench/load_data.py's people; the inside run resolves the URLs.
PAGES = [
    ("Engagement list, consultant", "load-c01", "engagements"),
    ("Engagement list, manager", "load-m1", "engagements"),
    ("My week, consultant", "load-c01", "week"),
    ("Engagement with 200 meetings", "lead of big", "big engagement"),
    ("Client list, manager", "load-m1", "clients"),
    ("Client page, manager", "load-m1", "client of big"),
    ("Review queue, manager", "load-m1", "review"),
    ("Flag page, manager", "load-m1", "flag"),
    ("Team dashboard (quarter), manager", "load-m1", "dashboard"),
]


# --- Inside: run with the project's settings against one database --------------------------


def inside() -> None:
    """Print, as JSON, each page's URL, a session of its user and the queries it issues."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django  # noqa: PLC0415 (app loading: only the inside run sets Django up)

    django.setup()
    from django.contrib.auth import get_user_model  # noqa: PLC0415 (app loading, as above)
    from django.db import connection  # noqa: PLC0415 (app loading, as above)
    from django.test import Client  # noqa: PLC0415 (app loading, as above)
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415 (app loading, as above)
    from django.urls import reverse  # noqa: PLC0415 (app loading, as above)
    from load_data import BIG_ENGAGEMENT  # noqa: PLC0415 (it sets Django up on import)

    from engagements.models import Engagement  # noqa: PLC0415 (app loading, as above)
    from engagements.review_queue import review_queue  # noqa: PLC0415 (app loading, as above)

    big = Engagement.objects.select_related("lead").get(title=BIG_ENGAGEMENT)
    urls = {
        "engagements": reverse("engagements:list"),
        "week": reverse("engagements:my_week"),
        "big engagement": big.get_absolute_url(),
        "clients": reverse("engagements:clients"),
        "client of big": reverse("engagements:client", args=[big.client_id]),
        "review": reverse("engagements:review"),
        "dashboard": reverse("engagements:dashboard") + "?period=quarter",
    }
    users = get_user_model().objects
    first_flag = review_queue(user=users.get(username="load-m1")).first()  # the queue's top: the most severe
    urls["flag"] = reverse("engagements:flag", args=[first_flag.pk])
    out = []
    for name, username, what in PAGES:
        user = big.lead if username == "lead of big" else users.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)  # a real session in the database, as a login makes
        client.get(urls[what])  # the first request warms what every later one finds warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(urls[what])
        out.append(
            {
                "name": name,
                "url": urls[what],
                "session": client.cookies["sessionid"].value,
                "status": response.status_code,
                "queries": len(captured.captured_queries),
            }
        )
    print(json.dumps(out))


def inside_run(db: str) -> list[dict]:
    env = {**rapport_env(db), "PYTHONPATH": str(ROOT / "bench")}
    out = subprocess.run([PYTHON, __file__, "--inside"], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"counting the queries failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Outside: wrk against the two servers ------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, session: str, seconds: int) -> dict:
    command = ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency", "-H", f"Cookie: sessionid={session}", url]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        if not found:
            sys.exit(f"wrk printed no {percent}th percentile for {url}:\n{text}")
        value, unit = found.groups()
        return float(value) * UNITS[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def status(url: str, session: str) -> int:
    """The page's own status: a redirect (to the login page) is not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        return urllib.request.build_opener(NoRedirect).open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def measure(pages: list[dict], rapport_url: str, floor_url: str, floor_session: str, args) -> dict:
    runs = {page["name"]: [] for page in pages}
    floors = []
    for round_ in range(args.rounds):
        for page in pages:
            floor = wrk(f"{floor_url}/items/", floor_session, args.seconds) if floor_url else None
            result = wrk(rapport_url + page["url"], page["session"], args.seconds)
            if floor:
                floors.append(floor)
            ratio = result["rps"] / floor["rps"] if floor and floor["rps"] else 0
            runs[page["name"]].append({**result, "ratio": ratio})
            beside = f"(floor {floor['rps']:.1f}): {ratio:.2f}" if floor else "(no floor)"
            print(f"  round {round_ + 1}: {page['name']:<30} {result['rps']:>7.1f} req/s {beside}", flush=True)
    return {"runs": runs, "floors": floors}


def summary(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "ratio": statistics.median(r["ratio"] for r in runs),
    }


def report(measured: dict, pages: list[dict], queries: dict[str, dict], size: str, args) -> int:
    sizes = list(queries)
    print()
    print(f"{args.rounds} rounds of {args.seconds} s per page and per floor run, data at {size} size; wrk -t2 -c10")
    head = "".join(f" {'queries ' + s:>14}" for s in sizes)
    print(f"{'page':<30} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} {'ratio':>6}{head}")
    failed = 0
    for page in pages:
        s = summary(measured["runs"][page["name"]])
        counts = "".join(f" {queries[size_][page['name']]:>14}" for size_ in sizes)
        mark = "" if s["ratio"] >= TARGET or not measured["floors"] else f"  below {TARGET}"
        line = f"{page['name']:<30} {s['rps']:>7.1f} {s['p50']:>7.1f} {s['p99']:>7.1f} {s['errors']:>7}"
        ratio = f"{s['ratio']:>6.2f}" if measured["floors"] else f"{'-':>6}"
        print(f"{line} {ratio}{counts}{mark}")
        failed += s["errors"]
    if not measured["floors"]:
        print(f"Errors: {failed} (no floor: the ratios are left out)")
        return 1 if failed else 0
    f = summary([{**r, "ratio": 1} for r in measured["floors"]])
    line = f"{'Floor /items/ (bare Django)':<30} {f['rps']:>7.1f} {f['p50']:>7.1f} {f['p99']:>7.1f} {f['errors']:>7}"
    print(f"{line} {1:>6.2f}")
    failed += f["errors"]
    print(f"Errors: {failed}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run (the floor's and each page's)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--small", action="store_true", help="a twentieth of the data, 2-second runs, one round")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even if today's exists")
    parser.add_argument("--no-floor", action="store_true", help="leave out the floor page (no ratios)")
    parser.add_argument("--only", metavar="WORDS", help="only the pages whose name contains WORDS (any case)")
    args = parser.parse_args()
    if args.small:
        args.seconds, args.rounds = 2, 1
    if not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 10:
        parser.error("keep it bounded: 1-120 seconds, 1-10 rounds")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    size = "small" if args.small else "full"
    queries = {}
    for name in ["small"] if args.small else ["small", "full"]:  # the measured size last: it stays in DB
        template, scale = SIZES[name]
        prepare_data(args.rebuild, template=template, db=DB, scale=scale)
        pages = [p for p in inside_run(DB) if not args.only or args.only.lower() in p["name"].lower()]
        queries[name] = {p["name"]: p["queries"] for p in pages}
    if not pages:
        parser.error(f"no page's name contains {args.only!r}: {', '.join(name for name, _, _ in PAGES)}")
    clear_cache()
    if not args.no_floor and not (FLOOR_DIR / "manage.py").exists():
        sys.exit(f"The floor is missing at {FLOOR_DIR} (set RAPPORT_FLOOR_DIR, or pass --no-floor)")
    floor_session = "" if args.no_floor else prepare_floor()
    logs = Path(tempfile.mkdtemp(prefix="rapport-pages-"))
    servers = []
    try:
        rapport_url, floor_url = start_servers(DB, floor_session, logs, servers)
        answered = {p["name"]: (p["status"], status(rapport_url + p["url"], p["session"])) for p in pages}
        refused = {name: codes for name, codes in answered.items() if codes != (200, 200)}
        if refused:
            print(f"Not answered with 200 to their users (test client, gunicorn): {refused}")
            return 1
        measured = measure(pages, rapport_url, floor_url, floor_session, args)
    finally:
        for process in servers:
            stop(process)
    return report(measured, pages, queries, size, args)


if __name__ == "__main__":
    if sys.argv[1:] == ["--inside"]:
        inside()
    else:
        sys.exit(main())
