"""The Django admin for staff. It obeys the rules the forms do: the single-row ones hold in
the models (clean() and constraints, which every admin form runs), the writes go through the
services where the admin's form fits them, and whatever is saved or deleted here brings the
engagement's automatic flags (and so its health) in line, as a service would."""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError

from . import flag_texts, models, services
from .forms import ClientProfileForm


def _open_engagement_ids(client_ids: Iterable[int | None]) -> set[int]:
    """What a fact about a client concerns: its engagements that have not ended."""
    engagements = models.Engagement.objects.filter(client_id__in=[pk for pk in client_ids if pk])
    return set(engagements.exclude(stage__in=models.Engagement.ENDED_STAGES).values_list("pk", flat=True))


def _adopt(obj, saved) -> None:
    """The admin goes on with (logs, redirects to) its own object: make it the row the service saved."""
    vars(obj).update(vars(saved))


class SyncsFlags:
    """A ModelAdmin mixin: after a save (with its inlines and many-to-many fields, so in
    save_related) or a delete, services.flags_sync runs for each engagement the object
    concerns, before and after the change (an object moved to another engagement concerns both)."""

    def engagement_ids(self, obj) -> set[int]:
        """The engagements the object concerns: by default its own (a plan, a meeting, a
        checkpoint); an admin whose object relates otherwise says so."""
        return {obj.engagement_id}

    def _sync(self, engagement_ids: set[int]) -> None:
        for pk in models.Engagement.objects.filter(pk__in=engagement_ids).values_list("pk", flat=True):
            services.flags_sync(engagement_id=pk)

    def remember(self, obj, form, change) -> None:
        """What the stored object concerns before the change; kept on the form, which belongs
        to this request (the ModelAdmin serves them all)."""
        form.engagements_before = self.engagement_ids(type(obj).objects.get(pk=obj.pk)) if change else set()

    def save_model(self, request, obj, form, change):
        self.remember(obj, form, change)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._sync(getattr(form, "engagements_before", set()) | self.engagement_ids(form.instance))

    def delete_model(self, request, obj):
        concerned = self.engagement_ids(obj)
        super().delete_model(request, obj)
        self._sync(concerned)

    def delete_queryset(self, request, queryset):
        concerned = set().union(*(self.engagement_ids(obj) for obj in queryset))
        super().delete_queryset(request, queryset)
        self._sync(concerned)


class ContactInline(admin.TabularInline):
    model = models.ClientContact
    fk_name = "client"
    extra = 0
    fields = ["name", "role", "email", "language", "is_decision_maker", "left_on"]


@admin.register(models.Client)
class ClientAdmin(SyncsFlags, SimpleHistoryAdmin):
    list_display = ["name", "sector", "size", "fit"]
    list_filter = ["fit", "size", "sector"]
    search_fields = ["name", "sector", "notes", "fit_reason"]
    inlines = [ContactInline]  # a contact who left (or came back) here changes the flags

    def engagement_ids(self, obj):
        return _open_engagement_ids([obj.pk])


CONTACT_FIELDS = ["name", "email", "role", "language", "is_decision_maker"]


@admin.register(models.ClientContact)
class ClientContactAdmin(SyncsFlags, admin.ModelAdmin):
    list_display = ["name", "client", "role", "email", "language", "is_decision_maker", "left_on"]
    list_filter = ["language", "is_decision_maker", ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "role", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client", "replaced_by"]

    def engagement_ids(self, obj):
        return _open_engagement_ids([obj.client_id])

    def save_model(self, request, obj, form, change):
        """Through the contact services (one address per contact of a client, whatever its case;
        a departure not in the future, a successor of the same client)."""
        self.remember(obj, form, change)
        data = form.cleaned_data
        if change:
            services.contact_update(contact=obj, **{name: data[name] for name in form.changed_data})
            return
        saved = services.contact_create(client=data["client"], **{name: data[name] for name in CONTACT_FIELDS})
        if data.get("left_on"):
            services.contact_mark_left(contact=saved, left_on=data["left_on"], replaced_by=data.get("replaced_by"))
        _adopt(obj, saved)


@admin.register(models.Engagement)
class EngagementAdmin(SyncsFlags, admin.ModelAdmin):
    list_display = ["title", "client", "lead", "stage", "health", "budget", "starts_on"]
    list_filter = ["stage", "health", "advisor_role", "lead"]
    search_fields = ["title", "client__name", "stated_request", "underlying_need"]
    list_select_related = ["client", "lead"]
    autocomplete_fields = ["client", "lead", "members"]
    readonly_fields = ["health"]
    date_hierarchy = "created_at"

    def engagement_ids(self, obj):
        return {obj.pk}


class PlanShareInline(admin.TabularInline):
    model = models.PlanShare
    extra = 0
    autocomplete_fields = ["contact", "shared_by"]


class DraftPlanAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        try:  # the rule of services.plan_upload; the file stays as it is here
            services.plan_check_content(file=self.instance.file, summary=data.get("summary", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return data


@admin.register(models.DraftPlan)
class DraftPlanAdmin(SyncsFlags, admin.ModelAdmin):
    # The file lives in private storage, which has no URL: the admin links to the
    # permission-checked download instead of showing its file widget.
    form = DraftPlanAdminForm
    exclude = ["file"]

    readonly_fields = ["file_download"]

    @admin.display(description="file")
    def file_download(self, plan):
        if not plan.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("engagements:plan_download", args=[plan.pk]), plan.file.name)

    list_display = ["title", "version", "engagement", "shared_at", "acknowledged_at", "matches_expectations"]
    list_filter = ["matches_expectations", ("shared_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "engagement__title", "engagement__client__name"]
    list_select_related = ["engagement__client"]
    autocomplete_fields = ["engagement", "created_by", "shared_by"]
    inlines = [PlanShareInline]


@admin.register(models.PlanShare)
class PlanShareAdmin(admin.ModelAdmin):
    list_display = ["plan", "contact", "shared_at", "shared_by", "opened_at"]
    list_filter = ["shared_at"]
    search_fields = ["plan__title", "contact__name", "contact__email"]
    list_select_related = ["plan", "contact__client", "shared_by"]
    autocomplete_fields = ["plan", "contact", "shared_by"]


class MeetingLogInline(admin.StackedInline):
    model = models.MeetingLog
    extra = 0
    autocomplete_fields = ["logged_by"]


@admin.register(models.Meeting)
class MeetingAdmin(SyncsFlags, admin.ModelAdmin):
    """Saved as the admin does (staff may record a meeting of the past, which meeting_schedule
    refuses), then the flags follow."""

    list_display = ["__str__", "starts_at", "duration_minutes", "status"]
    list_filter = ["status", "purpose", "starts_at"]
    search_fields = ["engagement__title", "engagement__client__name", "location"]
    list_select_related = ["engagement"]
    autocomplete_fields = ["engagement", "plan", "contact_attendees", "advisor_attendees"]
    date_hierarchy = "starts_at"
    inlines = [MeetingLogInline]


@admin.register(models.MeetingLog)
class MeetingLogAdmin(SyncsFlags, admin.ModelAdmin):
    def engagement_ids(self, obj):
        return {obj.meeting.engagement_id}

    list_display = [
        "meeting",
        "satisfaction",
        "longest_monologue_minutes",
        "checked_in_with_client",
        "expectations_confirmed",
        "created_at",
    ]
    list_filter = ["satisfaction", "checked_in_with_client", "expectations_confirmed"]
    search_fields = ["summary", "next_steps", "lesson_learned", "meeting__engagement__title"]
    list_select_related = ["meeting__engagement"]
    autocomplete_fields = ["meeting", "logged_by"]


@admin.register(models.ExpectationCheckpoint)
class ExpectationCheckpointAdmin(SyncsFlags, admin.ModelAdmin):
    list_display = ["__str__", "due_on", "status", "recorded_via", "answered_at"]
    list_filter = ["status", "topic", "recorded_via", "due_on"]
    search_fields = ["question", "client_answer", "engagement__title"]
    list_select_related = ["engagement"]
    autocomplete_fields = ["engagement", "plan", "meeting", "created_by"]


@admin.register(models.Complaint)
class ComplaintAdmin(SyncsFlags, admin.ModelAdmin):
    list_display = ["category", "client", "engagement", "received_on", "recorded_by"]
    list_filter = ["category", "received_on"]
    search_fields = ["description", "client__name", "engagement__title"]
    list_select_related = ["client", "engagement__client", "recorded_by"]
    autocomplete_fields = ["client", "engagement", "recorded_by"]

    def engagement_ids(self, obj):
        return _open_engagement_ids([obj.client_id])

    def save_model(self, request, obj, form, change):
        """A new complaint is recorded by complaint_record (received on a day that has come,
        about an engagement of its client), in the name of whoever the form says took it."""
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        fields = {name: data[name] for name in ["client", "engagement", "category", "received_on", "description"]}
        _adopt(obj, services.complaint_record(by=data["recorded_by"], **fields))


@admin.register(models.Flag)
class FlagAdmin(SimpleHistoryAdmin):
    """Read, take into review, reopen: through the review services (the one writer of a
    flag's state, with its history). Deciding needs the flag's page, where the decision's
    choices are (the link below); flags are raised on the engagement page or by the rules."""

    list_display = ["kind", "engagement", "severity", "source", "status", "decision", "created_at"]
    list_filter = ["status", "severity", "kind", "source", "decision"]
    search_fields = ["details", "decision_note", "engagement__title", "subject"]
    list_select_related = ["engagement__client"]
    readonly_fields = [
        "engagement",
        "kind",
        "severity",
        "source",
        "subject",
        "details",
        "text",
        "facts",
        "status",
        "raised_by",
        "reviewer",
        "decision",
        "decision_note",
        "decided_by",
        "closed_at",
        "decide_link",
    ]
    actions = ["take_into_review", "reopen"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="What it says")
    def text(self, obj):
        return flag_texts.flag_text(obj.kind, obj.facts, obj.details)

    @admin.display(description="Decide")
    def decide_link(self, obj):
        return format_html('<a href="{}">Open the flag\'s page</a>', reverse("engagements:flag", args=[obj.pk]))

    @admin.action(description="Take the selected flags into review")
    def take_into_review(self, request, queryset):
        try:
            taken = services.flag_take_into_review(flags=list(queryset), by=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, level="error")
        else:
            self.message_user(request, f"{taken} taken into review.")

    @admin.action(description="Reopen the selected flags")
    def reopen(self, request, queryset):
        for flag in queryset:
            try:
                services.flag_reopen(flag=flag, by=request.user, note="in the admin")
            except ApplicationError as error:
                self.message_user(request, f"{flag}: {error.message}", level="warning")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.engagement_refresh_health(engagement_id=obj.engagement_id)


@admin.register(models.FlagResponse)
class FlagResponseAdmin(admin.ModelAdmin):
    list_display = ["flag", "author", "created_at"]
    search_fields = ["text", "flag__engagement__title"]
    list_select_related = ["flag__engagement__client", "author"]
    autocomplete_fields = ["flag", "author"]


@admin.register(models.FlagNotice)
class FlagNoticeAdmin(admin.ModelAdmin):
    """The decision e-mails and whether they went out: read only."""

    list_display = ["flag", "recipient", "decision", "created_at", "sent_at"]
    list_filter = ["decision", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["flag__engagement__client", "recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ManagerDigest)
class ManagerDigestAdmin(admin.ModelAdmin):
    """The managers' weekly digests and whether they went out: read only."""

    list_display = ["manager", "week", "claimed_at", "sent_at"]
    list_filter = ["week", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["manager"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "due_at", "claimed_at", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "due_at"]
    search_fields = ["recipient__username", "recipient__email", "meeting__engagement__title", "last_error"]
    list_select_related = ["recipient"]
    autocomplete_fields = ["meeting", "checkpoint", "recipient"]


@admin.register(models.PlanAnswer)
class PlanAnswerAdmin(admin.ModelAdmin):
    list_display = ["plan", "share", "received", "matches_expectations", "created_at"]
    list_filter = ["matches_expectations", "received", "created_at"]
    search_fields = ["adjustments", "plan__title", "share__contact__name"]
    list_select_related = ["plan", "share__plan", "share__contact"]
    autocomplete_fields = ["plan", "share"]


@admin.register(models.EngagementChange)
class EngagementChangeAdmin(admin.ModelAdmin):
    """A record of what happened: read only."""

    list_display = ["engagement", "what", "before", "after", "changed_by", "created_at"]
    list_filter = ["what", "created_at"]
    search_fields = ["engagement__title", "before", "after"]
    list_select_related = ["engagement", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin):
    """The firm's one profile; saved through the service that tidies and checks it."""

    form = ClientProfileForm  # sizes and warning kinds as checkboxes, not JSON
    list_display = ["__str__", "updated_by", "updated_at"]
    readonly_fields = ["updated_by"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not models.ClientProfile.objects.exists()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in models.ClientProfile.EDITABLE if name in form.cleaned_data}
        saved = services.client_profile_save(by=request.user, **fields)
        obj.pk, obj.updated_by = saved.pk, saved.updated_by


@admin.register(models.LessonTaken)
class LessonTakenAdmin(admin.ModelAdmin):
    list_display = ["engagement", "source", "taken_by", "created_at"]
    search_fields = ["text", "origin", "engagement__title"]
    list_select_related = ["engagement", "taken_by"]
    autocomplete_fields = ["engagement", "taken_by"]
