"""A flag's text in the reader's language and time zone (issue 11; docs/domain.md, "Stored
texts are facts"): the rules store facts, the pages render them; the migration that moved
the old English sentences to facts (engagements/migrations/0021_flag_facts)."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from engagements import services
from engagements.flag_texts import flag_text
from engagements.models import Engagement, ExpectationCheckpoint, Flag
from tests import factories

pytestmark = pytest.mark.django_db

FLAG_FACTS = importlib.import_module("engagements.migrations.0021_flag_facts")

# 19:47 UTC on a winter evening is 20:47 in Amsterdam.
WINTER_EVENING = datetime(2026, 11, 24, 19, 47, tzinfo=UTC)


def in_language(language, kind, facts, details=""):
    with translation.override(language):
        return flag_text(kind, facts, details)


def test_a_meeting_time_is_amsterdam_time_in_the_readers_language():
    facts = {"starts_at": WINTER_EVENING.isoformat()}
    english = in_language("en", Flag.Kind.PLAN_NOT_SHARED, facts)
    dutch = in_language("nl", Flag.Kind.PLAN_NOT_SHARED, facts)
    assert english == "The plan discussion of 24 Nov 2026 20:47 started before its plan was shared."
    assert "20:47" in dutch and "19:47" not in dutch
    assert "plan" in dutch and "started" not in dutch


def test_a_checkpoint_topic_is_named_in_the_readers_language():
    facts = {"topic": ExpectationCheckpoint.Topic.SCOPE_ROLE, "due_on": "2026-11-20"}
    assert in_language("en", Flag.Kind.OVERDUE_CHECKPOINT, facts) == (
        "Checkpoint “Scope and role agreed” was due on 20 Nov 2026."
    )
    dutch = in_language("nl", Flag.Kind.OVERDUE_CHECKPOINT, facts)
    assert "Afbakening en rol afgesproken" in dutch and "was due" not in dutch


def test_numbers_and_plurals():
    facts = {"count": 4, "since": "2026-09-01", "within": 3, "days": 90}
    assert in_language("en", Flag.Kind.REPEATED_COMPLAINTS, facts) == (
        "4 complaints since 1 Sep 2026, 3 of them within 90 days."
    )
    monologue = {"starts_at": WINTER_EVENING.isoformat(), "minutes": 14, "too_long": True}
    assert in_language("en", Flag.Kind.LONG_MONOLOGUE, monologue) == (
        "Meeting of 24 Nov 2026 20:47: a monologue of 14 minutes."
    )
    no_check_in = monologue | {"minutes": 3, "too_long": False}
    assert in_language("en", Flag.Kind.LONG_MONOLOGUE, no_check_in).endswith("no check-in with the client.")


def test_a_persons_flag_says_what_its_author_wrote():
    assert in_language("nl", Flag.Kind.MANUAL, {}, "The client went quiet.") == "The client went quiet."


def test_facts_of_an_unknown_shape_fall_back_to_the_stored_text():
    assert in_language("en", Flag.Kind.DISSATISFIED, {"score": 1}, "old text") == "old text"


def test_the_rules_store_facts_and_the_dutch_pages_read_dutch(client):
    manager = factories.UserFactory(username="manager_noor", roles=["manager"])
    team = factories.TeamFactory(name="Team Noord")
    factories.AdvisorProfileFactory(user=manager, team=team, language="nl")
    lead = factories.UserFactory(username="lead_noord", roles=["consultant"])
    factories.AdvisorProfileFactory(user=lead, team=team)
    engagement = factories.EngagementFactory(lead=lead, stage=Engagement.Stage.PROPOSAL)
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=WINTER_EVENING)
    services.flags_sync(engagement_id=engagement.pk, now=WINTER_EVENING + timedelta(minutes=1))
    flag = Flag.objects.get(engagement=engagement, kind=Flag.Kind.PLAN_NOT_SHARED)
    assert flag.subject == f"meeting:{meeting.pk}"
    assert flag.facts == {"starts_at": "2026-11-24T19:47+00:00"} and flag.details == ""

    client.force_login(manager)
    for url in (
        reverse("engagements:flag", args=[flag.pk]),
        reverse("engagements:review"),
        reverse("engagements:detail", args=[engagement.pk]),
        reverse("engagements:timeline", args=[engagement.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "20:47" in page, url
        assert "started before its plan was shared" not in page, url


def _old_rule_flag(engagement, kind, subject, details):
    flag = factories.FlagFactory(engagement=engagement, kind=kind, subject=subject, details=details)
    Flag.objects.filter(pk=flag.pk).update(facts={})
    return flag


def test_the_migration_rebuilds_the_facts_of_old_flags_from_their_subject():
    engagement = factories.EngagementFactory()
    meeting = factories.MeetingFactory(engagement=engagement, starts_at=WINTER_EVENING)
    factories.MeetingLogFactory(meeting=meeting, satisfaction=2)
    checkpoint = factories.CheckpointFactory(
        engagement=engagement, topic=ExpectationCheckpoint.Topic.SCOPE_ROLE, due_on=date(2026, 11, 20)
    )
    plan = factories.DraftPlanFactory(engagement=engagement, version=2, adjustments="Smaller, please.")
    old = {
        "unshared": _old_rule_flag(
            engagement, "plan_not_shared", f"meeting:{meeting.pk}", "The plan discussion of 2026-11-24 19:47 started..."
        ),
        "unhappy": _old_rule_flag(engagement, "dissatisfied", f"meeting:{meeting.pk}", "Client satisfaction 2/5 ..."),
        "overdue": _old_rule_flag(
            engagement, "overdue_checkpoint", f"checkpoint:{checkpoint.pk}", "Checkpoint 'Afbakening' was due..."
        ),
        "partly": _old_rule_flag(engagement, "partly_met", f"plan:{plan.pk}", "The client answered 'partly'..."),
        "complaints": _old_rule_flag(
            engagement,
            "repeated_complaints",
            "complaints:2026-09-01",
            "4 complaints since 2026-09-01, 3 of them within 90 days.",
        ),
        "gone": _old_rule_flag(
            engagement, "meeting_not_logged", "meeting:999999", "The meeting of 2026-01-05 has no log."
        ),
    }

    FLAG_FACTS.rebuild_facts(apps, None)

    flags = {name: Flag.objects.get(pk=flag.pk) for name, flag in old.items()}
    assert flags["unshared"].facts == {"starts_at": "2026-11-24T19:47+00:00"}
    assert flags["unhappy"].facts == {"starts_at": "2026-11-24T19:47+00:00", "satisfaction": 2}
    assert flags["overdue"].facts == {"topic": "scope_role", "due_on": "2026-11-20"}
    assert flags["partly"].facts == {"version": 2, "answer": "partly", "adjustments": "Smaller, please."}
    assert flags["complaints"].facts == {"count": 4, "since": "2026-09-01", "within": 3, "days": 90}
    assert all(flags[name].details == "" for name in ("unshared", "unhappy", "overdue", "partly", "complaints"))
    # a flag whose meeting is gone keeps the text it had
    assert flags["gone"].facts == {} and flags["gone"].details == "The meeting of 2026-01-05 has no log."
    with translation.override("en"):
        assert flag_text(flags["unshared"].kind, flags["unshared"].facts).startswith(
            "The plan discussion of 24 Nov 2026 20:47"
        )
    # and what the rules write now is what the migration rebuilt: a sync does not rewrite them
    services.flags_sync(engagement_id=engagement.pk, now=timezone.now())
    for name in ("unshared", "unhappy"):
        assert not flags[name].history.filter(history_change_reason="updated").exists(), name
