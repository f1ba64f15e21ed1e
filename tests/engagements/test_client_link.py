"""Sharing a plan and the client's answer through the signed link."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError
from engagements import services
from engagements.links import SALT, plan_link_token, share_for_token
from engagements.models import DraftPlan, ExpectationCheckpoint, PlanAnswer, PlanShare
from tests import factories
from tests.files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(engagement_a):
    return services.plan_upload(
        engagement=engagement_a,
        by=engagement_a.lead,
        title="Plan for the board",
        summary="Two options and a budget.",
        budget=12000,
        file=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )


@pytest.fixture
def contact(engagement_a):
    return factories.ContactFactory(client=engagement_a.client, name="Noor Visser", language="nl")


def share_and_get_link(plan, contact, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact], by=plan.engagement.lead)
    return re.search(r"https?://[^/\s]+(/p/\S+/)", mail.outbox[-1].body).group(1)


def test_sharing_sends_each_contact_an_email_in_their_language(plan, contact, django_capture_on_commit_callbacks):
    english = factories.ContactFactory(client=plan.engagement.client, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact, english], by=plan.engagement.lead)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([contact.email, english.email])
    to_english = next(m for m in mail.outbox if m.to == [english.email])
    assert "does “Plan for the board” match what you expected" in to_english.subject
    assert to_english.alternatives[0][1] == "text/html"
    assert "/p/" in to_english.alternatives[0][0]
    plan.refresh_from_db()
    assert plan.shared_at is not None
    assert set(plan.shares.values_list("contact", flat=True)) == {contact.pk, english.pk}
    assert all(PlanShare.objects.values_list("emailed_at", flat=True))


def test_the_share_email_goes_out_once_even_if_the_task_runs_twice(plan, contact, django_capture_on_commit_callbacks):
    share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    share = PlanShare.objects.get()
    assert services.plan_share_email_send(share_id=share.pk) is False
    assert len(mail.outbox) == 1


def test_a_plan_is_not_shared_with_a_contact_of_another_client(plan):
    stranger = factories.ContactFactory()
    with pytest.raises(Exception, match="another client"):
        services.plan_share(plan=plan, contacts=[stranger], by=plan.engagement.lead)
    assert not PlanShare.objects.exists()


def test_the_client_answers_partly_and_the_engagement_shows_it(
    client, plan, contact, django_capture_on_commit_callbacks
):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)

    page = client.get(link)
    assert page.status_code == 200
    assert "Plan for the board" in page.content.decode()
    response = client.post(
        link,
        {"received": "yes", "matches_expectations": "partly", "adjustments": "Less on training, more on planning."},
        follow=True,
    )
    assert "Dank u" in response.content.decode() or "Thank you" in response.content.decode()

    plan.refresh_from_db()
    assert plan.matches_expectations == "partly"
    assert plan.acknowledged_at is not None
    checkpoint = ExpectationCheckpoint.objects.get(plan=plan)
    assert checkpoint.recorded_via == "client_link"
    assert checkpoint.status == "misaligned"
    assert "Less on training" in checkpoint.client_answer

    client.force_login(plan.engagement.lead)
    detail = client.get(plan.engagement.get_absolute_url()).content.decode()
    assert "Less on training, more on planning." in detail
    assert "Partly" in detail


def test_answering_again_updates_the_answer_and_keeps_the_history(
    client, plan, contact, django_capture_on_commit_callbacks
):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    client.post(link, {"received": "yes", "matches_expectations": "no", "adjustments": "Too expensive."})
    client.post(link, {"received": "yes", "matches_expectations": "yes", "adjustments": ""})

    plan.refresh_from_db()
    assert plan.matches_expectations == "yes"
    assert list(PlanAnswer.objects.order_by("created_at").values_list("matches_expectations", flat=True)) == [
        "no",
        "yes",
    ]
    assert ExpectationCheckpoint.objects.get(plan=plan).status == "confirmed"


def test_partly_without_saying_where_asks_for_it_and_saves_nothing(
    client, plan, contact, django_capture_on_commit_callbacks
):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    response = client.post(link, {"received": "yes", "matches_expectations": "partly", "adjustments": " "})
    assert response.status_code == 400
    assert not PlanAnswer.objects.exists()


def test_a_tampered_link_gets_a_clear_page(client, plan, contact, django_capture_on_commit_callbacks):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.get(tampered)
    assert response.status_code == 404
    assert "does not work" in response.content.decode() or "werkt niet" in response.content.decode()
    assert "Plan for the board" not in response.content.decode()
    assert client.post(tampered, {"received": "yes", "matches_expectations": "yes"}).status_code == 404
    assert not PlanAnswer.objects.exists()


def test_an_expired_link_gets_a_clear_page(client, plan, contact, django_capture_on_commit_callbacks, settings):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=settings.PLAN_LINK_MAX_AGE_DAYS, minutes=1)):
        response = client.get(link)
        file_response = client.get(link + "file/")
    assert response.status_code == 410
    assert "expired" in response.content.decode() or "verlopen" in response.content.decode()
    assert file_response.status_code == 410


def test_a_link_opens_its_own_plan_only(client, plan, contact, django_capture_on_commit_callbacks):
    """A token for one share cannot be pointed at another engagement's plan."""
    other_plan = factories.DraftPlanFactory(title="Someone else's plan")
    share = PlanShare.objects.create(
        plan=plan, contact=contact, shared_at=timezone.now(), shared_by=plan.engagement.lead
    )

    forged = signing.dumps({"share": share.pk, "plan": other_plan.pk}, salt=SALT[:-1] + "x")
    mixed = signing.dumps({"share": share.pk, "plan": other_plan.pk}, salt=SALT)  # right key, wrong pair
    for token in (forged, mixed):
        response = client.get(reverse("client_plan", args=[token]))
        assert response.status_code == 404
        assert "Someone else" not in response.content.decode()
    assert client.get(reverse("client_plan", args=[plan_link_token(share)])).status_code == 200


def test_the_client_downloads_the_file_through_the_link(client, plan, contact, django_capture_on_commit_callbacks):
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    response = client.get(link + "file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_versions_count_up_per_engagement(engagement_a):
    versions = [
        services.plan_upload(engagement=engagement_a, by=engagement_a.lead, title=f"v{i}", summary="s").version
        for i in range(3)
    ]
    other = services.plan_upload(engagement=factories.EngagementFactory(), by=engagement_a.lead, title="x", summary="s")
    assert versions == [1, 2, 3]
    assert other.version == 1
    assert DraftPlan.objects.filter(engagement=engagement_a).count() == 3


def test_a_revoked_link_stays_closed_when_the_plan_is_shared_again(
    client, plan, contact, django_capture_on_commit_callbacks
):
    """Security review, finding 1: the link forwarded to the wrong person was closed; sharing
    the plan with the same contact again must not open that old link again."""
    old_link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    services.plan_share_revoke(share=PlanShare.objects.get())
    assert client.get(old_link).status_code == 404

    new_link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)

    assert new_link != old_link
    assert client.get(new_link).status_code == 200
    for path in (old_link, old_link + "file/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Plan for the board" not in response.content.decode()
    assert client.post(old_link, {"received": "yes", "matches_expectations": "yes"}).status_code == 404
    assert not PlanAnswer.objects.exists()


def test_sending_again_replaces_the_earlier_link(client, plan, contact, django_capture_on_commit_callbacks):
    """Every sending makes a new link; the one before it stops working (one live link per
    contact, so a link that went astray can be closed by sending a fresh one)."""
    first = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    second = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_head_request_does_not_mark_the_plan_opened(client, plan, contact, django_capture_on_commit_callbacks):
    """Mail scanners and link previews send HEAD: that is not the client opening the plan."""
    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    assert client.head(link).status_code == 200
    assert PlanShare.objects.get().opened_at is None
    client.get(link)
    assert PlanShare.objects.get().opened_at is not None


def test_each_sending_has_a_stable_message_id_of_its_own(plan, contact, django_capture_on_commit_callbacks):
    """A copy sent twice (a worker dying after the mail server took it) carries the same
    Message-ID, so mail systems drop it; a new sending gets a new one."""
    share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    share = PlanShare.objects.get()
    first = services.plans._build_share_email(share).extra_headers["Message-ID"]
    assert first == services.plans._build_share_email(share).extra_headers["Message-ID"]
    assert mail.outbox[-1].extra_headers["Message-ID"] == first
    share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].extra_headers["Message-ID"] != first


def test_an_answer_racing_a_revoke_is_not_stored(plan, contact, django_capture_on_commit_callbacks):
    """The link was good when the page loaded; the revoke lands before the answer is saved."""

    link = share_and_get_link(plan, contact, django_capture_on_commit_callbacks)
    share = share_for_token(link.removeprefix("/p/").rstrip("/"))
    services.plan_share_revoke(share=PlanShare.objects.get(pk=share.pk))

    with pytest.raises(ApplicationError):
        services.plan_answer_record(share=share, received=True, matches_expectations="yes")
    assert not PlanAnswer.objects.exists()
