from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.form_views import form_page

from .. import lessons, policy, selectors, services
from ..forms import ClientProfileForm, LessonTakeForm
from ..models import Client, Complaint


def _lesson_action(request, pk: int, service, success: str):
    engagement = policy.get_engagement_for_user(request.user, pk, write=True)
    policy.require_lesson_reader(request.user)
    form = LessonTakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That lesson could not be found. Reload the page and try again."))
    else:
        try:
            service(engagement=engagement, source=form.cleaned_data["source"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
    return redirect(f"{engagement.get_absolute_url()}#lessons")


@login_required
@require_POST
def lesson_take(request, pk: int):
    return _lesson_action(request, pk, services.lesson_take, _("The lesson is marked as taken into this intake."))


@login_required
@require_POST
def lesson_untake(request, pk: int):
    return _lesson_action(request, pk, services.lesson_untake, _("The lesson is no longer marked as taken along."))


@login_required
def lesson_search(request):
    """engagements/lesson_search.html: one search over lessons, decisions and case summaries."""
    policy.require_lesson_reader(request.user)
    query = request.GET.get("q", "").strip()[:200]
    results = lessons.search_lessons(user=request.user, query=query) if query else []
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    context = {"q": query, "page": page, "searched": bool(query)}
    if policy.can_see_intakes_taking_lessons(request.user):
        context["taking_lessons"] = lessons.intakes_taking_lessons(user=request.user)
    return render(request, "engagements/lesson_search.html", context)


@login_required
def client_profile(request):
    """engagements/client_profile.html: the firm's client profile, for every advisor."""
    policy.require_lesson_reader(request.user)
    profile = selectors.firm_client_profile()
    sizes, categories = dict(Client.Size.choices), dict(Complaint.Category.choices)
    context = {
        "profile": profile,
        "fitting": profile.fitting_sector_lines,
        "excluded": profile.excluded_sector_lines,
        "sizes": [sizes.get(size, size) for size in profile.sizes],
        "warning_categories": [categories.get(c, c) for c in profile.warning_complaint_categories],
        "may_edit": policy.can_edit_client_profile(request.user),
    }
    return render(request, "engagements/client_profile.html", context)


@login_required
def client_profile_edit(request):
    policy.require_client_profile_editor(request.user)
    profile = selectors.firm_client_profile()
    return form_page(
        request,
        ClientProfileForm(request.POST or None, instance=profile),
        save=partial(services.client_profile_save, by=request.user),
        success=_("The client profile is saved."),
        done_url=reverse("engagements:client_profile"),
        title=_("Edit the firm's client profile"),
        back_url=reverse("engagements:client_profile"),
    )
