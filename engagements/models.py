"""The engagement domain (docs/domain.md, The model). Rules that are facts live in the database as
constraints; rules that cross rows live in services and selectors."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from advisors.models import Language
from core.models import BaseModel

from .client_profile import sectors_from_lines

USER = settings.AUTH_USER_MODEL


def private_storage():
    """Confidential uploads: a storage without a URL, served only by permission-checked views."""
    return storages["private"]


class Health(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Client(BaseModel):
    class Size(models.TextChoices):
        MICRO = "micro", _("1-9 people")
        SMALL = "small", _("10-49 people")
        MEDIUM = "medium", _("50-249 people")
        LARGE = "large", _("250 people or more")

    class Fit(models.TextChoices):
        GOOD = "good", _("Good")
        DOUBTFUL = "doubtful", _("Doubtful")
        MISMATCH = "mismatch", _("Mismatch")

    name = models.CharField(_("organisation"), max_length=200)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    fit = models.CharField(_("fit"), max_length=10, choices=Fit.choices, default=Fit.GOOD)
    fit_reason = models.TextField(
        _("reason for the fit"), blank=True, help_text=_("Why the client fits the firm, or does not.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # The team whose client record this is (the creator's). Names are unique per team, so
    # another team's clients are never consulted, and nothing tells an advisor that a
    # company is somebody else's client. Empty for clients created without a team (staff).
    team = models.ForeignKey(
        "advisors.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="clients", editable=False
    )
    # Every change (the fit review's above all): who, when, what (django-simple-history).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            # The lessons panel finds a sector's clients by this key (engagements.lessons); the
            # index also gives the planner its statistics, so it walks the logs by time.
            models.Index(Lower(Trim("sector")), name="client_sector_key_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "team", name="client_unique_name_per_team", condition=Q(team__isnull=False)
            ),
            models.UniqueConstraint(
                Lower("name"), name="client_unique_name_without_team", condition=Q(team__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.name


EMAIL_TAKEN = _("This client already has a contact with this e-mail address.")


class ClientContact(BaseModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DUTCH)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["client__name", "name"]
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        constraints = [
            # Whatever its case (the one address, as mail servers read it), and only when given.
            models.UniqueConstraint(
                "client",
                Lower("email"),
                name="clientcontact_unique_email_any_case",
                condition=~Q(email=""),
                violation_error_message=EMAIL_TAKEN,
            ),
            models.CheckConstraint(condition=~Q(replaced_by=F("pk")), name="clientcontact_not_replaced_by_self"),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(left_on__isnull=False),
                name="clientcontact_replaced_only_when_left",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client})"

    def clean(self) -> None:
        errors = {}
        if self.left_on is not None and self.left_on > timezone.localdate():
            errors["left_on"] = _("Record a departure once it happened; this date is in the future.")
        if self.replaced_by_id is not None and (
            self.replaced_by_id == self.pk or self.replaced_by.client_id != self.client_id
        ):
            errors["replaced_by"] = _("Choose another contact of the same client.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class Engagement(BaseModel):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("Intake")
        PLANNING = "planning", _("Planning")
        PROPOSAL = "proposal", _("Proposal")
        ACTIVE = "active", _("Active")
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")
        LOST = "lost", _("Lost")

    # An engagement in one of these stages has ended: no flags about new events, no client link.
    ENDED_STAGES = (Stage.CLOSED, Stage.LOST)

    class AdvisorRole(models.TextChoices):
        EXPERT = "expert", _("Expert")
        PROCESS = "process", _("Process advisor")
        COACH = "coach", _("Coach")
        SPARRING = "sparring", _("Sparring partner")
        PROJECT_LEAD = "project_lead", _("Project lead")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("client"))
    title = models.CharField(_("title"), max_length=200)
    lead = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="led_engagements", verbose_name=_("lead advisor")
    )
    members = models.ManyToManyField(USER, blank=True, related_name="member_engagements", verbose_name=_("members"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.INTAKE)
    stated_request = models.TextField(
        _("request as stated"), blank=True, help_text=_("The request in the client's own words.")
    )
    underlying_need = models.TextField(
        _("underlying need"), blank=True, help_text=_("What the intake found behind the request.")
    )
    desired_outcomes = models.TextField(
        _("desired outcomes"), blank=True, help_text=_("The shared goal, as written down together.")
    )
    advisor_role = models.CharField(_("advisor's role"), max_length=15, choices=AdvisorRole.choices, blank=True)
    boundaries = models.TextField(
        _("boundaries"), blank=True, help_text=_("What is out of scope, as agreed with the client.")
    )
    # Written when a manager decides to part ways: where the client was referred, and why.
    referral_note = models.TextField(_("referral note"), blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Derived from the open flags by engagements.services.engagement_refresh_health; stored
    # so that lists can filter and sort on it with an index. Never edited by hand.
    health = models.CharField(_("health"), max_length=5, choices=Health, default=Health.GREEN, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [
            models.Index(fields=["lead", "stage"], name="engagement_lead_stage_idx"),
            models.Index(fields=["stage", "health"], name="engagement_stage_health_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="engagement_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="engagement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.client})"

    def clean(self) -> None:
        # Also a constraint; here so that the message stands next to the end date.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date comes before the start date.")})

    def get_absolute_url(self) -> str:
        return reverse("engagements:detail", args=[self.pk])


def check_answer_has_reason(matches_expectations: str, adjustments: str) -> None:
    """A plan that matches only partly, or not at all, says where it should change."""
    if matches_expectations in ("partly", "no") and not (adjustments or "").strip():
        raise ValidationError({"adjustments": _("Tell us where the plan should change, so we can adjust it.")})


class DraftPlan(BaseModel):
    """One version of a plan or proposal. Versions count 1, 2, 3... per engagement."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to="plans/%Y/%m/", blank=True, max_length=255)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    shared_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shared_with = models.ManyToManyField(ClientContact, through="PlanShare", blank=True, related_name="shared_plans")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    matches_expectations = models.CharField(_("matches expectations"), max_length=6, choices=Answer.choices, blank=True)
    adjustments = models.TextField(_("where to adjust"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["engagement", "-version"]
        verbose_name = _("draft plan")
        verbose_name_plural = _("draft plans")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "version"], name="draftplan_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="draftplan_version_positive"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="draftplan_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(shared_at__isnull=False),
                name="draftplan_acknowledged_only_when_shared",
            ),
            models.CheckConstraint(
                condition=Q(matches_expectations="") | Q(answered_at__isnull=False),
                name="draftplan_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def clean(self) -> None:
        check_answer_has_reason(self.matches_expectations, self.adjustments)

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class EngagementChange(BaseModel):
    """A change of who leads an engagement, who is on it, or its stage: kept for the timeline.

    Facts, not sentences: the stage as its code (rendered in the reader's language), people
    by name as they were called at the time. For members, `before` holds who was removed and
    `after` who was added."""

    class What(models.TextChoices):
        LEAD = "lead", _("lead advisor")
        MEMBERS = "members", _("members")
        STAGE = "stage", _("stage")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    what = models.CharField(_("what changed"), max_length=10, choices=What.choices)
    before = models.CharField(_("before"), max_length=500, blank=True)
    after = models.CharField(_("after"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("engagement change")
        verbose_name_plural = _("engagement changes")

    def __str__(self) -> str:
        return f"{self.engagement}: {self.what}"


def new_link_nonce() -> str:
    return secrets.token_urlsafe(12)


class PlanShare(BaseModel):
    """A plan sent to one contact: when, by whom. The signed link points at this row."""

    plan = models.ForeignKey(DraftPlan, on_delete=models.CASCADE, related_name="shares")
    contact = models.ForeignKey(ClientContact, on_delete=models.PROTECT, related_name="plan_shares")
    shared_at = models.DateTimeField(_("shared at"))
    shared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    # The sending task claims the share (claimed_at, claimed_by = its task id, kept across
    # its own retries) and sets emailed_at once the mail server took the message. A claim
    # older than RAPPORT_REMINDER_CLAIM_STALE_SECONDS is handed out again by the scan.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Closed by hand before it expired; sharing again opens a new link.
    revoked_at = models.DateTimeField(_("link closed at"), null=True, blank=True)
    # Part of the signed token: a new value on every sending and on revoking, so a link
    # that was replaced or closed can never work again, whatever happens to this row.
    link_nonce = models.CharField(_("link nonce"), max_length=32, default=new_link_nonce, editable=False)

    class Meta:
        ordering = ["-shared_at"]
        verbose_name = _("plan share")
        verbose_name_plural = _("plan shares")
        constraints = [
            models.UniqueConstraint(fields=["plan", "contact"], name="planshare_unique_contact"),
        ]
        indexes = [
            # The scan's look for share e-mails that never went out.
            models.Index(fields=["shared_at"], condition=Q(emailed_at__isnull=True), name="planshare_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.contact.name}"


MEETING_MAX_MINUTES = 12 * 60


class PlanAnswer(BaseModel):
    """One answer of a client contact through the plan link. Answering again adds a row (the
    history); the plan and its checkpoint show the latest."""

    plan = models.ForeignKey(DraftPlan, on_delete=models.CASCADE, related_name="answers")
    share = models.ForeignKey(PlanShare, on_delete=models.CASCADE, related_name="answers")
    received = models.BooleanField(_("received the plan"))
    matches_expectations = models.CharField(_("matches expectations"), max_length=6, choices=DraftPlan.Answer.choices)
    adjustments = models.TextField(_("where to adjust"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan answer")
        verbose_name_plural = _("plan answers")
        indexes = [models.Index(fields=["plan", "created_at"], name="plananswer_plan_created_idx")]

    def __str__(self) -> str:
        return f"{self.share.contact.name}: {self.get_matches_expectations_display()}"

    def clean(self) -> None:
        check_answer_has_reason(self.matches_expectations, self.adjustments)


class Meeting(BaseModel):
    class Purpose(models.TextChoices):
        INTAKE = "intake", _("Intake")
        PLAN_DISCUSSION = "plan_discussion", _("Plan discussion")
        PROGRESS = "progress", _("Progress")
        EVALUATION = "evaluation", _("Evaluation")
        ESCALATION = "escalation", _("Escalation")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="meetings")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MEETING_MAX_MINUTES)],
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    plan = models.ForeignKey(
        DraftPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("plan to discuss"),
    )
    contact_attendees = models.ManyToManyField(ClientContact, blank=True, related_name="meetings")
    advisor_attendees = models.ManyToManyField(USER, blank=True, related_name="meetings")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            # The reminder scan: meetings of a status in a window of start times. The id and
            # the engagement ride along (as key columns: SQLite has no INCLUDE), so "which
            # meetings of the window have no log" reads this index and the log's, never the
            # table (migration 0017 says why).
            models.Index(fields=["status", "starts_at", "engagement", "id"], name="meeting_status_start_idx"),
            models.Index(fields=["engagement", "starts_at"], name="meeting_engagement_start_idx"),
            # My week's meetings of the next 7 days: the advisor's engagements looked up one by
            # one, where the index above keeps the past meetings among them and the status index
            # walks the whole firm's week (1,700 rows read at 10,000 engagements for 24 shown).
            models.Index(
                fields=["engagement", "starts_at"],
                condition=models.Q(status="scheduled"),
                name="meeting_scheduled_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MEETING_MAX_MINUTES),
                name="meeting_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.engagement.title}"

    def get_absolute_url(self) -> str:
        return reverse("engagements:meeting", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class MeetingLog(BaseModel):
    """What happened in a meeting, written by the advisor afterwards."""

    class Signal(models.TextChoices):
        IRRITATION = "irritation", _("Irritation")
        DISENGAGEMENT = "disengagement", _("Disengagement")
        CONFUSION = "confusion", _("Confusion")
        SURPRISE = "surprise", _("Surprise")
        TIME_PRESSURE = "time_pressure", _("Time pressure")
        ENTHUSIASM = "enthusiasm", _("Enthusiasm")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="log")
    summary = models.TextField(_("summary"))
    satisfaction = models.PositiveSmallIntegerField(
        _("client satisfaction (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    signals = models.JSONField(_("signals noticed"), default=list, blank=True)
    longest_monologue_minutes = models.PositiveSmallIntegerField(
        _("longest monologue (minutes)"), default=0, validators=[MaxValueValidator(600)]
    )
    checked_in_with_client = models.BooleanField(_("checked in with the client"), default=False)
    expectations_confirmed = models.BooleanField(_("expectations confirmed"), default=False)
    next_steps = models.TextField(_("next steps"), blank=True)
    lesson_learned = models.TextField(_("lesson learned"), blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("meeting log")
        verbose_name_plural = _("meeting logs")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="meetinglog_satisfaction_1_to_5"
            ),
            models.CheckConstraint(condition=Q(longest_monologue_minutes__lte=600), name="meetinglog_monologue_range"),
        ]

    def __str__(self) -> str:
        return f"Log of {self.meeting}"

    @property
    def signal_labels(self) -> list[str]:
        labels = dict(self.Signal.choices)
        return [str(labels.get(code, code)) for code in self.signals]


class ExpectationCheckpoint(BaseModel):
    class Topic(models.TextChoices):
        INTAKE_NEED = "intake_need", _("Intake need confirmed")
        PLAN_MATCHES = "plan_matches", _("Plan matches expectations")
        SCOPE_ROLE = "scope_role", _("Scope and role agreed")
        PROGRESS = "progress", _("Progress as expected")
        OUTCOME = "outcome", _("Outcome evaluated")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        MISALIGNED = "misaligned", _("Misaligned")
        WAIVED = "waived", _("Waived")

    class RecordedVia(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")
        CLIENT_LINK = "client_link", _("Client link")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="checkpoints")
    topic = models.CharField(_("topic"), max_length=15, choices=Topic.choices)
    question = models.TextField(_("question"), blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    client_answer = models.TextField(_("client's answer"), blank=True)
    recorded_via = models.CharField(_("recorded via"), max_length=12, choices=RecordedVia.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    plan = models.ForeignKey(
        DraftPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkpoints", verbose_name=_("plan")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkpoints",
        verbose_name=_("meeting"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("expectation checkpoint")
        verbose_name_plural = _("expectation checkpoints")
        indexes = [
            # The reminder and overdue scans: open checkpoints by due date.
            models.Index(fields=["status", "due_on"], name="checkpoint_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waived_reason=""), name="checkpoint_waived_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "misaligned"])
                | (~Q(recorded_via="") & Q(answered_at__isnull=False)),
                name="checkpoint_answer_is_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} · {self.engagement.title}"

    def clean(self) -> None:
        # An answer keeps what the client said (the flags and the timeline quote it).
        answered = self.status in (self.Status.CONFIRMED, self.Status.MISALIGNED)
        if answered and not self.client_answer.strip():
            raise ValidationError({"client_answer": models.Field.default_error_messages["blank"]})


class Complaint(BaseModel):
    class Category(models.TextChoices):
        DELIVERY_TIME = "delivery_time", _("Delivery time")
        INVOICE = "invoice", _("Invoice")
        PRICE = "price", _("Price")
        QUALITY = "quality", _("Quality")
        COMMUNICATION = "communication", _("Communication")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="complaints")
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("engagement"),
    )
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    description = models.TextField(_("description"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # "Three complaints about one client within 90 days".
            models.Index(fields=["client", "received_on"], name="complaint_client_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.client}"

    def clean(self) -> None:
        errors = {}
        if self.received_on is not None and self.received_on > timezone.localdate():
            errors["received_on"] = _("This date is in the future.")
        if self.engagement_id and self.client_id and self.engagement.client_id != self.client_id:
            errors["engagement"] = _("This engagement belongs to another client.")
        if errors:
            raise ValidationError(errors)


class Flag(BaseModel):
    class Kind(models.TextChoices):
        PLAN_NOT_SHARED = "plan_not_shared", _("Plan not shared")
        MISALIGNED = "misaligned", _("Expectations misaligned")
        PARTLY_MET = "partly_met", _("Expectations partly met")
        DISSATISFIED = "dissatisfied", _("Client dissatisfied")
        STAKEHOLDER_CHANGE = "stakeholder_change", _("Stakeholder change")
        REPEATED_COMPLAINTS = "repeated_complaints", _("Repeated complaints")
        OVERDUE_CHECKPOINT = "overdue_checkpoint", _("Overdue checkpoint")
        LONG_MONOLOGUE = "long_monologue", _("Long monologue")
        MEETING_NOT_LOGGED = "meeting_not_logged", _("Meeting not logged")
        INTAKE_INCOMPLETE = "intake_incomplete", _("Intake incomplete")
        MANUAL = "manual", _("Manual")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Source(models.TextChoices):
        RULE = "rule", _("Rule")
        PERSON = "person", _("Person")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_REVIEW = "in_review", _("In review")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    class Decision(models.TextChoices):
        NO_ACTION = "no_action", _("No action")
        COACH = "coach", _("Coach the advisor")
        SENIOR = "senior", _("Assign a senior advisor")
        RESTART_INTAKE = "restart_intake", _("Restart intake")
        RENEGOTIATE = "renegotiate", _("Renegotiate scope")
        PART_WAYS = "part_ways", _("Part ways and refer")

    OPEN_STATUSES = (Status.OPEN, Status.IN_REVIEW)

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.RULE)
    # What an automatic flag is about, e.g. "meeting:42" or "checkpoint:7"; empty when it is
    # about the engagement as a whole. Part of the "once per subject while open" rule.
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    # What a person wrote raising the flag (a rule's flag writes none: see `facts`).
    details = models.TextField(_("details"), blank=True)
    # What a rule's flag is written from in the reader's language and time zone: numbers,
    # codes, ISO dates and UTC times (engagements.rules.flags, engagements.flag_texts).
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=15, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The manager who took the flag into review (engagements.services.review).
    reviewer = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Every change of the flag's state: who, when, what (django-simple-history).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [
            models.Index(fields=["engagement", "status"], name="flag_engagement_status_idx"),
            models.Index(fields=["status", "severity"], name="flag_status_severity_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "kind", "subject"],
                condition=Q(source="rule", status__in=["open", "in_review"]),
                name="flag_one_open_rule_flag_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(source="rule") | Q(raised_by__isnull=False), name="flag_person_flag_has_author"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_by__isnull=False), name="flag_decision_has_author"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_review"]) | Q(closed_at__isnull=False),
                name="flag_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()}) · {self.engagement.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class FlagResponse(BaseModel):
    """An advisor's answer to a flag on their engagement: what happened, what they do about it."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("response"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("response to a flag")
        verbose_name_plural = _("responses to flags")

    def __str__(self) -> str:
        return f"{self.author} → flag {self.flag_id}"


class FlagNotice(BaseModel):
    """The e-mail telling an advisor what a manager decided on their engagement's flag: one
    row per decision, claimed and marked sent like a reminder, so it goes out once."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=15, choices=Flag.Decision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decision notice")
        verbose_name_plural = _("decision notices")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="flagnotice_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} → {self.recipient}"


class ManagerDigest(BaseModel):
    """The weekly digest e-mail of one manager for one week (its Monday): made by the scan once
    Monday 08:00 in Amsterdam has come, claimed and marked sent like a reminder. Its
    uniqueness is what makes it go out once per manager and week, whatever runs twice."""

    manager = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week of"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [models.UniqueConstraint(fields=["manager", "week"], name="managerdigest_one_per_week")]
        indexes = [models.Index(fields=["week"], condition=Q(sent_at__isnull=True), name="managerdigest_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.manager} · {self.week}"


class Reminder(BaseModel):
    """Every reminder that fell due, and whether it went out. The unique constraints are what
    make the scan idempotent: a reminder is recorded once, so it is sent at most once."""

    class Kind(models.TextChoices):
        SHARE_PLAN = "share_plan", _("Share the plan")
        SHARE_PLAN_FINAL = "share_plan_final", _("Share the plan (last call)")
        CONFIRM_RECEIPT = "confirm_receipt", _("Confirm receipt")
        LOG_MEETING = "log_meeting", _("Log the meeting")
        CHECKPOINT_DUE = "checkpoint_due", _("Checkpoint due")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders")
    checkpoint = models.ForeignKey(
        ExpectationCheckpoint, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField(_("due at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)  # the task id
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set instead of sent_at when, at sending time, the reminder no longer applies (the plan
    # was shared meanwhile, the meeting moved or was cancelled).
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            # The sender's queue: unsent reminders by due time, small whatever the history.
            models.Index(
                fields=["due_at"],
                condition=Q(sent_at__isnull=True, skipped_at__isnull=True),
                name="reminder_pending_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, checkpoint__isnull=True)
                | Q(meeting__isnull=True, checkpoint__isnull=False),
                name="reminder_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["kind", "meeting", "recipient", "due_at"],
                condition=Q(meeting__isnull=False),
                name="reminder_unique_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["kind", "checkpoint", "recipient", "due_at"],
                condition=Q(checkpoint__isnull=False),
                name="reminder_unique_per_checkpoint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} at {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def subject_key(self) -> str:
        return f"meeting:{self.meeting_id}" if self.meeting_id else f"checkpoint:{self.checkpoint_id}"


class LessonTaken(BaseModel):
    """An advisor took a lesson the firm learned elsewhere into this engagement's intake.

    `source` names where the lesson came from ("log:12", "flag:4", "case:3"); `text` keeps
    the lesson as the advisor read it (redacted where the source was not theirs to open), so
    the timeline still shows it when the source changes or is gone."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="lessons_taken")
    source = models.CharField(_("source"), max_length=40)
    origin = models.CharField(_("where it was learned"), max_length=200, blank=True)
    text = models.TextField(_("lesson"))
    taken_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lesson taken along")
        verbose_name_plural = _("lessons taken along")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "source"], name="lessontaken_once_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.engagement_id}"


class ClientProfile(BaseModel):
    """The firm's description of the clients that fit it: one row for the whole firm.

    Sectors are matched without regard to case or surrounding spaces; the warning signs are
    facts Rapport can count (complaints of chosen categories within a window), the firm's
    own words go into `we_do` and `we_do_not`. engagements.client_profile compares a client."""

    # What a manager writes (the form, the service and the admin take this list).
    EDITABLE = (
        "fitting_sectors",
        "excluded_sectors",
        "sizes",
        "we_do",
        "we_do_not",
        "warning_complaint_categories",
        "warning_complaint_count",
        "warning_window_days",
    )

    key = models.CharField(max_length=10, default="firm", unique=True, editable=False)
    fitting_sectors = models.TextField(
        _("sectors that fit"), blank=True, help_text=_("One sector per line, as you write it on a client.")
    )
    excluded_sectors = models.TextField(
        _("sectors we do not work for"), blank=True, help_text=_("One sector per line.")
    )
    sizes = models.JSONField(_("sizes that fit"), default=list, blank=True)
    we_do = models.TextField(_("what we do"), blank=True)
    we_do_not = models.TextField(_("what we do not do"), blank=True)
    warning_complaint_categories = models.JSONField(_("complaints that are a warning sign"), default=list, blank=True)
    warning_complaint_count = models.PositiveSmallIntegerField(
        _("number of such complaints"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("This many complaints of the chosen kinds within the period make a warning sign."),
    )
    warning_window_days = models.PositiveSmallIntegerField(
        _("within (days)"), default=365, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profile")
        constraints = [
            models.CheckConstraint(condition=Q(key="firm"), name="clientprofile_one_for_the_firm"),
            models.CheckConstraint(
                condition=Q(warning_complaint_count__gte=1, warning_window_days__gte=1),
                name="clientprofile_warning_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(_("The firm's client profile"))

    @property
    def fitting_sector_lines(self) -> list[str]:
        return [line.strip() for line in self.fitting_sectors.splitlines() if line.strip()]

    @property
    def excluded_sector_lines(self) -> list[str]:
        return [line.strip() for line in self.excluded_sectors.splitlines() if line.strip()]

    def clean(self):
        both = sectors_from_lines(self.fitting_sectors) & sectors_from_lines(self.excluded_sectors)
        if both:
            raise ValidationError(
                {
                    "excluded_sectors": _("A sector cannot both fit and be excluded: %(sectors)s.")
                    % {"sectors": ", ".join(sorted(both))}
                }
            )
