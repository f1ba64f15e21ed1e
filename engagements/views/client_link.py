"""The client's side: no account, only the signed link from the e-mail."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.exceptions import ApplicationError
from core.security import over_limit

from .. import services
from ..forms import ClientAnswerForm
from ..links import LinkExpired, LinkInvalid, share_for_token
from ..models import PlanShare
from .plans import plan_file_response


def _share_or_page(request, token):
    """(share, None) for a good link; (None, response) with a clear page for a bad one."""
    try:
        return share_for_token(token), None
    except LinkExpired:
        page = render(request, "engagements/client_link_invalid.html", {"expired": True}, status=410)
    except LinkInvalid:
        page = render(request, "engagements/client_link_invalid.html", {"expired": False}, status=404)
    return None, page


@never_cache
@csrf_protect
def client_plan(request, token: str):
    """engagements/client_plan.html: the plan, its file, and the three questions."""
    share, bad_link = _share_or_page(request, token)
    if bad_link:
        return bad_link
    requested = request.GET.get("lang")
    language = requested if requested in dict(settings.LANGUAGES) else share.contact.language
    with translation.override(language):
        if share.opened_at is None and request.method == "GET":  # HEAD: a scanner, not the client
            PlanShare.objects.filter(pk=share.pk, opened_at=None).update(opened_at=timezone.now())
        form = ClientAnswerForm(request.POST or None)
        status = 200
        if request.method == "POST" and _answers_over_limit(request, share):
            form = ClientAnswerForm()  # the page stays as it was; nothing is stored
            messages.error(request, _("Too many answers in a short time. Please wait a while and try again."))
            status = 429
        elif request.method == "POST" and form.is_valid():
            try:
                services.plan_answer_record(share=share, **form.cleaned_data)
            except ApplicationError:  # closed while the client was typing
                return render(request, "engagements/client_link_invalid.html", {"expired": False}, status=404)
            messages.success(request, _("Thank you. Your answer has reached your advisor."))
            return redirect("client_plan", token)
        elif form.errors:
            status = 400
        previous = share.answers.first()
        return render(
            request,
            "engagements/client_plan.html",
            {
                "share": share,
                "plan": share.plan,
                "form": form,
                "token": token,
                "previous": previous,
                "contact_language": share.contact.language,
            },
            status=status,
        )


def _answers_over_limit(request, share: PlanShare) -> bool:
    """Rate limits of the answer form: per link and per address (RAPPORT_RATE_LIMITS)."""
    per_link = over_limit(request, name="client_answer_per_link", key=f"share-{share.pk}")
    return over_limit(request, name="client_answer_per_address") or per_link


@never_cache
def client_plan_file(request, token: str):
    share, bad_link = _share_or_page(request, token)
    if bad_link:
        return bad_link
    return plan_file_response(share.plan)
