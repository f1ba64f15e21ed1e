"""Demo data of the manager's work (issue 11), after engagements.demo's stories:

- a few months of history for the team dashboard: each consultant has a long-running
  engagement with a plan discussion every two weeks for twenty weeks, plans shared in time
  or not, acknowledged or not, and logs whose satisfaction goes up and down; the rules raise
  their flags, dated when the meeting was;
- flags in every state: the older history flags decided (coaching, no action, dismissed)
  with the advisor's response, one taken into review, the rest open in the queue, and a
  flag raised by hand;
- a client with three complaints in two months whose "repeated complaints" flag waits for
  a fit review.

As in engagements.demo: every name is invented, rows are found by natural keys and brought up
to date, dates move with "now", the rules raise the flags, and the decisions go through the
review services (whose e-mails the demo marks as sent: it owes none). A second run changes
no counts.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from advisors.demo import people

from . import services
from .demo import backdate, client_save, complaint_save, engagement_save, log_save
from .models import DraftPlan, Engagement, Flag, FlagNotice, FlagResponse, Meeting

HISTORY_WEEKS = 20
# Per session (every two weeks, the oldest first): hours the plan was shared ahead (None: not
# shared before the start), whether the client acknowledged it before the start, satisfaction,
# the longest monologue in minutes.
SESSIONS = {
    "consultant": [
        (72, True, 4, 6),
        (24, True, 3, 8),
        (None, False, 2, 14),
        (96, True, 4, 5),
        (50, False, 3, 7),
        (72, True, 5, 4),
        (30, True, 3, 12),
        (72, True, 4, 6),
        (60, True, 4, 5),
        (80, True, 5, 3),
    ],
    "consultant2": [
        (48, True, 4, 5),
        (72, True, 4, 6),
        (20, False, 2, 9),
        (72, True, 3, 6),
        (None, False, 2, 11),
        (72, True, 4, 5),
        (49, True, 4, 7),
        (96, True, 5, 4),
        (12, False, 3, 6),
        (72, True, 4, 5),
    ],
}
HISTORY = {
    # advisor: (client name, sector, size, engagement title, the request)
    "consultant": (
        "Groenhuis Tuincentra",
        "Food retail",
        "small",
        "Monthly sales reviews",
        "Help us read our sales figures every month and act on them.",
    ),
    "consultant2": (
        "Zorggroep Lindehof",
        "Childcare",
        "medium",
        "Rota planning with the location managers",
        "Our rotas are made at the last minute; we want them a month ahead.",
    ),
}
RESPONSES = {
    Flag.Kind.PLAN_NOT_SHARED: "I sent the plan the evening before; the owner was away. I will share it on Monday.",
    Flag.Kind.DISSATISFIED: "The figures were worse than expected and I explained instead of asking. I called back.",
    Flag.Kind.LONG_MONOLOGUE: "I walked through every table myself. I will ask the client to present the first page.",
}
DECISIONS = [  # the older history flags, in order: (decision, dismiss, note)
    (Flag.Decision.COACH, False, "Share the plan by the Monday of the week before, and ask for a reply in the mail."),
    (Flag.Decision.NO_ACTION, False, "Handled well: the call back the next day was the right step."),
    (Flag.Decision.NO_ACTION, True, "A long explanation the client asked for; not a monologue."),
    (Flag.Decision.COACH, False, "Practise asking first: open with the client's own reading of the figures."),
]
FIT_CLIENT = ("Tegelhuis Noorderlicht", "Food retail", "small")
FIT_COMPLAINTS = [  # (days ago, category, what the client said)
    (52, "price", "The quote was higher than the last one, without a reason."),
    (30, "invoice", "The invoice lists hours for a meeting that was cancelled."),
    (9, "price", "The follow-up costs more than agreed at the start."),
]
MANUAL_FLAG = "The new owner wants to halve the budget and keep the scope; we need a decision before the next session."


class ReviewSeeder:
    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    def at(self, days: int, hour: int = 10) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())

    @transaction.atomic
    def run(self) -> list[str]:
        found = people()
        self.manager = found["manager"]
        self.team = self.manager.advisor_profile.team
        history_flags = []
        for username in ("consultant", "consultant2"):
            history_flags += self.history(found[username], username)
        decided, in_review = self.decide(history_flags)
        fit_client = self.fit_review_client(found["consultant2"])
        self.manual_flag(found["consultant"])
        return [
            f"review: {decided} decided flags, {in_review} in review, open ones in the manager's queue; "
            f'"{fit_client.name}" with three complaints awaits a fit review',
            f"the team dashboard: {HISTORY_WEEKS} weeks of plan discussions for consultant and consultant2",
        ]

    # --- a few months of history ---------------------------------------------------------
    def history(self, advisor, username: str) -> list[Flag]:
        name, sector, size, title, request = HISTORY[username]
        client = client_save(team=self.team, by=self.manager, name=name, sector=sector, size=size, fit="good", notes="")
        engagement = engagement_save(
            client=client,
            title=title,
            by=self.manager,
            lead=advisor,
            stage="active",
            advisor_role="process",
            stated_request=request,
            underlying_need="A fixed moment and a fixed format, so the figures lead to a decision.",
            budget=Decimal("12000"),
            starts_on=self.today - timedelta(weeks=HISTORY_WEEKS + 1),
        )
        backdate(engagement, self.at(-7 * (HISTORY_WEEKS + 1), 9))
        for i, (hours, acknowledged, satisfaction, monologue) in enumerate(SESSIONS[username]):
            starts_at = self.at(-7 * (HISTORY_WEEKS - 2 * i) + 1, 14)
            self.session(engagement, i + 1, starts_at, hours, acknowledged, satisfaction, monologue)
        services.flags_sync(engagement_id=engagement.pk, now=self.now)
        flags = list(engagement.flags.filter(source=Flag.Source.RULE).order_by("pk"))
        meetings = {f"meeting:{m.pk}": m for m in engagement.meetings.all()}
        for flag in flags:  # raised when it happened, not when the demo ran
            meeting = meetings.get(flag.subject)
            if meeting is not None:
                raised = meeting.starts_at + timedelta(hours=2 if flag.kind == Flag.Kind.PLAN_NOT_SHARED else 26)
                Flag.objects.filter(pk=flag.pk).update(created_at=raised)
                flag.history.filter(history_change_reason="raised").update(history_date=raised)
                flag.created_at = raised
        return sorted(flags, key=lambda f: f.created_at)

    def session(self, engagement, number, starts_at, hours, acknowledged, satisfaction, monologue) -> Meeting:
        plan = DraftPlan.objects.filter(engagement=engagement, version=number).first()
        if plan is None:
            plan = services.plan_upload(
                engagement=engagement, by=engagement.lead, title=f"Session {number}", summary="Figures and proposals."
            )
        shared_at = starts_at - timedelta(hours=hours) if hours is not None else starts_at + timedelta(hours=1)
        DraftPlan.objects.filter(pk=plan.pk).update(
            title=f"Session {number}",
            shared_at=shared_at,
            shared_by=engagement.lead,
            acknowledged_at=shared_at + timedelta(hours=3) if acknowledged else None,
            updated_at=timezone.now(),
        )
        backdate(plan, shared_at - timedelta(days=1))
        meeting, _ = Meeting.objects.update_or_create(
            engagement=engagement,
            location=f"Session {number}",
            defaults={"purpose": "plan_discussion", "starts_at": starts_at, "status": "held", "plan": plan},
        )
        meeting.advisor_attendees.set([engagement.lead])
        log = log_save(
            meeting=meeting,
            by=engagement.lead,
            summary=f"Session {number}: the month's figures and what to do about them.",
            satisfaction=satisfaction,
            signals=["irritation"] if satisfaction <= 2 else [],
            longest_monologue_minutes=monologue,
            checked_in_with_client=monologue <= 10,
            expectations_confirmed=satisfaction >= 3,
            next_steps="Send the figures a week ahead.",
            lesson_learned="",
        )
        backdate(log, meeting.ends_at + timedelta(hours=2))
        return meeting

    # --- flags in every state ---------------------------------------------------------------
    def decide(self, flags: list[Flag]) -> tuple[int, int]:
        """The older half decided (with the lead's response first), the newest but one taken
        into review with a response; the rest stay open."""
        older = flags[: len(DECISIONS)]
        for flag, (decision, dismiss, note) in zip(older, DECISIONS, strict=False):
            self.respond(flag)
            if flag.is_open:
                services.flag_decide(flag=flag, by=self.manager, decision=decision, note=note, dismiss=dismiss)
            closed = flag.created_at + timedelta(days=3)
            Flag.objects.filter(pk=flag.pk).update(closed_at=closed)
            flag.history.filter(history_change_reason="decided").update(history_date=closed)
            FlagNotice.objects.filter(flag=flag, sent_at__isnull=True).update(sent_at=closed)
        taken = 0
        if len(flags) > len(DECISIONS) + 1:
            flag = Flag.objects.get(pk=flags[-2].pk)
            self.respond(flag)
            if flag.status == Flag.Status.OPEN:
                services.flag_take_into_review(flags=[flag], by=self.manager)
            taken = 1
        return len(older), taken

    def respond(self, flag: Flag) -> None:
        text = RESPONSES.get(flag.kind)
        if text and not FlagResponse.objects.filter(flag=flag, text=text).exists():
            response = services.flag_respond(flag=flag, by=flag.engagement.lead, text=text)
            backdate(response, flag.created_at + timedelta(days=1))

    # --- a client for a fit review --------------------------------------------------------
    def fit_review_client(self, advisor):
        name, sector, size = FIT_CLIENT
        client = client_save(team=self.team, by=self.manager, name=name, sector=sector, size=size, fit="good", notes="")
        engagement = engagement_save(
            client=client,
            title="Showroom and stock reorganisation",
            by=self.manager,
            lead=advisor,
            stage="active",
            advisor_role="expert",
            stated_request="Our showroom and warehouse are a mess; make them work.",
            underlying_need="Stock is counted twice a year; nobody knows what is in the warehouse.",
            budget=Decimal("8000"),
            starts_on=self.today - timedelta(days=70),
        )
        backdate(engagement, self.at(-70, 9))
        for days, category, description in FIT_COMPLAINTS:
            complaint_save(
                client=client,
                category=category,
                description=description,
                by=advisor,
                received_on=self.today - timedelta(days=days),
                engagement=engagement,
            )
        services.flags_sync(engagement_id=engagement.pk, now=self.now)
        return client

    def manual_flag(self, advisor) -> None:
        engagement = Engagement.objects.get(client__team=self.team, title="Monthly sales reviews")
        if not engagement.flags.filter(source=Flag.Source.PERSON, details=MANUAL_FLAG).exists():
            services.flag_raise(
                engagement=engagement,
                by=advisor,
                kind=Flag.Kind.MANUAL,
                severity=Flag.Severity.MEDIUM,
                details=MANUAL_FLAG,
            )


def seed(*, now: datetime | None = None) -> list[str]:
    return ReviewSeeder(now).run()
