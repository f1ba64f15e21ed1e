"""A cell that a spreadsheet would run as a formula gets a leading quote (core.csv_export)."""

import pytest

from core.csv_export import neutralise


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
