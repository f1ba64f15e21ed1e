"""Streamed CSV downloads (Django's "streaming large CSV files" recipe), safe to open in a
spreadsheet: a cell that starts with =, +, -, @, a tab or a carriage return is read as a
formula by Excel and LibreOffice (OWASP "CSV injection"), so it gets a leading quote."""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A byte-order mark first: Excel opens UTF-8 as such only with it (Dutch names keep their ë).
BOM = "\ufeff"
# The firm's time zone: an export says its times and its date as the office reads them,
# whatever time zone the server or the request has.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def neutralise(value) -> str:
    """A cell as text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def labels(choices) -> dict[str, str]:
    """A model's choices as {value: label}, each label translated once (not once a row)."""
    return {value: str(label) for value, label in choices.choices}


def minute(value: datetime | None) -> str:
    """A moment as a spreadsheet sorts it: "YYYY-MM-DD HH:MM" in Europe/Amsterdam."""
    return "" if value is None else timezone.localtime(value, AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def today() -> date:
    """Today in Europe/Amsterdam (a file's name: at 00:30 in Amsterdam it is already tomorrow)."""
    return timezone.localdate(timezone=AMSTERDAM)


class _Echo:
    """A file-like object whose write returns what it was given: csv.writer writes a row, the
    response streams it, and no row is kept."""

    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A download streamed row by row: `rows` may be a queryset's iterator of 10,000 rows.

    The rows are made while the response is sent, after the view returned (and, under ASGI,
    in another thread): they are made in the language of the request, kept here."""
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield BOM + writer.writerow([neutralise(cell) for cell in header])
            for row in rows:
                yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
