"""A small, demo-like world for the audit: something of every kind on the pages, so that
every part of a template is rendered (badges, lists, the brief, the log, the answers, the
lessons panel with each kind of lesson, the firm's client profile and a client outside it)."""

from dataclasses import dataclass
from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from advisors import roles
from casestudies.markup import render_markdown
from casestudies.models import CaseStudy, Comment, CommentEvent, CommentReport, MemberProfile, Theme
from casestudies.services.members import confirmation_path
from casestudies.services.notifications import unsubscribe_token
from engagements.links import plan_link_token
from engagements.models import (
    Client,
    ClientContact,
    ClientProfile,
    Complaint,
    DraftPlan,
    Engagement,
    ExpectationCheckpoint,
    Flag,
    LessonTaken,
    Meeting,
    MeetingLog,
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
    # The community (casestudies)
    theme: Theme
    published_case: CaseStudy  # by alice, with a threaded discussion
    closed_case: CaseStudy  # its discussion closed, with the closing summary
    draft_case: CaseStudy  # alice's draft from the engagement, still naming its client
    review_case: CaseStudy  # alice's, in review (a manager sees "Publish")
    carols_comment: Comment  # her own, on the published case
    reportable_comment: Comment  # someone else's, visible: carol may report it
    confirm_path: str  # the sign-up confirmation link of a member who has not confirmed yet
    unsubscribe_path: str  # carol's "stop these e-mails" link of the published case's thread
    # Lessons at intake and the firm's client profile
    profile: ClientProfile  # the firm's, filled in: sectors, an excluded one, sizes, a warning sign
    intake: Engagement  # the client's new engagement at intake: its panel has every kind of lesson
    outside_client: Client  # in an excluded sector, doubtful fit, price complaints: outside the profile
    # A long history: 35 held meetings, each logged, so the timeline comes in three steps
    # ("Show more") and the engagement's page links to the list of every meeting (two pages).
    long_engagement: Engagement

    def carols_comment_edit_path(self) -> str:
        """Her comment as if just posted: a comment can be edited for a quarter of an hour only,
        and the audit reaches her rows some minutes after the scene was built."""
        Comment.objects.filter(pk=self.carols_comment.pk).update(created_at=timezone.now())
        return reverse("casestudies:comment_edit", args=[self.carols_comment.pk])


def build_scene() -> Scene:
    now = timezone.now()
    team = factories.TeamFactory(name="Team West")
    manager = factories.UserFactory(username="mila", first_name="Mila", last_name="Manager", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=manager, team=team, title="Manager")
    alice = factories.UserFactory(username="alice", first_name="Alice", last_name="Adviseur", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=alice, team=team, manager=manager)
    carol = factories.UserFactory(
        username="carol", first_name="Carol", last_name="Member", roles=[roles.COMMUNITY_MEMBER]
    )
    # Her own user: the login of the others would spoil a reset token made for them.
    forgetful = factories.UserFactory(username="dora", email="dora@example.com")

    client = factories.ClientFactory(name="Hofstede Bouw BV", sector="Construction", size="medium", created_by=alice)
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

    community = build_community(now, alice=alice, carol=carol, engagement=engagement)
    lessons = build_lessons(now, alice=alice, manager=manager, client=client)
    long_engagement = build_long_history(now, alice=alice)

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
        **community,
        **lessons,
        long_engagement=long_engagement,
    )


def build_long_history(now, *, alice) -> Engagement:
    """Alice's engagement of the last months: a meeting every other day from 80 days ago, each
    held and logged (none waits for a log; no lesson in them)."""
    client = factories.ClientFactory(name="Van Dijk Logistiek", sector="Logistics", created_by=alice)
    with time_machine.travel(now - timedelta(days=90), tick=False):
        engagement = factories.EngagementFactory(client=client, lead=alice, title="Warehouse rota", stage="active")
    for i in range(35):
        starts = now - timedelta(days=80 - 2 * i)
        meeting = factories.MeetingFactory(
            engagement=engagement, starts_at=starts, status=Meeting.Status.HELD, location=f"Warehouse {i + 1}"
        )
        with time_machine.travel(starts + timedelta(hours=2), tick=False):
            factories.MeetingLogFactory(meeting=meeting, summary=f"Rota round {i + 1} agreed.")
    return engagement


def _member(username: str, display_name: str, **fields):
    user = factories.UserFactory(username=username, roles=[roles.COMMUNITY_MEMBER], **fields)
    MemberProfile.objects.create(user=user, display_name=display_name, confirmed_at=timezone.now())
    return user


def _case(author, title: str, body: str, *, themes=(), **fields) -> CaseStudy:
    question = fields.pop("question", "How would you have prepared the first workshop?")
    case = CaseStudy.objects.create(
        title=title,
        slug=slugify(title),
        body=body,
        body_html=render_markdown(body),
        question=question,
        author=author,
        **fields,
    )
    case.themes.set(themes)
    return case


def _comment(case, author, body: str, *, parent=None, status=Comment.Status.VISIBLE, ago=timedelta(0)) -> Comment:
    comment = Comment.objects.create(
        case=case,
        author=author,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        body=body,
        body_html=render_markdown(body),
        status=status,
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - ago)
    return comment


def build_community(now, *, alice, carol, engagement) -> dict:
    """Cases in every state, and a discussion with every kind of comment in it: an author's
    reply, a reply to it, a held, a reported, a hidden and a deleted comment."""
    MemberProfile.objects.create(user=carol, display_name="Carol M.", confirmed_at=now)
    bram = _member("bram", "Bram B.")
    femke = _member("femke", "Femke")
    gijs = _member("gijs", "Gijs (new)")
    # Signed up and not confirmed yet: the confirmation page is audited with his link.
    hugo = factories.UserFactory(
        username="hugo@example.com", email="hugo@example.com", is_active=False, roles=[roles.COMMUNITY_MEMBER]
    )
    MemberProfile.objects.create(user=hugo, display_name="Hugo")

    expectations = Theme.objects.create(name="Expectations", slug="expectations")
    stakeholders = Theme.objects.create(name="Stakeholders", slug="stakeholders")

    published = _case(
        alice,
        "The foremen who kept their own planning",
        "# What the client asked\n\nA new planning tool for a construction firm.\n\n"
        "# What we found\n\n- Foremen kept *their own* planning on paper.\n- Nobody asked them first.",
        themes=[expectations, stakeholders],
        status=CaseStudy.Status.PUBLISHED,
        published_at=now - timedelta(days=10),
        published_by=alice,
    )
    question = _comment(published, bram, "Did you ask the **foremen** first?", ago=timedelta(days=3))
    answer = _comment(
        published, alice, "Not at first. We did after the second workshop.", parent=question, ago=timedelta(days=2)
    )
    _comment(published, bram, "That matches what I saw elsewhere.", parent=answer, ago=timedelta(days=2))
    reported = _comment(published, femke, "This is a sales pitch, not a case.", ago=timedelta(days=2))
    CommentReport.objects.create(comment=reported, reporter=bram, reason="Rude to the author.")
    CommentEvent.objects.create(comment=reported, action=CommentEvent.Action.REPORTED, by=bram, reason="Rude.")
    deleted = _comment(
        published, femke, "Posted twice.", status=Comment.Status.DELETED, ago=timedelta(days=1, hours=20)
    )
    CommentEvent.objects.create(comment=deleted, action=CommentEvent.Action.DELETED, by=femke)
    hidden = _comment(published, bram, "Spam link.", status=Comment.Status.HIDDEN, ago=timedelta(days=1))
    CommentEvent.objects.create(comment=hidden, action=CommentEvent.Action.HIDDEN, reason="Reported by 3 members")
    held = _comment(published, gijs, "My first comment: we had the same.", status=Comment.Status.HELD)
    CommentEvent.objects.create(comment=held, action=CommentEvent.Action.HELD, reason="A new member's first comment")
    carols = _comment(published, carol, "We start with a walk on the site.", ago=timedelta(minutes=1))

    summary = "The foremen were right: **ask first**, then plan.\n\n- Walk the site.\n- Share the draft early."
    closed = _case(
        alice,
        "A steering group that never met",
        "The steering group was on paper only.",
        themes=[stakeholders],
        status=CaseStudy.Status.CLOSED,
        published_at=now - timedelta(days=60),
        published_by=alice,
        closed_at=now - timedelta(days=5),
        closing_summary=summary,
        closing_summary_html=render_markdown(summary),
    )
    _comment(closed, bram, "Who chaired it?", ago=timedelta(days=30))
    draft = _case(
        alice,
        "Planning at Hofstede Bouw",
        "Eva Hofstede asked for one planning that the foremen trust.",
        source_engagement=engagement,
    )
    review = _case(alice, "Three workshops, one planning", "A construction firm wanted one planning.")
    review.status = CaseStudy.Status.REVIEW
    review.save()
    return {
        "theme": expectations,
        "published_case": published,
        "closed_case": closed,
        "draft_case": draft,
        "review_case": review,
        "carols_comment": carols,
        "reportable_comment": question,
        "confirm_path": confirmation_path(hugo),
        "unsubscribe_path": reverse(
            "casestudies:unsubscribe", args=[unsubscribe_token(user_id=carol.pk, case_id=published.pk)]
        ),
    }


def build_lessons(now, *, alice, manager, client) -> dict:
    """The firm's client profile, and a new intake for the scene's client whose lessons panel
    shows every kind of lesson: an earlier engagement's meeting lesson (already taken into the
    intake, so "Undo" shows), that engagement's "part ways" decision with its note (which puts
    the client outside the profile), another team's lesson in the same sector (redacted: alice
    may not open it) and case studies on a theme its words name ("stakeholders"). A client
    outside the profile (its new-engagement form shows alice's own recent lesson), and enough
    lessons on one word ("stock") for a second page of the lesson search."""
    profile = ClientProfile.objects.create(
        key="firm",
        fitting_sectors="Construction\nInstallation\nLogistics",
        excluded_sectors="Gambling\nTobacco",
        sizes=[Client.Size.SMALL, Client.Size.MEDIUM],
        we_do="Planning and tender reviews for builders and installers.\nWorkshops with the site teams.",
        we_do_not="Choosing or building software.\nInterim management.",
        warning_complaint_categories=[Complaint.Category.PRICE],
        warning_complaint_count=2,
        warning_window_days=365,
        updated_by=manager,
    )

    earlier = factories.EngagementFactory(
        client=client, lead=alice, title="Tender planning", stage=Engagement.Stage.CLOSED
    )
    meeting = factories.MeetingFactory(engagement=earlier, starts_at=now - timedelta(days=300))
    lesson = factories.MeetingLogFactory(
        meeting=meeting,
        logged_by=alice,
        next_steps="None: the engagement ends here.",
        lesson_learned="Eva Hofstede decides; the foremen follow once she has said yes.",
    )
    # Dated as they happened: an engagement of last year, its log the day after the meeting.
    Engagement.objects.filter(pk=earlier.pk).update(created_at=now - timedelta(days=330))
    MeetingLog.objects.filter(pk=lesson.pk).update(created_at=meeting.starts_at + timedelta(days=1))
    factories.FlagFactory(
        engagement=earlier,
        kind=Flag.Kind.DISSATISFIED,
        subject="",
        details="The client wanted a planning tool, not advice.",
        status=Flag.Status.RESOLVED,
        decision=Flag.Decision.PART_WAYS,
        decision_note="We part ways: they wanted software for the foremen, not advice. Referred to a software firm.",
        decided_by=manager,
        closed_at=now - timedelta(days=250),
    )

    # Another team's engagement in the same sector: its lesson shows without its client.
    east = factories.TeamFactory(name="Team East")
    bob = factories.UserFactory(username="bob", first_name="Bob", last_name="Bouwer", roles=[roles.CONSULTANT])
    factories.AdvisorProfileFactory(user=bob, team=east)
    jansen = factories.ClientFactory(name="Bouwbedrijf Jansen", sector="construction", size="small", created_by=bob)
    factories.ContactFactory(client=jansen, name="Kees Jansen", role="Owner")
    theirs = factories.EngagementFactory(client=jansen, lead=bob, title="Site logistics")
    their_meeting = factories.MeetingFactory(engagement=theirs, starts_at=now - timedelta(days=40))
    their_lesson = factories.MeetingLogFactory(
        meeting=their_meeting,
        lesson_learned="Kees Jansen's foremen wanted the planning on paper first, the screen later.",
    )
    MeetingLog.objects.filter(pk=their_lesson.pk).update(created_at=their_meeting.starts_at + timedelta(days=1))

    # Enough lessons on one word for the search's second page (in a sector no intake here has).
    shop = factories.ClientFactory(name="Winkelketen Noord", sector="Retail", created_by=bob)
    stocktaking = factories.EngagementFactory(client=shop, lead=bob, title="Stocktaking")
    for n in range(1, 23):
        factories.MeetingLogFactory(
            meeting=factories.MeetingFactory(engagement=stocktaking, starts_at=now - timedelta(days=n)),
            lesson_learned=f"Shop {n}: count the stock with the staff who order it.",
        )

    intake = factories.EngagementFactory(
        client=client,
        lead=alice,
        title="Second site: the planning intake",
        stated_request="Help us plan the second site the way the first one ended.",
        underlying_need="The stakeholders on the second site were never asked.",
    )
    LessonTaken.objects.create(
        engagement=intake,
        source=f"log:{lesson.pk}",
        origin=f"{earlier.title} · {client.name}",
        text=lesson.lesson_learned,
        taken_by=alice,
    )

    outside = factories.ClientFactory(
        name="Casino Noordzee BV",
        sector="Gambling",
        size=Client.Size.LARGE,
        fit=Client.Fit.DOUBTFUL,
        fit_reason="They asked twice for a discount before the first meeting.",
        created_by=alice,
    )
    for days in (20, 80):
        factories.ComplaintFactory(
            client=outside,
            category=Complaint.Category.PRICE,
            description="The quote was higher than agreed.",
            received_on=timezone.localdate() - timedelta(days=days),
            recorded_by=alice,
        )
    return {"profile": profile, "intake": intake, "outside_client": outside}
