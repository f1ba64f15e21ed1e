"""Findings of the security review of the community (one test per finding): each says what a
reader, an author or a moderator would see go wrong before its fix."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from advisors import roles
from casestudies import services
from casestudies.models import CaseStudy, MemberProfile
from core.exceptions import ApplicationError
from tests import factories
from tests.casestudies.scene import CLIENT_NAME, make_case
from tests.casestudies.test_signup import FORM, confirmation_link, path_of

pytestmark = pytest.mark.django_db

User = get_user_model()
NEUTRAL = {"title": "Three shifts instead of two", "body": "The team wanted fewer night shifts.", "question": "Why?"}


def test_a_case_first_titled_with_the_client_name_is_published_under_an_address_without_it(
    client, consultant_a, manager, source
):
    first_title = f"{CLIENT_NAME} and its rota"
    draft = services.casestudy_create(
        author=consultant_a, **{**NEUTRAL, "title": first_title}, source_engagement_id=source.engagement.pk
    )
    services.casestudy_update(case=draft, by=consultant_a, **NEUTRAL)

    services.casestudy_publish(case=CaseStudy.objects.get(pk=draft.pk), by=manager)

    published = CaseStudy.objects.get(pk=draft.pk)
    assert published.status == CaseStudy.Status.PUBLISHED
    assert "hoeksma" not in published.get_absolute_url()
    assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "We met _Hoeksma_ twice before the rota changed.",  # Markdown emphasis with underscores
        "We met __Hoeksma Bakeries__ twice.",
        "We met Ho&euml;ksma twice.",  # an HTML entity pasted from a web page
    ],
)
def test_publishing_is_refused_while_markdown_still_shows_the_client_name(consultant_a, manager, source, body):
    draft = make_case(consultant_a, status=CaseStudy.Status.REVIEW, source=source, body=body)

    with pytest.raises(services.NamesTheClient):
        services.casestudy_publish(case=draft, by=manager)

    assert CaseStudy.objects.get(pk=draft.pk).status == CaseStudy.Status.REVIEW


def test_publishing_checks_the_text_as_stored_not_as_read_before_an_edit(consultant_a, manager, source):
    draft = make_case(consultant_a, status=CaseStudy.Status.REVIEW, source=source)
    read_by_the_manager = CaseStudy.objects.get(pk=draft.pk)
    # Meanwhile the author saves an edit that names the client (a case in review is not checked yet).
    services.casestudy_update(
        case=CaseStudy.objects.get(pk=draft.pk), by=consultant_a, **{**NEUTRAL, "body": f"{CLIENT_NAME} called us."}
    )

    with pytest.raises(services.NamesTheClient):
        services.casestudy_publish(case=read_by_the_manager, by=manager)

    assert CaseStudy.objects.get(pk=draft.pk).status == CaseStudy.Status.REVIEW


def test_an_edit_saved_while_a_manager_archives_the_case_does_not_bring_it_back(client, consultant_a, manager):
    case = make_case(consultant_a, status=CaseStudy.Status.PUBLISHED)
    read_by_the_author = CaseStudy.objects.get(pk=case.pk)
    services.casestudy_archive(case=CaseStudy.objects.get(pk=case.pk), by=manager)

    with pytest.raises(ApplicationError):
        services.casestudy_update(case=read_by_the_author, by=consultant_a, **NEUTRAL)

    assert CaseStudy.objects.get(pk=case.pk).status == CaseStudy.Status.ARCHIVED
    assert client.get(case.get_absolute_url()).status_code == 404


def test_a_deactivated_member_cannot_sign_up_again_to_reactivate_their_account(client):
    client.post(reverse("casestudies:signup"), FORM)
    client.post(path_of(confirmation_link(mail.outbox[0])))
    member = User.objects.get(email="rosa.bakker@example.org")
    assert member.is_active
    member.is_active = False  # staff shut the account
    member.save()
    mail.outbox.clear()

    client.post(reverse("casestudies:signup"), FORM)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You already have a Rapport account"
    # Nor does a link of this account, old or new, open it again.
    fresh_link = reverse(
        "casestudies:confirm",
        args=services.members.confirmation_path(member).strip("/").split("/")[-2:],
    )
    client.post(fresh_link)
    assert not User.objects.get(pk=member.pk).is_active


def test_a_comment_e_mail_subject_shows_the_title_and_name_as_written(settings, consultant_a):
    settings.RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = False
    consultant_a.advisor_profile.language = "en"
    consultant_a.advisor_profile.save()
    case = make_case(consultant_a, title="Sales & marketing: who's in charge?")
    carol = factories.UserFactory(username="carol-subject", roles=[roles.COMMUNITY_MEMBER])
    MemberProfile.objects.create(user=carol, display_name="Carol O'Brien", confirmed_at=timezone.now())

    comment = services.comment_post(case=case, author=carol, body="I would ask the team first.")
    notification = comment.notifications.get()
    message = services.notifications.build_notification_email(notification)

    assert message.subject == "Carol O'Brien commented on your case “Sales & marketing: who's in charge?”"
