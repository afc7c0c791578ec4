"""The dashboard's numbers are computed once per state of the data: a second look costs no
report queries, and any change (through a form, a status change or a bulk statement) shows
at once."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, update

from app.extensions import db
from app.models import Finding, FindingStatus, SurveyResult, Walk, WalkStatus
from app.timeutil import local_today


def _figure(page: str, name: str) -> int:
    """One of the dashboard's key figures ("findings", "fixed", "overdue") as shown."""
    match = re.search(rf'id="n-{name}"><dt>[^<]*</dt><dd>(\d+)', page)
    assert match, page[page.find("<main"):][:1500]
    return int(match.group(1))


def _total(page: str) -> int:
    return _figure(page, "findings")


@pytest.fixture
def statements(app):
    """statements() → how many SQL statements the app ran since the last call."""
    seen = []

    def count(*args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)

    def taken():
        n = len(seen)
        seen.clear()
        return n

    yield taken
    event.remove(engine, "before_cursor_execute", count)


def test_a_second_look_runs_no_report_query_and_a_change_shows_at_once(
        app, client, login, make, statements):
    login("manager")
    district = make.district("Fittja")
    walk = make.walk(district, status="completed")
    author = make.user("walker")
    make.finding(walk, author)
    first = client.get("/reports").get_data(as_text=True)
    first_cost = statements()
    again = client.get("/reports").get_data(as_text=True)
    again_cost = statements()
    assert _total(first) == _total(again) == 1
    assert first_cost >= again_cost + 10, (first_cost, again_cost)

    make.finding(walk, author)  # a new finding: the next look counts it
    assert _total(client.get("/reports").get_data(as_text=True)) == 2


def test_bulk_statements_and_status_changes_show_at_once(app, client, login, make):
    login("manager")
    district = make.district("Fittja")
    walk = make.walk(district, status="completed")
    make.walk(district, status="planned")
    finding = make.finding(walk, make.user("walker"), assignee_id=make.user("fixer"),
                           status=FindingStatus.ASSIGNED)
    page = client.get("/reports").get_data(as_text=True)
    assert _figure(page, "fixed") == 0 and _figure(page, "planned") == 2

    with app.app_context():
        version = db.session.get(Finding, finding).version
    moved = client.post(f"/findings/{finding}/status",
                        data={"to": "fixed", "version": str(version)})
    assert moved.status_code == 303
    assert _figure(client.get("/reports").get_data(as_text=True), "fixed") == 1

    with app.app_context():  # a bulk UPDATE through the session, no ORM object loaded
        db.session.execute(update(Walk).where(Walk.status == WalkStatus.PLANNED)
                           .values(planned_start=datetime(2001, 1, 1, tzinfo=UTC)))
        db.session.commit()
    assert _figure(client.get("/reports").get_data(as_text=True), "planned") == 1


def test_a_survey_result_shows_at_once(app, client, login, make):
    login("manager")
    district = make.district("Fittja")
    year = local_today().year
    before = client.get(f"/reports?district={district}").get_data(as_text=True)
    assert "81.5" not in before and "81,5" not in before
    with app.app_context():
        db.session.add(SurveyResult(district_id=district, year=year - 1, respondents=50,
                                    safe_share=81.5))
        db.session.commit()
    after = client.get("/reports").get_data(as_text=True)
    assert "81.5" in after or "81,5" in after
