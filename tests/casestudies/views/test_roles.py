"""Every view of the community, checked for every role of the cast the way a user would.

- published cases and cases whose discussion closed are public; drafts, cases in review and
  archived cases are their author's and the editors' (manager, staff) only: to everyone else
  they are a 404 that does not name them;
- pages that need a login send anonymous users to it; the moderation queue is for managers
  and staff, "My cases" for advisors;
- POST actions: the allowed roles' work is saved; anyone else gets a 404 (or the case page
  back with the reason) and the database does not change;
- a community member who guesses engagement, client, plan or meeting addresses gets nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, Comment, CommentReport
from tests import factories
from tests.casestudies.conftest import CAST
from tests.casestudies.scene import CLIENT_NAME, CONTACT_NAME, ENGAGEMENT_TITLE, make_comment, text_of

pytestmark = pytest.mark.django_db

ROLES = list(CAST)
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
ADVISORS = frozenset({"author", "manager", "other_consultant", "staff"})  # staff is a superuser
EDITORS = frozenset({"author", "manager", "staff"})  # of Alice's case: its author and the editors
MODERATORS = frozenset({"manager", "staff"})
# A refusal that shows the case (or the comment) again with the reason, rather than a 404:
# the user may see the case, just not do this to it.
BACK = "back"


@dataclass
class Scene:
    cases: object
    comment: Comment  # Carol's, on the published case, posted just now


@pytest.fixture
def scene(cases, community_member):
    return Scene(cases, make_comment(cases.published, community_member, "Ask the bakers on the night shift."))


def assert_sent_to_login(response, url: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"] == [url]


def assert_not_found_and_names_nothing(response, *secrets: str) -> None:
    assert response.status_code == 404
    content = text_of(response)
    for secret in (*secrets, CLIENT_NAME, CONTACT_NAME, ENGAGEMENT_TITLE):
        assert secret not in content


# --- pages (GET) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Scene], str]
    shows: Callable[[Scene], str]  # what the page shows a role that may open it
    opens: frozenset[str]  # the roles that may open it
    login_first: bool = True  # anonymous users are sent to log in (rather than a 404)
    otherwise: str = "404"  # what the rest get: "404", BACK (redirect with a message), "list"
    secret: bool = False  # a 404 must not show what the page shows (a hidden case's title)


def _detail(status: str, opens) -> Page:
    return Page(
        f"{status} case",
        lambda s: s.cases.of(status).get_absolute_url(),
        lambda s: s.cases.of(status).title,
        opens,
        login_first=False,
        secret=True,
    )


PAGES = [
    Page("case list", lambda s: reverse("casestudies:list"), lambda s: "Case studies", EVERYONE, login_first=False),
    Page("feed", lambda s: reverse("casestudies:feed"), lambda s: s.cases.published.title, EVERYONE, login_first=False),
    _detail("published", EVERYONE),
    _detail("closed", EVERYONE),
    _detail("draft", EDITORS),
    _detail("review", EDITORS),
    _detail("archived", EDITORS),
    Page("new case", lambda s: reverse("casestudies:create"), lambda s: "New case study", ADVISORS),
    Page(
        "edit draft",
        lambda s: reverse("casestudies:edit", args=[s.cases.draft.slug]),
        lambda s: "Edit the case study",
        EDITORS,
    ),
    Page(
        "edit published",
        lambda s: reverse("casestudies:edit", args=[s.cases.published.slug]),
        lambda s: "Edit the case study",
        EDITORS,
    ),
    # Archived is for good: nobody edits it, not even staff.
    Page(
        "edit archived",
        lambda s: reverse("casestudies:edit", args=[s.cases.archived.slug]),
        lambda s: "",
        frozenset(),
    ),
    Page(
        "close discussion",
        lambda s: reverse("casestudies:close", args=[s.cases.published.slug]),
        lambda s: "What the discussion taught",
        EDITORS,
    ),
    Page("my cases", lambda s: reverse("casestudies:mine"), lambda s: "Written by me", ADVISORS),
    Page("moderation", lambda s: reverse("casestudies:moderation"), lambda s: "Nothing to moderate.", MODERATORS),
    Page(
        "sign-up",
        lambda s: reverse("casestudies:signup"),
        lambda s: "Display name",
        frozenset({"anonymous"}),
        login_first=False,
        otherwise="list",
    ),
    Page(
        "sign-up sent",
        lambda s: reverse("casestudies:signup_sent"),
        lambda s: "Check your inbox",
        EVERYONE,
        login_first=False,
    ),
    Page(
        "edit comment",
        lambda s: reverse("casestudies:comment_edit", args=[s.comment.pk]),
        lambda s: "Edit your comment",
        frozenset({"member"}),
        otherwise=BACK,
    ),
    Page(
        "report comment",
        lambda s: reverse("casestudies:comment_report", args=[s.comment.pk]),
        lambda s: "What is wrong with this comment?",
        LOGGED_IN - {"member"},  # not one's own
    ),
]
every_page = pytest.mark.parametrize("view", [pytest.param(p, id=p.name) for p in PAGES])
every_role = pytest.mark.parametrize("role", ROLES)


@every_page
@every_role
def test_every_page_for_every_role(client, as_role, scene, view, role):
    as_role(role)
    url = view.url(scene)

    response = client.get(url)

    if role in view.opens:
        assert response.status_code == 200, f"{view.name} as {role}: {response.status_code}"
        assert view.shows(scene) in text_of(response)
    elif role == "anonymous" and view.login_first:
        assert_sent_to_login(response, url)
    elif view.otherwise == "list":
        assert response.status_code == 302
        assert response.url == reverse("casestudies:list")
    elif view.otherwise == BACK:
        assert response.status_code == 302
        assert response.url == scene.comment.get_absolute_url()
    else:
        assert_not_found_and_names_nothing(response, *([view.shows(scene)] if view.secret else []))


@every_role
def test_the_case_list_and_feed_show_public_cases_only_whoever_asks(client, as_role, scene, role):
    as_role(role)
    for url in (reverse("casestudies:list"), reverse("casestudies:feed")):
        content = text_of(client.get(url))
        assert scene.cases.published.title in content
        if url.endswith("/cases/"):
            assert scene.cases.closed.title in content
        for status in ("draft", "review", "archived"):
            assert scene.cases.of(status).title not in content, (url, status)


@pytest.mark.parametrize("role", sorted(ADVISORS))
def test_my_cases_lists_only_the_advisors_own_and_the_review_queue_for_editors(client, as_role, scene, role):
    as_role(role)
    content = text_of(client.get(reverse("casestudies:mine")))
    queue, mine = content.split("Written by me", 1) if "Waiting for review" in content else ("", content)
    for status in ("draft", "review", "published", "closed", "archived"):
        assert (scene.cases.of(status).title in mine) is (role == "author"), status
    # The review queue is the editors'.
    assert ("Waiting for review" in content) is (role in MODERATORS)
    assert (scene.cases.review.title in queue) is (role in MODERATORS)


# --- POST actions ---------------------------------------------------------------------------------
def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict]
    done: Callable[[Scene], bool]  # whether the action's effect is in the database
    allowed: frozenset[str]
    # How a logged-in role that is not allowed is refused: a 404, or BACK with this message.
    refused: dict[str, str] = field(default_factory=dict)
    message: str = ""


CASE_FORM = {"title": "A rota redone", "body": "Two shifts became three.", "question": "Would you?"}

ACTIONS = [
    Action(
        "send draft for review",
        lambda s: reverse("casestudies:submit", args=[s.cases.draft.slug]),
        lambda s: {},
        lambda s: _fresh(s.cases.draft).status == CaseStudy.Status.REVIEW,
        EDITORS,
    ),
    Action(
        "publish",
        lambda s: reverse("casestudies:publish", args=[s.cases.review.slug]),
        lambda s: {},
        lambda s: _fresh(s.cases.review).status == CaseStudy.Status.PUBLISHED,
        MODERATORS,
        refused={"author": BACK},
        message="Only a manager publishes, and only a draft or a case in review.",
    ),
    Action(
        "archive",
        lambda s: reverse("casestudies:archive", args=[s.cases.published.slug]),
        lambda s: {},
        lambda s: _fresh(s.cases.published).status == CaseStudy.Status.ARCHIVED,
        MODERATORS,
        # The case is public: they see it, and are told they cannot archive it.
        refused=dict.fromkeys(("member", "other_member", "author", "other_consultant"), BACK),
        message="Only a manager archives a case study.",
    ),
    Action(
        "close discussion",
        lambda s: reverse("casestudies:close", args=[s.cases.published.slug]),
        lambda s: {"closing_summary": "Ask the night shift first."},
        lambda s: _fresh(s.cases.published).status == CaseStudy.Status.CLOSED,
        EDITORS,
    ),
    Action(
        "edit draft",
        lambda s: reverse("casestudies:edit", args=[s.cases.draft.slug]),
        lambda s: CASE_FORM,
        lambda s: _fresh(s.cases.draft).title == "A rota redone",
        EDITORS,
    ),
    Action(
        "create case",
        lambda s: reverse("casestudies:create"),
        lambda s: CASE_FORM,
        lambda s: CaseStudy.objects.filter(title="A rota redone", status=CaseStudy.Status.DRAFT).exists(),
        ADVISORS,
    ),
    Action(
        "comment",
        lambda s: reverse("casestudies:comment", args=[s.cases.published.slug]),
        lambda s: {"body": "We tried a four-week rota."},
        lambda s: Comment.objects.filter(body="We tried a four-week rota.").exists(),
        LOGGED_IN,
    ),
    Action(
        "edit comment",
        lambda s: reverse("casestudies:comment_edit", args=[s.comment.pk]),
        lambda s: {"body": "Ask the bakers, all of them."},
        lambda s: _fresh(s.comment).body == "Ask the bakers, all of them.",
        frozenset({"member"}),
        refused=dict.fromkeys(LOGGED_IN, BACK),
        message="This comment can no longer be changed.",
    ),
    Action(
        "delete comment",
        lambda s: reverse("casestudies:comment_delete", args=[s.comment.pk]),
        lambda s: {},
        lambda s: _fresh(s.comment).status == Comment.Status.DELETED,
        frozenset({"member"}),
        refused=dict.fromkeys(LOGGED_IN, BACK),
        message="Only its author deletes a comment.",
    ),
    Action(
        "report comment",
        lambda s: reverse("casestudies:comment_report", args=[s.comment.pk]),
        lambda s: {"reason": "Off topic."},
        lambda s: CommentReport.objects.filter(comment=s.comment).exists(),
        LOGGED_IN - {"member"},
    ),
    Action(
        "hide comment",
        lambda s: reverse("casestudies:comment_moderate", args=[s.comment.pk]),
        lambda s: {"action": "hidden", "reason": "Names a person."},
        lambda s: _fresh(s.comment).status == Comment.Status.HIDDEN,
        MODERATORS,
    ),
]
every_action = pytest.mark.parametrize("action", [pytest.param(a, id=a.name) for a in ACTIONS])


@every_action
@every_role
def test_every_post_action_for_every_role(client, as_role, scene, action, role):
    as_role(role)
    url = action.url(scene)
    assert not action.done(scene)

    response = client.post(url, action.data(scene))

    if role in action.allowed:
        errors = response.context["form"].errors if response.context and "form" in response.context else ""
        assert response.status_code == 302, (role, response.status_code, errors)
        assert action.done(scene)
        return
    if role == "anonymous":
        assert_sent_to_login(response, url)
    elif action.refused.get(role) == BACK:
        assert response.status_code == 302
        assert text_of(client.get(response.url)).count(action.message) == 1
    else:
        assert_not_found_and_names_nothing(response, scene.cases.draft.title, scene.cases.review.title)
    assert not action.done(scene)


@pytest.mark.parametrize(
    "url_name", ["submit", "publish", "archive", "comment"], ids=["submit", "publish", "archive", "comment"]
)
def test_post_only_actions_refuse_get(client, manager, scene, url_name):
    client.force_login(manager)
    response = client.get(reverse(f"casestudies:{url_name}", args=[scene.cases.review.slug]))
    assert response.status_code == 405
    assert _fresh(scene.cases.review).status == CaseStudy.Status.REVIEW


# --- a member guessing the consultants' addresses ------------------------------------------------------
@pytest.fixture
def engagement_urls(source):
    plan = factories.DraftPlanFactory(engagement=source.engagement, version=1, title="Plan for the bakery rota")
    meeting = factories.MeetingFactory(engagement=source.engagement, plan=plan)
    return {
        "engagement": reverse("engagements:detail", args=[source.engagement.pk]),
        "client": reverse("engagements:client", args=[source.client.pk]),
        "plan download": reverse("engagements:plan_download", args=[plan.pk]),
        "meeting": reverse("engagements:meeting", args=[meeting.pk]),
        "case from the engagement": reverse("casestudies:create") + f"?engagement={source.engagement.pk}",
    }


@pytest.mark.parametrize("role", ["member", "other_member"])
def test_community_member_guessing_engagement_urls_gets_nothing(client, as_role, engagement_urls, role):
    as_role(role)
    for name, url in engagement_urls.items():
        response = client.get(url)
        assert response.status_code in (403, 404), name
        content = text_of(response)
        for secret in (CLIENT_NAME, CONTACT_NAME, ENGAGEMENT_TITLE, "Plan for the bakery rota"):
            assert secret not in content, name


def test_advisor_cannot_prefill_from_an_engagement_they_may_not_see(client, consultant_b, source):
    client.force_login(consultant_b)
    url = reverse("casestudies:create")

    response = client.get(f"{url}?engagement={source.engagement.pk}")

    assert_not_found_and_names_nothing(response)
    # Nor attach it to a new case by posting its number.
    response = client.post(url, {**CASE_FORM, "source_engagement": source.engagement.pk})
    assert_not_found_and_names_nothing(response)
    assert not CaseStudy.objects.filter(title="A rota redone").exists()


def test_advisor_prefill_with_a_number_that_is_no_engagement_is_404(client, consultant_a, source):
    client.force_login(consultant_a)
    for raw in ("999999", "not-a-number"):
        assert client.get(reverse("casestudies:create") + f"?engagement={raw}").status_code == 404
