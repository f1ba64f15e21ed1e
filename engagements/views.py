from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Flag
from .policy import get_engagement_for_user
from .selectors import engagement_list_for_user


@login_required
def engagement_list(request):
    """engagements/engagement_list.html: the engagements the user may see, 25 a page."""
    page = Paginator(engagement_list_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "engagements/engagement_list.html", {"page": page})


@login_required
def engagement_detail(request, pk: int):
    """engagements/engagement_detail.html: intake, plans, meetings, checkpoints, flags."""
    engagement = get_engagement_for_user(request.user, pk)
    context = {
        "engagement": engagement,
        "members": engagement.members.all(),
        "plans": engagement.plans.all(),
        "meetings": engagement.meetings.select_related("plan").order_by("-starts_at"),
        "checkpoints": engagement.checkpoints.all(),
        "open_flags": engagement.flags.filter(status__in=Flag.OPEN_STATUSES),
    }
    return render(request, "engagements/engagement_detail.html", context)
