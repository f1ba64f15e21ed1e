"""Demo data of the lessons at intake and the firm's client profile.

Run by `manage.py seed_demo` after core/demo.py, whose people, clients and engagements it
builds on. Two stories:

- a returning client: the print studio we parted ways with (a manager's "part ways and
  refer" decision on the lost web-shop engagement) asks again; its new engagement is in
  intake, and the panel shows the decision, the old lesson and the client's fit;
- a new client in a known sector: a second bakery, in intake with the second consultant, whose
  panel shows what the firm learned at the first bakery (an engagement she does not work on,
  so its lesson shows without the client's name).

Plus the firm's client profile, fit reasons and two price complaints (a warning sign).
Every name is invented; rows are found by natural keys and updated in place, dates move with
"now", so a second run changes no counts.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Client, ClientContact, ClientProfile, Complaint, Engagement, Flag, Meeting, MeetingLog

User = get_user_model()

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


class LessonSeeder:
    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def at(self, days: int, hour: int = 10) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())

    @staticmethod
    def backdate(obj, when: datetime) -> None:
        type(obj).objects.filter(pk=obj.pk).update(created_at=when)

    @transaction.atomic
    def run(self) -> list[str]:
        people = {
            user.username: user for user in User.objects.filter(username__in=["manager", "consultant", "consultant2"])
        }
        if len(people) < 3:
            raise RuntimeError("Run core.demo.seed() first: the demo logins are missing.")
        self.manager, self.daan, self.sanne = people["manager"], people["consultant"], people["consultant2"]
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
        ClientProfile.objects.update_or_create(key="firm", defaults={**PROFILE, "updated_by": self.manager})

    def returning_client(self) -> Engagement:
        client = Client.objects.get(name="Studio Drukwerk Oost", team=self.team)
        client.fit_reason = "Asked us to build a web shop; we advise on order processes, we do not build software."
        client.save(update_fields=["fit_reason", "updated_at"])
        lost = Engagement.objects.get(client=client, title="Web shop proposal")
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
        self.backdate(flag, self.at(-44, 9))
        engagement, _ = Engagement.objects.update_or_create(
            client=client,
            title="Order process review",
            defaults={
                "lead": self.daan,
                "stage": Engagement.Stage.INTAKE,
                "stated_request": "Orders still get lost between the e-mail inbox and the print room. Can you help?",
                "underlying_need": "",
                "starts_on": self.today - timedelta(days=2),
            },
        )
        self.backdate(engagement, self.at(-2, 9))
        return engagement

    def new_client_in_known_sector(self) -> Engagement:
        bakery = Client.objects.get(name="Bakkerij Molenaar", team=self.team)
        bakery.fit_reason = "Fits our pricing work, but the owner is price-sensitive: agree the budget first."
        bakery.save(update_fields=["fit_reason", "updated_at"])
        # What the firm learned at the first bakery, last year (an engagement led by the consultant).
        earlier, _ = Engagement.objects.update_or_create(
            client=bakery,
            title="Opening hours review",
            defaults={
                "lead": self.daan,
                "stage": Engagement.Stage.CLOSED,
                "advisor_role": Engagement.AdvisorRole.EXPERT,
                "stated_request": "Should we open on Sunday?",
                "starts_on": self.today - timedelta(days=300),
                "ends_on": self.today - timedelta(days=240),
            },
        )
        self.backdate(earlier, self.at(-300, 9))
        evaluation, _ = Meeting.objects.update_or_create(
            engagement=earlier,
            purpose=Meeting.Purpose.EVALUATION,
            defaults={"starts_at": self.at(-245, 15), "duration_minutes": 60, "status": Meeting.Status.HELD},
        )
        log, _ = MeetingLog.objects.update_or_create(
            meeting=evaluation,
            defaults={
                "logged_by": self.daan,
                "summary": "Sunday opening pays in summer only; the owner liked the per-product figures.",
                "satisfaction": 4,
                "checked_in_with_client": True,
                "expectations_confirmed": True,
                "lesson_learned": "A bakery owner decides per product, not per margin: show what a change does to "
                "the bread and the croissant, and agree the budget before the first session.",
            },
        )
        self.backdate(log, self.at(-245, 18))
        for days_ago, text in (
            (200, "The quote was above what the bakery had in mind."),
            (30, "Invoice for the extra session seen as too high."),
        ):
            Complaint.objects.update_or_create(
                client=bakery,
                category=Complaint.Category.PRICE,
                description=text,
                defaults={"received_on": self.today - timedelta(days=days_ago), "recorded_by": self.daan},
            )
        newcomer, _ = Client.objects.update_or_create(
            name="Bakkerij De Korenbloem",
            team=self.team,
            defaults={
                "sector": "Food retail",
                "size": Client.Size.SMALL,
                "notes": "Two shops; wants a price list for a third one opening in spring.",
                "created_by": self.sanne,
            },
        )
        ClientContact.objects.update_or_create(
            client=newcomer,
            email="owner@korenbloem.example",
            defaults={"name": "Wim Korenbloem", "role": "Owner", "language": "nl", "is_decision_maker": True},
        )
        engagement, _ = Engagement.objects.update_or_create(
            client=newcomer,
            title="Price list for the third shop",
            defaults={
                "lead": self.sanne,
                "stage": Engagement.Stage.INTAKE,
                "stated_request": "What should our prices be in the new shop?",
                "budget": Decimal("5000"),
                "starts_on": self.today - timedelta(days=1),
            },
        )
        self.backdate(engagement, self.at(-1, 9))
        return engagement


def seed(*, now: datetime | None = None) -> list[str]:
    return LessonSeeder(now).run()
