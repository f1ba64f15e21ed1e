from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.form_views import form_page

from . import roles, services
from .forms import AdvisorSettingsForm
from .models import AdvisorProfile


def _own_profile(user) -> AdvisorProfile:
    if not roles.is_advisor(user):
        raise Http404
    profile, _created = AdvisorProfile.objects.get_or_create(user=user)
    return profile


@login_required
def my_settings(request):
    """advisors/settings.html (form.html and the calendar feed): the advisor's own title, reminder
    lead time and e-mail language."""
    profile = _own_profile(request.user)
    return form_page(
        request,
        AdvisorSettingsForm(request.POST or None, instance=profile),
        save=partial(services.advisorprofile_update, profile=profile),
        success=_("Your settings are saved."),
        done_url=reverse("advisors:settings"),
        title=_("My settings"),
        back_url=reverse("engagements:my_week"),
        template="advisors/settings.html",
        profile=profile,
        feed_url=request.build_absolute_uri(reverse("calendar_feed", args=[profile.calendar_token])),
    )


@require_POST
@login_required
def reset_calendar_feed(request):
    services.advisorprofile_reset_calendar_token(profile=_own_profile(request.user))
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect("advisors:settings")


@login_required
def home(request):
    """Send each role to where its day starts (the site's root, `home`: the roles live here)."""
    user = request.user
    if roles.is_manager(user):
        return redirect("engagements:review")
    if roles.is_advisor(user):
        return redirect("engagements:my_week")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("casestudies:list")
