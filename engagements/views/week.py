from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import policy, selectors
from ..calendar import meetings_to_ics
from ..models import Meeting


@login_required
def my_week(request):
    """engagements/my_week.html: the next 7 days' meetings with their readiness, meetings
    waiting for a log, and the user's open flags; the first ones of each, or all (?all=1)."""
    policy.require_advisor(request.user)
    week = selectors.my_week(user=request.user, show_all=request.GET.get("all") == "1")
    context = selectors.page_context(week) | {"waiting_days": selectors.WAITING_FOR_LOG_DAYS}
    return render(request, "engagements/my_week.html", context)


@never_cache
def calendar_feed(request, token: str):
    """The advisor's private feed: whoever has the URL sees the titles, so it names no more
    than the calendar entry does and can be revoked by resetting the token."""
    profile = policy.get_calendar_owner(token)
    since = timezone.now() - timedelta(days=7)
    meetings = (
        selectors.meetings_of_advisor(profile.user)
        .filter(starts_at__gte=since)
        .exclude(status=Meeting.Status.CANCELLED, starts_at__lt=timezone.now())
        .order_by("starts_at")[:500]
    )
    body = meetings_to_ics(meetings, request=request, name=f"Rapport · {profile}")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
