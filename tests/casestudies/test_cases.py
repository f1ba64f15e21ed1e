"""Writing, reviewing, publishing and closing a case study, through its pages.

The client of the source engagement was promised anonymity: the prefill replaces its names,
publishing and every save of a public case refuse a text that still names it (and show
where), and the engagement's title never reaches a public page.
"""

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, Comment
from tests.casestudies.scene import (
    CLIENT_NAME,
    CONTACT_NAME,
    ENGAGEMENT_TITLE,
    field_errors,
    make_case,
    messages_of,
    text_of,
)

pytestmark = pytest.mark.django_db

NEUTRAL = {"title": "Three shifts instead of two", "body": "The team wanted fewer night shifts.", "question": "Why?"}


def _fresh(case: CaseStudy) -> CaseStudy:
    return CaseStudy.objects.get(pk=case.pk)


# --- a first draft from an engagement ------------------------------------------------------------------
def test_prefill_from_an_engagement_replaces_the_client_and_its_contacts(client, consultant_a, source):
    engagement = source.engagement
    engagement.stated_request = (
        f"{CLIENT_NAME} asked us to redo the rota. {CONTACT_NAME} wants fewer night shifts; "
        "mail her at dana@hoeksma-bakeries.example."
    )
    engagement.underlying_need = "Visser says the bakers leave because the rota changes weekly."
    engagement.save()
    client.force_login(consultant_a)

    response = client.get(reverse("casestudies:create") + f"?engagement={engagement.pk}")

    assert response.status_code == 200
    form = response.context["form"]
    prefilled = " ".join(str(form.initial[name]) for name in ("title", "body", "question"))
    for name in ("Hoeksma", "Dana", "Visser", "hoeksma-bakeries"):
        assert name not in prefilled
        assert name not in text_of(response)
    assert "the client asked us to redo the rota" in prefilled
    assert "the operations manager wants fewer night shifts" in prefilled
    assert "[e-mail address]" in prefilled
    assert form.initial["title"] == "A case from food production"
    assert form.initial["source_engagement"] == engagement.pk


def test_a_case_created_from_an_engagement_keeps_it_as_its_source(client, consultant_a, source):
    client.force_login(consultant_a)

    response = client.post(reverse("casestudies:create"), {**NEUTRAL, "source_engagement": source.engagement.pk})

    case = CaseStudy.objects.get(title=NEUTRAL["title"])
    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    assert case.source_engagement == source.engagement
    assert case.status == CaseStudy.Status.DRAFT


# --- draft, review, published ----------------------------------------------------------------------------
def test_an_advisors_case_goes_from_draft_to_review_and_the_advisor_cannot_publish_it(client, consultant_a):
    client.force_login(consultant_a)
    client.post(reverse("casestudies:create"), NEUTRAL)
    case = CaseStudy.objects.get(title=NEUTRAL["title"])
    assert case.status == CaseStudy.Status.DRAFT
    page = text_of(client.get(case.get_absolute_url()))
    assert "Send for review" in page
    assert "Publish" not in page.split("For the author and editors", 1)[1].split("</section>")[0]

    response = client.post(reverse("casestudies:submit", args=[case.slug]), follow=True)

    assert _fresh(case).status == CaseStudy.Status.REVIEW
    assert "Sent for review. A manager publishes it." in text_of(response)

    response = client.post(reverse("casestudies:publish", args=[case.slug]), follow=True)

    assert "Only a manager publishes, and only a draft or a case in review." in text_of(response)
    case = _fresh(case)
    assert case.status == CaseStudy.Status.REVIEW
    assert case.published_at is None


NAMING = [
    pytest.param("title", "What HOEKSMA BAKERIES taught us", "HOEKSMA BAKERIES", id="title, upper case"),
    pytest.param("body", "We met Dána Vísser twice a week.", "Dána Vísser", id="body, diacritics"),
    pytest.param("question", "Would hoeksma bakeries have agreed?", "hoeksma bakeries", id="question, lower case"),
]


@pytest.mark.parametrize(("field", "text", "match"), NAMING)
def test_publishing_a_case_that_names_its_client_is_refused_and_shows_where(
    client, manager, consultant_a, source, field, text, match
):
    case = make_case(consultant_a, status=CaseStudy.Status.REVIEW, source=source, **{**NEUTRAL, field: text})
    client.force_login(manager)

    response = client.post(reverse("casestudies:publish", args=[case.slug]))

    assert response.status_code == 400
    assert "This case still names its client in 1 place(s)." in text_of(response)
    assert f"<mark>{match}</mark>" in response.content.decode()
    assert _fresh(case).status == CaseStudy.Status.REVIEW
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 404

    # The manager replaces the name (a case in review is not checked on save) and publishes.
    client.force_login(manager)
    response = client.post(reverse("casestudies:edit", args=[case.slug]), NEUTRAL)
    assert response.status_code == 302
    response = client.post(reverse("casestudies:publish", args=[case.slug]), follow=True)
    assert "Published: the case is on the public pages now." in text_of(response)
    case = _fresh(case)
    assert case.status == CaseStudy.Status.PUBLISHED
    assert case.published_by == manager
    client.logout()
    assert NEUTRAL["title"] in text_of(client.get(case.get_absolute_url()))


@pytest.mark.parametrize("editor", ["consultant_a", "manager"])
def test_editing_a_published_case_to_name_its_client_is_refused_and_nothing_is_saved(
    client, request, consultant_a, source, editor
):
    case = make_case(consultant_a, source=source, **NEUTRAL)
    client.force_login(request.getfixturevalue(editor))

    response = client.post(
        reverse("casestudies:edit", args=[case.slug]),
        {**NEUTRAL, "body": f"The bakers of {CLIENT_NAME} wanted fewer night shifts."},
    )

    assert response.status_code == 400
    assert f"<mark>{CLIENT_NAME}</mark>" in response.content.decode()
    assert "This case still names its client in 1 place(s)." in text_of(response)
    assert _fresh(case).body == NEUTRAL["body"]
    assert CLIENT_NAME not in text_of(client.get(case.get_absolute_url()))


# --- closing the discussion ------------------------------------------------------------------------
def test_closing_with_a_summary_shows_it_and_the_comment_form_is_gone(client, consultant_a, community_member):
    case = make_case(consultant_a, **NEUTRAL)
    client.force_login(community_member)
    assert 'id="comment-form"' in client.get(case.get_absolute_url()).content.decode()
    client.force_login(consultant_a)

    response = client.post(
        reverse("casestudies:close", args=[case.slug]), {"closing_summary": "Ask the **night shift** first."}
    )

    assert response.status_code == 302
    assert _fresh(case).status == CaseStudy.Status.CLOSED
    for reader in (None, community_member):
        client.logout()
        if reader:
            client.force_login(reader)
        page = client.get(case.get_absolute_url()).content.decode()
        assert "What the discussion taught: the author's summary" in page
        assert "Ask the <strong>night shift</strong> first." in page
        assert "The discussion is closed." in page
        assert 'id="comment-form"' not in page


def test_closing_without_a_summary_or_with_the_clients_name_is_refused(client, consultant_a, source):
    case = make_case(consultant_a, source=source, **NEUTRAL)
    client.force_login(consultant_a)
    url = reverse("casestudies:close", args=[case.slug])

    response = client.post(url, {"closing_summary": "   "})
    assert response.status_code == 400
    assert field_errors(response, "closing_summary") == ["This field is required."]

    response = client.post(url, {"closing_summary": f"{CONTACT_NAME} was right all along."})
    assert response.status_code == 400
    assert "This case still names its client in 1 place(s)." in text_of(response)
    # ... and shows where, as the publish refusal does.
    hits = response.content.decode().split('id="anonymisation-hits"', 1)[1].split("</div>", 1)[0]
    assert "Closing summary" in hits and f"<mark>{CONTACT_NAME}</mark>" in hits

    case = _fresh(case)
    assert case.status == CaseStudy.Status.PUBLISHED
    assert case.closing_summary == ""


@pytest.mark.parametrize("status", ["closed", "draft", "review", "archived"])
@pytest.mark.parametrize("poster", ["consultant_a", "manager"])
def test_posting_to_a_case_that_is_not_open_is_refused_and_saves_nothing(client, request, consultant_a, status, poster):
    # The author and the editors see every one of these cases; still, none takes a comment.
    case = make_case(consultant_a, status=status, **NEUTRAL)
    client.force_login(request.getfixturevalue(poster))

    response = client.post(reverse("casestudies:comment", args=[case.slug]), {"body": "One more thought."})

    assert response.status_code == 403
    assert "This discussion takes no comments." in messages_of(response)
    assert not Comment.objects.exists()


def test_a_member_posting_to_a_closed_case_is_refused(client, consultant_a, community_member):
    case = make_case(consultant_a, status=CaseStudy.Status.CLOSED, **NEUTRAL)
    client.force_login(community_member)

    response = client.post(reverse("casestudies:comment", args=[case.slug]), {"body": "Too late?"})

    assert response.status_code == 403
    assert "This discussion takes no comments." in text_of(response)
    assert not Comment.objects.exists()


# --- the source engagement stays private ------------------------------------------------------------------
@pytest.mark.parametrize("status", ["published", "closed"])
def test_the_source_engagement_title_is_never_on_the_public_page(
    client, consultant_a, community_member, consultant_b, source, status
):
    case = make_case(consultant_a, status=status, source=source, **NEUTRAL)

    for reader in (None, community_member, consultant_b):
        if reader:
            client.force_login(reader)
        response = client.get(case.get_absolute_url())
        assert response.status_code == 200
        assert ENGAGEMENT_TITLE not in text_of(response)
        assert CLIENT_NAME not in text_of(response)

    # Its author sees where it came from, on the same page.
    client.force_login(consultant_a)
    assert f"Written from the engagement “{ENGAGEMENT_TITLE}”" in text_of(client.get(case.get_absolute_url()))
