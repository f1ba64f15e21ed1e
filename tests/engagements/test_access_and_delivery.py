"""Access that must not leak across teams, and deliveries that must not get lost."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from engagements import services, tasks
from engagements.links import plan_link_token
from engagements.models import Meeting, PlanShare, Reminder
from engagements.validators import validate_plan_file
from tests import factories
from tests.files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(engagement_a):
    return factories.DraftPlanFactory(engagement=engagement_a, title="Plan A", version=1)


@pytest.fixture
def contact(engagement_a):
    return factories.ContactFactory(client=engagement_a.client, name="Olivia O'Brien & Zn", language="en")


# --- deliveries -------------------------------------------------------------------------------
def test_sharing_while_the_broker_is_down_still_reaches_the_client_later(
    client, plan, contact, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.plan_share_email_send, "delay", broker_down)
    client.force_login(plan.engagement.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagements:plan_share", args=[plan.pk]), {"contacts": [contact.pk]})
    assert response.status_code == 302  # shared; the e-mail is owed, not lost
    assert PlanShare.objects.get().emailed_at is None
    assert mail.outbox == []

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_scan()
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert PlanShare.objects.get().emailed_at is not None


def test_a_share_claimed_by_a_dead_worker_is_sent_by_the_scan(
    plan, contact, settings, django_capture_on_commit_callbacks
):
    share = PlanShare.objects.create(
        plan=plan, contact=contact, shared_at=timezone.now(), shared_by=plan.engagement.lead
    )
    dead = timezone.now() - timedelta(seconds=settings.RAPPORT_REMINDER_CLAIM_STALE_SECONDS + 1)
    PlanShare.objects.filter(pk=share.pk).update(claimed_at=dead, claimed_by="dead-worker")
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_scan()
    assert len(mail.outbox) == 1
    assert services.plan_share_email_send(share_id=share.pk) is False  # and never twice


def test_e_mails_are_plain_text_where_they_are_text(plan, contact, django_capture_on_commit_callbacks):
    plan.title = "Q&A <plan>\nBcc: someone@example.com"  # a crafted POST can carry a newline
    plan.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact], by=plan.engagement.lead)
    message = mail.outbox[0]
    assert "Dear Olivia O'Brien & Zn," in message.body
    assert "Q&A <plan> Bcc: someone@example.com" in message.subject  # one line: no header injection
    assert "\n" not in message.subject and not message.bcc
    assert "&amp;" in message.alternatives[0][0]  # the HTML part is escaped


def test_a_reminder_for_a_former_lead_is_skipped(consultant_a, manager, django_capture_on_commit_callbacks):
    engagement = factories.EngagementFactory(lead=consultant_a)
    plan = factories.DraftPlanFactory(engagement=engagement, version=1)
    factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=timezone.now() + timedelta(hours=48))
    with django_capture_on_commit_callbacks(execute=False):
        services.reminders_scan()
    engagement.lead = manager
    engagement.save()
    reminder = Reminder.objects.get()
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    assert mail.outbox == []


# --- access -----------------------------------------------------------------------------------
def test_an_advisor_of_another_team_cannot_be_made_attendee(client, consultant_a, consultant_b, engagement_a):
    client.force_login(consultant_a)
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("engagements:meeting_create", args=[engagement_a.pk]),
        {"purpose": "progress", "starts_at": starts, "duration_minutes": "60", "advisor_attendees": [consultant_b.pk]},
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_attending_does_not_show_an_engagement_you_may_not_see(client, consultant_b, engagement_a):
    meeting = factories.MeetingFactory(engagement=engagement_a, starts_at=timezone.now() + timedelta(days=1))
    meeting.advisor_attendees.add(consultant_b)  # e.g. added in the admin, or before leaving the team
    client.force_login(consultant_b)
    assert engagement_a.title not in client.get(reverse("engagements:my_week")).content.decode()
    feed = client.get(reverse("calendar_feed", args=[consultant_b.advisor_profile.calendar_token]))
    assert engagement_a.title.encode() not in feed.content


def test_an_engagement_cannot_be_handed_to_another_team(client, consultant_a, consultant_b):
    own_client = factories.ClientFactory(created_by=consultant_a)
    client.force_login(consultant_a)
    page = client.get(reverse("engagements:create")).content.decode()
    assert consultant_b.get_full_name() not in page
    response = client.post(
        reverse("engagements:create"),
        {"client": own_client.pk, "title": "Handover", "lead": consultant_b.pk, "stage": "intake"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_list_filter_names_only_advisors_you_work_with(client, consultant_a, consultant_b, engagement_a):
    factories.EngagementFactory(lead=consultant_b)
    client.force_login(consultant_a)
    page = client.get(reverse("engagements:list")).content.decode()
    assert consultant_b.get_full_name() not in page


@pytest.mark.parametrize("ending", ["contact_left", "engagement_lost"])
def test_a_plan_link_closes_when_the_contact_left_or_the_engagement_ended(client, plan, contact, ending):
    share = PlanShare.objects.create(
        plan=plan, contact=contact, shared_at=timezone.now(), shared_by=plan.engagement.lead
    )
    url = reverse("client_plan", args=[plan_link_token(share)])
    assert client.get(url).status_code == 200
    if ending == "contact_left":
        contact.left_on = timezone.localdate()
        contact.save()
    else:
        plan.engagement.stage = "lost"
        plan.engagement.save()
    response = client.get(url)
    assert response.status_code == 404
    assert "Plan A" not in response.content.decode()


def test_an_unknown_language_in_the_link_is_ignored(client, plan, contact):
    share = PlanShare.objects.create(
        plan=plan, contact=contact, shared_at=timezone.now(), shared_by=plan.engagement.lead
    )
    response = client.get(reverse("client_plan", args=[plan_link_token(share)]), {"lang": "xx-evil"})
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_a_compressed_odt_mimetype_is_refused_without_unpacking_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 5_000_000)
    with pytest.raises(ValidationError, match="not a real ODT"):
        validate_plan_file(SimpleUploadedFile("bomb.odt", buffer.getvalue()))


def test_the_client_list_counts_only_engagements_you_see(client, consultant_a, consultant_b):
    shared_client = factories.ClientFactory(name="Shared client")
    factories.EngagementFactory(client=shared_client, lead=consultant_a)
    factories.EngagementFactory.create_batch(3, client=shared_client, lead=consultant_b)
    client.force_login(consultant_a)
    row = re.search(
        r"Shared client</a></td>.*?</tr>", client.get(reverse("engagements:clients")).content.decode(), re.S
    ).group(0)
    assert re.findall(r"<td>(\d+)</td>", row)[-1] == "1"


def test_the_admin_opens_a_plan_with_a_file(client, staff, engagement_a):
    plan = services.plan_upload(
        engagement=engagement_a, by=engagement_a.lead, title="With file", file=SimpleUploadedFile("p.pdf", PDF)
    )
    client.force_login(staff)
    page = client.get(reverse("admin:engagements_draftplan_change", args=[plan.pk]))
    assert page.status_code == 200
    assert reverse("engagements:plan_download", args=[plan.pk]) in page.content.decode()


def test_the_meeting_page_shows_the_preparation_brief(client, engagement_a, plan):
    meeting = factories.MeetingFactory(engagement=engagement_a, plan=plan, starts_at=timezone.now() + timedelta(days=1))
    factories.CheckpointFactory(engagement=engagement_a, topic="scope_role")
    client.force_login(engagement_a.lead)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Preparation brief" in page
    assert "Scope and role agreed" in page


def test_an_advisor_closes_a_link_by_hand_and_sharing_again_opens_a_new_one(
    client, plan, contact, consultant_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact], by=plan.engagement.lead)
    old_link = re.search(r"https?://[^/\s]+(/p/\S+/)", mail.outbox[-1].body).group(1)
    share = PlanShare.objects.get()
    revoke = reverse("engagements:plan_share_revoke", args=[share.pk])

    client.force_login(consultant_b)
    assert client.post(revoke).status_code == 404  # not Bob's engagement
    client.force_login(plan.engagement.lead)
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert "link closed" in response.content.decode()
    client.logout()
    assert client.get(old_link).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(plan=plan, contacts=[contact], by=plan.engagement.lead)
    new_link = re.search(r"https?://[^/\s]+(/p/\S+/)", mail.outbox[-1].body).group(1)
    assert client.get(new_link).status_code == 200
