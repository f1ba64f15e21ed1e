import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from advisors import roles
from advisors.demo import DEMO_PASSWORD, LOGINS
from casestudies.anonymisation import find_hits, identifying_terms
from casestudies.models import CaseStudy, Comment, Notification
from casestudies.selectors import moderation_queue
from casestudies.services import casestudy_hits
from engagements.models import Client, ClientContact, Engagement, Flag, Meeting

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    labels = ["auth", "advisors", "engagements", "casestudies"]
    # Not the history rows (django-simple-history): they record every save, a second seed's too.
    models = [
        m
        for label in labels
        for m in apps.get_app_config(label).get_models()
        if not m._meta.object_name.startswith("Historical")
    ]
    counts = {m._meta.label: m.objects.count() for m in models}
    counts["engagement members"] = Engagement.members.through.objects.count()
    counts["meeting attendees"] = Meeting.contact_attendees.through.objects.count()
    counts["case themes"] = CaseStudy.themes.through.objects.count()
    counts["user groups"] = apps.get_model("auth", "User").groups.through.objects.count()
    return counts


def test_seeding_twice_gives_the_same_counts(capsys):
    call_command("seed_demo", allow_without_debug=True)
    first = row_counts()
    call_command("seed_demo", allow_without_debug=True)
    assert row_counts() == first
    assert first["engagements.Engagement"] >= 4
    assert first["casestudies.CaseStudy"] == 4
    assert first["casestudies.Comment"] >= 3 * 4


def test_seed_prints_logins_that_work_for_each_role(capsys, rf):
    call_command("seed_demo", allow_without_debug=True)
    out = capsys.readouterr().out
    request = rf.post("/accounts/login/")  # django-axes checks every login against its request
    for login in LOGINS:
        assert login.username in out
        user = authenticate(request, username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
    assert DEMO_PASSWORD in out
    assert "Seeded casestudies:" in out  # each app's own demo runs, and says what it made
    assert roles.is_manager(authenticate(request, username="manager", password=DEMO_PASSWORD))


def test_demo_has_upcoming_meetings_and_open_flags():
    call_command("seed_demo", allow_without_debug=True)
    now = timezone.now()
    assert Meeting.objects.filter(starts_at__gt=now, status=Meeting.Status.SCHEDULED).count() >= 3
    assert Meeting.objects.filter(starts_at__lt=now, status=Meeting.Status.HELD).exists()
    assert Flag.objects.filter(status=Flag.Status.OPEN).exists()
    assert set(Engagement.objects.values_list("health", flat=True)) >= {"green", "amber", "red"}


def test_seed_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


# --- the community (casestudies/demo.py, run by the same command) --------------------------------
def public_cases():
    return CaseStudy.objects.filter(status__in=CaseStudy.PUBLIC)


def test_demo_has_published_cases_with_threaded_discussions(client):
    call_command("seed_demo", allow_without_debug=True)
    cases = list(public_cases())
    assert len(cases) == 3
    assert [c.status for c in cases].count(CaseStudy.Status.CLOSED) == 1
    closed = next(c for c in cases if c.status == CaseStudy.Status.CLOSED)
    assert closed.closing_summary and "<li>" in closed.closing_summary_html
    for case in cases:
        visible = case.comments.filter(status=Comment.Status.VISIBLE)
        assert 4 <= visible.count() <= 8, case.slug
        assert visible.filter(depth=2).exists(), case.slug  # replies to replies
        assert visible.filter(author=case.author, depth__gt=0).exists(), case.slug  # the author answers
        assert not case.comments.filter(body_html="").exists()
        assert all(c.created_at > case.published_at for c in case.comments.all())
        page = client.get(case.get_absolute_url())
        assert page.status_code == 200
        assert visible.last().body_html in page.content.decode()
    assert client.get(closed.get_absolute_url()).content.decode().count(closed.closing_summary_html) == 1


def test_demo_cases_in_public_name_no_client_of_the_demo():
    """What the anonymisation check would say of every public text, against every client of the demo."""
    call_command("seed_demo", allow_without_debug=True)
    terms = identifying_terms(
        client_names=Client.objects.values_list("name", flat=True),
        contact_names=ClientContact.objects.values_list("name", flat=True),
        emails=ClientContact.objects.values_list("email", flat=True),
    )
    for case in public_cases():
        assert casestudy_hits(case=case) == []
        texts = {"title": case.title, "body": case.body, "question": case.question, "summary": case.closing_summary}
        texts |= {f"comment {c.pk}": c.body for c in case.comments.all()}
        assert find_hits(texts, terms) == [], case.slug


def test_demo_has_one_draft_written_from_an_engagement_of_its_author():
    call_command("seed_demo", allow_without_debug=True)
    draft = CaseStudy.objects.get(status=CaseStudy.Status.DRAFT)
    engagement = draft.source_engagement
    assert engagement is not None and engagement.lead == draft.author
    assert draft.author.username == "consultant"
    lesson = engagement.meetings.get(log__isnull=False).log.lesson_learned
    assert lesson and lesson in draft.body
    assert casestudy_hits(case=draft) == []  # the prefill replaced the client's names


def test_demo_moderation_queue_holds_a_first_comment_and_a_reported_one(client):
    call_command("seed_demo", allow_without_debug=True)
    queue = list(moderation_queue())
    held = [c for c in queue if c.status == Comment.Status.HELD]
    reported = [c for c in queue if c.status == Comment.Status.VISIBLE]
    assert len(held) == 1 and len(reported) == 1
    assert not Comment.objects.filter(author=held[0].author, status=Comment.Status.VISIBLE).exists()
    assert 1 <= len(reported[0].open_reports) < settings.RAPPORT_COMMUNITY_REPORTS_TO_HIDE
    client.force_login(apps.get_model("auth", "User").objects.get(username="manager"))
    page = client.get(reverse("casestudies:moderation")).content.decode()
    assert held[0].body_html in page and reported[0].body_html in page


def test_demo_owes_no_notification_emails(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", allow_without_debug=True)
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_second_run_leaves_the_demo_consultants_draft_as_they_left_it():
    call_command("seed_demo", allow_without_debug=True)
    CaseStudy.objects.filter(status=CaseStudy.Status.DRAFT).update(title="My own title")
    call_command("seed_demo", allow_without_debug=True)
    assert CaseStudy.objects.get(status=CaseStudy.Status.DRAFT).title == "My own title"
