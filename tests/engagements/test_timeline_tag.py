"""{% timeline_events %}: the timeline's events as the template wrote them, faster."""

from datetime import UTC, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from engagements.selectors import TimelineEvent, TimelineStep
from engagements.templatetags.timeline import DETAIL_CHARACTERS, moment, timeline_events


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2027, 1, 4, 23, 5, tzinfo=UTC),
    ],
)
def test_the_moment_reads_as_the_date_filter_writes_it(language, at):
    """In the firm's time zone (the nights the clocks change included), the names translated."""
    with translation.override(language):
        assert moment(at) == date_filter(timezone.localtime(at), "D j M Y H:i")


def test_texts_are_escaped_a_long_detail_is_cut_and_an_appended_step_takes_the_focus():
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    events = [
        TimelineEvent(at, "log", "<b>Logged</b>", "x" * (DETAIL_CHARACTERS + 50), "log", 2),
        TimelineEvent(at, "plan", "Plan v1", "", "plan", 1),
    ]
    html = str(timeline_events(TimelineStep(events, None), appended=True))

    assert "&lt;b&gt;Logged&lt;/b&gt;" in html and "<b>" not in html
    assert "x" * (DETAIL_CHARACTERS - 1) + "…" in html and "x" * DETAIL_CHARACTERS not in html
    assert html.count("autofocus") == 1 and html.index("autofocus") < html.index("Plan v1")
    assert html.count('class="small text-pre text-muted"') == 1  # no empty detail
