"""A small, demo-like world for the audit: something of every kind on the pages, so that
every part of a template is rendered (badges, lists, the brief, the log, the answers)."""

from dataclasses import dataclass
from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from advisors import roles
from engagements.links import plan_link_token
from engagements.models import (
    Client,
    ClientContact,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Meeting,
    PlanAnswer,
    PlanShare,
)
from tests import factories

PASSWORD = "secret-pass-1"  # factories.UserFactory's
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Who logs in for each role (anonymous: nobody).
USERNAMES = {"consultant": "alice", "manager": "mila", "community member": "carol"}


@dataclass
class Scene:
    engagement: Engagement
    client: Client
    contact: ClientContact
    plan: DraftPlan
    meeting: Meeting  # scheduled, in two days, with a brief
    logged_meeting: Meeting  # last week, logged
    unlogged_meeting: Meeting  # yesterday, waiting for a log ("My week" offers the htmx form)
    checkpoint: ExpectationCheckpoint
    share_token: str  # the client's signed link
    expired_token: str
    reset_path: str  # a password reset link from the e-mail


def build_scene() -> Scene:
    now = timezone.now()
    team = factories.TeamFactory(name="Team West")
    manager = factories.UserFactory(username="mila", first_name="Mila", last_name="Manager", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=manager, team=team, title="Manager")
    alice = factories.UserFactory(username="alice", first_name="Alice", last_name="Adviseur", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=alice, team=team, manager=manager)
    factories.UserFactory(username="carol", first_name="Carol", last_name="Member", roles=[roles.COMMUNITY_MEMBER])
    # Her own user: the login of the others would spoil a reset token made for them.
    forgetful = factories.UserFactory(username="dora", email="dora@example.com")

    client = factories.ClientFactory(name="Hofstede Bouw BV", sector="Construction", created_by=alice)
    contact = factories.ContactFactory(
        client=client, name="Eva Hofstede", role="Director", language="nl", is_decision_maker=True
    )
    left = factories.ContactFactory(client=client, name="Piet de Vries", left_on=timezone.localdate())
    left.replaced_by = contact
    left.save()

    engagement = factories.EngagementFactory(
        client=client,
        lead=alice,
        title="Site planning review",
        underlying_need="Foremen do not trust the planning, so they keep their own.",
        desired_outcomes="One planning everybody works from.",
    )
    plan = factories.DraftPlanFactory(
        engagement=engagement,
        version=1,
        title="Planning approach",
        summary="Three workshops with the foremen.",
        budget=8000,
        file=SimpleUploadedFile("approach.pdf", PDF, content_type="application/pdf"),
        shared_at=now - timedelta(days=1),
    )
    share = PlanShare.objects.create(
        plan=plan, contact=contact, shared_at=now - timedelta(days=1), shared_by=alice, emailed_at=now
    )
    PlanAnswer.objects.create(plan=plan, share=share, received=True, matches_expectations="partly", adjustments="Less")
    with time_machine.travel(now - timedelta(days=400)):
        expired_token = plan_link_token(share)

    meeting = factories.MeetingFactory(engagement=engagement, plan=plan, starts_at=now + timedelta(days=2))
    meeting.contact_attendees.add(contact)
    meeting.advisor_attendees.add(alice)
    logged = factories.MeetingFactory(engagement=engagement, starts_at=now - timedelta(days=7))
    factories.MeetingLogFactory(meeting=logged, next_steps="Send the workshop dates.", lesson_learned="Ask first.")
    unlogged = factories.MeetingFactory(engagement=engagement, starts_at=now - timedelta(days=1))
    checkpoint = factories.CheckpointFactory(engagement=engagement, plan=plan, question="Does the plan fit?")
    factories.CheckpointFactory(
        engagement=engagement,
        topic=ExpectationCheckpoint.Topic.SCOPE_ROLE,
        status=ExpectationCheckpoint.Status.CONFIRMED,
        client_answer="Yes, agreed.",
        recorded_via=ExpectationCheckpoint.RecordedVia.MEETING,
        answered_at=now,
    )
    factories.FlagFactory(engagement=engagement, subject=f"meeting:{meeting.pk}", details="Plan shared late.")
    factories.ComplaintFactory(client=client, engagement=engagement, recorded_by=alice)

    # A username locked out by earlier failures from another address (django-axes): the
    # lockout page is audited by trying to log in as it; the audit's own address stays free.
    AccessAttempt.objects.create(
        username="locked-out",
        ip_address="192.0.2.10",
        user_agent="audit",
        path_info="/accounts/login/",
        http_accept="text/html",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )

    uid = urlsafe_base64_encode(force_bytes(forgetful.pk))
    return Scene(
        engagement=engagement,
        client=client,
        contact=contact,
        plan=plan,
        meeting=meeting,
        logged_meeting=logged,
        unlogged_meeting=unlogged,
        checkpoint=checkpoint,
        share_token=plan_link_token(share),
        expired_token=expired_token,
        reset_path=f"/accounts/reset/{uid}/{default_token_generator.make_token(forgetful)}/",
    )
