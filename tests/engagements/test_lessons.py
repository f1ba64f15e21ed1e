"""Lessons at the next intake, as the advisors of two teams and their managers meet them.

The scene: Team West (manager Mila, consultant Alice) parted ways with a returning client
and learned a lesson there; Team Oost (consultant Bob) learned one at a client in the same
sector, a lesson that names that client and its contact. Alice opens the intake of the
returning client's new engagement: the panel ranks what the firm learned, shows her own
team's sources with links, Bob's lesson as text and sector only, and lets her take lessons
along; the timeline shows what she took.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from advisors import roles
from casestudies.markup import render_markdown
from casestudies.models import CaseStudy, Theme
from core.search import text_search
from engagements import lessons
from engagements.models import ClientProfile, Engagement, Flag, LessonTaken, Meeting, MeetingLog
from tests import factories
from tests.engagements.views.test_roles import text_of
from tests.services import require_postgres

SECTOR = "Food retail"


def log_lesson(engagement, text, *, days_ago=30, by=None):
    meeting = factories.MeetingFactory(
        engagement=engagement, starts_at=timezone.now() - timedelta(days=days_ago), status=Meeting.Status.HELD
    )
    log = factories.MeetingLogFactory(meeting=meeting, lesson_learned=text, logged_by=by or engagement.lead)
    MeetingLog.objects.filter(pk=log.pk).update(created_at=meeting.ends_at)
    log.refresh_from_db()
    return log


@pytest.fixture
def scene(consultant_a, consultant_b, manager):
    returning = factories.ClientFactory(name="Bakkerij Zonnebloem", sector=SECTOR, size="small", fit="mismatch")
    returning.fit_reason = "Wanted a web shop built."
    returning.save()
    earlier = factories.EngagementFactory(client=returning, lead=consultant_a, title="Web shop proposal", stage="lost")
    same_client = log_lesson(earlier, "Ask for a reading confirmation before the meeting.", days_ago=60)
    decision = factories.FlagFactory(
        engagement=earlier,
        kind=Flag.Kind.MANUAL,
        source=Flag.Source.PERSON,
        raised_by=consultant_a,
        subject="",
        status=Flag.Status.RESOLVED,
        decision=Flag.Decision.PART_WAYS,
        decision_note="Referred to a web developer; we do not build shops.",
        decided_by=manager,
        closed_at=timezone.now() - timedelta(days=40),
    )
    new = factories.EngagementFactory(client=returning, lead=consultant_a, title="Order process review")

    other_client = factories.ClientFactory(name="Banketbakkerij Kruimeltje", sector="food retail ", size="medium")
    factories.ContactFactory(client=other_client, name="Hendrik Vlaar", email="hv@kruimeltje.example")
    elsewhere = factories.EngagementFactory(client=other_client, lead=consultant_b, title="Kruimeltje pricing")
    other_team = log_lesson(
        elsewhere, "Banketbakkerij Kruimeltje decided per product; Hendrik Vlaar wanted the croissant price first."
    )
    unrelated = factories.EngagementFactory(
        client=factories.ClientFactory(name="Harbour Cranes", sector="Logistics"), lead=consultant_b
    )
    log_lesson(unrelated, "Cranes need a maintenance window.")
    return {
        "new": new,
        "earlier": earlier,
        "same_client": same_client,
        "decision": decision,
        "other_team": other_team,
        "elsewhere": elsewhere,
    }


def panel_of(response) -> str:
    match = re.search(r'<section class="card mb-4 lessons-panel".*?</section>', response.content.decode(), re.S)
    assert match, "no lessons panel on the page"
    return match.group(0)


# --- ranking and visibility ---------------------------------------------------------------------------
def test_the_panel_ranks_the_same_client_first_then_the_sector(scene, consultant_a):
    found = lessons.intake_lessons(user=consultant_a, context=lessons.context_for_engagement(scene["new"]))

    sources = [item.source for item in found]
    assert sources[:2] == [f"flag:{scene['decision'].pk}", f"log:{scene['same_client'].pk}"]  # newest first
    assert sources[2] == f"log:{scene['other_team'].pk}"  # same sector, adjacent size
    assert all("Cranes" not in item.text for item in found)  # another sector, another advisor: not related
    assert found[0].why == "Earlier engagement with this client"
    assert found[2].why == "Same sector, similar size"


def test_the_advisor_reads_their_own_team_s_sources_with_links(client, scene, consultant_a):
    client.force_login(consultant_a)
    panel = panel_of(client.get(scene["new"].get_absolute_url()))

    assert "Referred to a web developer; we do not build shops." in panel
    assert "Part ways and refer" in panel
    assert f'href="{scene["earlier"].get_absolute_url()}"' in panel
    assert f'href="{reverse("engagements:meeting", args=[scene["same_client"].meeting_id])}"' in panel
    assert "Mismatch" in panel and "Wanted a web shop built." in panel  # the client's fit and its reason


def test_another_team_s_lesson_shows_as_text_and_sector_without_client_or_link(client, scene, consultant_a):
    client.force_login(consultant_a)
    panel = text_of(client.get(scene["new"].get_absolute_url()))
    panel = panel_of_text(panel)

    assert "decided per product" in panel
    assert "Kruimeltje" not in panel and "Hendrik" not in panel and "Vlaar" not in panel
    assert "[client] decided per product; [client] wanted the croissant price first." in panel
    assert "sector food retail" in panel
    assert "From an engagement you do not work on" in panel
    assert scene["elsewhere"].get_absolute_url() not in panel
    assert f"/engagements/meetings/{scene['other_team'].meeting_id}/" not in panel


def panel_of_text(text: str) -> str:
    return text.split("What the firm already learned", 1)[1].split("Draft plans", 1)[0]


def test_the_team_s_manager_reads_the_same_lessons_with_the_team_s_links(client, scene, manager):
    client.force_login(manager)
    panel = panel_of(client.get(scene["new"].get_absolute_url()))
    assert f'href="{scene["earlier"].get_absolute_url()}"' in panel
    assert "Kruimeltje" not in panel  # still another team's client


def test_another_team_s_manager_reads_team_west_s_lessons_redacted(scene, consultant_b):
    oost_manager = factories.UserFactory(username="otto", roles=[roles.MANAGER])
    factories.AdvisorProfileFactory(user=oost_manager, team=consultant_b.advisor_profile.team)
    intake = factories.EngagementFactory(
        client=factories.ClientFactory(name="Bakkerij Oost", sector=SECTOR, size="small"), lead=consultant_b
    )

    found = lessons.intake_lessons(user=oost_manager, context=lessons.context_for_engagement(intake))

    west = [item for item in found if item.source == f"log:{scene['same_client'].pk}"]
    assert west and west[0].url == "" and west[0].origin == ""
    # Bob's own lesson at Kruimeltje is his team's: it comes with its source.
    own = [item for item in found if item.source == f"log:{scene['other_team'].pk}"]
    assert own and "Kruimeltje" in own[0].origin and own[0].url
    # Decisions are about their own client only: Team West's decision is not offered here.
    assert all(item.kind != "decision" for item in found)


@pytest.mark.parametrize("who", ["community_member", "anonymous"])
def test_nobody_but_advisors_reaches_lessons_or_the_profile(client, scene, community_member, who):
    if who == "community_member":
        client.force_login(community_member)
    for name in ["engagements:lesson_search", "engagements:client_profile", "engagements:client_profile_edit"]:
        response = client.get(reverse(name), {"q": "reading"})
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
    response = client.post(reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": "log:1"})
    assert response.status_code in (302, 404) and not LessonTaken.objects.exists()
    if who == "community_member":
        assert response.status_code == 404


def test_a_client_with_no_past_shows_an_empty_panel_that_says_what_to_do(client, consultant_a):
    engagement = factories.EngagementFactory(
        client=factories.ClientFactory(name="Fresh Start BV", sector="Aviation"), lead=consultant_a
    )
    client.force_login(consultant_a)
    panel = text_of(client.get(engagement.get_absolute_url()))
    assert "No lessons yet from this client, its sector or your own recent work." in panel


def test_the_panel_is_only_on_an_engagement_in_intake(client, scene, consultant_a):
    scene["new"].stage = Engagement.Stage.PLANNING
    scene["new"].save()
    client.force_login(consultant_a)
    assert "What the firm already learned" not in text_of(client.get(scene["new"].get_absolute_url()))


def matching_case(*, author) -> CaseStudy:
    """A closed case on a theme that names web shops."""
    theme = Theme.objects.create(name="Scope and role", slug="scope-and-role", keywords="web shop, software")
    case = CaseStudy.objects.create(
        title="The shop we did not build",
        slug="the-shop-we-did-not-build",
        body="A story.",
        question="Would you have said no?",
        author=author,
        status=CaseStudy.Status.CLOSED,
        published_at=timezone.now() - timedelta(days=5),
        closed_at=timezone.now() - timedelta(days=1),
        closing_summary="Say early what you **do not** do.",
        closing_summary_html=render_markdown("Say early what you **do not** do."),
    )
    case.themes.add(theme, Theme.objects.create(name="Other", slug="other"))
    return case


def test_a_matching_case_study_joins_the_panel(scene, consultant_a, manager):
    case = matching_case(author=manager)
    scene["new"].stated_request = "We want a web shop after all."
    scene["new"].save()

    found = lessons.intake_lessons(user=consultant_a, context=lessons.context_for_engagement(scene["new"]))

    item = next(item for item in found if item.source == f"case:{case.pk}")
    assert item.text == "Say early what you do not do."  # the text, not its Markdown
    assert item.url == case.get_absolute_url()
    assert item.why == "Case study on Scope and role"
    # below the same client's lessons and the same sector at a similar size
    sources = [entry.source for entry in found]
    assert sources.index(f"case:{case.pk}") == 3


# --- taking a lesson along -----------------------------------------------------------------------------
def test_taking_a_lesson_along_is_kept_and_shown_on_the_timeline(client, scene, consultant_a):
    client.force_login(consultant_a)
    source = f"log:{scene['other_team'].pk}"

    response = client.post(reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": source})

    assert response.status_code == 302
    taken = LessonTaken.objects.get(engagement=scene["new"])
    assert taken.source == source and taken.taken_by == consultant_a
    assert "Kruimeltje" not in taken.text  # kept as she read it
    page = client.get(response["Location"])
    content = text_of(page)
    assert "The lesson is marked as taken into this intake." in content
    assert "Taken into this intake" in panel_of(page)
    timeline = content.split('id="timeline"', 1)[1]
    assert "took a lesson into the intake" in timeline and "[client] decided per product" in timeline

    # Twice is once; undo takes it back.
    client.post(reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": source})
    assert LessonTaken.objects.count() == 1
    client.post(reverse("engagements:lesson_untake", args=[scene["new"].pk]), {"source": source})
    assert not LessonTaken.objects.exists()


def test_a_lesson_the_panel_does_not_offer_is_refused_and_nothing_is_saved(client, scene, consultant_a):
    unrelated = MeetingLog.objects.get(lesson_learned="Cranes need a maintenance window.")
    client.force_login(consultant_a)

    for source in [f"log:{unrelated.pk}", "log:999999", "nonsense"]:
        response = client.post(
            reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": source}, follow=True
        )
        assert response.status_code == 200
        content = text_of(response)
        assert (
            "This lesson is not offered for this intake any more. Reload the page." in content
            or "That lesson could not be found. Reload the page and try again." in content
        )
    assert not LessonTaken.objects.exists()


def test_lessons_are_taken_along_only_at_intake(client, scene, consultant_a):
    scene["new"].stage = Engagement.Stage.ACTIVE
    scene["new"].save()
    client.force_login(consultant_a)
    response = client.post(
        reverse("engagements:lesson_take", args=[scene["new"].pk]),
        {"source": f"log:{scene['same_client'].pk}"},
        follow=True,
    )
    assert "Lessons are taken along at intake; this engagement's stage is active now." in text_of(response)
    assert not LessonTaken.objects.exists()


def test_an_advisor_who_cannot_see_the_engagement_gets_404_and_takes_nothing(client, scene, consultant_b):
    client.force_login(consultant_b)
    response = client.post(
        reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": f"log:{scene['same_client'].pk}"}
    )
    assert response.status_code == 404
    assert not LessonTaken.objects.exists()


def test_the_manager_reads_how_many_intakes_took_a_lesson_along(client, scene, consultant_a, manager):
    lessons_taken_by = consultant_a
    client.force_login(lessons_taken_by)
    client.post(
        reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": f"log:{scene['same_client'].pk}"}
    )
    client.force_login(manager)

    content = text_of(client.get(reverse("engagements:lesson_search")))

    # Team West opened two engagements in the last 90 days (the earlier one and the new one).
    assert "In the last 90 days, 1 of 2 new engagements of your team took a lesson along into their intake." in content


# --- the new-engagement form ---------------------------------------------------------------------------
def test_the_new_engagement_form_shows_the_client_s_lessons(client, scene, consultant_a):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:create"), {"client": scene["new"].client_id})
    panel = panel_of(response)
    assert "Referred to a web developer; we do not build shops." in panel
    assert "Take into this intake" not in panel  # nothing to take it into yet
    assert "Once the engagement is saved, you can mark the lessons you take into its intake." in text_of(response)


# --- query counts ---------------------------------------------------------------------------------------
def build_history(lead, client, rows: int) -> None:
    """`rows` past engagements of the same client, each with a logged lesson and a decision,
    and `rows` more in the same sector at other clients (bulk, so 1,000 stay quick)."""
    now = timezone.now()
    others = [factories.ClientFactory(sector=SECTOR, size="small") for _ in range(3)]
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(client=client if i % 2 == 0 else others[i % 3], lead=lead, title=f"Past {i}", stage="closed")
            for i in range(rows)
        ]
    )
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(engagement=e, purpose="evaluation", starts_at=now - timedelta(days=10), status="held")
            for e in engagements
        ]
    )
    MeetingLog.objects.bulk_create(
        [
            MeetingLog(meeting=m, summary="Done.", satisfaction=4, lesson_learned=f"Lesson number {i}", logged_by=lead)
            for i, m in enumerate(meetings)
        ]
    )
    Flag.objects.bulk_create(
        [
            Flag(
                engagement=e,
                kind="manual",
                source="person",
                raised_by=lead,
                severity="low",
                status="resolved",
                decision="no_action",
                decision_note=f"Decision number {i}",
                decided_by=lead,
                closed_at=now,
            )
            for i, e in enumerate(engagements)
        ]
    )


# Measured with every source of the panel in play: 3 circles of logs, names, a case, the profile
# (and the engagement's page around it: see ENGAGEMENT_DETAIL_MAX_QUERIES in views/test_roles.py).
INTAKE_PAGE_MAX_QUERIES = 24


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_panel_s_queries_stay_the_same_with_10_and_1000_past_engagements(
    client, scene, consultant_a, consultant_b, django_assert_max_num_queries, rows
):
    build_history(consultant_b, scene["new"].client, rows)
    matching_case(author=consultant_a)
    scene["new"].stated_request = "We want a web shop after all."
    scene["new"].save()
    client.force_login(consultant_a)

    with django_assert_max_num_queries(INTAKE_PAGE_MAX_QUERIES):
        response = client.get(scene["new"].get_absolute_url())

    panel = panel_of(response)
    assert len(re.findall(r'<li class="lesson ', panel)) == lessons.PANEL_SIZE
    assert "Lesson number" in panel or "Decision number" in panel


# --- search --------------------------------------------------------------------------------------------
def test_search_finds_lessons_and_decisions_with_the_same_visibility(client, scene, consultant_a):
    client.force_login(consultant_a)

    content = text_of(client.get(reverse("engagements:lesson_search"), {"q": "croissant"}))
    assert "1 result" in content
    assert "[client] decided per product; [client] wanted the croissant price first." in content
    assert "Kruimeltje" not in content

    content = text_of(client.get(reverse("engagements:lesson_search"), {"q": "web developer"}))
    assert "Referred to a web developer; we do not build shops." in content
    assert "Web shop proposal · Bakkerij Zonnebloem" in content


def test_search_finds_case_study_summaries(client, consultant_a, manager):
    case = CaseStudy.objects.create(
        title="Closed case",
        slug="closed-case",
        body="Text.",
        question="Q?",
        author=manager,
        status=CaseStudy.Status.CLOSED,
        published_at=timezone.now(),
        closed_at=timezone.now(),
        closing_summary="Agree the boundaries in writing before the first session.",
        closing_summary_html=render_markdown("Agree the boundaries in writing before the first session."),
    )
    CaseStudy.objects.create(
        title="Draft",
        slug="draft",
        body="Text.",
        question="Q?",
        author=manager,
        closing_summary="Boundaries in a draft nobody may read.",
    )
    client.force_login(consultant_a)
    content = text_of(client.get(reverse("engagements:lesson_search"), {"q": "boundaries"}))
    assert "Agree the boundaries in writing before the first session." in content
    assert case.get_absolute_url() in content
    assert "nobody may read" not in content


def test_search_with_nothing_that_matches_says_so(client, scene, consultant_a):
    client.force_login(consultant_a)
    content = text_of(client.get(reverse("engagements:lesson_search"), {"q": "zeppelin"}))
    assert "0 results" in content
    assert "Nothing matches. Try fewer or other words; Dutch and English words both work." in content


@pytest.mark.postgres
def test_postgres_search_understands_english_and_dutch_word_forms(scene, consultant_a):
    require_postgres()
    log_lesson(scene["new"], "We planned the weeks together.")
    log_lesson(scene["new"], "De klanten wilden eerst de prijzen zien.")

    english = [item.text for item in lessons.search_lessons(user=consultant_a, query="planning")]
    dutch = [item.text for item in lessons.search_lessons(user=consultant_a, query="klant wilde")]

    assert "We planned the weeks together." in english
    assert "De klanten wilden eerst de prijzen zien." in dutch


def test_the_intake_form_of_an_engagement_in_intake_shows_the_panel(client, scene, consultant_a):
    client.force_login(consultant_a)
    response = client.get(reverse("engagements:edit", args=[scene["new"].pk]))
    panel = panel_of(response)
    assert "Referred to a web developer; we do not build shops." in panel
    # Taking a lesson along happens on the engagement's page: a POST from here would lose the typing.
    assert "Take into this intake" not in panel
    assert "Mark the lessons you take into this intake on the engagement" in text_of(response)


def test_the_engagement_page_warns_when_the_client_is_outside_the_profile(client, scene, consultant_a):
    ClientProfile.objects.create(fitting_sectors=SECTOR, sizes=["small"])
    client.force_login(consultant_a)
    panel = text_of(client.get(scene["new"].get_absolute_url()))
    panel = panel_of_text(panel)
    assert "Outside the profile" in panel
    assert "The firm parted ways with this client on" in panel and "A fit review found this client a mismatch." in panel


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("queryset", "field", "index"),
    [
        (lambda: MeetingLog.objects.all(), "lesson_learned", "meetinglog_lesson_search"),
        (lambda: Flag.objects.all(), "decision_note", "flag_decision_search"),
    ],
)
def test_postgres_search_can_use_its_index(db, queryset, field, index):
    """The GIN index is on exactly the expression the search asks (else PostgreSQL would read
    and parse every row): with sequential scans discouraged, the plan names the index."""
    require_postgres()

    # Unordered: with a model's default ordering the planner may walk the ordering's index
    # instead (cheaper on a near-empty table), which says nothing about the search's index.
    sql, params = text_search(queryset().order_by(), (field,), "planning").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


@pytest.mark.parametrize("outsider", ["consultant_b", "community_member"])
def test_an_outsider_cannot_undo_a_lesson_taken_along(client, request, scene, consultant_a, outsider):
    client.force_login(consultant_a)
    source = f"log:{scene['same_client'].pk}"
    client.post(reverse("engagements:lesson_take", args=[scene["new"].pk]), {"source": source})
    client.force_login(request.getfixturevalue(outsider))

    response = client.post(reverse("engagements:lesson_untake", args=[scene["new"].pk]), {"source": source})

    assert response.status_code == 404
    assert LessonTaken.objects.filter(engagement=scene["new"], source=source).exists()


# --- the new-engagement form's panel, swapped in when a client is chosen ----------------------------------
def test_choosing_a_client_brings_its_panel_into_the_new_engagement_form(
    client, scene, consultant_a, django_assert_max_num_queries
):
    client.force_login(consultant_a)
    form = client.get(reverse("engagements:create")).content.decode()
    assert f'data-hx-get="{reverse("engagements:intake_panel")}"' in form and 'id="intake-panel"' in form

    with django_assert_max_num_queries(13):  # the login, the client, the panel (see INTAKE_PAGE_MAX_QUERIES)
        response = client.get(reverse("engagements:intake_panel"), {"client": scene["new"].client_id})

    panel = panel_of(response)
    assert "Referred to a web developer; we do not build shops." in panel
    assert "Take into this intake" not in panel  # nothing to take it into yet
    # No client chosen ("---------"): an empty slot.
    assert client.get(reverse("engagements:intake_panel"), {"client": ""}).content.decode().strip() == ""


@pytest.mark.parametrize("who", ["consultant_b", "community_member"])
def test_the_panel_of_a_client_one_may_not_see_is_a_404(client, request, scene, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("engagements:intake_panel"), {"client": scene["new"].client_id})
    assert response.status_code == 404
    assert "Bakkerij Zonnebloem" not in response.content.decode()
