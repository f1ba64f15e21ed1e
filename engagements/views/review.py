"""The manager's review of flags: the queue, a flag's page and what is done on it.

Who may do what is engagements.policy's (`reviews_flags`, `can_decide_flag`,
`can_respond_to_flag`); what is done, engagements.services (review, decisions). A POST with
bad input shows the flag's page again with the reason next to the field (400), nothing saved.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.csv_export import csv_response, labels, minute, today
from core.form_views import form_page, run_service
from core.paging import page_with_count
from core.people import display_name

from .. import policy, review_queue, services
from ..filters import FlagQueueFilter
from ..flag_texts import flag_text
from ..forms import FlagDecideForm, FlagRaiseForm, FlagReopenForm, FlagResponseForm
from ..models import Flag


def _filtered_queue(request):
    """The queue's filters and the flags they let through (all of them for bad filters)."""
    policy.require_flag_reviewer(request.user)
    flags = review_queue.review_queue(user=request.user)
    advisors, clients = review_queue.queue_choices(flags)
    filters = FlagQueueFilter(request.GET or None, queryset=flags, advisors=advisors, clients=clients)
    return filters, (filters.qs if filters.is_bound and filters.is_valid() else flags)


@login_required
def queue(request):
    """engagements/review_queue.html: the open and in-review flags of the manager's team, the
    most severe first, then the oldest; filters and search in the URL; 25 a page."""
    filters, shown = _filtered_queue(request)
    page = page_with_count(shown, request.GET.get("page"), per_page=review_queue.QUEUE_PER_PAGE)
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "flags": page.object_list,
        "kept_query": kept.urlencode(),
        "export_url": reverse("engagements:review_export") + (f"?{kept.urlencode()}" if kept else ""),
        "here": request.get_full_path(),
    }
    return render(request, "engagements/review_queue.html", context)


EXPORT_CHUNK = 500  # rows fetched at a time: memory stays flat at any queue length


@login_required
def queue_export(request):
    """The queue as the filters show it, every row (not one page), as a streamed CSV."""
    filters, shown = _filtered_queue(request)
    header = [
        _("ID"), _("Kind"), _("Severity"), _("Status"), _("What it says"), _("Engagement"), _("Client"),
        _("Lead advisor"), _("In review by"), _("Raised"),
    ]  # fmt: skip
    kinds, severities, statuses = labels(Flag.Kind), labels(Flag.Severity), labels(Flag.Status)
    rows = (
        [
            flag.pk,
            kinds.get(flag.kind, flag.kind),
            severities.get(flag.severity, flag.severity),
            statuses.get(flag.status, flag.status),
            flag_text(flag.kind, flag.facts, flag.details),
            flag.engagement.title,
            flag.engagement.client.name,
            display_name(flag.engagement.lead),
            display_name(flag.reviewer) if flag.reviewer else "",
            minute(flag.created_at),
        ]
        for flag in shown.iterator(chunk_size=EXPORT_CHUNK)
    )
    return csv_response(f"rapport-review-queue-{today():%Y-%m-%d}.csv", header, rows)


def _back_to(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@login_required
def take(request):
    """Take the ticked flags of the queue into review (they stay in the queue, marked)."""
    policy.require_flag_reviewer(request.user)
    back = _back_to(request, reverse("engagements:review"))
    ids = {int(pk) for pk in request.POST.getlist("flag") if pk.isdigit() and len(pk) < 19}
    flags = list(policy.flags_to_review(request.user).filter(pk__in=ids))
    if len(flags) < len(ids):  # a flag that is not theirs: as if it did not exist
        raise Http404(_("No flag found."))
    if not flags:
        messages.error(request, _("Tick the flags to take into review first."))
        return redirect(back)
    taken = services.flag_take_into_review(flags=flags, by=request.user)
    messages.success(
        request,
        ngettext("%(count)d flag taken into review.", "%(count)d flags taken into review.", taken) % {"count": taken}
        if taken
        else _("These flags were in review or decided already."),
    )
    return redirect(back)


def _flag_page(request, flag, *, respond=None, decide=None, reopen=None, status=200):
    page = review_queue.flag_page(flag=flag, user=request.user)
    if status != 200:
        messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
    context = {
        "page": page,
        "flag": flag,
        "engagement": flag.engagement,
        "respond_form": respond or FlagResponseForm(),
        "decide_form": decide or FlagDecideForm(seniors=page.seniors),
        "reopen_form": reopen or FlagReopenForm(),
    }
    return render(request, "engagements/flag_detail.html", context, status=status)


@login_required
def flag_detail(request, pk: int):
    """engagements/flag_detail.html: what a manager needs to decide (intake, the plan and the
    client's answers, checkpoints, the last logs, complaints, the other flags), the advisor's
    responses, the decision form and the flag's history."""
    return _flag_page(request, policy.get_flag_for_user(request.user, pk))


def _post(request, flag, form, service, success: str, form_name: str, **kwargs):
    if form.is_valid() and run_service(request, form, service, **(form.cleaned_data | kwargs)) is not None:
        messages.success(request, success)
        return redirect("engagements:flag", flag.pk)
    return _flag_page(request, flag, status=400, **{form_name: form})


@require_POST
@login_required
def flag_respond(request, pk: int):
    flag = policy.get_flag_for_user(request.user, pk)
    form = FlagResponseForm(request.POST)
    service = partial(services.flag_respond, flag=flag, by=request.user)
    return _post(request, flag, form, service, _("Your response is on the flag."), "respond")


@require_POST
@login_required
def flag_decide(request, pk: int):
    flag = policy.get_flag_for_user(request.user, pk)
    policy.require_flag_decider(request.user, flag)
    form = FlagDecideForm(request.POST, seniors=review_queue.senior_advisors_for(flag.engagement))
    service = partial(services.flag_decide, flag=flag, by=request.user)
    return _post(request, flag, form, service, _("Decision recorded; the advisor is told by e-mail."), "decide")


@require_POST
@login_required
def flag_reopen(request, pk: int):
    flag = policy.get_flag_for_user(request.user, pk)
    policy.require_flag_decider(request.user, flag)
    form = FlagReopenForm(request.POST)
    service = partial(services.flag_reopen, flag=flag, by=request.user)
    return _post(request, flag, form, service, _("The flag is open again."), "reopen")


@login_required
def flag_raise(request, engagement_pk: int):
    engagement = policy.get_engagement_for_user(request.user, engagement_pk, write=True)
    return form_page(
        request,
        FlagRaiseForm(request.POST or None),
        save=partial(services.flag_raise, engagement=engagement, by=request.user),
        success=_("Flag raised; the team's manager sees it in the review queue."),
        done_url=lambda flag: reverse("engagements:flag", args=[flag.pk]),
        title=_("Raise a flag"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        submit=_("Raise the flag"),
    )
