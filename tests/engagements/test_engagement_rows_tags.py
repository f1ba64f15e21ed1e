"""{% meeting_rows %} and {% readiness_cards %}: what the rows say in each state, escaped, in
both languages (the pages' own tests check them in place: test_roles, the audit)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from engagements.models import DraftPlan, Meeting
from engagements.selectors import MeetingRow, Readiness, WaitingForLog
from engagements.templatetags.engagement_rows import (
    ADJUSTMENTS_CHARACTERS,
    engagement_list_rows,
    flag_items,
    meeting_rows,
    readiness_cards,
    waiting_rows,
)
from engagements.templatetags.timeline import moment
from engagements.views.engagements import ListRow
from tests import factories

STARTS = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _meeting(plan=None, purpose=Meeting.Purpose.PLAN_DISCUSSION, title="Onboarding <b>review</b>"):
    client = factories.ClientFactory.build(name="Harbour & Dune Logistics")
    engagement = factories.EngagementFactory.build(pk=3, client=client, title=title)
    return factories.MeetingFactory.build(pk=41, engagement=engagement, plan=plan, purpose=purpose, starts_at=STARTS)


def _card(meeting, **state) -> str:
    state = {"plan_shared": False, "hours_shared_ahead": None, "acknowledged": False, "answer": ""} | state
    readiness = Readiness(meeting=meeting, open_checkpoints=state.pop("open_checkpoints", 0), url="/m/41/", **state)
    return str(readiness_cards([readiness]))


def test_a_shared_answered_plan_reads_hours_ahead_acknowledgement_answer_and_cut_adjustments():
    plan = factories.DraftPlanFactory.build(
        pk=7,
        acknowledged_at=STARTS - timedelta(days=1),
        matches_expectations=DraftPlan.Answer.PARTLY,
        adjustments="a" * (ADJUSTMENTS_CHARACTERS + 20),
    )
    html = _card(_meeting(plan), plan_shared=True, hours_shared_ahead=26, acknowledged=True, answer="partly")

    assert "Plan shared" in html and "26 hours before the meeting" in html
    assert ">Acknowledged<" in html
    assert '<span class="badge text-bg-warning">Client&#x27;s answer: Partly</span>' in html
    assert "a" * (ADJUSTMENTS_CHARACTERS - 1) + "…" in html and "a" * ADJUSTMENTS_CHARACTERS not in html
    assert "0 open checkpoints" in html
    assert 'class="card h-100 border-warning" id="meeting-41"' in html  # "partly" is not ready
    assert f"{moment(STARTS, year=False)} · " in html and str(STARTS.year) not in html


def test_a_plan_not_shared_links_to_sharing_it_and_no_plan_says_which_case():
    plan = factories.DraftPlanFactory.build(pk=7)
    not_shared = _card(_meeting(plan), open_checkpoints=1)
    assert "Plan not shared" in not_shared
    assert f'<a href="{reverse("engagements:plan_share", args=[7])}">Share it now</a>' in not_shared
    assert "1 open checkpoint<" in not_shared and "Acknowledged" not in not_shared

    assert "No plan chosen" in _card(_meeting())  # a plan discussion needs one
    other = _card(_meeting(purpose=Meeting.Purpose.INTAKE))
    assert "No plan for this meeting" in other
    assert "border-success" in other  # nothing open, no plan needed: ready


def test_the_card_escapes_what_users_wrote():
    html = _card(_meeting())
    assert "Onboarding &lt;b&gt;review&lt;/b&gt;" in html and "<b>" not in html
    assert "Harbour &amp; Dune Logistics" in html


def test_the_cards_speak_dutch():
    plan = factories.DraftPlanFactory.build(pk=7, acknowledged_at=STARTS)
    with translation.override("nl"):
        html = _card(_meeting(plan), plan_shared=True, hours_shared_ahead=1, acknowledged=True, open_checkpoints=2)
    assert "1 uur vóór het gesprek" in html and "2 openstaande verwachtingschecks" in html
    assert "hour" not in html and "checkpoint" not in html


def _row(**fields) -> MeetingRow:
    base = {
        "url": "/meetings/5/",
        "starts_at": STARTS,
        "purpose": "Plan discussion",
        "status": "held",
        "status_label": "Held",
        "plan_version": None,
        "satisfaction": None,
        "log_url": "",
    }
    return MeetingRow(**(base | fields))


def test_a_meeting_row_offers_the_log_form_or_shows_the_satisfaction_and_the_plan():
    waiting, logged = _row(log_url="/meetings/5/log/", plan_version=2), _row(satisfaction=4)
    html = str(meeting_rows([waiting, logged], "No meetings yet."))

    assert html.count('<li class="list-group-item d-flex') == 2
    assert '<a class="ms-auto btn btn-sm btn-outline-success" href="/meetings/5/log/">Log it</a>' in html
    assert '<small class="text-muted">Plan v2</small>' in html
    assert '<small class="ms-auto text-muted">satisfaction 4/5</small>' in html
    assert f"<span>{moment(STARTS)}</span>" in html


@pytest.mark.parametrize("language, empty", [("en", "No meetings yet."), ("nl", "Nog geen <gesprekken>.")])
def test_no_meetings_is_one_item_saying_so_escaped(language, empty):
    with translation.override(language):
        html = str(meeting_rows([], empty))
    escaped = empty.replace("<", "&lt;").replace(">", "&gt;")
    assert html.strip() == f'<li class="list-group-item text-muted">{escaped}</li>'


def test_a_list_row_links_the_title_and_shows_the_health_as_a_badge_escaped():
    engagement = factories.EngagementFactory.build(
        pk=9, title="Ops <i>reset</i>", client=factories.ClientFactory.build(name="Fjord & Pine"), health="red"
    )
    row = ListRow(engagement, "/engagements/9/", "Ada Example", "Intake", "At risk", "3 Dec 2026")
    with translation.override("nl"):
        html = str(engagement_list_rows([row]))

    assert '<td><a href="/engagements/9/">Ops &lt;i&gt;reset&lt;/i&gt;</a></td>' in html
    assert "<td>Fjord &amp; Pine</td>" in html and "<td>Ada Example</td>" in html
    assert '<span class="badge badge-health-red" title="Gezondheid">At risk</span>' in html
    assert '<td class="text-muted small">3 Dec 2026</td>' in html


def test_flags_on_my_week_link_their_engagement_and_show_details_only_when_there_are_some():
    five, six = factories.EngagementFactory.build(pk=5), factories.EngagementFactory.build(pk=6)
    with_details = factories.FlagFactory.build(pk=11, engagement=five, details="Shared <late>")
    without = factories.FlagFactory.build(pk=12, engagement=six, details="")
    with_details.engagement_title, without.engagement_title = "Rebrand & relaunch", "Quiet one"

    html = str(flag_items([with_details, without], True))

    assert f'<a class="small" href="{reverse("engagements:detail", args=[5])}">Rebrand &amp; relaunch</a>' in html
    assert f'<a class="small" href="{reverse("engagements:detail", args=[6])}">Quiet one</a>' in html
    assert html.count('<div class="small text-muted">') == 1 and "Shared &lt;late&gt;" in html
    for pk in (11, 12):  # each flag's kind links to its page
        assert f'<a class="fw-bold" href="{reverse("engagements:flag", args=[pk])}">Plan not shared</a> · High' in html
    assert "<br><small>" not in html  # the engagement page's form, without the link
    assert "<br><small>Shared &lt;late&gt;</small>" in str(flag_items([with_details], False))
    assert str(flag_items([], True)).strip() == '<li class="list-group-item text-muted">No open flags.</li>'


def test_meetings_waiting_for_a_log_offer_the_form_in_place():
    meeting = _meeting()
    meeting.engagement_title = "Onboarding <b>review</b>"
    waiting = WaitingForLog(meeting=meeting, url="/m/41/", log_url="/m/41/log/", purpose="Plan discussion")

    html = str(waiting_rows([waiting]))

    assert '<li class="list-group-item" id="log-41">' in html
    assert '<a href="/m/41/">Plan discussion · Onboarding &lt;b&gt;review&lt;/b&gt;</a>' in html
    assert 'href="/m/41/log/"\n     data-hx-get="/m/41/log/" data-hx-target="#log-41"' in html
    assert "Every past meeting is logged." in str(waiting_rows([]))
