from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CrispyMixin
from core.people import display_name

from .models import (
    MEETING_MAX_MINUTES,
    Client,
    ClientContact,
    ClientProfile,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    check_answer_has_reason,
)
from .validators import validate_plan_file

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AdvisorChoiceMixin:
    def label_from_instance(self, user):
        return display_name(user)


class AdvisorChoiceField(AdvisorChoiceMixin, forms.ModelChoiceField):
    pass


class AdvisorMultipleChoiceField(AdvisorChoiceMixin, forms.ModelMultipleChoiceField):
    pass


# --- engagements -----------------------------------------------------------------------------
class EngagementForm(CrispyMixin, forms.ModelForm):
    lead = AdvisorChoiceField(queryset=get_user_model().objects.none(), label=_("Lead advisor"))
    members = AdvisorMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Members"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Engagement
        fields = [
            "client",
            "title",
            "lead",
            "members",
            "stage",
            "budget",
            "starts_on",
            "ends_on",
            "stated_request",
            "underlying_need",
            "desired_outcomes",
            "advisor_role",
            "boundaries",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "stated_request": forms.Textarea(attrs={"rows": 3}),
            "underlying_need": forms.Textarea(attrs={"rows": 3}),
            "desired_outcomes": forms.Textarea(attrs={"rows": 3}),
            "boundaries": forms.Textarea(attrs={"rows": 2}),
        }

    STAFFING_FIELDS = ("lead", "members", "stage")

    def __init__(
        self, *args, clients, advisors, may_change_staffing=True, comparison_for=None, panel_url=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        if panel_url:  # choosing a client brings its lessons panel in (htmx), before the form is sent
            self.fields["client"].widget.attrs.update(
                {
                    "data-hx-get": panel_url,
                    "data-hx-trigger": "change",
                    "data-hx-target": "#intake-panel",
                    "data-hx-swap": "innerHTML",
                }
            )
        # A new engagement for a client outside the firm's client profile asks for a confirmation.
        self.chosen_client, self.comparison = None, None
        if not self.instance.pk and comparison_for is not None:
            chosen = self.data.get("client") if self.is_bound else self.initial.get("client")
            if chosen and str(chosen).isdigit():
                self.chosen_client = clients.filter(pk=chosen).first()
            if self.chosen_client is not None:
                self.comparison = comparison_for(self.chosen_client)
        if not may_change_staffing:  # shown as they are; the service refuses a change anyway
            for name in self.STAFFING_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Only the lead advisor, the team's manager or staff change this.")
        if self.instance.pk:  # whoever is on it already stays choosable
            current = [self.instance.lead_id, *self.instance.members.values_list("pk", flat=True)]
            advisors = get_user_model().objects.filter(Q(pk__in=advisors.values("pk")) | Q(pk__in=current))
        self.fields["lead"].queryset = advisors
        self.fields["members"].queryset = advisors
        if self.comparison is not None and self.comparison.outside:
            self.fields["confirm_outside_profile"] = forms.BooleanField(
                required=False,
                label=_("I have read why this client is outside the profile and want to start the engagement"),
            )
        self.helper.layout = Layout(
            Fieldset(
                _("Engagement"),
                "client",
                *(["confirm_outside_profile"] if self.comparison is not None and self.comparison.outside else []),
                "title",
                Div(Div("lead", css_class="col-md-6"), Div("stage", css_class="col-md-6"), css_class="row"),
                "members",
                Div(
                    Div("budget", css_class="col-md-4"),
                    Div("starts_on", css_class="col-md-4"),
                    Div("ends_on", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Intake"),
                "stated_request",
                "underlying_need",
                "desired_outcomes",
                "advisor_role",
                "boundaries",
                css_class="intake-fields",
            ),
        )


# --- clients -----------------------------------------------------------------------------------
class ClientForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "sector", "size", "fit", "fit_reason", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "fit_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, sectors=(), may_set_fit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_set_fit:  # a manager sets the fit, in a fit review (docs/domain.md); advisors read it
            del self.fields["fit"], self.fields["fit_reason"]
        if sectors:  # the profile's sectors as suggestions, so a sector is spelled as the profile does
            self.fields["sector"].widget.attrs["list"] = "profile-sectors"
        self.sectors = sectors


class ClientProfileForm(CrispyMixin, forms.ModelForm):
    sizes = forms.MultipleChoiceField(
        label=_("Sizes that fit"), choices=Client.Size.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    warning_complaint_categories = forms.MultipleChoiceField(
        label=_("Complaints that are a warning sign"),
        choices=Complaint.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example price: repeated complaints about price are a sign the client may not fit."),
    )

    class Meta:
        model = ClientProfile
        fields = list(ClientProfile.EDITABLE)
        widgets = {
            "fitting_sectors": forms.Textarea(attrs={"rows": 5}),
            "excluded_sectors": forms.Textarea(attrs={"rows": 3}),
            "we_do": forms.Textarea(attrs={"rows": 3}),
            "we_do_not": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(_("Who fits"), "fitting_sectors", "excluded_sectors", "sizes"),
            Fieldset(_("What the firm does"), "we_do", "we_do_not"),
            Fieldset(
                _("Warning signs"),
                "warning_complaint_categories",
                Div(
                    Div("warning_complaint_count", css_class="col-md-6"),
                    Div("warning_window_days", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
        )


class LessonTakeForm(forms.Form):
    source = forms.RegexField(regex=r"^[a-z]+:\d+$", max_length=40)


class ContactForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = ClientContact
        fields = ["name", "role", "email", "language", "is_decision_maker"]

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client  # e-mail addresses are unique per client: services.contact_create says so


class ContactLeftForm(CrispyMixin, forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    replaced_by = forms.ModelChoiceField(queryset=ClientContact.objects.none(), required=False, label=_("Replaced by"))

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = ClientContact.objects.filter(
            client_id=contact.client_id, left_on__isnull=True
        ).exclude(pk=contact.pk)


class ComplaintForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["category", "received_on", "engagement", "description"]
        widgets = {"received_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, engagements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = engagements
        self.fields["engagement"].error_messages["invalid_choice"] = _("Choose an engagement of this client.")
        self.fields["received_on"].initial = timezone.localdate()


# --- plans ---------------------------------------------------------------------------------------
class PlanUploadForm(CrispyMixin, forms.ModelForm):
    file = forms.FileField(
        label=_("File (PDF, DOCX or ODT)"),
        required=False,
        validators=[validate_plan_file],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )

    class Meta:
        model = DraftPlan
        fields = ["title", "summary", "budget", "file"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class PlanShareForm(CrispyMixin, forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        queryset=ClientContact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Send to"),
        error_messages={"invalid_choice": _("Choose contacts of this client who are still there.")},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = ClientContact.objects.filter(
            client_id=plan.engagement.client_id, left_on__isnull=True
        )
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} · {c.email} ({c.get_language_display()})"


class ClientAnswerForm(CrispyMixin, forms.Form):
    """The client's three questions, behind the signed link."""

    received = forms.TypedChoiceField(
        label=_("Did you receive the plan?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    matches_expectations = forms.ChoiceField(
        label=_("Does it match what you expected?"), choices=DraftPlan.Answer.choices, widget=forms.RadioSelect
    )
    adjustments = forms.CharField(
        label=_("Where should we adjust it?"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def clean(self):
        data = super().clean()
        # The model's rule (services.plan_answer_record keeps it too), asked before the service
        # is called: this page shows the form's errors only.
        try:
            check_answer_has_reason(data.get("matches_expectations", ""), data.get("adjustments", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return data


# --- meetings ------------------------------------------------------------------------------------
class MeetingForm(CrispyMixin, forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=60,
        min_value=1,
        max_value=MEETING_MAX_MINUTES,
        error_messages={
            "min_value": _("A meeting lasts at least one minute."),
            "max_value": _("A meeting lasts at most 12 hours."),
        },
    )
    advisor_attendees = AdvisorMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Advisors"),
    )

    class Meta:
        model = Meeting
        fields = [
            "purpose",
            "starts_at",
            "duration_minutes",
            "location",
            "plan",
            "contact_attendees",
            "advisor_attendees",
        ]
        widgets = {"starts_at": DATETIME, "contact_attendees": forms.CheckboxSelectMultiple}
        labels = {"contact_attendees": _("Client contacts")}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = engagement.plans.all()
        self.fields["plan"].error_messages["invalid_choice"] = _("Choose a plan of this engagement.")
        self.fields["contact_attendees"].queryset = engagement.client.contacts.filter(left_on__isnull=True)
        self.fields["contact_attendees"].error_messages["invalid_choice"] = _(
            "Choose contacts of this engagement's client only."
        )
        # Only people who work on the engagement: attending shows its meetings in My week.
        on_it = Q(pk=engagement.lead_id) | Q(pk__in=engagement.members.values("pk"))
        if self.instance.pk:
            on_it |= Q(pk__in=self.instance.advisor_attendees.values("pk"))
        self.fields["advisor_attendees"].queryset = get_user_model().objects.filter(on_it).order_by("first_name")
        if not self.instance.pk:
            self.fields["advisor_attendees"].initial = [engagement.lead_id]


class MeetingLogForm(CrispyMixin, forms.ModelForm):
    signals = forms.MultipleChoiceField(
        choices=MeetingLog.Signal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Signals noticed"),
    )
    satisfaction = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Client satisfaction (1-5)"),
    )

    class Meta:
        model = MeetingLog
        fields = [
            "summary",
            "satisfaction",
            "signals",
            "longest_monologue_minutes",
            "checked_in_with_client",
            "expectations_confirmed",
            "next_steps",
            "lesson_learned",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ["summary", "next_steps", "lesson_learned"]}


# --- checkpoints ----------------------------------------------------------------------------------
class CheckpointForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = ExpectationCheckpoint
        fields = ["topic", "question", "due_on", "plan", "meeting"]
        widgets = {"due_on": DATE, "question": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = engagement.plans.all()
        self.fields["meeting"].queryset = engagement.meetings.all()


class CheckpointAnswerForm(CrispyMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("The client's answer"),
        widget=forms.RadioSelect,
        choices=[
            (ExpectationCheckpoint.Status.CONFIRMED, _("Confirmed")),
            (ExpectationCheckpoint.Status.MISALIGNED, _("Misaligned")),
        ],
    )
    client_answer = forms.CharField(label=_("What the client said"), widget=forms.Textarea(attrs={"rows": 3}))
    recorded_via = forms.ChoiceField(
        label=_("Heard via"),
        choices=[
            (ExpectationCheckpoint.RecordedVia.MEETING, _("Meeting")),
            (ExpectationCheckpoint.RecordedVia.EMAIL, _("E-mail")),
        ],
    )


class CheckpointWaiveForm(CrispyMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is this checkpoint no longer needed?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FlagRaiseForm(CrispyMixin, forms.Form):
    """A flag raised by hand: what kind of trouble, how bad, and what is going on."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Flag.Kind.choices, initial=Flag.Kind.MANUAL)
    severity = forms.ChoiceField(label=_("Severity"), choices=Flag.Severity.choices, initial=Flag.Severity.MEDIUM)
    details = forms.CharField(
        label=_("What is going on?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The manager reads this in the review queue; write what they need to judge it."),
    )


class FlagResponseForm(CrispyMixin, forms.Form):
    text = forms.CharField(
        label=_("Your response"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, and what you do about it. The manager reads it before deciding."),
    )


class FlagDecideForm(CrispyMixin, forms.Form):
    """A manager's decision on a flag. Which extra choice a decision needs (the senior advisor,
    the referral note) the service checks, so the admin and the API cannot skip it."""

    OUTCOMES = (("resolve", _("Resolve: the flag was right")), ("dismiss", _("Dismiss: the flag was not right")))

    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "---------"), *Flag.Decision.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, initial="resolve", widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the advisor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided this; with 'coach the advisor', the coaching itself. The advisor reads it."),
    )
    senior = AdvisorChoiceField(
        label=_("Senior advisor who takes the lead"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Only with 'assign a senior advisor'."),
    )
    referral_note = forms.CharField(
        label=_("Referral note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only with 'part ways and refer': where the client is referred to, and why."),
    )

    def __init__(self, *args, seniors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["senior"].queryset = get_user_model().objects.filter(pk__in=[s.pk for s in seniors])

    def clean(self):
        data = super().clean()
        data["dismiss"] = data.pop("outcome", "resolve") == "dismiss"
        return data


class FlagReopenForm(CrispyMixin, forms.Form):
    note = forms.CharField(label=_("Why reopen it?"), required=False, max_length=90)


class FitReviewForm(CrispyMixin, forms.Form):
    """The outcome of a client's fit review. What goes with "part ways" (a fit other than
    good, the referral note) the service checks."""

    fit = forms.ChoiceField(label=_("The client's fit"), choices=Client.Fit.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The advisors read it wherever they start new work for this client."),
    )
    part_ways = forms.BooleanField(
        label=_("Part ways and refer: close every open engagement of the client"), required=False
    )
    referral_note = forms.CharField(
        label=_("Referral note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only when parting ways: where the client is referred to, and why."),
    )
