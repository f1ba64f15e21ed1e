from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.form_views import form_page, render_form, run_service

from .. import policy, selectors, services
from ..calendar import meetings_to_ics
from ..forms import MeetingForm, MeetingLogForm
from ..models import Meeting, MeetingLog


def _meeting_save(service, **bound):
    """Call a meeting service with the form's fields under the service's names."""

    def save(
        *, purpose, starts_at, duration_minutes, location="", plan=None, contact_attendees=(), advisor_attendees=()
    ):
        return service(
            **bound,
            purpose=purpose,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location,
            plan=plan,
            contacts=contact_attendees or [],
            advisors=advisor_attendees or [],
        )

    return save


@login_required
def meeting_create(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    latest_plan = engagement.plans.order_by("-version").first()
    return form_page(
        request,
        MeetingForm(request.POST or None, engagement=engagement, initial={"plan": latest_plan}),
        save=_meeting_save(services.meeting_schedule, engagement=engagement),
        success=_("Meeting scheduled."),
        done_url=lambda meeting: meeting.get_absolute_url(),
        title=_("Schedule a meeting"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = policy.get_meeting_for_user(request.user, pk)
    return form_page(
        request,
        MeetingForm(request.POST or None, instance=meeting, engagement=meeting.engagement),
        save=_meeting_save(services.meeting_reschedule, meeting=meeting),
        success=_("Meeting updated."),
        done_url=meeting.get_absolute_url(),
        title=_("Change or reschedule the meeting"),
        engagement=meeting.engagement,
        back_url=meeting.get_absolute_url(),
    )


@login_required
def meeting_detail(request, pk: int):
    """engagements/meeting_detail.html: the meeting, its attendees, plan, and log."""
    meeting = policy.get_meeting_for_user(request.user, pk)
    return render(
        request,
        "engagements/meeting_detail.html",
        {
            "meeting": meeting,
            "engagement": meeting.engagement,
            "contacts": meeting.contact_attendees.all(),
            "advisors": meeting.advisor_attendees.all(),
            "log": MeetingLog.objects.filter(meeting=meeting).first(),
            "brief": selectors.meeting_brief(meeting=meeting) if meeting.status == Meeting.Status.SCHEDULED else None,
        },
    )


@require_POST
@login_required
def meeting_cancel(request, pk: int):
    meeting = policy.get_meeting_for_user(request.user, pk)
    try:
        services.meeting_cancel(meeting=meeting)
        messages.success(request, _("Meeting cancelled."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(meeting)


@login_required
def meeting_log(request, pk: int):
    """The log form; from "My week" it comes and goes by htmx (partial in, row out)."""
    meeting = policy.get_meeting_for_user(request.user, pk)
    log = MeetingLog.objects.filter(meeting=meeting).first()
    form = MeetingLogForm(request.POST or None, instance=log)
    htmx = request.headers.get("HX-Request") == "true"
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if run_service(request, form, services.meeting_log_save, meeting=meeting, by=request.user, **data):
            if htmx:
                return render(request, "engagements/partials/meeting_logged.html", {"meeting": meeting})
            messages.success(request, _("Meeting log saved."))
            return redirect(meeting)
    if htmx:
        # 200 even with errors: htmx swaps only successful responses.
        return render(request, "engagements/partials/meeting_log_form.html", {"form": form, "meeting": meeting})
    return render_form(
        request,
        form=form,
        title=_("Log the meeting: %(m)s") % {"m": meeting},
        engagement=meeting.engagement,
        back_url=meeting.get_absolute_url(),
    )


@login_required
def meeting_ics(request, pk: int):
    meeting = policy.get_meeting_for_user(request.user, pk)
    response = HttpResponse(meetings_to_ics([meeting], request=request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-meeting-{meeting.pk}.ics"'
    return response
