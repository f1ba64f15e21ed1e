"""Demo data of the engagements: the clients, their engagements and the lessons at intake.

Run by `manage.py seed_demo` after advisors/demo.py, whose people (found with
`advisors.demo.people()`) lead and staff them. First the six stories of StorySeeder (a plan
nobody saw, the request behind the request, "partly" what we expected, a new decision maker,
parting ways, a meeting about to start); all dates are relative to "now", so the demo always
has meetings coming up, and the flags come from the rules at the end, as in real use.

The demo writes through the services (clients, contacts, engagements, plan uploads, meetings
still to come, logs, checkpoints, complaints, the client profile). What happened in the
story's past is written beside them, each place saying why: the services stamp "now" (so
creation times are back-dated for the timeline), refuse to schedule in the past, and e-mail
the contacts when a plan is shared (the demo owes no e-mail).

Then the lessons at intake, two stories:

- a returning client: the print studio we parted ways with (a manager's "part ways and
  refer" decision on the lost web-shop engagement) asks again; its new engagement is in
  intake, and the panel shows the decision, the old lesson and the client's fit;
- a new client in a known sector: a second bakery, in intake with the second consultant, whose
  panel shows what the firm learned at the first bakery (an engagement she does not work on,
  so its lesson shows without the client's name).

Plus the firm's client profile, fit reasons and two price complaints (a warning sign).
Then the manager's work (engagements.demo_review): months of history for the dashboard,
flags in every state, and a client awaiting a fit review.
Every name is invented; rows are found by natural keys and updated in place, dates move with
"now", so a second run changes no counts.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from advisors.demo import people

from . import services
from .models import (
    Client,
    ClientContact,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    PlanAnswer,
    PlanShare,
)

PROFILE = {
    "fitting_sectors": "Logistics\nChildcare\nFood retail\nInstallation engineering\nAgriculture and retail",
    "excluded_sectors": "Software development\nGambling",
    "sizes": ["micro", "small", "medium"],
    "we_do": "Organisation advice from intake to evaluation: planning, pricing, succession and sales processes.",
    "we_do_not": "Build software or web shops. Give legal or tax advice (we refer to a notary or tax adviser).",
    "warning_complaint_categories": ["price"],
    "warning_complaint_count": 2,
    "warning_window_days": 365,
}
PART_WAYS_NOTE = (
    "Parted ways and referred the owner to two web developers. We do not build shops; take a new "
    "request from this client only when it is about the order process itself, and ask for a "
    "reading confirmation of every proposal."
)


# --- writes shared by the stories: through the services, found again by natural keys ---------
# A first run builds each story in its order through the services, so the flags they derive
# see it as it happened. A later run moves a story to its new "now": a service would derive
# flags from the half-moved story (its meetings still at the last run's times), and some flags
# record a fact that stays (a plan discussion that started before its plan was shared). So a
# later run brings the rows up to date with `refresh` (validated as the services validate,
# without their flags) and the flags are derived once, at the end (StorySeeder.run).
def refresh(obj, **fields):
    for field, value in fields.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return obj


def backdate(obj, when: datetime) -> None:
    """Give a row the creation time its story needs (the timeline sorts on it). The services
    stamp "now", so this is the one write the demo makes behind them on every row it backdates."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)


def client_save(*, team, by, name: str, **fields) -> Client:
    """The team's client of that name, made or brought up to date by the client services."""
    client = Client.objects.filter(team=team, name=name).first()
    if client is None:
        return services.client_create(by=by, name=name, **fields)
    return services.client_update(client=client, **fields)


def contact_save(*, client: Client, email: str, **fields) -> ClientContact:
    contact = ClientContact.objects.filter(client=client, email=email).first()
    if contact is None:
        return services.contact_create(client=client, email=email, **fields)
    return services.contact_update(contact=contact, **fields)


def engagement_save(*, client: Client, title: str, by, members=(), **fields) -> Engagement:
    """The client's engagement of that title. The demo's engagements began before the firm
    wrote its client profile, so the one outside it needs no confirmation here."""
    engagement = Engagement.objects.filter(client=client, title=title).first()
    if engagement is None:
        return services.engagement_create(
            by=by, client=client, title=title, members=members, confirm_outside_profile=True, **fields
        )
    engagement = refresh(engagement, **fields)
    engagement.members.set(members)
    return engagement


def meeting_save(
    *, engagement: Engagement, purpose: str, starts_at: datetime, held: bool, contacts, advisors, **fields
) -> Meeting:
    """The engagement's meeting for that purpose. A new meeting still to come goes through
    meeting_schedule; one of the story's past is written here, since the services refuse to
    schedule in the past. Attendees None: a past meeting's are left as they are (none, for a
    new one)."""
    meeting = Meeting.objects.filter(engagement=engagement, purpose=purpose).first()
    if meeting is None and not held and starts_at > timezone.now():
        return services.meeting_schedule(
            engagement=engagement, starts_at=starts_at, purpose=purpose, contacts=contacts, advisors=advisors, **fields
        )
    status = Meeting.Status.HELD if held else Meeting.Status.SCHEDULED
    defaults = {"starts_at": starts_at, "status": status, **fields}
    meeting, _ = Meeting.objects.update_or_create(engagement=engagement, purpose=purpose, defaults=defaults)
    if contacts is not None:
        meeting.contact_attendees.set(contacts)
    if advisors is not None:
        meeting.advisor_attendees.set(advisors or [engagement.lead])
    return meeting


def log_save(*, meeting: Meeting, by, **fields) -> MeetingLog:
    """What happened in a (past) meeting, written by meeting_log_save, which also marks it held."""
    log = MeetingLog.objects.filter(meeting=meeting).first()
    if log is None:
        return services.meeting_log_save(meeting=meeting, by=by, **fields)
    return refresh(log, logged_by=by, **fields)


def complaint_save(*, client: Client, category: str, description: str, by, received_on: date, engagement=None):
    """A complaint recorded through complaint_record; on a later run only its date moves with
    today (no service edits a received complaint, so the demo does)."""
    complaint = Complaint.objects.filter(client=client, category=category, description=description).first()
    if complaint is None:
        return services.complaint_record(
            client=client,
            by=by,
            category=category,
            received_on=received_on,
            description=description,
            engagement=engagement,
        )
    Complaint.objects.filter(pk=complaint.pk).update(
        received_on=received_on, engagement=engagement, recorded_by=by, updated_at=timezone.now()
    )
    return complaint


class StorySeeder:
    """The six stories of the engagements' life (domain.md): clients and their contacts, each
    engagement with its plans, meetings, logs, checkpoints and complaints."""

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
        found = people()
        self.manager, self.daan, self.sanne = found["manager"], found["consultant"], found["consultant2"]
        self.team = self.manager.advisor_profile.team
        self.clients()
        self.engagements()
        # Flags come from the rules, as they would in real use (and health from the flags).
        for engagement in Engagement.objects.filter(client__in=self.clients_by_key.values()):
            services.flags_sync(engagement_id=engagement.pk, now=self.now)

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
        self.clients_by_key = {
            key: client_save(team=self.team, by=self.manager, name=name, sector=sector, size=size, fit=fit, notes=notes)
            for key, (name, sector, size, fit, notes) in self.CLIENTS.items()
        }
        self.contacts = {}
        for key, name, role, email, language, decides, left_days_ago in self.CONTACTS:
            self.contacts[email] = contact_save(
                client=self.clients_by_key[key],
                email=email,
                name=name,
                role=role,
                language=language,
                is_decision_maker=decides,
            )
            left_on = self.on(-left_days_ago) if left_days_ago else None
            services.contact_update(contact=self.contacts[email], left_on=left_on)
        services.contact_update(
            contact=self.contacts["p.hoeksma@hoeksma.example"], replaced_by=self.contacts["l.smit@hoeksma.example"]
        )

    # --- engagements ---------------------------------------------------------------------
    def engagement(self, client_key: str, title: str, members=(), **fields) -> Engagement:
        engagement = engagement_save(
            client=self.clients_by_key[client_key], title=title, members=members, by=self.manager, **fields
        )
        opened = fields.get("starts_on") or self.on(-7)
        backdate(engagement, datetime.combine(opened, time(9), tzinfo=timezone.get_current_timezone()))
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
        plan = DraftPlan.objects.filter(engagement=engagement, version=version).first()
        if plan is None:  # the versions are uploaded in order, so the service numbers them as the story does
            plan = services.plan_upload(engagement=engagement, by=by, title=title, summary=summary)
            assert plan.version == version, (engagement, version)
        # Shared and answered in the story's past: plan_share and plan_answer_record would stamp
        # today and e-mail the contacts now, which the demo does not owe. So these are written here.
        shared_at = self.now + timedelta(days=shared_days) if shared_days is not None else None
        answered_at = shared_at + timedelta(hours=20) if answer else None
        DraftPlan.objects.filter(pk=plan.pk).update(
            title=title,
            summary=summary,
            budget=Decimal(budget),
            created_by=by,
            shared_at=shared_at,
            shared_by=by if shared_at else None,
            acknowledged_at=answered_at,
            matches_expectations=answer,
            adjustments=adjustments,
            answered_at=answered_at,
            updated_at=timezone.now(),
        )
        plan.refresh_from_db()
        backdate(plan, (shared_at or self.now) - timedelta(days=1))
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
                backdate(reply, answered_at)
        return plan

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
        return meeting_save(
            engagement=engagement,
            purpose=purpose,
            starts_at=starts_at,
            duration_minutes=minutes,
            plan=plan,
            held=status == Meeting.Status.HELD,
            contacts=[self.contacts[email] for email in contacts],
            advisors=advisors,
            location=location,
        )

    def log(self, meeting, **fields) -> MeetingLog:
        log = log_save(meeting=meeting, by=meeting.engagement.lead, **fields)
        backdate(log, meeting.ends_at + timedelta(hours=2))
        return log

    def checkpoint(self, engagement, topic, due_days, question, **answer) -> ExpectationCheckpoint:
        checkpoint = ExpectationCheckpoint.objects.filter(engagement=engagement, topic=topic).first()
        if checkpoint is None:  # with its answer, if it has one: the flags see it answered from the start
            checkpoint = services.checkpoint_create(
                engagement=engagement,
                by=engagement.lead,
                topic=topic,
                due_on=self.on(due_days),
                question=question,
                **answer,
            )
        # On a later run the due date moves with today, and the answer (given in the story's past,
        # where checkpoint_answer would stamp now) is put back: no service does either.
        ExpectationCheckpoint.objects.filter(pk=checkpoint.pk).update(
            due_on=self.on(due_days), question=question, updated_at=timezone.now(), **answer
        )
        backdate(checkpoint, min(self.at(due_days - 7, 9), self.now))
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
            complaint_save(
                client=e.client,
                category=category,
                description=text,
                engagement=e,
                received_on=self.on(-days_ago),
                by=self.sanne,
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


class LessonSeeder:
    """The lessons at intake: the firm's client profile and the two intakes it speaks to."""

    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def at(self, days: int, hour: int = 10) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())

    @transaction.atomic
    def run(self) -> list[str]:
        found = people()
        self.manager, self.daan, self.sanne = found["manager"], found["consultant"], found["consultant2"]
        self.team = self.manager.advisor_profile.team
        self.profile()
        returning = self.returning_client()
        new = self.new_client_in_known_sector()
        return [
            "the firm's client profile (5 sectors that fit, price complaints as a warning sign)",
            f'a returning client in intake: "{returning.title}" ({returning.client.name}, after parting ways)',
            f'a new client in a known sector in intake: "{new.title}" ({new.client.name})',
        ]

    def profile(self) -> None:
        services.client_profile_save(by=self.manager, **PROFILE)

    def returning_client(self) -> Engagement:
        client = Client.objects.get(name="Studio Drukwerk Oost", team=self.team)
        services.client_update(
            client=client,
            fit_reason="Asked us to build a web shop; we advise on order processes, we do not build software.",
        )
        lost = Engagement.objects.get(client=client, title="Web shop proposal")
        # Raised and decided in the story's past (the services stamp now, and deciding e-mails):
        # the decision is written as it stands in the record.
        flag, _ = Flag.objects.update_or_create(
            engagement=lost,
            kind=Flag.Kind.MANUAL,
            subject="demo:part-ways",
            defaults={
                "source": Flag.Source.PERSON,
                "severity": Flag.Severity.MEDIUM,
                "raised_by": self.daan,
                "details": "The owner did not open the proposal, twice; what he wants is a build we do not do.",
                "status": Flag.Status.RESOLVED,
                "decision": Flag.Decision.PART_WAYS,
                "decision_note": PART_WAYS_NOTE,
                "decided_by": self.manager,
                "closed_at": self.at(-40, 11),
            },
        )
        backdate(flag, self.at(-44, 9))
        engagement = engagement_save(
            client=client,
            title="Order process review",
            by=self.manager,
            lead=self.daan,
            stage=Engagement.Stage.INTAKE,
            stated_request="Orders still get lost between the e-mail inbox and the print room. Can you help?",
            underlying_need="",
            starts_on=self.today - timedelta(days=2),
        )
        backdate(engagement, self.at(-2, 9))
        return engagement

    def new_client_in_known_sector(self) -> Engagement:
        bakery = Client.objects.get(name="Bakkerij Molenaar", team=self.team)
        services.client_update(
            client=bakery,
            fit_reason="Fits our pricing work, but the owner is price-sensitive: agree the budget first.",
        )
        # What the firm learned at the first bakery, last year (an engagement led by the consultant).
        earlier = engagement_save(
            client=bakery,
            title="Opening hours review",
            by=self.manager,
            lead=self.daan,
            stage=Engagement.Stage.CLOSED,
            advisor_role=Engagement.AdvisorRole.EXPERT,
            stated_request="Should we open on Sunday?",
            starts_on=self.today - timedelta(days=300),
            ends_on=self.today - timedelta(days=240),
        )
        backdate(earlier, self.at(-300, 9))
        evaluation = meeting_save(
            engagement=earlier,
            purpose=Meeting.Purpose.EVALUATION,
            starts_at=self.at(-245, 15),
            duration_minutes=60,
            held=True,
            contacts=None,
            advisors=None,
        )
        log = log_save(
            meeting=evaluation,
            by=self.daan,
            summary="Sunday opening pays in summer only; the owner liked the per-product figures.",
            satisfaction=4,
            checked_in_with_client=True,
            expectations_confirmed=True,
            lesson_learned="A bakery owner decides per product, not per margin: show what a change does to "
            "the bread and the croissant, and agree the budget before the first session.",
        )
        backdate(log, self.at(-245, 18))
        for days_ago, text in (
            (200, "The quote was above what the bakery had in mind."),
            (30, "Invoice for the extra session seen as too high."),
        ):
            complaint_save(
                client=bakery,
                category=Complaint.Category.PRICE,
                description=text,
                received_on=self.today - timedelta(days=days_ago),
                by=self.daan,
            )
        newcomer = client_save(
            team=self.team,
            by=self.sanne,
            name="Bakkerij De Korenbloem",
            sector="Food retail",
            size=Client.Size.SMALL,
            notes="Two shops; wants a price list for a third one opening in spring.",
        )
        contact_save(
            client=newcomer,
            email="owner@korenbloem.example",
            name="Wim Korenbloem",
            role="Owner",
            language="nl",
            is_decision_maker=True,
        )
        engagement = engagement_save(
            client=newcomer,
            title="Price list for the third shop",
            by=self.manager,
            lead=self.sanne,
            stage=Engagement.Stage.INTAKE,
            stated_request="What should our prices be in the new shop?",
            budget=Decimal("5000"),
            starts_on=self.today - timedelta(days=1),
        )
        backdate(engagement, self.at(-1, 9))
        return engagement


def seed(*, now: datetime | None = None) -> list[str]:
    """The engagements' stories, then the lessons at intake that build on them (after
    advisors.demo.seed(), whose people they use); returns what to report, a line each."""
    StorySeeder(now).run()
    lines = LessonSeeder(now).run()
    from .demo_review import ReviewSeeder  # cycle: it builds on this module's writes

    return lines + ReviewSeeder(now).run()
