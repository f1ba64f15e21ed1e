"""Streamed CSV downloads (Django's "streaming large CSV files" recipe), safe to open in a
spreadsheet: a cell that starts with =, +, -, @, a tab or a carriage return is read as a
formula by Excel and LibreOffice (OWASP "CSV injection"), so it gets a leading quote."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A byte-order mark first: Excel opens UTF-8 as such only with it (Dutch names keep their ë).
BOM = "\ufeff"


def neutralise(value) -> str:
    """A cell as text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns what it was given: csv.writer writes a row, the
    response streams it, and no row is kept."""

    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A download streamed row by row: `rows` may be a queryset's iterator of 10,000 rows."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow([neutralise(cell) for cell in header])
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
