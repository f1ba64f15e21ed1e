"""The benchmarks' data: 10,000 engagements of 55 advisors in 5 teams, built with bulk_create.

    DATABASE_URL=postgres://.../rapport_load_template .venv/bin/python bench/load_data.py

Run by bench/load.py and bench/pages.py into a throwaway database (never your data): it migrates, then builds
everything in one transaction. Each consultant leads 200 engagements and is a member of
about 100 more (so sees about 300); each of the 5 managers sees their team's 2,000. Per
engagement: a client of 2,000 (two contacts each), one or two plans, nine logged meetings
of the past year and one to come, a checkpoint; a third carry an open flag (amber or red).
One active engagement led by a consultant, BIG_ENGAGEMENT, has BIG_MEETINGS logged
meetings more (about 100,000 meetings in all). LOAD_SCALE=0.05 builds a twentieth of the
engagements and clients (bench/pages.py --small). Each consultant also has LOGGABLE
meetings that have started and ended and wait for a log, the ones the simulated consultants
log during the run.

The community (casestudies): 500 confirmed members (load-member001@community.example ...,
same password), 10 themes, 200 published cases written by the consultants, most with 10-60
visible comments in threads two replies deep, and one, BIG_CASE, with 500. One member in ten
has never commented (their first comment is held); a few comments wait in the moderation
queue (held, or reported). Comment bodies are rendered by casestudies.markup once per
variant and reused, so the build stays quick.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from advisors import roles  # noqa: E402
from advisors.models import AdvisorProfile, Team  # noqa: E402
from casestudies.markup import render_markdown  # noqa: E402
from casestudies.models import CaseStudy, Comment, CommentEvent, CommentReport, MemberProfile, Theme  # noqa: E402
from engagements.models import (  # noqa: E402
    Client,
    ClientContact,
    ClientProfile,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    PlanShare,
)

# LOAD_SCALE shrinks the volume (bench/pages.py --small: CI's run, so the benchmark cannot rot).
SCALE = float(os.environ.get("LOAD_SCALE", "1"))
TEAMS = 5
CONSULTANTS_PER_TEAM = 10
ENGAGEMENTS = round(10_000 * SCALE)
CLIENTS = round(2_000 * SCALE)
PAST_MEETINGS = 9  # per engagement, held and logged: about 100,000 meetings in all
BIG_MEETINGS = 200  # held and logged meetings of BIG_ENGAGEMENT, on top (bench/pages.py opens it)
BIG_ENGAGEMENT = "Big engagement with its full history"
LOGGABLE = 12  # per consultant: started, ended, waiting for a log
PASSWORD = "load-test-pass-1"  # test data only: the throwaway database's advisors
BATCH = 5_000

TOPICS = [
    "Planning process redesign",
    "Pricing review",
    "Sales process sparring",
    "Succession plan",
    "Communication between locations",
    "Onboarding programme",
    "Warehouse layout",
    "Customer service quality",
    "Management team coaching",
    "Cost reduction",
]
SIZES = ["micro", "small", "medium", "large"]
LESSONS = [  # one held meeting in four has a lesson (the intake panel and the lesson search read them)
    "Ask for a real week of data before the intake, not after.",
    "Share the plan three days ahead and ask whether it matches what they expected.",
    "The owner decides per product: show the effect on prices, not on the margin.",
    "Write down who decides, not only who is consulted.",
    "Agree the boundaries in writing before the first session.",
    "The new director was never part of the plan: start over with the relationship.",
]
SECTORS = ["Logistics", "Childcare", "Food retail", "Installation", "Agriculture", "Printing", "Healthcare"]
STAGES = ["intake"] * 1 + ["planning"] * 1 + ["proposal"] * 2 + ["active"] * 4 + ["closing"] * 1 + ["closed"] * 3
MEMBERS = 500  # community members; a tenth never commented
CASES = 200  # published case studies
BIG_CASE = "load-case-000"  # the case with BIG_COMMENTS comments (bench/load_users.py reads it)
BIG_COMMENTS = 500
THEMES = [
    "Change management",
    "Pricing",
    "Family business",
    "Leadership",
    "Sales",
    "Operations",
    "Succession",
    "Team dynamics",
    "Strategy",
    "Client relations",
]
CASE_BODY = """A {sector} company of about {size} people asked for help with {topic}.

The owner expected a plan within a month; the team expected to be asked first. We ran three
workshops, wrote down what each side had **expected**, and only then drafted the options:

- keep the current way of working and fix the two worst hand-offs;
- reorganise around the customer groups;
- do nothing for six months and measure.

What surprised us was how little the numbers mattered once the expectations were on paper.
"""
COMMENT_BODIES = [
    "We had the same in a *family business*: the plan only worked once the second generation wrote part of it.",
    "How did you measure the hand-offs? We tried **lead times** per step, which helped more than the survey.",
    "I would have started with the third option.\n\n- it buys time\n- it makes the baseline visible",
    "Interesting. Did the owner accept that the team was asked first, or did that take a conversation of its own?",
    "In our experience the workshops are where the real request comes out. See also the checklist we use.",
    "Agreed with the above; one more thing: write down who decides, not only who is consulted.",
]
User = get_user_model()


def consultant_name(team: int, n: int) -> str:
    return f"load-c{team * CONSULTANTS_PER_TEAM + n + 1:02d}"


def manager_name(team: int) -> str:
    return f"load-m{team + 1}"


def _people():
    password = make_password(PASSWORD)  # hashed once: every advisor has the same one
    teams = Team.objects.bulk_create([Team(name=f"Load team {t + 1}") for t in range(TEAMS)])
    managers = User.objects.bulk_create(
        [
            User(username=manager_name(t), first_name="Manager", last_name=f"{t + 1}", password=password)
            for t in range(TEAMS)
        ]
    )
    consultants = [
        User.objects.bulk_create(
            [
                User(username=consultant_name(t, n), first_name="Consultant", last_name=f"{t}-{n}", password=password)
                for n in range(CONSULTANTS_PER_TEAM)
            ]
        )
        for t in range(TEAMS)
    ]
    groups = {name: Group.objects.get(name=name) for name in roles.ALL}
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=groups[roles.MANAGER].pk) for u in managers]
        + [through(user_id=u.pk, group_id=groups[roles.CONSULTANT].pk) for team in consultants for u in team]
    )
    AdvisorProfile.objects.bulk_create(
        [AdvisorProfile(user=m, team=teams[t], seniority="principal") for t, m in enumerate(managers)]
        + [AdvisorProfile(user=u, team=teams[t], manager=managers[t]) for t in range(TEAMS) for u in consultants[t]]
    )
    return managers, consultants


def _clients(consultants):
    clients = Client.objects.bulk_create(
        [
            Client(
                name=f"Client {i:04d} {SECTORS[i % len(SECTORS)]}",
                sector=SECTORS[i % len(SECTORS)],
                size=SIZES[i % len(SIZES)],
                created_by=consultants[i % TEAMS][i // TEAMS % CONSULTANTS_PER_TEAM],
            )
            for i in range(CLIENTS)
        ]
    )
    contacts = ClientContact.objects.bulk_create(
        [
            ClientContact(
                client=c, name=f"Contact {k} of {c.name}", email=f"c{k}-{c.pk}@client.example", is_decision_maker=k == 0
            )
            for c in clients
            for k in range(2)
        ],
        batch_size=BATCH,
    )
    return clients, {c.client_id: c for c in contacts if c.is_decision_maker}


def _engagements(rng, clients, managers, consultants):
    rows, members = [], []
    for i in range(ENGAGEMENTS):
        team = i % CLIENTS % TEAMS  # a client's engagements stay in the client's team
        n = i // TEAMS % CONSULTANTS_PER_TEAM
        lead = managers[team] if i // TEAMS % 25 == 0 else consultants[team][n]  # managers lead a few
        health = rng.choices(["green", "amber", "red"], weights=[67, 22, 11])[0]
        topic = TOPICS[i % len(TOPICS)]
        rows.append(
            Engagement(
                client=clients[i % CLIENTS],
                title=f"{topic} {i}",
                lead=lead,
                stage=rng.choice(STAGES),
                health=health,
                stated_request=f"Please help us with {topic.lower()}.",
                underlying_need="What the intake found behind the request.",
                advisor_role="process",
            )
        )
        if i % 2 == 0:
            members.append((i, consultants[team][(n + 3) % CONSULTANTS_PER_TEAM]))
    big = next(e for e in rows if e.stage == "active" and e.lead in consultants[0])  # a consultant's
    big.title = BIG_ENGAGEMENT
    engagements = Engagement.objects.bulk_create(rows, batch_size=BATCH)
    through = Engagement.members.through
    through.objects.bulk_create(
        [through(engagement_id=engagements[i].pk, user_id=u.pk) for i, u in members], batch_size=BATCH
    )
    return engagements


def _plans(now, engagements, decision_makers):
    rows = []
    for i, e in enumerate(engagements):
        if e.stage in ("intake", "planning"):
            continue
        for version in range(1, 2 + (i % 2)):
            shared = now - timedelta(days=30 + i % 300) if version == 1 else None
            rows.append(
                DraftPlan(
                    engagement=e,
                    version=version,
                    title=f"Plan for {e.title}",
                    summary="Two options and a budget.",
                    created_by_id=e.lead_id,
                    shared_at=shared,
                    shared_by_id=e.lead_id if shared else None,
                    acknowledged_at=shared + timedelta(days=1) if shared else None,
                )
            )
    plans = DraftPlan.objects.bulk_create(rows, batch_size=BATCH)
    PlanShare.objects.bulk_create(
        [
            PlanShare(
                plan=p,
                contact=decision_makers[p.engagement.client_id],
                shared_at=p.shared_at,
                shared_by_id=p.shared_by_id,
                emailed_at=p.shared_at,
            )
            for p in plans
            if p.shared_at
        ],
        batch_size=BATCH,
    )
    return plans


def _meetings(now, engagements, decision_makers, consultants):
    rows = []
    big = next(e for e in engagements if e.title == BIG_ENGAGEMENT)
    for k in range(BIG_MEETINGS):  # one every four days, back from yesterday
        starts = now - timedelta(days=1 + 4 * k, hours=k % 8)
        rows.append(Meeting(engagement=big, purpose="progress", starts_at=starts, status="held"))
    for i, e in enumerate(engagements):
        for k in range(PAST_MEETINGS):
            rows.append(
                Meeting(
                    engagement=e,
                    purpose="progress",
                    starts_at=now - timedelta(days=20 + 40 * k + i % 60, hours=i % 8),
                    status="held",
                )
            )
        if e.stage not in ("closed", "lost"):  # one to come, in the next 30 days
            rows.append(Meeting(engagement=e, purpose="evaluation", starts_at=now + timedelta(hours=6 + (i * 7) % 720)))
    by_lead = {}
    for e in engagements:
        if e.stage == "active":
            by_lead.setdefault(e.lead_id, []).append(e)
    for team in consultants:
        for u in team:  # the meetings the simulated consultants log
            for k, e in enumerate(by_lead.get(u.pk, [])[:LOGGABLE]):
                rows.append(Meeting(engagement=e, purpose="progress", starts_at=now - timedelta(days=1 + k, hours=3)))
    meetings = Meeting.objects.bulk_create(rows, batch_size=BATCH)
    leads = {e.pk: e.lead_id for e in engagements}
    clients = {e.pk: e.client_id for e in engagements}
    advisors, contacts = Meeting.advisor_attendees.through, Meeting.contact_attendees.through
    advisors.objects.bulk_create(
        [advisors(meeting_id=m.pk, user_id=leads[m.engagement_id]) for m in meetings], batch_size=BATCH
    )
    contacts.objects.bulk_create(
        [contacts(meeting_id=m.pk, clientcontact_id=decision_makers[clients[m.engagement_id]].pk) for m in meetings],
        batch_size=BATCH,
    )
    MeetingLog.objects.bulk_create(
        [
            MeetingLog(
                meeting=m,
                summary="We went through the progress.",
                satisfaction=3 + m.pk % 3,
                checked_in_with_client=True,
                expectations_confirmed=True,
                lesson_learned=LESSONS[m.pk // 4 % len(LESSONS)] if m.pk % 4 == 0 else "",
                logged_by_id=leads[m.engagement_id],
            )
            for m in meetings
            if m.status == "held"
        ],
        batch_size=BATCH,
    )
    return meetings


def _checkpoints_and_flags(now, engagements):
    ExpectationCheckpoint.objects.bulk_create(
        [
            ExpectationCheckpoint(
                engagement=e,
                topic="plan_matches",
                due_on=(now + timedelta(days=i % 40 - 10)).date(),
                question="Does the plan match what the client expected?",
                created_by_id=e.lead_id,
            )
            for i, e in enumerate(engagements)
        ],
        batch_size=BATCH,
    )
    Flag.objects.bulk_create(
        [
            Flag(
                engagement=e,
                kind="manual",
                source="person",
                severity="high" if e.health == "red" else "medium",
                details="Raised by hand in the load test's data.",
                raised_by_id=e.lead_id,
            )
            for e in engagements
            if e.health != "green"
        ],
        batch_size=BATCH,
    )
    # Decided flags of the ended engagements: the decisions the intake panel and search show.
    decisions = ["no_action", "coach", "renegotiate", "part_ways"]
    Flag.objects.bulk_create(
        [
            Flag(
                engagement=e,
                kind="manual",
                source="person",
                severity="medium",
                details="Decided in the load test's data.",
                raised_by_id=e.lead_id,
                status="resolved",
                decision=decisions[i % len(decisions)],
                decision_note="Referred the client on; the request was outside what we do."
                if i % len(decisions) == 3
                else "Talked it through with the advisor; agree the scope in writing next time.",
                decided_by_id=e.lead_id,
                closed_at=now - timedelta(days=10 + i % 300),
            )
            for i, e in enumerate(engagements)
            if e.stage in ("closed", "lost")
        ],
        batch_size=BATCH,
    )
    ClientProfile.objects.update_or_create(
        key="firm",
        defaults={
            "fitting_sectors": "\n".join(SECTORS[:5]),
            "excluded_sectors": "Gambling",
            "sizes": SIZES[:3],
            "we_do": "Organisation advice.",
            "we_do_not": "Build software.",
            "warning_complaint_categories": ["price"],
        },
    )


def member_name(n: int) -> str:
    return f"load-member{n + 1:03d}@community.example"


def _members(now, password):
    """MEMBERS confirmed community members; they log in with their e-mail address."""
    members = User.objects.bulk_create(
        [User(username=member_name(n), email=member_name(n), password=password) for n in range(MEMBERS)],
        batch_size=BATCH,
    )
    group = Group.objects.get(name=roles.COMMUNITY_MEMBER)
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in members], batch_size=BATCH)
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(user=u, display_name=f"Member {n + 1:03d}", confirmed_at=now - timedelta(days=n % 300))
            for n, u in enumerate(members)
        ],
        batch_size=BATCH,
    )
    return members


def _community(rng, now, managers, consultants):
    password = User.objects.filter(username=manager_name(0)).values_list("password", flat=True).get()  # hashed once
    members = _members(now, password)
    talkers = [m for n, m in enumerate(members) if n % 10 != 9]  # one in ten has not commented yet
    themes = Theme.objects.bulk_create(
        [Theme(name=name, slug=name.lower().replace(" ", "-"), keywords=name.lower().split()[0]) for name in THEMES]
    )
    authors = [u for team in consultants for u in team]
    bodies = {}  # one rendering per distinct text
    cases = []
    for i in range(CASES):
        author = authors[i * 7 % len(authors)]
        topic, sector = TOPICS[i % len(TOPICS)], SECTORS[i % len(SECTORS)]
        body = CASE_BODY.format(sector=sector.lower(), size=10 + i % 90, topic=topic.lower())
        key = (sector, i % 90, topic)
        bodies.setdefault(key, render_markdown(body))
        cases.append(
            CaseStudy(
                title=f"{topic} in {sector.lower()}: case {i}",
                slug=f"load-case-{i:03d}",
                body=body,
                body_html=bodies[key],
                question=f"What would you have done first about the {topic.lower()}?",
                author=author,
                status=CaseStudy.Status.PUBLISHED,
                published_at=now - timedelta(days=10 + i * 2, hours=i % 24),  # BIG_CASE is the newest
                published_by=managers[(i * 7 % len(authors)) // CONSULTANTS_PER_TEAM],
            )
        )
    cases = CaseStudy.objects.bulk_create(cases)
    through = CaseStudy.themes.through
    through.objects.bulk_create(
        [through(casestudy_id=c.pk, theme_id=t.pk) for i, c in enumerate(cases) for t in rng.sample(themes, 1 + i % 3)]
    )
    rendered = [(text, render_markdown(text)) for text in COMMENT_BODIES]
    # Threads: per case, how many comments at each depth; built level by level, each reply
    # under a comment of the level above in the same case.
    plan = {}
    for i, case in enumerate(cases):
        n = BIG_COMMENTS if case.slug == BIG_CASE else rng.randint(10, 60) if i % 10 else rng.randint(0, 9)
        depths = [0] * min(n, 1) + rng.choices([0, 1, 2], weights=[5, 3, 2], k=max(n - 1, 0))
        plan[case.pk] = [depths.count(d) for d in range(3)]
    above = {}  # case pk -> the comments of the level above
    comments = []
    for depth in range(3):
        rows = []
        for i, case in enumerate(cases):
            parents = above.get(case.pk, [])
            if depth and not parents:
                continue
            for k in range(plan[case.pk][depth]):
                text, html = rendered[(i + k + depth) % len(rendered)]
                author = case.author if k % 9 == 4 else talkers[(i * 31 + k * 7 + depth) % len(talkers)]
                parent = rng.choice(parents) if depth else None
                rows.append(
                    Comment(
                        case=case,
                        parent=parent,
                        depth=depth,
                        author=author,
                        body=text,
                        body_html=html,
                        status=Comment.Status.VISIBLE,
                    )
                )
        made = Comment.objects.bulk_create(rows, batch_size=BATCH)
        comments += made
        above = {}
        for c in made:
            above.setdefault(c.case_id, []).append(c)
    # The moderation queue: first comments of new members, held; comments with open reports.
    newcomers = [m for n, m in enumerate(members) if n % 10 == 9]
    held = Comment.objects.bulk_create(
        [
            Comment(
                case=cases[1 + k * 3],
                author=newcomers[k],
                body=COMMENT_BODIES[k % len(COMMENT_BODIES)],
                body_html=rendered[k % len(rendered)][1],
                status=Comment.Status.HELD,
            )
            for k in range(20)
        ]
    )
    CommentEvent.objects.bulk_create(
        [CommentEvent(comment=c, action=CommentEvent.Action.HELD, reason="A new member's first comment") for c in held]
    )
    reported = [c for c in comments if c.author_id != c.case.author_id][::500][:10]
    reason = "Names a client, I think."
    CommentReport.objects.bulk_create(
        [CommentReport(comment=c, reporter=talkers[-1 - k], reason=reason) for k, c in enumerate(reported)]
    )
    CommentEvent.objects.bulk_create(
        [
            CommentEvent(comment=c, action=CommentEvent.Action.REPORTED, by=talkers[-1 - k], reason=reason)
            for k, c in enumerate(reported)
        ]
    )
    # Dated after their case's publication, in posting order (bulk_create stamped them all now).
    table, cases_table = Comment._meta.db_table, CaseStudy._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH r AS (
                  SELECT c.id, s.published_at
                         + (row_number() OVER (PARTITION BY c.case_id ORDER BY c.id)) * interval '17 minutes' AS t
                  FROM {table} c JOIN {cases_table} s ON s.id = c.case_id)
                UPDATE {table} c SET created_at = r.t, updated_at = r.t FROM r WHERE r.id = c.id"""
        )
    return len(members), len(cases), len(comments) + len(held)


@transaction.atomic
def build(now) -> dict:
    rng = random.Random(8)
    managers, consultants = _people()
    clients, decision_makers = _clients(consultants)
    engagements = _engagements(rng, clients, managers, consultants)
    plans = _plans(now, engagements, decision_makers)
    meetings = _meetings(now, engagements, decision_makers, consultants)
    _checkpoints_and_flags(now, engagements)
    members, cases, comments = _community(rng, now, managers, consultants)
    return {
        "engagements": len(engagements),
        "clients": len(clients),
        "plans": len(plans),
        "meetings": len(meetings),
        "community members": members,
        "case studies": cases,
        "comments": comments,
    }


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    counts = build(timezone.now())
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would keep them
        cursor.execute("ANALYZE")
    summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    print(f"built {summary} in {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
