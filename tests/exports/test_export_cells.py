"""The export's fast per-type conversion writes exactly what the per-value rules write."""

from datetime import UTC, date, datetime

from app.exports.writers import _cell, cells
from app.models import FindingStatus, Severity


def test_cells_match_the_per_value_rules():
    rows = [
        (1, datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC), None, date(2026, 12, 1),
         True, False, FindingStatus.IN_PROGRESS, Severity.HIGH, "Trasig lampa på gården",
         "=SUM(A1)", "Ljus\x07 & Kraft", 59.2472, 17.861, ""),
        (2, datetime(2026, 10, 25, 1, 59, 59, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC),
         None, False, True, FindingStatus.NEW, Severity.LOW, "-1 grader", "@x", None, 0.0, -1,
         "Övergiven cykel"),
    ]
    assert list(cells(rows)) == [[_cell(value) for value in row] for row in rows]
    first = list(cells(rows[:1]))[0]
    assert first[1] == "2026-03-29T01:30:15" and first[4] == "yes" and first[9] == "'=SUM(A1)"
