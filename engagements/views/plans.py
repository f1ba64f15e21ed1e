import mimetypes
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.form_views import form_page

from .. import policy, services
from ..forms import PlanShareForm, PlanUploadForm
from ..validators import PLAN_CONTENT_TYPES


@login_required
def plan_upload(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    return form_page(
        request,
        PlanUploadForm(request.POST or None, request.FILES or None),
        save=partial(services.plan_upload, engagement=engagement, by=request.user),
        success=lambda plan: (
            _("Plan v%(v)s uploaded. Share it with the client before the meeting.") % {"v": plan.version}
        ),
        done_url=lambda plan: reverse("engagements:plan_share", args=[plan.pk]),
        title=_("Upload a new plan version"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        multipart=True,
    )


@login_required
def plan_share(request, pk: int):
    plan = policy.get_plan_for_user(request.user, pk)
    return form_page(
        request,
        PlanShareForm(request.POST or None, plan=plan),
        save=partial(services.plan_share, plan=plan, by=request.user),
        success=lambda shares: (
            _("Plan v%(v)s shared with %(names)s; the e-mails are on their way.")
            % {"v": plan.version, "names": ", ".join(share.contact.name for share in shares)}
        ),
        done_url=plan.engagement.get_absolute_url(),
        title=_("Share “%(title)s” v%(v)s") % {"title": plan.title, "v": plan.version},
        engagement=plan.engagement,
        back_url=plan.engagement.get_absolute_url(),
        submit=_("Share and send the e-mails"),
        plan=plan,
        template="engagements/plan_share.html",
        shares=list(plan.shares.select_related("contact")),
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


@require_POST
@login_required
def plan_share_revoke(request, pk: int):
    share = policy.get_share_for_user(request.user, pk)
    services.plan_share_revoke(share=share)
    messages.success(request, _("The link of %(name)s is closed.") % {"name": share.contact.name})
    return redirect("engagements:plan_share", share.plan_id)
