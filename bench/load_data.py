"""The load test's data: 10,000 engagements of 55 advisors in 5 teams, built with bulk_create.

    DATABASE_URL=postgres://.../rapport_load_template .venv/bin/python bench/load_data.py

Run by bench/load.py into a throwaway database (never your data): it migrates, then builds
everything in one transaction. Each consultant leads 200 engagements and is a member of
about 100 more (so sees about 300); each of the 5 managers sees their team's 2,000. Per
engagement: a client of 2,000 (two contacts each), one or two plans, four logged meetings
of the past year and one to come, a checkpoint; a third carry an open flag (amber or red).
Each consultant also has LOGGABLE meetings that have started and ended and wait for a log,
the ones the simulated consultants log during the run.
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
from engagements.models import (  # noqa: E402
    Client,
    ClientContact,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    PlanShare,
)

TEAMS = 5
CONSULTANTS_PER_TEAM = 10
ENGAGEMENTS = 10_000
CLIENTS = 2_000
PAST_MEETINGS = 4  # per engagement, held and logged
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
SECTORS = ["Logistics", "Childcare", "Food retail", "Installation", "Agriculture", "Printing", "Healthcare"]
STAGES = ["intake"] * 1 + ["planning"] * 1 + ["proposal"] * 2 + ["active"] * 4 + ["closing"] * 1 + ["closed"] * 3
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
    for i, e in enumerate(engagements):
        for k in range(PAST_MEETINGS):
            rows.append(
                Meeting(
                    engagement=e,
                    purpose="progress",
                    starts_at=now - timedelta(days=20 + 80 * k + i % 60, hours=i % 8),
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
            for k in range(LOGGABLE):
                e = by_lead[u.pk][k]
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


@transaction.atomic
def build(now) -> dict:
    rng = random.Random(8)
    managers, consultants = _people()
    clients, decision_makers = _clients(consultants)
    engagements = _engagements(rng, clients, managers, consultants)
    plans = _plans(now, engagements, decision_makers)
    meetings = _meetings(now, engagements, decision_makers, consultants)
    _checkpoints_and_flags(now, engagements)
    return {"engagements": len(engagements), "clients": len(clients), "plans": len(plans), "meetings": len(meetings)}


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
