from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.form_views import form_page

from .. import lessons, policy, selectors, services
from ..filters import EngagementFilter
from ..forms import EngagementForm


@login_required
def engagement_list(request):
    """engagements/engagement_list.html: filter, search, sort, 25 a page."""
    policy.require_advisor(request.user)
    clients = policy.clients_visible_to(request.user)
    filterset = EngagementFilter(
        request.GET,
        queryset=selectors.engagement_list_for_user(user=request.user),
        clients=clients,
        advisors=policy.advisors_on_visible_engagements(request.user),
    )
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "engagements/engagement_list.html", {"filter": filterset, "page": page, "query": query.urlencode()}
    )


def intake_panel(user, *, engagement=None, client=None, comparison=None, may_take=False) -> dict:
    """The lessons panel of an intake (engagement page and form, new-engagement form): the
    lessons, which of them were taken along (taken on the engagement page only, where nothing
    typed can be lost), and how the client compares with the firm's profile."""
    if not policy.can_read_lessons(user):
        return {}
    client = client or engagement.client
    context = lessons.context_for_engagement(engagement) if engagement else lessons.context_for_client(client)
    return {
        "lessons": lessons.intake_lessons(user=user, context=context),
        "taken": lessons.taken_sources(engagement=engagement) if engagement else set(),
        "panel_client": client,
        "comparison": comparison if comparison is not None else selectors.client_comparison(client=client),
        "may_take": may_take and engagement is not None,
    }


@login_required
def engagement_create(request):
    policy.require_advisor(request.user)
    form = EngagementForm(
        request.POST or None,
        clients=policy.clients_visible_to(request.user),
        advisors=policy.advisors_assignable_by(request.user),
        initial={"lead": request.user.pk, "client": request.GET.get("client")},
        comparison_for=lambda client: selectors.client_comparison(client=client),
        panel_url=reverse("engagements:intake_panel") if policy.can_read_lessons(request.user) else None,
    )
    panel = (
        intake_panel(request.user, client=form.chosen_client, comparison=form.comparison) if form.chosen_client else {}
    )
    return form_page(
        request,
        form,
        save=partial(services.engagement_create, by=request.user),
        success=_("Engagement created."),
        done_url=lambda engagement: engagement.get_absolute_url(),
        title=_("New engagement"),
        back_url=reverse("engagements:list"),
        template="engagements/engagement_form.html",
        **({"comparison": form.comparison} | panel),
    )


@login_required
def intake_panel_fragment(request):
    """The new-engagement form's lessons panel for the client just chosen (htmx swaps it in):
    nothing for no client, 404 for one the user may not see."""
    policy.require_lesson_reader(request.user)
    chosen = request.GET.get("client", "")
    if not chosen.isdigit():
        return render(request, "engagements/partials/intake_panel_slot.html", {})
    client = policy.get_client_for_user(request.user, int(chosen))
    return render(request, "engagements/partials/intake_panel_slot.html", intake_panel(request.user, client=client))


@login_required
def engagement_edit(request, pk: int):
    engagement = policy.get_engagement_for_user(request.user, pk, write=True)
    form = EngagementForm(
        request.POST or None,
        instance=engagement,
        clients=policy.clients_visible_to(request.user),
        advisors=policy.advisors_assignable_by(request.user),
        may_change_staffing=policy.can_change_engagement_staffing(request.user, engagement),
    )
    panel = {}
    if engagement.stage == engagement.Stage.INTAKE:  # writing the intake: what the firm learned, beside it
        lessons.prefetch_taken(engagement)
        panel = intake_panel(request.user, engagement=engagement)
    return form_page(
        request,
        form,
        save=partial(services.engagement_update, engagement=engagement, by=request.user),
        success=_("Engagement saved."),
        done_url=engagement.get_absolute_url(),
        title=_("Edit engagement"),
        engagement=engagement,
        back_url=engagement.get_absolute_url(),
        template="engagements/engagement_form.html",
        **panel,
    )


def _timeline_cursor(request) -> selectors.TimelineCursor | None:
    """The timeline step's `?before=`: None when there is none; ValueError when it is no cursor."""
    before = request.GET.get("before")
    return selectors.TimelineCursor.parse(before) if before else None


@login_required
def engagement_detail(request, pk: int):
    """engagements/engagement_detail.html: intake, plans (with shares and answers), meetings,
    checkpoints, open flags, and a step of the timeline: the newest events, or with
    `?before=` (the "Show more" link without JavaScript) the step after that place."""
    engagement = policy.get_engagement_for_user(request.user, pk)
    try:
        before = _timeline_cursor(request)
    except ValueError:
        before = None  # a link that is no cursor (edited, cut short): the newest events
    context = selectors.page_context(selectors.engagement_page(engagement=engagement, before=before))
    if engagement.stage == engagement.Stage.INTAKE:
        lessons.prefetch_taken(engagement)
        context |= intake_panel(request.user, engagement=engagement, may_take=True)
    return render(request, "engagements/engagement_detail.html", context)


@login_required
def engagement_timeline(request, pk: int):
    """engagements/partials/timeline_step.html: the step of the timeline after `?before=`, which
    "Show more" appends to the page's (htmx); a 400 for a cursor that is none."""
    engagement = policy.get_engagement_for_user(request.user, pk)
    try:
        before = _timeline_cursor(request)
    except ValueError:
        return HttpResponseBadRequest(_("This is no place in the timeline. Open the engagement's page again."))
    step = selectors.engagement_timeline(engagement=engagement, before=before)
    return render(
        request, "engagements/partials/timeline_step.html", {"engagement": engagement, "step": step, "appended": True}
    )


@login_required
def meeting_list(request, pk: int):
    """engagements/meeting_list.html: every meeting of an engagement, the newest first, a page
    at a time (the engagement's page shows the upcoming and the latest)."""
    engagement = policy.get_engagement_for_user(request.user, pk)
    page = selectors.meeting_list_page(engagement=engagement, page_number=request.GET.get("page"))
    return render(request, "engagements/meeting_list.html", selectors.page_context(page))
