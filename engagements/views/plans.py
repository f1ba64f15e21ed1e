import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import policy, services
from ..forms import PlanShareForm, PlanUploadForm
from ..validators import PLAN_CONTENT_TYPES
from ._helpers import render_form, run_service


@login_required
def plan_upload(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            request, form, services.plan_upload, engagement=engagement, by=request.user, **form.cleaned_data
        )
        if plan:
            messages.success(
                request, _("Plan v%(v)s uploaded. Share it with the client before the meeting.") % {"v": plan.version}
            )
            return redirect("engagements:plan_share", plan.pk)
    return render_form(
        request,
        form=form,
        title=_("Upload a new plan version"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        multipart=True,
    )


@login_required
def plan_share(request, pk: int):
    plan = policy.get_plan_for_user(request.user, pk)
    form = PlanShareForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        shares = run_service(
            request, form, services.plan_share, plan=plan, by=request.user, contacts=form.cleaned_data["contacts"]
        )
        if shares:
            names = ", ".join(share.contact.name for share in shares)
            messages.success(
                request,
                _("Plan v%(v)s shared with %(names)s; the e-mails are on their way.")
                % {"v": plan.version, "names": names},
            )
            return redirect(plan.engagement)
    return render_form(
        request,
        form=form,
        title=_("Share “%(title)s” v%(v)s") % {"title": plan.title, "v": plan.version},
        engagement=plan.engagement,
        back_url=plan.engagement.get_absolute_url(),
        submit=_("Share and send the e-mails"),
        plan=plan,
        template="engagements/plan_share.html",
        days=settings.PLAN_LINK_MAX_AGE_DAYS,
    )


def plan_file_response(plan) -> FileResponse:
    """The plan's file as an attachment, never cached by shared caches, never sniffed."""
    if not plan.file:
        raise Http404
    try:
        handle = plan.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = Path(plan.file.name).suffix.lower()
    filename = f"{plan.engagement.title} - v{plan.version}{extension}".replace("/", "-")
    content_type = PLAN_CONTENT_TYPES.get(extension) or mimetypes.guess_type(plan.file.name)[0]
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def plan_download(request, pk: int):
    return plan_file_response(policy.get_plan_for_user(request.user, pk))
