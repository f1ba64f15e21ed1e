"""The simulated advisors and community of the load test, run headless with locust as a library.

Started by bench/load.py (not by hand): it reads its settings from LOAD_* variables and
prints one JSON line with the figures. Every user logs in once; when all are in, the
statistics are reset and the phases alternate, floor then Rapport, for the same users at
the same pace, so that the floor page and Rapport's pages see the same machine.

LOAD_USERS advisors (consultants and managers, nine to one) and, on top, LOAD_READERS
anonymous readers of the case studies and LOAD_MEMBERS community members (logged in with
their e-mail address; they read and now and then comment). With both at 0 the run is the
advisors' alone, as before the community joined.

Cookies are kept by hand: production marks the session and CSRF cookies Secure, and an
HTTP client rightly never sends those over plain http; every request says
X-Forwarded-Proto: https, as the TLS proxy would, so Django treats it as secure.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from http.cookiejar import DefaultCookiePolicy  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from itertools import count  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

RAPPORT = os.environ["LOAD_RAPPORT_URL"]
FLOOR = os.environ.get("LOAD_FLOOR_URL", "")
FLOOR_SESSION = os.environ.get("LOAD_FLOOR_SESSION", "")
PASSWORD = os.environ["LOAD_PASSWORD"]
TEAMS, CONSULTANTS_PER_TEAM = 5, 10
for _url in (RAPPORT, FLOOR):
    assert not _url or urlsplit(_url).hostname == "127.0.0.1", "traffic goes to 127.0.0.1 only"

ENGAGEMENT_LINK = re.compile(r'href="/engagements/(\d+)/"')
LOG_LINK = re.compile(r"/engagements/meetings/(\d+)/log/")
SHARE_LINK = re.compile(r"/engagements/plans/(\d+)/share/")
CONTACT_BOX = re.compile(r'<input[^>]*name="contacts"[^>]*>')
VALUE = re.compile(r'value="(\d+)"')
SEARCH_WORDS = ["planning", "pricing", "succession", "Client 01", "coaching", "warehouse"]
LESSON_WORDS = ["plan", "boundaries", "director", "prices", "decides", "scope in writing"]
# The community (bench/load_data.py): cases load-case-000 (500 comments) to load-case-199.
CASE_LINK = re.compile(r'href="/cases/(load-case-\d+)/"')
PARENT = re.compile(r'name="parent" value="(\d+)"')
BIG_CASE = "load-case-000"
MEMBERS = 500
CASE_WORDS = ["pricing", "succession", "childcare", "coaching", "warehouse", "hand-offs", "family business"]
THEMES = ["change-management", "pricing", "family-business", "leadership", "sales", "operations", "succession"]
COMMENTS_PER_RUN = 9  # a member stays below comments_per_member (10/h): the limit is not what is measured

PHASE = {"now": "login"}
READY = Event()
STARTED = {"n": 0}
LOGGED_IN = {"ok": 0, "failed": 0}
SKIPPED = {"no meeting to log": 0, "no plan to share": 0, "comment limit of the run": 0}


class NoCookies(DefaultCookiePolicy):
    """The session's own jar stays empty: Advisor keeps the cookies itself."""

    def set_ok(self, cookie, request):
        return False


class Advisor(HttpUser):
    abstract = True
    host = RAPPORT
    wait_time = between(1, 3)
    weights: dict[str, int] = {}
    usernames: Iterator[str] = iter(())  # each kind of user: the logins it takes in turn

    # --- HTTP with hand-kept cookies ------------------------------------------------------
    def on_start(self):
        self.client.cookies.set_policy(NoCookies())
        self.cookies: dict[str, str] = {}
        self.engagements: list[int] = []
        self.meetings_to_log: list[int] = []
        self.plans: list[int] = []
        self.cases: list[str] = []
        self.comments_posted = 0
        self.login()
        STARTED["n"] += 1
        READY.wait()

    def _keep_cookies(self, response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method, path, name, expect, data=None, headers=None):
        """One request; a status other than `expect` counts as an error. Returns the response."""
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = RAPPORT.replace("http://", "https://")
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        with self.client.request(
            method, path, name=name, data=data, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            self._keep_cookies(response)
            if response.status_code != expect:
                response.failure(f"{response.status_code} (expected {expect}) for {path}")
            elif expect == 200 and method == "POST" and b"Nothing was saved" in response.content:
                response.failure(f"form refused for {path}")
            else:
                response.success()
        return response

    def login(self):
        self.request("GET", "/accounts/login/", "Login", 200)
        data = {"username": next(self.usernames), "password": PASSWORD}
        response = self.request("POST", "/accounts/login/", "Login", 302, data=data)
        LOGGED_IN["ok" if response.status_code == 302 else "failed"] += 1

    # --- the day ------------------------------------------------------------------------
    @task
    def step(self):
        if PHASE["now"] == "floor":
            headers = {"Cookie": f"sessionid={FLOOR_SESSION}"}
            with self.client.get(
                f"{FLOOR}/items/", name="Floor /items/", headers=headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"floor answered {response.status_code}")
        elif PHASE["now"] == "rapport":
            action = random.choices(list(self.weights), weights=list(self.weights.values()))[0]
            getattr(self, action)()

    def my_week(self):
        response = self.request("GET", "/engagements/week/", "My week", 200)
        self.meetings_to_log = [int(pk) for pk in LOG_LINK.findall(response.text)]

    def engagement_list(self):
        choice = random.random()
        if choice < 0.4:
            query = f"?q={random.choice(SEARCH_WORDS)}"
        elif choice < 0.7:
            query = f"?stage={random.choice(['active', 'proposal', 'intake'])}&sort=-updated"
        elif choice < 0.9:
            query = f"?health={random.choice(['red', 'amber'])}"
        else:
            query = "?page=2"
        response = self.request("GET", f"/engagements/{query}", "Engagement list (filter, search)", 200)
        found = [int(pk) for pk in ENGAGEMENT_LINK.findall(response.text)]
        self.engagements = found or self.engagements

    def engagement_page(self, pk=None):
        if pk is None:
            if not self.engagements:
                self.engagement_list()
            if not self.engagements:
                return
            pk = random.choice(self.engagements)
        response = self.request("GET", f"/engagements/{pk}/", "Engagement page", 200)
        self.plans = [int(pk) for pk in SHARE_LINK.findall(response.text)]

    def intake_page(self):
        """An engagement in intake: its page carries the lessons panel."""
        response = self.request("GET", "/engagements/?stage=intake", "Engagement list (filter, search)", 200)
        found = [int(pk) for pk in ENGAGEMENT_LINK.findall(response.text)]
        if found:
            self.request("GET", f"/engagements/{random.choice(found)}/", "Engagement page: intake (lessons)", 200)

    def lesson_search(self):
        word = random.choice(LESSON_WORDS)
        self.request("GET", f"/engagements/lessons/?q={word.replace(' ', '+')}", "Lessons: search", 200)

    def log_meeting(self):
        """From My week, as the page does it: the form comes and goes by htmx."""
        if not self.meetings_to_log:
            self.my_week()
        if not self.meetings_to_log:
            SKIPPED["no meeting to log"] += 1
            return
        pk = self.meetings_to_log.pop(0)
        htmx = {"HX-Request": "true"}
        self.request("GET", f"/engagements/meetings/{pk}/log/", "Log a meeting: form", 200, headers=htmx)
        data = {
            "summary": "Went through the progress; next steps agreed.",
            "satisfaction": str(random.randint(3, 5)),
            "longest_monologue_minutes": "4",
            "checked_in_with_client": "on",
            "expectations_confirmed": "on",
            "next_steps": "Send the minutes.",
        }
        url = f"/engagements/meetings/{pk}/log/"
        self.request("POST", url, "Log a meeting: save", 200, data=data, headers=htmx)

    def share_plan(self):
        """From an engagement page: the share form, send, and back to the engagement."""
        for _ in range(3):  # early-stage engagements have no plan yet
            if self.plans:
                break
            self.engagement_page()
        if not self.plans:
            SKIPPED["no plan to share"] += 1
            return
        pk = random.choice(self.plans)
        url = f"/engagements/plans/{pk}/share/"
        form = self.request("GET", url, "Share a plan: form", 200)
        contacts = [VALUE.search(box).group(1) for box in CONTACT_BOX.findall(form.text) if VALUE.search(box)]
        if not contacts:
            SKIPPED["no plan to share"] += 1
            return
        response = self.request("POST", url, "Share a plan: send", 302, data={"contacts": contacts[:1]})
        if response.status_code == 302:
            self.engagement_page(int(ENGAGEMENT_LINK.search(f'href="{response.headers["Location"]}"').group(1)))

    # --- the community -----------------------------------------------------------------
    def case_list(self, query="", name="Cases: list"):
        response = self.request("GET", f"/cases/{query}", name, 200)
        self.cases = CASE_LINK.findall(response.text) or self.cases

    def case_list_page_2(self):
        self.case_list("?page=2")

    def case_search(self):
        self.case_list(f"?q={random.choice(CASE_WORDS).replace(' ', '+')}", "Cases: search")

    def case_theme(self):
        self.case_list(f"?theme={random.choice(THEMES)}", "Cases: theme")

    def case_page(self, slug=None):
        if slug is None:
            if not self.cases:
                self.case_list()
            slug = random.choice(self.cases or [BIG_CASE])
        name = "Case page: 500 comments" if slug == BIG_CASE else "Case page"
        return self.request("GET", f"/cases/{slug}/", name, 200)

    def big_case(self):
        self.case_page(BIG_CASE)

    def post_comment(self):
        """From a case page: a comment, or a reply to one of its comments; back to the thread."""
        if self.comments_posted >= COMMENTS_PER_RUN:
            SKIPPED["comment limit of the run"] += 1
            return self.case_page()
        if not self.cases:
            self.case_list()
        slug = random.choice(self.cases or [BIG_CASE])
        page = self.case_page(slug)
        data = {"body": "We saw the same: *asking the team first* made the plan stick.", "parent": ""}
        parents = PARENT.findall(page.text)
        if parents and random.random() < 0.5:
            data["parent"] = random.choice(parents)
        response = self.request("POST", f"/cases/{slug}/comments/", "Comment: post", 302, data=data)
        if response.status_code == 302:
            self.comments_posted += 1

    def moderation_queue(self):
        self.request("GET", "/cases/moderation/", "Moderation queue", 200)


class Consultant(Advisor):
    weight = 9
    weights = {
        "my_week": 3,
        "engagement_list": 3,
        "engagement_page": 3,
        "intake_page": 1,
        "lesson_search": 1,
        "log_meeting": 1,
        "share_plan": 1,
    }
    usernames = (f"load-c{n % (TEAMS * CONSULTANTS_PER_TEAM) + 1:02d}" for n in count())


class Manager(Advisor):
    weight = 1
    weights = {"my_week": 1, "engagement_list": 4, "engagement_page": 4, "lesson_search": 1, "moderation_queue": 1}
    usernames = (f"load-m{n % TEAMS + 1}" for n in count())


class Reader(Advisor):
    """Anonymous: the list, a search, a theme, case pages (the 500-comment one too)."""

    fixed_count = int(os.environ.get("LOAD_READERS", "0"))
    weights = {"case_list": 2, "case_list_page_2": 1, "case_search": 2, "case_theme": 2, "case_page": 5, "big_case": 1}

    def login(self):
        pass  # reads without an account


class Member(Advisor):
    """A community member: reads like a reader, and now and then comments."""

    fixed_count = int(os.environ.get("LOAD_MEMBERS", "0"))
    weights = {"case_list": 2, "case_search": 1, "case_theme": 1, "case_page": 5, "big_case": 1, "post_comment": 1}
    # load-member010, -020, ... have never commented: their first comment is held.
    usernames = (f"load-member{n % MEMBERS + 1:03d}@community.example" for n in count())


def _figures(stats, seconds: float) -> dict:
    return {
        name: {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": entry.num_requests / seconds if seconds else 0.0,
            "p50": entry.get_response_time_percentile(0.5),
            "p99": entry.get_response_time_percentile(0.99),
        }
        for (name, _method), entry in stats.entries.items()
        if entry.num_requests
    }


def main() -> None:
    users, seconds = int(os.environ["LOAD_USERS"]), float(os.environ["LOAD_SECONDS"])
    phase, floor_phase = float(os.environ["LOAD_PHASE_SECONDS"]), float(os.environ["LOAD_FLOOR_PHASE_SECONDS"])
    community = Reader.fixed_count + Member.fixed_count
    classes = [Consultant, Manager] + [kind for kind in (Reader, Member) if kind.fixed_count]
    env = Environment(user_classes=classes, events=events)
    runner = env.create_local_runner()
    runner.start(users + community, spawn_rate=users + community)
    deadline = time.monotonic() + 180
    while STARTED["n"] < users + community and time.monotonic() < deadline:
        gevent.sleep(0.2)
    login = _figures(env.stats, 0).get("Login", {})
    login["logged_in"], login["failed"] = LOGGED_IN["ok"], LOGGED_IN["failed"] + users + community - STARTED["n"]
    env.stats.reset_all()
    READY.set()
    spent = {"rapport": 0.0, "floor": 0.0}
    while spent["rapport"] < seconds:
        floor_length = floor_phase if FLOOR else 0
        for name, length in (("floor", floor_length), ("rapport", min(phase, seconds - spent["rapport"]))):
            if length > 0:
                PHASE["now"] = name
                gevent.sleep(length)
                spent[name] += length
    PHASE["now"] = "done"
    runner.quit()
    figures = _figures(env.stats, spent["rapport"])
    if "Floor /items/" in figures:
        floor = figures["Floor /items/"]
        floor["rps"] = floor["requests"] / spent["floor"]
    errors = [f"{e.occurrences}x {e.method} {e.name}: {e.error}" for e in env.stats.errors.values()]
    errors += [f"{e['count']}x exception: {e['msg']}" for e in runner.exceptions.values()]
    result = {"pages": figures, "login": login, "spent": spent, "skipped": SKIPPED, "errors": errors}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
