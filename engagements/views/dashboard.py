"""The team dashboard (engagements.dashboard): the team's numbers over a period, for the
managers of a team and superusers; 404 for everyone else."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import dashboard, policy


@login_required
def team_dashboard(request):
    """engagements/dashboard.html: per advisor, flags per week by kind, engagements by stage
    and health, decisions; `?period=` 4w (the default), quarter or year."""
    policy.require_flag_reviewer(request.user)
    board = dashboard.team_dashboard(user=request.user, period=request.GET.get("period", dashboard.DEFAULT_PERIOD))
    return render(request, "engagements/dashboard.html", {"board": board})
