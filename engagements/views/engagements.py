from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from core.csv_export import csv_response, labels, minute, today
from core.form_views import form_page
from core.paging import frozen_page_with_count, page_with_count
from core.people import display_name
from core.reversing import url_for_pk

from .. import lessons, policy, selectors, services
from ..filters import CLIENT_SUGGESTIONS, EngagementFilter, suggest_clients
from ..forms import EngagementForm
from ..models import Engagement, Health

# The columns a row of the engagement list shows, and no others (the search reads
# stated_request in SQL only).
LIST_ROW_FIELDS = (
    "title",
    "stage",
    "health",
    "updated_at",
    "client",
    "client__name",
    "lead",
    "lead__first_name",
    "lead__last_name",
    "lead__username",
)
# The filters a client suggestion's link keeps: all but the client's own and the page.
KEPT_BY_A_SUGGESTION = ("q", "stage", "health", "lead", "sort")
EXPORT_CHUNK = 500  # rows of the CSV export fetched at a time: memory stays flat at any size


@dataclass(frozen=True)
class ListRow:
    """One row of the engagement list, as the template shows it."""

    engagement: Engagement
    url: str
    lead: str
    stage: str
    health_label: str
    updated: str


def list_rows(engagements) -> list[ListRow]:
    """The page's rows, with what many rows share worked out once per page: the choices'
    labels in the reader's language, the link, each day in the reader's time zone."""
    stages = {value: str(label) for value, label in Engagement.Stage.choices}
    healths = {value: str(label) for value, label in Health.choices}
    url = url_for_pk("engagements:detail")
    days = {}
    rows = []
    for engagement in engagements:
        day = timezone.localdate(engagement.updated_at)
        if day not in days:
            days[day] = dateformat.format(day, "j M Y")
        rows.append(
            ListRow(
                engagement=engagement,
                url=url(engagement.pk),
                lead=display_name(engagement.lead),
                stage=stages.get(engagement.stage, engagement.stage),
                health_label=healths.get(engagement.health, engagement.health),
                updated=days[day],
            )
        )
    return rows


def _engagement_filter(request, queryset) -> EngagementFilter:
    """The engagement list's filters from the query string, over `queryset`: the page's and
    its CSV export's, so that both show the same rows."""
    return EngagementFilter(
        request.GET,
        queryset=queryset,
        clients=partial(policy.clients_visible_to, request.user, one=True),
        advisors=selectors.advisor_choices(request.user),
    )


@login_required
def engagement_list(request):
    """engagements/engagement_list.html: filter, search, sort, 25 a page. The client filter
    is a name to type (with htmx, client_suggest offers the matching clients) and the chosen
    client's id, never a <select> of every client."""
    policy.require_advisor(request.user)
    user = request.user
    shape, values = policy.visibility_shape(user)

    filtered = bool(request.GET.keys() - {"page"})  # searched or sorted too
    # The list as it opens does not ask the FilterSet for its rows (below).
    filterset = _engagement_filter(
        request, selectors.engagement_list_for_user(user=user) if filtered else Engagement.objects.none()
    )
    number = request.GET.get("page")
    if filtered:
        page = page_with_count(filterset.qs.only(*LIST_ROW_FIELDS), number, per_page=25)
    else:  # the list as it opens (filterset.qs is its queryset): its SQL built once (core.frozen)

        def rows(params):
            return selectors.engagement_list_for_user(user=user, params=params).only(*LIST_ROW_FIELDS)

        page = frozen_page_with_count(("list_rows", shape), rows, number, per_page=25, ids_first=True, **values)
    query = filterset.data.copy()  # without a client that a typed name replaced
    query.pop("page", None)
    without_client = query.copy()
    without_client.pop("client", None)
    export = ""
    if policy.may_export_engagements(user):
        export = reverse("engagements:list_export") + (f"?{query.urlencode()}" if query else "")
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "export_url": export,
            "filter": filterset,
            "page": page,
            "rows": list_rows(page.object_list),
            "query": query.urlencode(),
            "chosen_client": filterset.chosen_client,
            "without_client": without_client.urlencode(),
        },
    )


@login_required
def engagement_list_export(request):
    """The engagement list as its filters show it, every row in the page's order (not one
    page), as a streamed CSV: for managers and superusers (policy.may_export_engagements)."""
    policy.require_engagement_exporter(request.user)
    members = Prefetch("members", queryset=get_user_model().objects.order_by("first_name", "last_name", "username"))
    # A prefetch with iterator() runs once a chunk (Django 5): one query for 500 rows' members.
    engagements = _engagement_filter(request, selectors.engagement_list_for_user(user=request.user)).qs
    header = [
        _("ID"), _("Title"), _("Client"), _("Stage"), _("Health"), _("Lead advisor"), _("Members"),
        _("Starts on"), _("Ends on"), _("Budget"), _("Last change"),
    ]  # fmt: skip
    stages, healths = labels(Engagement.Stage), labels(Health)
    rows = (
        [
            e.pk,
            e.title,
            e.client.name,
            stages.get(e.stage, e.stage),
            healths.get(e.health, e.health),
            display_name(e.lead),
            ", ".join(display_name(member) for member in e.members.all()),
            e.starts_on or "",
            e.ends_on or "",
            "" if e.budget is None else e.budget,
            minute(e.updated_at),
        ]
        for e in engagements.prefetch_related(members).iterator(chunk_size=EXPORT_CHUNK)
    )
    return csv_response(f"rapport-engagements-{today():%Y-%m-%d}.csv", header, rows)


@login_required
def client_suggest(request):
    """engagements/partials/client_suggestions.html: the clients the engagement list's client
    filter suggests while a name is typed (htmx sends the whole filter form), each a link to
    the list filtered by that client with the other filters kept. Only clients the user may
    see; nothing for nothing typed; a 404 for anyone who does not work on engagements."""
    policy.require_advisor(request.user)
    typed = request.GET.get("client_name", "").strip()
    found = suggest_clients(policy.clients_visible_to(request.user), typed)
    kept = [(name, value) for name in KEPT_BY_A_SUGGESTION for value in request.GET.getlist(name) if value]
    base = reverse("engagements:list")
    suggestions = [(client.name, f"{base}?{urlencode([*kept, ('client', client.pk)])}") for client in found]
    return render(
        request,
        "engagements/partials/client_suggestions.html",
        {
            "typed": typed,
            "suggestions": suggestions[:CLIENT_SUGGESTIONS],
            "more": len(suggestions) > CLIENT_SUGGESTIONS,
        },
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
