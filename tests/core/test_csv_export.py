"""A cell that a spreadsheet would run as a formula gets a leading quote (core.csv_export)."""

from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.csv_export import csv_response, minute, neutralise


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+31 20 123", "'+31 20 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


@pytest.mark.parametrize(
    "moment, shown",
    [
        (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), "2026-12-03 00:30"),  # winter: UTC+1
        (datetime(2026, 7, 1, 22, 5, tzinfo=UTC), "2026-07-02 00:05"),  # summer: UTC+2
        (None, ""),
    ],
)
def test_minute_is_in_amsterdam(moment, shown):
    assert minute(moment) == shown


def test_a_carriage_return_first_is_neutralised():
    assert neutralise("\r=1") == "'\r=1"


def test_rows_are_written_in_the_language_of_the_request_even_when_sent_later():
    with translation.override("nl"):
        response = csv_response("x.csv", [gettext_lazy("Yes")], [[gettext_lazy("No")]])
    with translation.override("en"):  # the response is sent after the view returned
        body = b"".join(response.streaming_content).decode("utf-8")
    assert response.streaming and response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert body == "\ufeffJa\r\nNee\r\n"
