"""Every view of the consultant workspace, checked for every role the way a user would.

- pages of an engagement: the lead, a member and the team's manager open them; another
  consultant and a community member get a 404 that names nothing; anonymous users log in;
- list pages: a community member gets a 404 (the workspace does not exist for them);
  anonymous users log in;
- every URL of engagements/urls.py, GET and POST: a community member gets a 404 that names
  nothing (ENGAGEMENT_URLS, checked against the URLconf so a new URL needs a row);
- POST actions: the lead's work is saved; the same POST by an outsider is a 404 and
  changes nothing;
- query counts: the same upper bound holds for a few rows and for many;
- bad input: a 400 with the reason next to the field, and nothing saved.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from advisors import roles
from engagements import selectors
from engagements import urls as engagement_urls
from engagements.links import plan_link_token
from engagements.models import (
    Client,
    ClientContact,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    Meeting,
    MeetingLog,
    PlanAnswer,
    PlanShare,
)
from engagements.selectors import MEETINGS_PER_PAGE, MEETINGS_SHOWN, TIMELINE_STEP
from tests import factories
from tests.files import PDF

pytestmark = pytest.mark.django_db

PDF_BYTES = PDF  # a real one-page PDF: uploads are opened with pypdf


def pdf_upload(name="plan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def local_minutes(moment) -> str:
    """A moment as the browser's datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def text_of(response) -> str:
    """The page as a user reads it: entities decoded, no-break spaces as spaces."""
    return unescape(response.content.decode()).replace("\xa0", " ")


def field_errors(response, field: str) -> list[str]:
    """The error messages rendered next to one form field (crispy's error_<n>_id_<field>)."""
    pattern = rf'id="error_\d+_id_{re.escape(field)}"><strong>(.*?)</strong>'
    return [unescape(m).replace("\xa0", " ") for m in re.findall(pattern, response.content.decode(), re.S)]


# --- the scene: an engagement with something of every kind -----------------------------------------
@dataclass
class Scene:
    engagement: Engagement
    client: Client
    contact: ClientContact
    plan: DraftPlan
    meeting: Meeting  # scheduled, in three days
    past_meeting: Meeting  # started two days ago, not logged yet
    checkpoint: ExpectationCheckpoint

    @property
    def secrets(self) -> list[str]:
        """What an outsider must not learn from any page."""
        return [self.engagement.title, self.client.name, self.contact.name]


def build_scene(engagement: Engagement, *, client_name: str, contact_name: str) -> Scene:
    client = engagement.client
    client.name = client_name
    client.save()
    contact = factories.ContactFactory(client=client, name=contact_name, email="contact@scene.example")
    plan = factories.DraftPlanFactory(
        engagement=engagement, version=1, title="Plan for the new rota", file=pdf_upload()
    )
    meeting = factories.MeetingFactory(engagement=engagement, plan=plan, location="Room 1")
    meeting.contact_attendees.add(contact)
    past_meeting = factories.MeetingFactory(engagement=engagement, starts_at=timezone.now() - timedelta(days=2))
    checkpoint = factories.CheckpointFactory(engagement=engagement, plan=plan, question="Does the plan fit?")
    return Scene(engagement, client, contact, plan, meeting, past_meeting, checkpoint)


@pytest.fixture
def scene_a(engagement_a):
    """Alice's engagement, in the manager's team."""
    return build_scene(engagement_a, client_name="Hoeksma Bakeries", contact_name="Dana Visser")


@pytest.fixture
def member_scene(consultant_a, consultant_b):
    """A separate engagement led by Alice, with Bob as a member."""
    engagement = factories.EngagementFactory(lead=consultant_a, title="Engagement with Bob as member")
    engagement.members.add(consultant_b)
    return build_scene(engagement, client_name="Member Logistics", contact_name="Mo Jansen")


# --- every page that belongs to an engagement --------------------------------------------------------
@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Scene], str]
    shows: Callable[[Scene], str]  # what the page shows a user who may see it
    kind: str = "html"  # html, pdf or ics


ENGAGEMENT_PAGES = [
    Page(
        "engagement detail",
        lambda s: reverse("engagements:detail", args=[s.engagement.pk]),
        lambda s: s.engagement.title,
    ),
    Page(
        "engagement edit", lambda s: reverse("engagements:edit", args=[s.engagement.pk]), lambda s: s.engagement.title
    ),
    Page(
        "engagement timeline (the step htmx appends)",
        lambda s: reverse("engagements:timeline", args=[s.engagement.pk]),
        lambda s: "Plan v1 uploaded",
    ),
    Page(
        "engagement meetings (every one)",
        lambda s: reverse("engagements:meeting_list", args=[s.engagement.pk]),
        lambda s: s.engagement.title,
    ),
    Page(
        "plan upload",
        lambda s: reverse("engagements:plan_upload", args=[s.engagement.pk]),
        lambda s: s.engagement.title,
    ),
    Page(
        "meeting create",
        lambda s: reverse("engagements:meeting_create", args=[s.engagement.pk]),
        lambda s: s.engagement.title,
    ),
    Page(
        "checkpoint create",
        lambda s: reverse("engagements:checkpoint_create", args=[s.engagement.pk]),
        lambda s: s.engagement.title,
    ),
    Page("plan share", lambda s: reverse("engagements:plan_share", args=[s.plan.pk]), lambda s: s.plan.title),
    Page("plan download", lambda s: reverse("engagements:plan_download", args=[s.plan.pk]), lambda s: "", kind="pdf"),
    Page("meeting detail", lambda s: reverse("engagements:meeting", args=[s.meeting.pk]), lambda s: "Room 1"),
    Page("meeting edit", lambda s: reverse("engagements:meeting_edit", args=[s.meeting.pk]), lambda s: "Room 1"),
    Page(
        "meeting log",
        lambda s: reverse("engagements:meeting_log", args=[s.past_meeting.pk]),
        lambda s: "Log the meeting",
    ),
    Page(
        "meeting ics",
        lambda s: reverse("engagements:meeting_ics", args=[s.meeting.pk]),
        lambda s: f"meeting-{s.meeting.pk}@",
        kind="ics",
    ),
    Page(
        "checkpoint answer",
        lambda s: reverse("engagements:checkpoint_answer", args=[s.checkpoint.pk]),
        lambda s: "Record the answer: Plan matches expectations",
    ),
    Page(
        "checkpoint waive",
        lambda s: reverse("engagements:checkpoint_waive", args=[s.checkpoint.pk]),
        lambda s: "Waive: Plan matches expectations",
    ),
    Page("client detail", lambda s: reverse("engagements:client", args=[s.client.pk]), lambda s: s.contact.name),
    Page("client edit", lambda s: reverse("engagements:client_edit", args=[s.client.pk]), lambda s: s.client.name),
    Page(
        "contact create",
        lambda s: reverse("engagements:contact_create", args=[s.client.pk]),
        lambda s: f"New contact at {s.client.name}",
    ),
    Page("contact edit", lambda s: reverse("engagements:contact_edit", args=[s.contact.pk]), lambda s: s.contact.name),
    Page(
        "contact left",
        lambda s: reverse("engagements:contact_left", args=[s.contact.pk]),
        lambda s: f"{s.contact.name} left the client",
    ),
    Page(
        "complaint create",
        lambda s: reverse("engagements:complaint_create", args=[s.client.pk]),
        lambda s: f"Record a complaint from {s.client.name}",
    ),
]
FLAG_DETAILS = "The client seems unhappy with the new rota."


def _flag_of(s: Scene):
    """The scene's flag, raised by hand by the lead (made when a row first asks for it)."""
    flag, _ = Flag.objects.get_or_create(
        engagement=s.engagement,
        kind=Flag.Kind.MANUAL,
        defaults={
            "severity": Flag.Severity.MEDIUM,
            "source": Flag.Source.PERSON,
            "raised_by": s.engagement.lead,
            "details": FLAG_DETAILS,
        },
    )
    return flag


ENGAGEMENT_PAGES += [
    Page("flag detail", lambda s: reverse("engagements:flag", args=[_flag_of(s).pk]), lambda s: FLAG_DETAILS),
    Page("flag raise", lambda s: reverse("engagements:flag_raise", args=[s.engagement.pk]), lambda s: "Raise a flag"),
]
# Not called "page": that is pytest-playwright's browser-page fixture.
every_engagement_page = pytest.mark.parametrize("view", [pytest.param(p, id=p.name) for p in ENGAGEMENT_PAGES])


def assert_page_opens(view: Page, response, scene: Scene) -> None:
    assert response.status_code == 200, f"{view.name}: {response.status_code}"
    if view.kind == "pdf":
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF_BYTES
    elif view.kind == "ics":
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert "BEGIN:VCALENDAR" in body
        assert view.shows(scene) in body
    else:
        assert view.shows(scene) in text_of(response)


def assert_not_found_and_names_nothing(response, scene: Scene) -> None:
    assert response.status_code == 404
    content = text_of(response)
    for secret in scene.secrets:
        assert secret not in content


@every_engagement_page
def test_lead_opens_every_page_of_their_engagement(client, consultant_a, scene_a, view):
    client.force_login(consultant_a)
    assert_page_opens(view, client.get(view.url(scene_a)), scene_a)


@every_engagement_page
def test_member_opens_every_page_of_the_engagement_they_belong_to(client, consultant_b, member_scene, view):
    client.force_login(consultant_b)
    assert_page_opens(view, client.get(view.url(member_scene)), member_scene)


@every_engagement_page
def test_team_manager_opens_every_page_of_the_teams_engagement(client, manager, scene_a, view):
    client.force_login(manager)
    assert_page_opens(view, client.get(view.url(scene_a)), scene_a)


@every_engagement_page
def test_superuser_opens_every_page_of_any_engagement(client, staff, scene_a, view):
    client.force_login(staff)
    assert_page_opens(view, client.get(view.url(scene_a)), scene_a)


@every_engagement_page
def test_another_consultant_gets_404_for_every_page_of_an_engagement_they_are_not_in(
    client, consultant_b, scene_a, member_scene, view
):
    # Bob works on an engagement of his own (member_scene); that opens nothing of Alice's.
    client.force_login(consultant_b)
    assert_not_found_and_names_nothing(client.get(view.url(scene_a)), scene_a)


@every_engagement_page
def test_manager_of_another_team_gets_404_for_every_engagement_page(client, scene_a, view):
    other_manager = factories.UserFactory(username="manager_other", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=other_manager, team=factories.TeamFactory(name="Team Zuid"))
    client.force_login(other_manager)
    assert_not_found_and_names_nothing(client.get(view.url(scene_a)), scene_a)


@every_engagement_page
def test_community_member_gets_404_without_engagement_or_client_title(client, community_member, scene_a, view):
    client.force_login(community_member)
    assert_not_found_and_names_nothing(client.get(view.url(scene_a)), scene_a)


def assert_sent_to_login(response, url: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"] == [url]


@every_engagement_page
def test_anonymous_is_sent_to_login_from_every_engagement_page(client, scene_a, view):
    url = view.url(scene_a)
    assert_sent_to_login(client.get(url), url)


# --- list pages and pages that start something new ---------------------------------------------------
LIST_URLS = [
    pytest.param("engagements:list", id="engagement list"),
    pytest.param("engagements:list_export", id="engagement list as CSV"),
    pytest.param("engagements:client_suggest", id="engagement list's client suggestions"),
    pytest.param("engagements:clients", id="client list"),
    pytest.param("engagements:my_week", id="my week"),
    pytest.param("engagements:review", id="review queue"),
    pytest.param("engagements:review_export", id="review queue as CSV"),
    pytest.param("engagements:dashboard", id="team dashboard"),
    pytest.param("engagements:create", id="new engagement"),
    pytest.param("engagements:client_create", id="new client"),
    pytest.param("engagements:lesson_search", id="lesson search"),
    pytest.param("engagements:client_profile", id="client profile"),
    pytest.param("engagements:client_profile_edit", id="client profile edit"),
]


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_anonymous_is_sent_to_login_from_list_and_create_pages(client, url_name):
    url = reverse(url_name)
    assert_sent_to_login(client.get(url), url)


def test_engagement_list_shows_the_leads_engagements_and_not_another_consultants(client, consultant_a, scene_a):
    factories.EngagementFactory(lead=factories.UserFactory(roles=[roles.CONSULTANT]), title="Someone else's work")
    client.force_login(consultant_a)
    content = text_of(client.get(reverse("engagements:list")))
    assert scene_a.engagement.title in content
    assert "Someone else's work" not in content


def test_engagement_list_shows_the_member_the_engagement_they_belong_to_only(
    client, consultant_b, scene_a, member_scene
):
    client.force_login(consultant_b)
    content = text_of(client.get(reverse("engagements:list")))
    assert member_scene.engagement.title in content
    assert scene_a.engagement.title not in content
    assert scene_a.client.name not in content  # not even in the client filter


@pytest.mark.parametrize(
    ("who", "sees_alices", "sees_bobs"),
    [
        ("consultant_a", True, False),
        ("manager", True, False),  # Alice is in the manager's team, Bob is not
        ("staff", True, True),
        ("consultant_b", False, True),
    ],
)
def test_the_client_filter_suggests_only_clients_the_user_may_see(
    client, request, consultant_b, scene_a, who, sees_alices, sees_bobs
):
    factories.EngagementFactory(lead=consultant_b, client=factories.ClientFactory(name="Oost Shipping"))
    client.force_login(request.getfixturevalue(who))
    for typed in ("Hoeksma", "hoek", "Bakeries"):
        response = client.get(reverse("engagements:client_suggest"), {"client_name": typed})
        assert response.status_code == 200
        assert (scene_a.client.name in text_of(response)) == sees_alices, typed
    bobs = client.get(reverse("engagements:client_suggest"), {"client_name": "Oost"})
    assert ("Oost Shipping" in text_of(bobs)) == sees_bobs


def test_a_client_id_of_another_consultant_filters_nothing_and_names_nothing(client, consultant_b, scene_a):
    client.force_login(consultant_b)
    response = client.get(reverse("engagements:list"), {"client": scene_a.client.pk})
    assert response.status_code == 200
    assert "This client is not one of yours, so the list is not filtered by it." in text_of(response)
    for secret in scene_a.secrets:
        assert secret not in text_of(response)


def test_community_member_gets_404_for_the_engagement_list(client, community_member, scene_a):
    # Not an empty list: the workspace does not exist for a member (issue 9).
    client.force_login(community_member)
    assert_not_found_and_names_nothing(client.get(reverse("engagements:list")), scene_a)


def test_community_member_gets_404_for_the_client_list(client, community_member, scene_a):
    client.force_login(community_member)
    assert_not_found_and_names_nothing(client.get(reverse("engagements:clients")), scene_a)


def test_client_list_shows_the_lead_their_client_and_not_others(client, consultant_a, scene_a):
    factories.ClientFactory(name="Unrelated Shipping")
    client.force_login(consultant_a)
    content = text_of(client.get(reverse("engagements:clients")))
    assert scene_a.client.name in content
    assert "Unrelated Shipping" not in content


def test_community_member_gets_404_for_my_week(client, community_member, scene_a):
    client.force_login(community_member)
    assert_not_found_and_names_nothing(client.get(reverse("engagements:my_week")), scene_a)


@pytest.mark.parametrize(
    "url_name",
    [
        "engagements:create",
        "engagements:client_create",
        "engagements:lesson_search",
        "engagements:client_profile",
        "engagements:client_profile_edit",
    ],
)
def test_community_member_gets_404_for_starting_an_engagement_or_client(client, community_member, url_name):
    client.force_login(community_member)
    assert client.get(reverse(url_name)).status_code == 404


def test_my_week_shows_the_leads_upcoming_meeting_and_not_to_another_consultant(
    client, consultant_a, consultant_b, scene_a
):
    client.force_login(consultant_a)
    content = text_of(client.get(reverse("engagements:my_week")))
    assert f'id="meeting-{scene_a.meeting.pk}"' in content
    assert scene_a.engagement.title in content

    client.force_login(consultant_b)
    response = client.get(reverse("engagements:my_week"))
    assert response.status_code == 200
    content = text_of(response)
    for secret in scene_a.secrets:
        assert secret not in content


# --- POST actions: the lead's work is saved; an outsider's is a 404 ----------------------------------
def engagement_form_data(engagement: Engagement, **changes) -> dict:
    data = {
        "client": engagement.client_id,
        "title": engagement.title,
        "lead": engagement.lead_id,
        "members": list(engagement.members.values_list("pk", flat=True)),
        "stage": engagement.stage,
        "budget": "" if engagement.budget is None else str(engagement.budget),
        "starts_on": engagement.starts_on.isoformat() if engagement.starts_on else "",
        "ends_on": engagement.ends_on.isoformat() if engagement.ends_on else "",
        "stated_request": engagement.stated_request,
        "underlying_need": engagement.underlying_need,
        "desired_outcomes": engagement.desired_outcomes,
        "advisor_role": engagement.advisor_role,
        "boundaries": engagement.boundaries,
    }
    return {**data, **changes}


def meeting_form_data(scene: Scene, **changes) -> dict:
    data = {
        "purpose": Meeting.Purpose.PLAN_DISCUSSION,
        "starts_at": local_minutes(timezone.now() + timedelta(days=5)),
        "duration_minutes": "60",
        "location": "Meeting room 42",
        "plan": scene.plan.pk,
        "contact_attendees": [scene.contact.pk],
        "advisor_attendees": [scene.engagement.lead_id],
    }
    return {**data, **changes}


def contact_form_data(**changes) -> dict:
    data = {"name": "Eva de Wit", "role": "CFO", "email": "eva@client.example", "language": "nl"}
    return {**data, **changes}


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict]
    done: Callable[[Scene], bool]  # whether the action's effect is in the database


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _offered_lesson(s: Scene) -> dict:
    """A lesson the intake's panel offers: one learned in an earlier engagement of the client."""
    earlier = factories.EngagementFactory(client=s.client, lead=s.engagement.lead, stage="closed")
    meeting = factories.MeetingFactory(engagement=earlier, starts_at=timezone.now() - timedelta(days=30))
    log = factories.MeetingLogFactory(meeting=meeting, lesson_learned="Ask who decides before the first meeting.")
    return {"source": f"log:{log.pk}"}


ACTIONS = [
    Action(
        "edit engagement",
        lambda s: reverse("engagements:edit", args=[s.engagement.pk]),
        lambda s: engagement_form_data(s.engagement, title="Renamed by the team"),
        lambda s: _fresh(s.engagement).title == "Renamed by the team",
    ),
    Action(
        "upload plan",
        lambda s: reverse("engagements:plan_upload", args=[s.engagement.pk]),
        lambda s: {
            "title": "Plan with two rota options",
            "summary": "Two options.",
            "budget": "9000",
            "file": pdf_upload(),
        },
        lambda s: s.engagement.plans.filter(title="Plan with two rota options", version=2).exists(),
    ),
    Action(
        "share plan",
        lambda s: reverse("engagements:plan_share", args=[s.plan.pk]),
        lambda s: {"contacts": [s.contact.pk]},
        lambda s: PlanShare.objects.filter(plan=s.plan, contact=s.contact).exists(),
    ),
    Action(
        "schedule meeting",
        lambda s: reverse("engagements:meeting_create", args=[s.engagement.pk]),
        lambda s: meeting_form_data(s),
        lambda s: s.engagement.meetings.filter(location="Meeting room 42").exists(),
    ),
    Action(
        "reschedule meeting",
        lambda s: reverse("engagements:meeting_edit", args=[s.meeting.pk]),
        lambda s: meeting_form_data(s, location="Moved to room 7"),
        lambda s: _fresh(s.meeting).location == "Moved to room 7",
    ),
    Action(
        "cancel meeting",
        lambda s: reverse("engagements:meeting_cancel", args=[s.meeting.pk]),
        lambda s: {},
        lambda s: _fresh(s.meeting).status == Meeting.Status.CANCELLED,
    ),
    Action(
        "log meeting",
        lambda s: reverse("engagements:meeting_log", args=[s.past_meeting.pk]),
        lambda s: {"summary": "Went through the plan.", "satisfaction": "4", "longest_monologue_minutes": "3"},
        lambda s: MeetingLog.objects.filter(meeting=s.past_meeting, summary="Went through the plan.").exists(),
    ),
    Action(
        "add checkpoint",
        lambda s: reverse("engagements:checkpoint_create", args=[s.engagement.pk]),
        lambda s: {
            "topic": ExpectationCheckpoint.Topic.SCOPE_ROLE,
            "question": "Is the scope clear?",
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        lambda s: s.engagement.checkpoints.filter(question="Is the scope clear?").exists(),
    ),
    Action(
        "record checkpoint answer",
        lambda s: reverse("engagements:checkpoint_answer", args=[s.checkpoint.pk]),
        lambda s: {"status": "confirmed", "client_answer": "Yes, as expected.", "recorded_via": "meeting"},
        lambda s: _fresh(s.checkpoint).status == ExpectationCheckpoint.Status.CONFIRMED,
    ),
    Action(
        "waive checkpoint",
        lambda s: reverse("engagements:checkpoint_waive", args=[s.checkpoint.pk]),
        lambda s: {"reason": "Covered in the intake."},
        lambda s: _fresh(s.checkpoint).status == ExpectationCheckpoint.Status.WAIVED,
    ),
    Action(
        "edit client",
        lambda s: reverse("engagements:client_edit", args=[s.client.pk]),
        lambda s: {"name": "Renamed Client BV", "sector": "Retail", "size": "", "fit": "good", "notes": ""},
        lambda s: _fresh(s.client).name == "Renamed Client BV",
    ),
    Action(
        "add contact",
        lambda s: reverse("engagements:contact_create", args=[s.client.pk]),
        lambda s: contact_form_data(),
        lambda s: s.client.contacts.filter(email="eva@client.example").exists(),
    ),
    Action(
        "edit contact",
        lambda s: reverse("engagements:contact_edit", args=[s.contact.pk]),
        lambda s: contact_form_data(name="Dana Visser-Bos", email=s.contact.email),
        lambda s: _fresh(s.contact).name == "Dana Visser-Bos",
    ),
    Action(
        "mark contact as left",
        lambda s: reverse("engagements:contact_left", args=[s.contact.pk]),
        lambda s: {"left_on": timezone.localdate().isoformat(), "replaced_by": ""},
        lambda s: _fresh(s.contact).left_on == timezone.localdate(),
    ),
    Action(
        "record complaint",
        lambda s: reverse("engagements:complaint_create", args=[s.client.pk]),
        lambda s: {
            "category": Complaint.Category.INVOICE,
            "received_on": timezone.localdate().isoformat(),
            "engagement": s.engagement.pk,
            "description": "The invoice came twice.",
        },
        lambda s: s.client.complaints.filter(description="The invoice came twice.").exists(),
    ),
    Action(
        "take a lesson into the intake",
        lambda s: reverse("engagements:lesson_take", args=[s.engagement.pk]),
        _offered_lesson,
        lambda s: s.engagement.lessons_taken.filter(text="Ask who decides before the first meeting.").exists(),
    ),
]
every_action = pytest.mark.parametrize("action", [pytest.param(a, id=a.name) for a in ACTIONS])


@every_action
def test_lead_post_action_is_saved(client, consultant_a, scene_a, action):
    assert not action.done(scene_a)
    client.force_login(consultant_a)

    response = client.post(action.url(scene_a), action.data(scene_a))

    errors = response.context["form"].errors if response.context and "form" in response.context else ""
    assert response.status_code == 302, errors  # a redirect after a saved form
    assert action.done(scene_a)


@every_action
@pytest.mark.parametrize("outsider", ["consultant_b", "community_member"])
def test_outsider_post_action_gets_404_and_changes_nothing(client, request, scene_a, member_scene, action, outsider):
    client.force_login(request.getfixturevalue(outsider))

    response = client.post(action.url(scene_a), action.data(scene_a))

    assert_not_found_and_names_nothing(response, scene_a)
    assert not action.done(scene_a)


def test_meeting_cancel_is_post_only(client, consultant_a, scene_a):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:meeting_cancel", args=[scene_a.meeting.pk]))
    assert response.status_code == 405
    assert _fresh(scene_a.meeting).status == Meeting.Status.SCHEDULED


def test_cancelled_meeting_shows_as_cancelled_to_the_lead(client, consultant_a, scene_a):
    client.force_login(consultant_a)
    response = client.post(reverse("engagements:meeting_cancel", args=[scene_a.meeting.pk]), follow=True)
    assert response.redirect_chain[-1][0] == scene_a.meeting.get_absolute_url()
    content = text_of(response)
    assert "Meeting cancelled." in content
    assert "Cancel meeting" not in content  # no second cancel button


INTAKE = {
    "stated_request": "We need a new rota.",
    "underlying_need": "Staff leave because shifts change at short notice.",
    "desired_outcomes": "A stable rota, published four weeks ahead.",
    "advisor_role": Engagement.AdvisorRole.PROCESS,
    "boundaries": "No changes to the collective agreement.",
}


@pytest.fixture
def new_engagement_data(consultant_a, manager):
    own_client = factories.ClientFactory(name="Van Dijk Care", created_by=consultant_a)
    today = timezone.localdate()
    return {
        "client": own_client.pk,
        "title": "Rota redesign",
        "lead": consultant_a.pk,
        "members": [manager.pk],
        "stage": Engagement.Stage.INTAKE,
        "budget": "12500.00",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        **INTAKE,
    }


def test_lead_creates_an_engagement_with_each_intake_field_stored_in_its_own_column(
    client, consultant_a, manager, new_engagement_data
):
    client.force_login(consultant_a)

    response = client.post(reverse("engagements:create"), new_engagement_data)

    engagement = Engagement.objects.get(title="Rota redesign")
    assert response.status_code == 302
    assert response.url == engagement.get_absolute_url()
    assert engagement.client.name == "Van Dijk Care"
    assert engagement.lead == consultant_a
    assert list(engagement.members.all()) == [manager]
    assert engagement.budget == Decimal("12500.00")
    for field, value in INTAKE.items():
        assert getattr(engagement, field) == value, field
    # ...and the detail page shows them back, each in the intake section.
    intake = text_of(client.get(engagement.get_absolute_url())).split("Intake", 1)[1].split("Draft plans")[0]
    for value in [INTAKE["stated_request"], INTAKE["underlying_need"], INTAKE["desired_outcomes"], "Process advisor"]:
        assert value in intake


def test_another_consultant_cannot_create_an_engagement_for_a_client_they_cannot_see(
    client, consultant_b, new_engagement_data
):
    # There is no engagement yet to give a 404 for: the form refuses the client instead.
    client.force_login(consultant_b)

    response = client.post(reverse("engagements:create"), new_engagement_data)

    assert response.status_code == 400
    assert field_errors(response, "client") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert "Van Dijk Care" not in text_of(response)
    assert not Engagement.objects.filter(title="Rota redesign").exists()


def test_community_member_gets_404_for_creating_an_engagement(client, community_member, new_engagement_data):
    client.force_login(community_member)
    response = client.post(reverse("engagements:create"), new_engagement_data)
    assert response.status_code == 404
    assert not Engagement.objects.filter(title="Rota redesign").exists()


# --- a community member: a 404 on every URL of the engagements app ------------------------------------
def _share_of(s: Scene) -> PlanShare:
    share, _ = PlanShare.objects.get_or_create(
        plan=s.plan, contact=s.contact, defaults={"shared_at": timezone.now(), "shared_by": s.engagement.lead}
    )
    return share


def _engagement_url(name: str, pk: Callable[[Scene], int]) -> Callable[[Scene], str]:
    return lambda s: reverse(f"engagements:{name}", args=[pk(s)])


# Every URL name of engagements/urls.py, built for the scene. A URL added there without a row
# here fails test_every_engagement_url_has_a_row_in_the_community_member_matrix.
ENGAGEMENT_URLS: dict[str, Callable[[Scene], str]] = {
    "list": lambda s: reverse("engagements:list"),
    "list_export": lambda s: reverse("engagements:list_export"),
    "client_suggest": lambda s: reverse("engagements:client_suggest") + "?client_name=Hoeksma",
    "create": lambda s: reverse("engagements:create") + f"?client={s.client.pk}",
    "intake_panel": lambda s: reverse("engagements:intake_panel") + f"?client={s.client.pk}",
    "detail": _engagement_url("detail", lambda s: s.engagement.pk),
    "edit": _engagement_url("edit", lambda s: s.engagement.pk),
    "timeline": _engagement_url("timeline", lambda s: s.engagement.pk),
    "meeting_list": _engagement_url("meeting_list", lambda s: s.engagement.pk),
    "lesson_take": _engagement_url("lesson_take", lambda s: s.engagement.pk),
    "lesson_untake": _engagement_url("lesson_untake", lambda s: s.engagement.pk),
    "lesson_search": lambda s: reverse("engagements:lesson_search") + "?q=rota",
    "client_profile": lambda s: reverse("engagements:client_profile"),
    "client_profile_edit": lambda s: reverse("engagements:client_profile_edit"),
    "plan_upload": _engagement_url("plan_upload", lambda s: s.engagement.pk),
    "meeting_create": _engagement_url("meeting_create", lambda s: s.engagement.pk),
    "checkpoint_create": _engagement_url("checkpoint_create", lambda s: s.engagement.pk),
    "plan_download": _engagement_url("plan_download", lambda s: s.plan.pk),
    "plan_share": _engagement_url("plan_share", lambda s: s.plan.pk),
    "plan_share_revoke": _engagement_url("plan_share_revoke", lambda s: _share_of(s).pk),
    "meeting": _engagement_url("meeting", lambda s: s.meeting.pk),
    "meeting_edit": _engagement_url("meeting_edit", lambda s: s.meeting.pk),
    "meeting_cancel": _engagement_url("meeting_cancel", lambda s: s.meeting.pk),
    "meeting_log": _engagement_url("meeting_log", lambda s: s.past_meeting.pk),
    "meeting_ics": _engagement_url("meeting_ics", lambda s: s.meeting.pk),
    "checkpoint_answer": _engagement_url("checkpoint_answer", lambda s: s.checkpoint.pk),
    "checkpoint_waive": _engagement_url("checkpoint_waive", lambda s: s.checkpoint.pk),
    "clients": lambda s: reverse("engagements:clients") + "?q=Hoeksma",
    "client_create": lambda s: reverse("engagements:client_create"),
    "client": _engagement_url("client", lambda s: s.client.pk),
    "client_edit": _engagement_url("client_edit", lambda s: s.client.pk),
    "client_fit_review": _engagement_url("client_fit_review", lambda s: s.client.pk),
    "contact_create": _engagement_url("contact_create", lambda s: s.client.pk),
    "complaint_create": _engagement_url("complaint_create", lambda s: s.client.pk),
    "contact_edit": _engagement_url("contact_edit", lambda s: s.contact.pk),
    "contact_left": _engagement_url("contact_left", lambda s: s.contact.pk),
    "my_week": lambda s: reverse("engagements:my_week"),
    "review": lambda s: reverse("engagements:review"),
    "review_export": lambda s: reverse("engagements:review_export"),
    "dashboard": lambda s: reverse("engagements:dashboard"),
    "review_take": lambda s: reverse("engagements:review_take"),
    "flag": _engagement_url("flag", lambda s: _flag_of(s).pk),
    "flag_respond": _engagement_url("flag_respond", lambda s: _flag_of(s).pk),
    "flag_decide": _engagement_url("flag_decide", lambda s: _flag_of(s).pk),
    "flag_reopen": _engagement_url("flag_reopen", lambda s: _flag_of(s).pk),
    "flag_raise": _engagement_url("flag_raise", lambda s: s.engagement.pk),
}
# POST only: a GET is a 405 for everyone (the lead too, see test_meeting_cancel_is_post_only),
# before any user or row is looked at, so it tells nobody anything.
POST_ONLY = {
    "lesson_take",
    "lesson_untake",
    "plan_share_revoke",
    "meeting_cancel",
    "review_take",
    "flag_respond",
    "flag_decide",
    "flag_reopen",
}
# The engagement views that config/urls.py serves outside the app, and why they are not rows:
# no session decides what they show, the token in the URL does.
NOT_IN_THE_MATRIX = {
    "client_plan": "the client's answer page: anonymous by design, the signed link is the key",
    "client_plan_file": "the client's copy of the plan: anonymous by design, the signed link is the key",
    "calendar_feed": "the advisor's calendar feed: the private token is the key, for an active advisor only",
}
every_engagement_url = pytest.mark.parametrize("url_name", list(ENGAGEMENT_URLS))


def test_every_engagement_url_has_a_row_in_the_community_member_matrix():
    assert {pattern.name for pattern in engagement_urls.urlpatterns} == set(ENGAGEMENT_URLS)


def test_every_other_engagement_view_in_the_root_urlconf_says_why_it_is_not_in_the_matrix():
    outside = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("engagements.")
    }
    assert outside == set(NOT_IN_THE_MATRIX)


@every_engagement_url
def test_community_member_gets_404_for_every_engagement_url(client, community_member, scene_a, url_name):
    client.force_login(community_member)
    response = client.get(ENGAGEMENT_URLS[url_name](scene_a))
    if url_name in POST_ONLY:
        assert response.status_code == 405
        assert not [secret for secret in scene_a.secrets if secret in text_of(response)]
    else:
        assert_not_found_and_names_nothing(response, scene_a)


@every_engagement_url
def test_community_member_posting_to_any_engagement_url_gets_404_and_changes_nothing(
    client, community_member, scene_a, url_name
):
    url = ENGAGEMENT_URLS[url_name](scene_a)
    action = next((a for a in ACTIONS if a.url(scene_a) == url.split("?")[0]), None)
    data = action.data(scene_a) if action else {"title": "Posted by a member", "name": "Posted by a member"}
    client.force_login(community_member)

    response = client.post(url, data)

    assert_not_found_and_names_nothing(response, scene_a)
    if action:
        assert not action.done(scene_a)
    assert not Engagement.objects.filter(title="Posted by a member").exists()
    assert not Client.objects.filter(name="Posted by a member").exists()


def test_a_community_member_opens_a_clients_signed_link_as_anyone_would(
    client, community_member, scene_a, django_capture_on_commit_callbacks
):
    # Anonymous by design: being logged in as a member neither opens more nor closes it.
    url = reverse("client_plan", args=[plan_link_token(_share_of(scene_a))])
    client.force_login(community_member)
    assert scene_a.plan.title in text_of(client.get(url))
    assert client.get(reverse("client_plan", args=["not-a-token"])).status_code == 404


def test_a_calendar_token_of_a_community_member_opens_no_feed(client, community_member):
    # Token-based: the feed answers only for an active advisor's token, whoever asks.
    profile = factories.AdvisorProfileFactory(user=community_member)
    client.force_login(community_member)
    assert client.get(reverse("calendar_feed", args=[profile.calendar_token])).status_code == 404


# --- query counts do not grow with rows ----------------------------------------------------------------
# The smallest bound that holds for the few-row case (measured), applied unchanged to many rows.
ENGAGEMENT_LIST_MAX_QUERIES = 5  # the login (3), the advisors to filter by, the page (with the count)
MY_WEEK_MAX_QUERIES = 7  # the login (3), the engagements (when not kept), the meetings, the waiting ones, the flags
# The engagement's page: two for the timeline (the events with a moment, the complaints), two
# for the meetings (the upcoming, the earlier); at intake the lessons panel and the profile.
ENGAGEMENT_DETAIL_MAX_QUERIES = 24
TIMELINE_STEP_MAX_QUERIES = 6  # the login (3), the engagement, the timeline's two
MEETING_LIST_MAX_QUERIES = 6  # the login (3), the engagement, the count, the page of meetings


@pytest.mark.parametrize("rows", [5, 100])
def test_engagement_list_query_count_does_not_grow_with_rows(
    client, consultant_a, consultant_b, django_assert_max_num_queries, rows
):
    for i in range(rows):
        engagement = factories.EngagementFactory(lead=consultant_a, title=f"Listed engagement {i}")
        engagement.members.add(consultant_b)
        factories.FlagFactory(engagement=engagement, subject=f"meeting:{i}")
    client.force_login(consultant_a)

    with django_assert_max_num_queries(ENGAGEMENT_LIST_MAX_QUERIES):
        response = client.get(reverse("engagements:list"))

    content = text_of(response)
    assert f"{rows} engagements" in content
    assert content.count("Listed engagement ") == min(rows, 25)  # 25 a page


def build_week(lead, rows: int) -> None:
    """`rows` engagements, each with a meeting in the next 7 days whose plan was shared and
    acknowledged, an open checkpoint, a past meeting waiting for its log, and an open flag."""
    now = timezone.now()
    for i in range(rows):
        engagement = factories.EngagementFactory(lead=lead, title=f"Week engagement {i}")
        contact = factories.ContactFactory(client=engagement.client)
        plan = factories.DraftPlanFactory(
            engagement=engagement,
            version=1,
            shared_at=now - timedelta(days=2),
            shared_by=lead,
            acknowledged_at=now - timedelta(days=1),
            matches_expectations=DraftPlan.Answer.PARTLY,
            adjustments="Fewer night shifts.",
            answered_at=now - timedelta(days=1),
        )
        PlanShare.objects.create(plan=plan, contact=contact, shared_at=now - timedelta(days=2), shared_by=lead)
        factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=now + timedelta(hours=1 + i))
        factories.MeetingFactory(engagement=engagement, starts_at=now - timedelta(days=2))
        factories.CheckpointFactory(engagement=engagement, plan=plan)
        factories.FlagFactory(engagement=engagement, details=f"Flag of week engagement {i}")


@pytest.mark.parametrize("rows", [5, 100])
def test_my_week_query_count_does_not_grow_with_meetings(client, consultant_a, django_assert_max_num_queries, rows):
    build_week(consultant_a, rows)
    client.force_login(consultant_a)

    with django_assert_max_num_queries(MY_WEEK_MAX_QUERIES):
        response = client.get(reverse("engagements:my_week"))

    content = response.content.decode()
    shown = {
        "meetings": min(rows, selectors.WEEK_MEETINGS),
        "waiting": min(rows, selectors.WEEK_WAITING),
        "flags": min(rows, selectors.WEEK_FLAGS),
    }
    assert content.count('<div class="card h-100') == shown["meetings"]  # one readiness card per meeting
    assert content.count("Fewer night shifts.") == shown["meetings"]
    assert content.count('<li class="list-group-item" id="log-') == shown["waiting"]  # waiting for a log
    assert content.count("Flag of week engagement ") == shown["flags"]
    assert (f"Show all {rows} meetings of the week" in content) == (rows > selectors.WEEK_MEETINGS)
    assert (f"Show all {rows} open flags" in content) == (rows > selectors.WEEK_FLAGS)

    with django_assert_max_num_queries(MY_WEEK_MAX_QUERIES):
        everything = client.get(reverse("engagements:my_week"), {"all": "1"}).content.decode()

    assert everything.count('<div class="card h-100') == rows
    assert everything.count('<li class="list-group-item" id="log-') == rows
    assert everything.count("Flag of week engagement ") == rows
    assert "Show all" not in everything


def test_my_week_shows_the_soonest_meetings_and_the_newest_flags_first(client, consultant_a):
    rows = selectors.WEEK_MEETINGS + 3
    build_week(consultant_a, rows)  # meeting i starts in 1 + i hours; flag i is raised after flag i - 1
    client.force_login(consultant_a)

    content = text_of(client.get(reverse("engagements:my_week")))

    meetings, rest = content.split("Waiting for a log")
    titles = re.findall(r"Week engagement (\d+)", meetings)
    assert [int(n) for n in titles] == list(range(selectors.WEEK_MEETINGS))
    flags = [int(n) for n in re.findall(r"Flag of week engagement (\d+)", rest)]
    assert flags == list(range(rows - 1, rows - 1 - selectors.WEEK_FLAGS, -1))


def build_busy_engagement(engagement: Engagement, rows: int) -> None:
    """`rows` plans (each shared and answered), meetings (half past and logged), checkpoints
    (half answered), complaints and flags, plus members."""
    now = timezone.now()
    lead = engagement.lead
    engagement.members.add(factories.UserFactory(roles=[roles.CONSULTANT]))
    contact = factories.ContactFactory(client=engagement.client)
    for i in range(rows):
        plan = factories.DraftPlanFactory(
            engagement=engagement, version=i + 1, title=f"Plan version {i + 1}", shared_at=now, shared_by=lead
        )
        share = PlanShare.objects.create(plan=plan, contact=contact, shared_at=now, shared_by=lead)
        PlanAnswer.objects.create(plan=plan, share=share, received=True, matches_expectations="yes")
        past = i % 2 == 0
        meeting = factories.MeetingFactory(
            engagement=engagement,
            plan=plan,
            starts_at=now + timedelta(days=-3 if past else 3, hours=i),
            status=Meeting.Status.HELD if past else Meeting.Status.SCHEDULED,
        )
        if past:
            factories.MeetingLogFactory(meeting=meeting)
        answered = {"status": "confirmed", "recorded_via": "meeting", "answered_at": now} if i % 2 else {}
        factories.CheckpointFactory(engagement=engagement, plan=plan, meeting=meeting, **answered)
        factories.ComplaintFactory(client=engagement.client, engagement=engagement, recorded_by=lead)
        factories.FlagFactory(engagement=engagement, subject=f"checkpoint:{i}")


@pytest.mark.parametrize("rows", [5, 50])
def test_engagement_detail_query_count_does_not_grow_with_plans_meetings_and_checkpoints(
    client, consultant_a, engagement_a, django_assert_max_num_queries, rows
):
    build_busy_engagement(engagement_a, rows)
    client.force_login(consultant_a)

    with django_assert_max_num_queries(ENGAGEMENT_DETAIL_MAX_QUERIES):
        response = client.get(engagement_a.get_absolute_url())

    content = response.content.decode()
    held, upcoming = (rows + 1) // 2, rows // 2
    assert len(re.findall(r"<strong>v\d+</strong>", content)) == rows  # every plan
    shown = min(upcoming, MEETINGS_SHOWN) + min(held, MEETINGS_SHOWN)  # the next ones and the latest
    assert len(re.findall(r'href="/engagements/meetings/\d+/"', content)) == shown
    assert content.count("satisfaction 4/5</small>") == min(held, MEETINGS_SHOWN)  # logged, in the list
    assert ("All meetings</a>" in content) == (rows > MEETINGS_SHOWN)
    assert len(re.findall(r'href="/engagements/checkpoints/\d+/answer/"', content)) == rows  # every checkpoint
    assert content.count('<li class="tl-') == TIMELINE_STEP  # the timeline's newest step...
    assert "Show more</a>" in content  # ...and the way to the next


def next_step_link(content: str) -> str:
    """The cursor that "Show more" carries, from its plain link (without JavaScript)."""
    return unescape(re.search(r'href="[^"]*\?before=([^"#]+)#timeline"', content).group(1))


@pytest.mark.parametrize("rows", [5, 50])
def test_the_timelines_next_step_query_count_does_not_grow_with_events(
    client, consultant_a, engagement_a, django_assert_max_num_queries, rows
):
    build_busy_engagement(engagement_a, rows)
    client.force_login(consultant_a)
    before = next_step_link(client.get(engagement_a.get_absolute_url()).content.decode())

    with django_assert_max_num_queries(TIMELINE_STEP_MAX_QUERIES):
        response = client.get(reverse("engagements:timeline", args=[engagement_a.pk]), {"before": before})

    content = response.content.decode()
    assert 0 < content.count('<li class="tl-') <= TIMELINE_STEP
    assert ("Show more</a>" in content) == (rows == 50)  # 5 rows make fewer than two steps of events


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_of_every_meeting_query_count_does_not_grow_with_meetings(
    client, consultant_a, engagement_a, django_assert_max_num_queries, rows
):
    now = timezone.now()
    for i in range(rows):
        meeting = factories.MeetingFactory(
            engagement=engagement_a, starts_at=now - timedelta(days=i + 1), status=Meeting.Status.HELD
        )
        if i % 2:
            factories.MeetingLogFactory(meeting=meeting)
    client.force_login(consultant_a)

    with django_assert_max_num_queries(MEETING_LIST_MAX_QUERIES):
        response = client.get(reverse("engagements:meeting_list", args=[engagement_a.pk]))

    content = response.content.decode()
    assert f"{rows} meetings, the newest first" in content
    on_the_page = min(rows, MEETINGS_PER_PAGE)
    assert len(re.findall(r'href="/engagements/meetings/\d+/"', content)) == on_the_page
    assert len(re.findall(r'href="/engagements/meetings/\d+/log/"', content)) == (on_the_page + 1) // 2  # not logged


# --- bad input: 400, the reason next to the field, nothing saved ------------------------------------
def assert_refused(response, field: str, message: str) -> None:
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert "Nothing was saved. Please correct the fields marked below." in text_of(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"starts_at": local_minutes(timezone.now() - timedelta(days=1))},
            "starts_at",
            "This moment has passed; schedule the meeting in the future.",
            id="in the past",
        ),
        pytest.param({"duration_minutes": "0"}, "duration_minutes", "A meeting lasts at least one minute.", id="0 min"),
        pytest.param(
            {"duration_minutes": "-30"},
            "duration_minutes",
            "A meeting lasts at least one minute.",
            id="negative minutes",
        ),
    ],
)
def test_meeting_form_refuses_bad_time_or_duration(client, consultant_a, scene_a, changes, field, message):
    client.force_login(consultant_a)
    before = Meeting.objects.count()

    response = client.post(
        reverse("engagements:meeting_create", args=[scene_a.engagement.pk]), meeting_form_data(scene_a, **changes)
    )

    assert_refused(response, field, message)
    assert Meeting.objects.count() == before


def test_meeting_form_refuses_a_contact_of_another_client(client, consultant_a, scene_a):
    stranger = factories.ContactFactory(name="Stranger of another client")
    client.force_login(consultant_a)
    before = Meeting.objects.count()

    response = client.post(
        reverse("engagements:meeting_create", args=[scene_a.engagement.pk]),
        meeting_form_data(scene_a, contact_attendees=[stranger.pk]),
    )

    assert_refused(response, "contact_attendees", "Choose contacts of this engagement's client only.")
    assert Meeting.objects.count() == before
    assert "Stranger of another client" not in text_of(response)


def test_meeting_form_refuses_a_plan_of_another_engagement(client, consultant_a, scene_a):
    other_plan = factories.DraftPlanFactory(
        engagement=factories.EngagementFactory(lead=consultant_a), title="Plan of another engagement"
    )
    client.force_login(consultant_a)
    before = Meeting.objects.count()

    response = client.post(
        reverse("engagements:meeting_create", args=[scene_a.engagement.pk]),
        meeting_form_data(scene_a, plan=other_plan.pk),
    )

    assert_refused(response, "plan", "Choose a plan of this engagement.")
    assert Meeting.objects.count() == before


def test_meeting_edit_refuses_a_plan_of_another_engagement_and_keeps_the_meeting(client, consultant_a, scene_a):
    other_plan = factories.DraftPlanFactory(engagement=factories.EngagementFactory(lead=consultant_a))
    client.force_login(consultant_a)

    response = client.post(
        reverse("engagements:meeting_edit", args=[scene_a.meeting.pk]),
        meeting_form_data(scene_a, plan=other_plan.pk, location="Somewhere else"),
    )

    assert_refused(response, "plan", "Choose a plan of this engagement.")
    meeting = _fresh(scene_a.meeting)
    assert (meeting.plan, meeting.location) == (scene_a.plan, "Room 1")


@pytest.mark.parametrize(
    ("budget", "file_content", "field", "message"),
    [
        pytest.param(
            "-100", PDF_BYTES, "budget", "Ensure this value is greater than or equal to 0.", id="negative budget"
        ),
        pytest.param(
            "100",
            b"just some text, not a PDF",
            "file",
            "This file is not a real PDF file: its content does not match its name.",
            id="pdf name, other content",
        ),
    ],
)
def test_plan_upload_refuses_bad_input(client, consultant_a, scene_a, budget, file_content, field, message):
    client.force_login(consultant_a)
    before = DraftPlan.objects.count()

    response = client.post(
        reverse("engagements:plan_upload", args=[scene_a.engagement.pk]),
        {"title": "Refused plan", "summary": "Summary.", "budget": budget, "file": pdf_upload(content=file_content)},
    )

    assert_refused(response, field, message)
    assert DraftPlan.objects.count() == before


def test_plan_upload_refuses_a_file_over_the_limit(client, consultant_a, scene_a, settings):
    settings.PLAN_UPLOAD_MAX_MB = 1
    big_pdf = PDF_BYTES + b"0" * int(1.1 * 1024 * 1024)
    client.force_login(consultant_a)
    before = DraftPlan.objects.count()

    response = client.post(
        reverse("engagements:plan_upload", args=[scene_a.engagement.pk]),
        {"title": "Too big", "summary": "", "budget": "", "file": pdf_upload(content=big_pdf)},
    )

    assert_refused(response, "file", "This file is 1.1 MB; the limit is 1 MB.")
    assert DraftPlan.objects.count() == before


def test_plan_upload_accepts_a_file_just_under_the_limit(client, consultant_a, scene_a, settings):
    # The counterpart of the test above: the limit is what refuses, not the size as such.
    settings.PLAN_UPLOAD_MAX_MB = 1
    client.force_login(consultant_a)

    response = client.post(
        reverse("engagements:plan_upload", args=[scene_a.engagement.pk]),
        {"title": "Just fits", "summary": "", "budget": "", "file": pdf_upload(content=PDF_BYTES + b"0" * 1_000_000)},
    )

    assert response.status_code == 302
    assert scene_a.engagement.plans.filter(title="Just fits").exists()


def test_plan_share_refuses_a_contact_of_another_client(client, consultant_a, scene_a):
    stranger = factories.ContactFactory(name="Stranger of another client")
    client.force_login(consultant_a)

    response = client.post(reverse("engagements:plan_share", args=[scene_a.plan.pk]), {"contacts": [stranger.pk]})

    assert_refused(response, "contacts", "Choose contacts of this client who are still there.")
    assert not PlanShare.objects.exists()
    assert _fresh(scene_a.plan).shared_at is None


def test_complaint_form_refuses_an_engagement_of_another_client(client, consultant_a, scene_a):
    other = factories.EngagementFactory(lead=consultant_a, title="Engagement of another client")
    client.force_login(consultant_a)

    response = client.post(
        reverse("engagements:complaint_create", args=[scene_a.client.pk]),
        {
            "category": Complaint.Category.PRICE,
            "received_on": timezone.localdate().isoformat(),
            "engagement": other.pk,
            "description": "Too expensive.",
        },
    )

    assert_refused(response, "engagement", "Choose an engagement of this client.")
    assert not Complaint.objects.exists()


def test_engagement_edit_refuses_end_before_start_and_keeps_the_dates(client, consultant_a, scene_a):
    today = timezone.localdate()
    client.force_login(consultant_a)

    response = client.post(
        reverse("engagements:edit", args=[scene_a.engagement.pk]),
        engagement_form_data(
            scene_a.engagement, starts_on=today.isoformat(), ends_on=(today - timedelta(days=1)).isoformat()
        ),
    )

    assert_refused(response, "ends_on", "The end date comes before the start date.")
    engagement = _fresh(scene_a.engagement)
    assert (engagement.starts_on, engagement.ends_on) == (None, None)


def post_like_a_browser(client, url: str, data: dict):
    """POST the way the page's own form does: with the CSRF token field it renders, so an
    empty choice still makes a bound form (the test client would otherwise send nothing)."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


@pytest.mark.parametrize("form", ["plan share with nobody to choose", "meeting with a stranger as attendee"])
def test_every_form_error_is_shown_even_when_the_client_has_no_active_contacts(
    client, consultant_a, engagement_a, form
):
    plan = factories.DraftPlanFactory(engagement=engagement_a, title="Plan nobody can receive")
    client.force_login(consultant_a)
    if form == "plan share with nobody to choose":
        model, data = PlanShare, {}
        url = reverse("engagements:plan_share", args=[plan.pk])
    else:
        stranger = factories.ContactFactory()
        model = Meeting
        data = {
            "purpose": Meeting.Purpose.PROGRESS,
            "starts_at": local_minutes(timezone.now() + timedelta(days=2)),
            "duration_minutes": "60",
            "contact_attendees": [stranger.pk],
        }
        url = reverse("engagements:meeting_create", args=[engagement_a.pk])
    before = model.objects.count()

    response = post_like_a_browser(client, url, data)

    assert response.status_code == 400
    assert model.objects.count() == before
    errors = [e for errs in response.context["form"].errors.values() for e in errs]
    assert errors
    for error in errors:
        assert error in text_of(response), f"{error!r} is not on the page"
