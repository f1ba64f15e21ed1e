import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from advisors import roles
from core.demo import DEMO_PASSWORD, LOGINS
from engagements.models import Engagement, Flag, Meeting

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    models = [m for label in ["auth", "advisors", "engagements"] for m in apps.get_app_config(label).get_models()]
    counts = {m._meta.label: m.objects.count() for m in models}
    counts["engagement members"] = Engagement.members.through.objects.count()
    counts["meeting attendees"] = Meeting.contact_attendees.through.objects.count()
    return counts


def test_seeding_twice_gives_the_same_counts(capsys):
    call_command("seed_demo", allow_without_debug=True)
    first = row_counts()
    call_command("seed_demo", allow_without_debug=True)
    assert row_counts() == first
    assert first["engagements.Engagement"] >= 4


def test_seed_prints_logins_that_work_for_each_role(capsys, rf):
    call_command("seed_demo", allow_without_debug=True)
    out = capsys.readouterr().out
    request = rf.post("/accounts/login/")  # django-axes checks every login against its request
    for login in LOGINS:
        assert login.username in out
        user = authenticate(request, username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
    assert DEMO_PASSWORD in out
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
