"""Who may see and change which engagement: the one place that answers it.

Views, selectors and later the client link all go through these functions; nothing else
decides access to engagement data.

- consultants: the engagements they lead or are a member of;
- managers: every engagement led by an advisor of their team (and their own, as above);
- community members (and anyone without an advisor role): none;
- superusers: all (they run the Django admin anyway).

Every page of the workspace answers 404 to anyone who is not an advisor or a superuser: the
pages of an engagement, a plan, a meeting or a client because the row is not theirs to see,
and the lists, the "new" forms and My week through `require_advisor` (not an empty list).
Views call the `require_*` and `get_*_for_user` functions here and decide nothing themselves.

Who changes what on an engagement: everyone who may see it works on it (intake, plans,
meetings, logs, checkpoints); only its lead, the manager of the lead's team and superusers
(staff) change who leads it, who is a member, and its stage.

Plans, meetings and checkpoints follow their engagement. Clients are visible to an advisor
who may see one of the client's engagements, or who created the client (a new client has
no engagement yet); a manager also sees the clients their team created.

Lessons (engagements.lessons) travel further than engagements: every advisor reads the lesson
texts and sectors the firm learned, redacted of the client's names, from any engagement; the
engagement's title, client and link only where `lesson_visibility` says they may open it.
Community members and anonymous visitors read none. The firm's client profile is read by
every advisor and changed by managers and staff (`can_edit_client_profile`).

Flags follow their engagement: whoever may see the engagement opens its flags, raises one by
hand and responds to one. Only the managers of the lead's team and superusers decide
(`can_decide_flag`): take a flag into review, resolve or dismiss it with a decision, reopen
it. The review queue is the page of managers and superusers; to anyone else it is not there.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from advisors import roles
from advisors.models import AdvisorProfile
from core.frozen import Param, frozen

from .models import Client, ClientContact, DraftPlan, Engagement, ExpectationCheckpoint, Flag, Meeting, PlanShare

User = AbstractBaseUser | AnonymousUser


def _team_id(user) -> int | None:
    profile = getattr(user, "advisor_profile", None)
    return profile.team_id if profile else None


def visibility_shape(user) -> tuple[str, dict]:
    """What the user sees, as a shape and its values: "none", "all" (superusers), "own" (the
    engagements they lead or are a member of: {"user": pk}) or "team" (a manager: their own
    and those their team's advisors lead: {"user": pk, "team": team_id}). Frozen querysets
    (core.frozen) are keyed by the shape and take the values."""
    if not user.is_authenticated or not user.is_active:
        return "none", {}
    if user.is_superuser:
        return "all", {}
    if not roles.is_advisor(user):
        return "none", {}
    team_id = _team_id(user) if roles.is_manager(user) else None
    if team_id is not None:
        return "team", {"user": user.pk, "team": team_id}
    return "own", {"user": user.pk}


def _refs(user, params: bool) -> tuple[str, object, object]:
    """The shape, and the user's and team's ids as values, or as Params (`params`)."""
    shape, values = visibility_shape(user)
    if params:
        return shape, Param("user"), Param("team")
    return shape, values.get("user"), values.get("team")


def _visibility_filter(user, *, params: bool = False) -> Q | None:
    """The condition on Engagement rows this user may see; None means "nothing"."""
    shape, user_id, team_id = _refs(user, params)
    if shape == "none":
        return None
    if shape == "all":
        return Q()
    # The subqueries as arrays (core.lookups `__any`): PostgreSQL reads the index on the lead
    # and the primary key, where `OR id IN (subquery)` made it read every engagement.
    member_of = Engagement.members.through.objects.filter(user_id=user_id).values("engagement")
    condition = Q(lead_id=user_id) | Q(pk__any=member_of)
    if shape == "team":  # the team's advisors as a subquery: a join through users read every engagement
        condition |= Q(lead_id__any=AdvisorProfile.objects.filter(team_id=team_id).values("user_id"))
    return condition


def engagements_visible_to(user: User, *, params: bool = False) -> QuerySet[Engagement]:
    """Every engagement the user may see, as a queryset to filter further. `params`: with
    Param("user") and Param("team") for the ids, to build a frozen queryset."""
    condition = _visibility_filter(user, params=params)
    if condition is None:
        return Engagement.objects.none()
    return Engagement.objects.filter(condition)


def sees_beyond_own_engagements(user: User) -> bool:
    """Whether the user may see engagements they neither lead nor are a member of (a manager
    their team's, a superuser all); for everyone else the visible engagements are their own."""
    return user.is_authenticated and user.is_active and (user.is_superuser or roles.is_manager(user))


def can_view_engagement(user: User, engagement: Engagement) -> bool:
    return engagements_visible_to(user).filter(pk=engagement.pk).exists()


def can_change_engagement(user: User, engagement: Engagement) -> bool:
    """Everyone who may see an engagement works on it: lead, members, the team's manager."""
    return can_view_engagement(user, engagement)


def can_change_engagement_staffing(user: User, engagement: Engagement) -> bool:
    """The lead, the members and the stage: the lead, the team's manager and staff only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or engagement.lead_id == user.pk:
        return True
    team_id = _team_id(user) if roles.is_manager(user) else None
    return team_id is not None and _team_id(engagement.lead) == team_id


def _or_404(allowed: bool) -> None:
    """A page that is not there for this user answers as if it did not exist at all."""
    if not allowed:
        raise Http404(_("Not found."))


def works_on_engagements(user: User) -> bool:
    """The workspace (engagements, clients, My week) is for advisors and superusers; to
    everyone else, community members included, none of its pages exist."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or roles.is_advisor(user)))


def require_advisor(user: User) -> None:
    """Http404 unless the user works on engagements: a list page or a "new" form of the
    workspace is not there for anyone else (not an empty list: nothing to learn from it)."""
    _or_404(works_on_engagements(user))


def can_read_lessons(user: User) -> bool:
    """The lessons panel and the lesson search: advisors (and staff), nobody else."""
    return works_on_engagements(user)


def require_lesson_reader(user: User) -> None:
    _or_404(can_read_lessons(user))


def can_see_intakes_taking_lessons(user: User) -> bool:
    """The lesson search's count of recent intakes that took a lesson along: managers (of
    their team's engagements) and superusers."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or roles.is_manager(user)))


def lesson_visibility(user: User) -> QuerySet[Engagement]:
    """The engagements whose lessons a user reads with their source (title, client, link);
    every other engagement's lesson comes as text and sector only, and none to a non-advisor."""
    return engagements_visible_to(user)


def can_edit_client_profile(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or roles.is_manager(user)


def require_client_profile_editor(user: User) -> None:
    _or_404(can_edit_client_profile(user))


def get_calendar_owner(token: str) -> AdvisorProfile:
    """The advisor whose private calendar feed a token opens, or Http404. The token is the
    key (calendar apps send no session); it opens the feed of an active advisor only, so a
    former advisor's or a community member's token opens nothing."""
    profile = AdvisorProfile.objects.filter(calendar_token=token).select_related("user").first()
    if profile is None or not profile.user.is_active or not roles.is_advisor(profile.user):
        raise Http404(_("Not found."))
    return profile


def get_engagement_for_user(user: User, pk: int, *, write: bool = False) -> Engagement:
    """The engagement, or Http404 when the user may not see it (so its existence leaks not)."""

    def engagements(params):
        return engagements_visible_to(user, params=params).select_related("client", "lead__advisor_profile")

    engagement = _get_or_404("engagement_for_user", user, engagements, pk, _("No engagement found."))
    if write and not can_change_engagement(user, engagement):
        raise Http404(_("No engagement found."))
    return engagement


def advisors_assignable_by(user: User):
    """Whom a user may make lead or member of an engagement: the advisors of their own team
    (and themselves). Superusers may choose anyone. Never a list of every team's people."""
    advisors = get_user_model().objects.filter(is_active=True, groups__name__in=[roles.CONSULTANT, roles.MANAGER])
    if not user.is_superuser:
        condition = Q(pk=user.pk)
        team_id = _team_id(user)
        if team_id is not None:
            condition |= Q(advisor_profile__team_id=team_id)
        advisors = advisors.filter(condition)
    return advisors.distinct().order_by("first_name", "last_name")


def advisors_on_visible_engagements(user: User, *, params: bool = False):
    """The leads and members of the engagements a user may see (for the list's filter).
    `params`: as engagements_visible_to."""
    visible = engagements_visible_to(user, params=params)
    members = Engagement.members.through.objects.filter(engagement__in=visible).values("user")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=visible.values("lead")) | Q(pk__in=members))
        .order_by("first_name", "last_name")
    )


def _get_or_404(name: str, user: User, rows, pk: int, message=None):
    """The row `pk` of `rows(params)` (what the user may see of a model, built with the
    visibility's Params when `params`), or Http404. Every page of a plan, a meeting or a
    client asks: the SQL is built once per kind of user (core.frozen). An id past what the
    column holds is no row (as Django's own lookup says), not a database error."""
    shape, values = visibility_shape(user)

    def one(params):
        return rows(params).filter(pk=Param("pk") if params else pk)

    found = list(frozen((name, shape), one, pk=pk, **values)) if 0 < pk < 2**63 else []
    if not found:
        raise Http404(message or _("Not found."))
    return found[0]


def get_plan_for_user(user: User, pk: int) -> DraftPlan:
    def plans(params):
        visible = engagements_visible_to(user, params=params)
        return DraftPlan.objects.filter(engagement__in=visible).select_related("engagement__client")

    return _get_or_404("plan_for_user", user, plans, pk)


def get_share_for_user(user: User, pk: int) -> PlanShare:
    def shares(params):
        visible = engagements_visible_to(user, params=params)
        return PlanShare.objects.filter(plan__engagement__in=visible).select_related("plan", "contact")

    return _get_or_404("share_for_user", user, shares, pk)


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    def meetings(params):
        visible = engagements_visible_to(user, params=params)
        return Meeting.objects.filter(engagement__in=visible).select_related(
            "engagement__client", "engagement__lead", "plan"
        )

    return _get_or_404("meeting_for_user", user, meetings, pk)


def get_checkpoint_for_user(user: User, pk: int) -> ExpectationCheckpoint:
    def checkpoints(params):
        visible = engagements_visible_to(user, params=params)
        return ExpectationCheckpoint.objects.filter(engagement__in=visible).select_related("engagement__client")

    return _get_or_404("checkpoint_for_user", user, checkpoints, pk)


def clients_visible_to(user: User, *, one: bool = False, params: bool = False) -> QuerySet[Client]:
    """The clients the user may see. `one`: the same rows, phrased for fetching one or a few
    clients (an EXISTS per client through the index on the client's engagements), where the
    list's IN reads the user's visible engagements once. `params`: as engagements_visible_to."""
    shape, user_id, team_id = _refs(user, params)
    if shape == "none":
        return Client.objects.none()
    if shape == "all":
        return Client.objects.all()
    by_creator = Q(created_by_id=user_id)
    if shape == "team":
        by_creator |= Q(created_by_id__in=AdvisorProfile.objects.filter(team_id=team_id).values("user_id"))
    visible = engagements_visible_to(user, params=params)
    one_by_one = Q(Exists(visible.filter(client=OuterRef("pk"))))
    by_engagement = one_by_one if one else Q(pk__in=visible.values("client_id"))
    return Client.objects.filter(by_engagement | by_creator)


def get_client_for_user(user: User, pk: int) -> Client:
    return _get_or_404("client_for_user", user, lambda params: clients_visible_to(user, one=True, params=params), pk)


def get_contact_for_user(user: User, pk: int) -> ClientContact:
    def contacts(params):
        clients = clients_visible_to(user, one=True, params=params)
        return ClientContact.objects.filter(client__in=clients).select_related("client")

    return _get_or_404("contact_for_user", user, contacts, pk)


def reviews_flags(user: User) -> bool:
    """The review queue is for managers with a team, and for superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (roles.is_manager(user) and _team_id(user) is not None)


def require_flag_reviewer(user: User) -> None:
    _or_404(reviews_flags(user))


def flags_to_review(user: User) -> QuerySet[Flag]:
    """The flags of the engagements a reviewer sees (a manager: their team's); none to others."""
    if not reviews_flags(user):
        return Flag.objects.none()
    return Flag.objects.filter(engagement__in=engagements_visible_to(user))


def can_decide_flag(user: User, flag: Flag) -> bool:
    """Take into review, decide, reopen: a manager of the team of the engagement's lead, or a
    superuser. Not the lead, not a member: they respond."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    team_id = _team_id(user) if roles.is_manager(user) else None
    lead_profile = getattr(flag.engagement.lead, "advisor_profile", None)
    return team_id is not None and lead_profile is not None and lead_profile.team_id == team_id


def require_flag_decider(user: User, flag: Flag) -> None:
    """Http404 for deciding or reopening a flag the user may see but not decide on (the lead)."""
    _or_404(can_decide_flag(user, flag))


def can_respond_to_flag(user: User, flag: Flag) -> bool:
    """Everyone who works on the engagement writes a response to its flags."""
    return can_change_engagement(user, flag.engagement)


def get_flag_for_user(user: User, pk: int) -> Flag:
    """The flag, or Http404 when its engagement is not the user's to see."""

    def flags(params):
        visible = engagements_visible_to(user, params=params)
        return Flag.objects.filter(engagement__in=visible).select_related(
            "engagement__client", "engagement__lead__advisor_profile", "decided_by", "raised_by", "reviewer"
        )

    return _get_or_404("flag_for_user", user, flags, pk, _("No flag found."))


def can_review_client_fit(user: User, client: Client) -> bool:
    """The fit review (and setting a client's fit): a manager of the client's team, or of a
    team with an engagement of the client; a superuser. Advisors read the fit, they do not set it."""
    if not reviews_flags(user):
        return False
    if user.is_superuser or client.team_id == _team_id(user):
        return True
    return engagements_visible_to(user).filter(client=client).exists()


def get_client_for_fit_review(user: User, pk: int) -> Client:
    """The client, or Http404 for anyone who may not review its fit (a consultant included)."""
    require_flag_reviewer(user)
    client = get_client_for_user(user, pk)
    _or_404(can_review_client_fit(user, client))
    return client


def may_export_engagements(user: User) -> bool:
    """The engagement list as CSV (docs/domain.md: "CSV export for managers"): the managers
    of a team and superusers, of the engagements they see."""
    return reviews_flags(user)


def require_engagement_exporter(user: User) -> None:
    _or_404(may_export_engagements(user))
