"""Demo data that tells the stories of docs/domain.md. Every name is invented.

All dates are relative to "now", so the demo always has meetings coming up. Each row is
found by a natural key and updated in place, so running the seed again changes no counts.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from advisors import roles
from advisors.models import AdvisorProfile, Team
from engagements import services
from engagements.models import (
    Client,
    ClientContact,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Meeting,
    MeetingLog,
    PlanAnswer,
    PlanShare,
)

DEMO_PASSWORD = "rapport-demo"
User = get_user_model()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str


LOGINS = [
    DemoLogin("manager", "manager", "Ilse Vermeer"),
    DemoLogin("consultant", "consultant", "Daan Kuipers"),
    DemoLogin("consultant2", "consultant", "Sanne de Wit"),
    DemoLogin("member", "community member", "Joris Bakker"),
    DemoLogin("admin", "staff (Django admin)", "Rapport Admin"),
]


class Seeder:
    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def at(self, days: int, hour: int = 10, minute: int = 0) -> datetime:
        """A moment `days` from today at a local wall-clock time."""
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())

    def on(self, days: int) -> date:
        return self.today + timedelta(days=days)

    @transaction.atomic
    def run(self) -> None:
        self.users()
        self.clients()
        self.engagements()
        # Flags come from the rules, as they would in real use (and health from the flags).
        for engagement in Engagement.objects.filter(client__in=self.clients_by_key.values()):
            services.flags_sync(engagement_id=engagement.pk, now=self.now)

    # --- people --------------------------------------------------------------------------
    def user(self, login: DemoLogin, **extra) -> "User":
        first, _, last = login.name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=login.username,
            defaults={"first_name": first, "last_name": last, "email": f"{login.username}@example.com", **extra},
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def users(self) -> None:
        self.team, _ = Team.objects.get_or_create(name="Team Noord")
        self.manager = self.user(LOGINS[0])
        self.daan = self.user(LOGINS[1])
        self.sanne = self.user(LOGINS[2])
        self.member = self.user(LOGINS[3])
        self.user(LOGINS[4], is_staff=True, is_superuser=True)
        groups = {name: Group.objects.get(name=name) for name in roles.ALL}
        self.manager.groups.set([groups[roles.MANAGER]])
        self.daan.groups.set([groups[roles.CONSULTANT]])
        self.sanne.groups.set([groups[roles.CONSULTANT]])
        self.member.groups.set([groups[roles.COMMUNITY_MEMBER]])
        profiles = [
            (self.manager, "Practice manager", "principal", None, 72, "nl"),
            (self.daan, "Organisation advisor", "medior", self.manager, 72, "nl"),
            (self.sanne, "Senior advisor", "senior", self.manager, 96, "en"),
        ]
        for user, title, seniority, manager, lead_hours, language in profiles:
            AdvisorProfile.objects.update_or_create(
                user=user,
                defaults={
                    "title": title,
                    "seniority": seniority,
                    "team": self.team,
                    "manager": manager,
                    "reminder_lead_hours": lead_hours,
                    "language": language,
                },
            )

    # --- clients -------------------------------------------------------------------------
    CLIENTS = {
        "veldhoven": (
            "Veldhoven Logistiek BV",
            "Logistics",
            "medium",
            "good",
            "Family business, third generation. The board reads everything on paper.",
        ),
        "debrug": (
            "Stichting Kinderopvang De Brug",
            "Childcare",
            "medium",
            "good",
            "Eleven locations; reorganised last year.",
        ),
        "molenaar": (
            "Bakkerij Molenaar",
            "Food retail",
            "small",
            "doubtful",
            "Price-sensitive. Wants results before the summer season.",
        ),
        "hoeksma": (
            "Hoeksma Installatietechniek",
            "Installation engineering",
            "medium",
            "doubtful",
            "New managing director since this quarter.",
        ),
        "weidegroen": (
            "Kaasboerderij Weidegroen",
            "Agriculture and retail",
            "micro",
            "good",
            "Family farm with a shop; the next generation is taking over.",
        ),
        "printstudio": (
            "Studio Drukwerk Oost",
            "Printing",
            "micro",
            "mismatch",
            "Asked for a web shop; we are not the right party for the build.",
        ),
    }
    CONTACTS = [
        # client key, name, role, e-mail, language, decision maker, left (days ago) or None
        ("veldhoven", "Marloes Veldhoven", "Managing director", "m.veldhoven@veldhoven.example", "nl", True, None),
        ("veldhoven", "Kees Brink", "Planning lead", "k.brink@veldhoven.example", "nl", False, None),
        ("debrug", "Fatima el Idrissi", "Director", "director@debrug.example", "nl", True, None),
        ("debrug", "Tom Hendriks", "Location manager", "t.hendriks@debrug.example", "en", False, None),
        ("molenaar", "Gert Molenaar", "Owner", "gert@molenaar.example", "nl", True, None),
        ("hoeksma", "Pieter Hoeksma", "Former managing director", "p.hoeksma@hoeksma.example", "nl", True, 20),
        ("hoeksma", "Lotte Smit", "Managing director", "l.smit@hoeksma.example", "en", True, None),
        ("weidegroen", "Anna Weidegroen", "Owner", "anna@weidegroen.example", "nl", True, None),
        ("printstudio", "Ruben Oost", "Owner", "ruben@printstudio.example", "nl", True, None),
    ]

    def clients(self) -> None:
        self.clients_by_key = {}
        for key, (name, sector, size, fit, notes) in self.CLIENTS.items():
            self.clients_by_key[key], _ = Client.objects.update_or_create(
                name=name,
                team=self.team,
                defaults={"sector": sector, "size": size, "fit": fit, "notes": notes, "created_by": self.manager},
            )
        self.contacts = {}
        for key, name, role, email, language, decides, left_days_ago in self.CONTACTS:
            left_on = self.on(-left_days_ago) if left_days_ago else None
            self.contacts[email], _ = ClientContact.objects.update_or_create(
                client=self.clients_by_key[key],
                email=email,
                defaults={
                    "name": name,
                    "role": role,
                    "language": language,
                    "is_decision_maker": decides,
                    "left_on": left_on,
                },
            )
        former = self.contacts["p.hoeksma@hoeksma.example"]
        former.replaced_by = self.contacts["l.smit@hoeksma.example"]
        former.save(update_fields=["replaced_by", "updated_at"])

    # --- engagements ---------------------------------------------------------------------
    def engagement(self, client_key: str, title: str, members=(), **fields) -> Engagement:
        engagement, _ = Engagement.objects.update_or_create(
            client=self.clients_by_key[client_key], title=title, defaults=fields
        )
        engagement.members.set(members)
        opened = fields.get("starts_on") or self.on(-7)
        self.backdate(engagement, datetime.combine(opened, time(9), tzinfo=timezone.get_current_timezone()))
        return engagement

    def plan(
        self,
        engagement,
        version,
        title,
        summary,
        budget,
        *,
        shared_days=None,
        to=(),
        answer="",
        adjustments="",
        by=None,
    ) -> DraftPlan:
        by = by or engagement.lead
        shared_at = self.now + timedelta(days=shared_days) if shared_days is not None else None
        answered_at = shared_at + timedelta(hours=20) if answer else None
        plan, _ = DraftPlan.objects.update_or_create(
            engagement=engagement,
            version=version,
            defaults={
                "title": title,
                "summary": summary,
                "budget": Decimal(budget),
                "created_by": by,
                "shared_at": shared_at,
                "shared_by": by if shared_at else None,
                "acknowledged_at": answered_at,
                "matches_expectations": answer,
                "adjustments": adjustments,
                "answered_at": answered_at,
            },
        )
        self.backdate(plan, (shared_at or self.now) - timedelta(days=1))
        for email in to:
            share, _ = PlanShare.objects.update_or_create(
                plan=plan,
                contact=self.contacts[email],
                defaults={"shared_at": shared_at, "shared_by": by, "emailed_at": shared_at},
            )
            if answer:
                reply, _ = PlanAnswer.objects.update_or_create(
                    plan=plan,
                    share=share,
                    defaults={"received": True, "matches_expectations": answer, "adjustments": adjustments},
                )
                self.backdate(reply, answered_at)
        return plan

    @staticmethod
    def backdate(obj, when: datetime) -> None:
        """Give a row the creation time its story needs (the timeline sorts on it)."""
        type(obj).objects.filter(pk=obj.pk).update(created_at=when)

    def meeting(
        self,
        engagement,
        purpose,
        starts_at,
        *,
        minutes=60,
        plan=None,
        status="scheduled",
        contacts=(),
        advisors=(),
        location="",
    ) -> Meeting:
        meeting, _ = Meeting.objects.update_or_create(
            engagement=engagement,
            purpose=purpose,
            defaults={
                "starts_at": starts_at,
                "duration_minutes": minutes,
                "plan": plan,
                "status": status,
                "location": location,
            },
        )
        meeting.contact_attendees.set([self.contacts[email] for email in contacts])
        meeting.advisor_attendees.set(advisors or [engagement.lead])
        return meeting

    def log(self, meeting, **fields) -> MeetingLog:
        log, _ = MeetingLog.objects.update_or_create(
            meeting=meeting, defaults={"logged_by": meeting.engagement.lead, **fields}
        )
        self.backdate(log, meeting.ends_at + timedelta(hours=2))
        return log

    def checkpoint(self, engagement, topic, due_days, question, **fields) -> ExpectationCheckpoint:
        checkpoint, _ = ExpectationCheckpoint.objects.update_or_create(
            engagement=engagement,
            topic=topic,
            defaults={"due_on": self.on(due_days), "question": question, "created_by": engagement.lead, **fields},
        )
        self.backdate(checkpoint, min(self.at(due_days - 7, 9), self.now))
        return checkpoint

    def engagements(self) -> None:
        self.story_plan_nobody_saw()
        self.story_request_behind_the_request()
        self.story_partly_what_we_expected()
        self.story_new_decision_maker()
        self.story_parting_ways()
        self.story_meeting_about_to_start()

    def story_plan_nobody_saw(self) -> None:
        """A plan is ready but not shared, and the board meets about it in two days."""
        e = self.engagement(
            "veldhoven",
            "Planning process redesign",
            lead=self.daan,
            stage="proposal",
            advisor_role="expert",
            stated_request="Our planning is a mess. Can you write a plan to fix it?",
            underlying_need="Planners redo the weekly schedule by hand because the customer-service team "
            "accepts rush orders without checking capacity.",
            desired_outcomes="A weekly schedule that holds for three days without manual rework.",
            boundaries="No selection or implementation of planning software.",
            budget=Decimal("38000"),
            starts_on=self.on(-30),
        )
        self.meeting(
            e,
            "intake",
            self.at(-25, 14),
            contacts=["m.veldhoven@veldhoven.example", "k.brink@veldhoven.example"],
            status="held",
        )
        self.log(
            Meeting.objects.get(engagement=e, purpose="intake"),
            summary="Walked through a week of planning with Kees. Rush orders are the real issue.",
            satisfaction=4,
            signals=["enthusiasm"],
            longest_monologue_minutes=4,
            checked_in_with_client=True,
            expectations_confirmed=True,
            next_steps="Write a plan with two options and a budget.",
            lesson_learned="Ask for a real week of data before the intake, not after.",
        )
        plan = self.plan(
            e,
            1,
            "Plan: a schedule that holds",
            "Two options: a capacity check on rush orders, or a fixed daily slot for them. Budget for eight weeks.",
            "38000",
        )
        self.meeting(
            e,
            "plan_discussion",
            self.at(2, 9, 30),
            minutes=90,
            plan=plan,
            location="Client office",
            contacts=["m.veldhoven@veldhoven.example", "k.brink@veldhoven.example"],
        )
        self.checkpoint(
            e,
            "intake_need",
            -20,
            "Does the client recognise rush orders as the cause?",
            status="confirmed",
            client_answer="Yes, and the planners said so for years.",
            recorded_via="meeting",
            answered_at=self.at(-25, 15),
        )
        self.checkpoint(e, "plan_matches", 3, "Does the plan match what the board expected?")

    def story_request_behind_the_request(self) -> None:
        """A one-line request for a workshop; the intake finds something else behind it."""
        e = self.engagement(
            "debrug",
            "Communication between locations",
            lead=self.sanne,
            stage="intake",
            advisor_role="process",
            stated_request="We would like a workshop on communication for our location managers.",
            underlying_need="",
            desired_outcomes="",
            budget=None,
            starts_on=self.on(-7),
        )
        self.meeting(e, "intake", self.at(1, 13), contacts=["director@debrug.example"])
        self.checkpoint(e, "intake_need", 4, "Have we found the need behind the workshop request?")

    def story_partly_what_we_expected(self) -> None:
        """The plan was shared ahead; the owner answered "partly"; the meeting is tomorrow."""
        e = self.engagement(
            "molenaar",
            "Pricing review for the shops",
            [self.sanne],
            lead=self.daan,
            stage="proposal",
            advisor_role="sparring",
            stated_request="Our margins are shrinking. Should we raise prices?",
            underlying_need="The owner wants to keep loyal customers while the cost of flour and energy rises.",
            desired_outcomes="A price list for the summer season the owner can explain to regular customers.",
            boundaries="No advice on suppliers or staffing.",
            budget=Decimal("9500"),
            starts_on=self.on(-21),
        )
        self.plan(
            e,
            1,
            "Pricing review",
            "First outline.",
            "12000",
            shared_days=-14,
            to=["gert@molenaar.example"],
            answer="no",
            adjustments="Far too expensive for a bakery.",
        )
        plan = self.plan(
            e,
            2,
            "Pricing review, lighter",
            "Three sessions instead of six; own sales data only.",
            "9500",
            shared_days=-3,
            to=["gert@molenaar.example"],
            answer="partly",
            adjustments="Good, but I want to see the effect on the croissant and bread prices.",
        )
        self.meeting(
            e,
            "plan_discussion",
            self.at(1, 16),
            minutes=45,
            plan=plan,
            location="Shop on the market",
            contacts=["gert@molenaar.example"],
            advisors=[self.daan, self.sanne],
        )
        self.checkpoint(e, "plan_matches", 1, "Does version 2 match what the owner expected?", plan=plan, status="open")

    def story_new_decision_maker(self) -> None:
        """The managing director left; his successor was never part of the plan."""
        e = self.engagement(
            "hoeksma",
            "Sales process sparring",
            lead=self.sanne,
            stage="active",
            advisor_role="sparring",
            stated_request="Help our sales team close more maintenance contracts.",
            underlying_need="Quotes take three weeks; customers sign elsewhere in the meantime.",
            desired_outcomes="Quotes out within five working days.",
            boundaries="We advise; the sales manager decides and runs the team.",
            budget=Decimal("24000"),
            starts_on=self.on(-60),
        )
        progress = self.meeting(e, "progress", self.at(-6, 11), status="held", contacts=["l.smit@hoeksma.example"])
        self.log(
            progress,
            summary="First meeting with the new managing director. She had not seen the plan "
            "and questioned the whole approach.",
            satisfaction=2,
            signals=["irritation", "surprise"],
            longest_monologue_minutes=14,
            checked_in_with_client=False,
            expectations_confirmed=False,
            next_steps="Send her the plan with the two questions; meet again within two weeks.",
            lesson_learned="Goodwill stayed with the former director. Start over with the new one.",
        )
        self.meeting(e, "evaluation", self.at(6, 10), contacts=["l.smit@hoeksma.example"])
        self.checkpoint(e, "scope_role", -4, "Does the new director agree with our role as sparring partner?")
        for category, days_ago, text in [
            ("invoice", 50, "The March invoice had hours nobody recognised."),
            ("communication", 30, "Nobody told us the workshop moved."),
            ("quality", 8, "The quote template does not fit our systems."),
        ]:
            Complaint.objects.update_or_create(
                client=e.client,
                category=category,
                description=text,
                defaults={"engagement": e, "received_on": self.on(-days_ago), "recorded_by": self.sanne},
            )

    def story_parting_ways(self) -> None:
        """A proposal nobody read; we referred the client to a web developer."""
        e = self.engagement(
            "printstudio",
            "Web shop proposal",
            lead=self.daan,
            stage="lost",
            advisor_role="expert",
            stated_request="We need a web shop before the holidays.",
            underlying_need="Orders by e-mail get lost; a shop is one answer, a simple order form another.",
            desired_outcomes="",
            boundaries="We do not build software.",
            budget=Decimal("6000"),
            starts_on=self.on(-90),
            ends_on=self.on(-40),
        )
        self.plan(
            e,
            1,
            "Order intake options",
            "Three ways to take orders online.",
            "6000",
            shared_days=-70,
            to=["ruben@printstudio.example"],
        )
        evaluation = self.meeting(
            e, "evaluation", self.at(-45, 15), status="held", contacts=["ruben@printstudio.example"]
        )
        self.log(
            evaluation,
            summary="The owner never opened the proposal. We agreed to refer him to a web developer.",
            satisfaction=3,
            signals=["disengagement"],
            longest_monologue_minutes=6,
            checked_in_with_client=True,
            expectations_confirmed=True,
            next_steps="Send two names of web developers.",
            lesson_learned="Ask for a reading confirmation before planning the meeting.",
        )

    def story_meeting_about_to_start(self) -> None:
        """A plan discussion starts in a few minutes and its plan is still not shared: under
        `make run` the reminders go out at once and, at the start, the scan flags it."""
        e = self.engagement(
            "weidegroen",
            "Succession plan for the farm shop",
            lead=self.sanne,
            stage="proposal",
            advisor_role="process",
            stated_request="Our daughter takes over next year. What should we arrange?",
            underlying_need="The parents want to stay involved without being in charge; the daughter wants room.",
            desired_outcomes="A written division of roles for the first two years.",
            boundaries="No legal or tax advice; we refer to the family's notary.",
            budget=Decimal("7200"),
            starts_on=self.on(-10),
        )
        plan = self.plan(
            e, 1, "Handing over in two steps", "Two years of shared roles, then a full handover.", "7200", by=self.sanne
        )
        self.meeting(
            e,
            "plan_discussion",
            self.now + timedelta(minutes=5),
            minutes=60,
            plan=plan,
            location="The farm shop",
            contacts=["anna@weidegroen.example"],
        )


def seed() -> list[DemoLogin]:
    Seeder().run()
    return LOGINS
