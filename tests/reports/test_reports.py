"""The dashboard's aggregates, against hand-made data (SQLite and PostgreSQL alike)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app import periods
from app.extensions import db
from app.models import (
    Finding,
    FindingStatus,
    SurveyResult,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.reports import dashboard, districts, finding_stats, rollups, time_to_fix, walk_stats
from app.timeutil import local_today

Y = 2025


def at(month: int, day: int, hour: int = 12, year: int = Y) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def filters(district_id=None, today=date(Y, 12, 1), **args):
    args = {"period": "year", "year": str(Y), **args}
    return periods.Filters(periods.period_from_args(args), district_id, today)


@pytest.fixture
def world(app, make):
    """Two districts; walks and findings at known times, statuses and days to fix."""
    a, b = make.district("Alfa"), make.district("Beta")
    author = make.user("walker")
    house1 = make.building(a, code="A-1", address="Alfavägen 1")
    house2 = make.building(a, code="A-2", address="Alfavägen 2")
    walks = {
        # district, status, planned start, completed at, light
        "a_jan": make.walk(a, "completed", planned_start=at(1, 10), light="daylight"),
        "a_mar": make.walk(a, "completed", planned_start=at(3, 5), light="dark"),
        "a_mar2": make.walk(a, "completed", planned_start=at(3, 20), light="dark"),
        "a_planned": make.walk(a, "planned", planned_start=at(11, 1)),
        "a_last_year": make.walk(a, "completed", planned_start=at(6, 1, year=Y - 1)),
        "b_jun": make.walk(b, "completed", planned_start=at(6, 15), light="daylight"),
    }
    with app.app_context():
        # make.walk sets completed_at to "now": put each at its planned day instead.
        for walk in db.session.scalars(db.select(Walk)):
            if walk.status == WalkStatus.COMPLETED:
                walk.completed_at = walk.planned_start + timedelta(hours=2)
        db.session.add_all([
            WalkTarget(district_id=a, year=Y, target=6),
            WalkTarget(district_id=b, year=Y, target=3),
            SurveyResult(district_id=a, year=Y - 1, respondents=100, safe_share=60.0),
            SurveyResult(district_id=a, year=Y, respondents=100, safe_share=64.5),
            SurveyResult(district_id=b, year=Y, respondents=90, safe_share=70.0),
        ])
        db.session.commit()

    def finding(walk, category, created, fixed_days=None, status="new", **kw):
        fixed_at = created + timedelta(days=fixed_days) if fixed_days is not None else None
        if fixed_days is not None and status == "new":
            status = "fixed"
        return make.finding(walks[walk], author, category, created_at=created,
                            fixed_at=fixed_at, status=FindingStatus(status), **kw)

    ids = {
        # District A, this year: days to fix 1, 2, 3, 4, 10 → median 3, p90 10.
        "f1": finding("a_jan", "lighting", at(1, 10), 1, building_id=house1),
        "f2": finding("a_jan", "lighting", at(1, 10, 13), 2, "verified", building_id=house1),
        "f3": finding("a_mar", "litter", at(3, 5), 3, building_id=house2),
        "f4": finding("a_mar", "graffiti", at(3, 5), 4, "verified"),
        "f5": finding("a_mar2", "graffiti", at(3, 20), 10),
        # Came back: lighting at house 1 again after f1 was fixed (11 Jan).
        "f6": finding("a_mar2", "lighting", at(3, 20, 14), building_id=house1,
                      due_date=date(Y, 4, 1), status="assigned"),
        # Not fixed, closed otherwise: counts as done, not fixed.
        "f7": finding("a_mar2", "other", at(3, 20, 15), status="wont_fix",
                      due_date=date(Y, 4, 1), confidential=True),
        # District B: one fixed after 5 days, one overdue, one due later.
        "f8": finding("b_jun", "lighting", at(6, 15), 5),
        "f9": finding("b_jun", "lighting", at(6, 15, 13), status="in_progress",
                      due_date=date(Y, 7, 1)),
        "f10": finding("b_jun", "litter", at(6, 15, 14), status="new",
                       due_date=date(Y, 12, 24)),
        # Last year, district A: outside the period.
        "f11": finding("a_last_year", "lighting", at(6, 1, year=Y - 1), 30,
                       building_id=house1),
    }
    return {"a": a, "b": b, "walks": walks, "ids": ids, "house1": house1}


def test_walk_counts_target_and_light(ctx, world):
    counts = walk_stats.walk_counts(db.session, filters(world["a"]))
    assert counts == {"planned": 4, "completed": 3, "daylight": 1, "evening": 2, "target": 6}
    everywhere = walk_stats.walk_counts(db.session, filters())
    assert everywhere == {"planned": 5, "completed": 4, "daylight": 2, "evening": 2,
                          "target": 9}


def test_walks_per_month_lists_every_month(ctx, world):
    per_month = walk_stats.walks_per_month(db.session, filters())
    assert len(per_month) == 12
    assert dict(per_month) == {
        "2025-01": 1, "2025-02": 0, "2025-03": 2, "2025-04": 0, "2025-05": 0, "2025-06": 1,
        "2025-07": 0, "2025-08": 0, "2025-09": 0, "2025-10": 0, "2025-11": 0, "2025-12": 0,
    }


def test_findings_by_category_and_status(ctx, world):
    by_category = [
        (c.slug, n) for c, n in finding_stats.findings_by_category(db.session, filters())]
    assert by_category == [("lighting", 5), ("graffiti", 2), ("litter", 2), ("other", 1)]
    by_status = dict(finding_stats.findings_by_status(db.session, filters(world["a"])))
    assert by_status == {FindingStatus.ASSIGNED: 1, FindingStatus.FIXED: 3,
                         FindingStatus.VERIFIED: 2, FindingStatus.WONT_FIX: 1}


def test_totals_share_fixed_and_overdue(ctx, world):
    assert finding_stats.finding_totals(db.session, filters(world["a"])) == {
        "total": 7, "fixed": 5, "fixed_share": 71.4, "overdue": 1,  # f6; f7 is done
    }
    # Overdue ignores the period and depends on today.
    assert finding_stats.finding_totals(db.session, filters(world["b"]))["overdue"] == 1
    late = filters(world["b"], today=date(Y, 12, 25))
    assert finding_stats.finding_totals(db.session, late)["overdue"] == 2
    early = filters(world["b"], today=date(Y, 7, 1))  # due today is not overdue yet
    assert finding_stats.finding_totals(db.session, early)["overdue"] == 0


def test_median_and_p90_days_to_fix(ctx, world):
    assert time_to_fix.days_to_fix(db.session, filters(world["a"])) == {
        "median": 3.0, "p90": 10.0, "count": 5,
    }
    # An even count: the median is the mean of the two middle values (3 and 4 → 3.5).
    assert time_to_fix.days_to_fix(db.session, filters()) == {"median": 3.5, "p90": 10.0,
                                                          "count": 6}
    assert time_to_fix.days_to_fix(db.session, filters(world["b"])) == {
        "median": 5.0, "p90": 5.0, "count": 1,
    }
    nothing = filters(period="month", month="12")
    assert time_to_fix.days_to_fix(db.session, nothing) == {"median": None, "p90": None,
                                                        "count": 0}


def test_days_between_counts_fractions_of_days(ctx, world):
    value = db.session.scalar(
        db.select(periods.days_between(Finding.created_at, Finding.fixed_at))
        .where(Finding.id == world["ids"]["f1"])
    )
    assert float(value) == pytest.approx(1.0)


def test_hotspots_and_findings_that_came_back(ctx, world):
    hot = [(b.code, n) for b, n in finding_stats.hotspots(db.session, filters())]
    assert hot == [("A-1", 3), ("A-2", 1)]
    back = finding_stats.recurring(db.session, filters())
    assert [(r["building"].code, r["category"].slug, r["count"]) for r in back] == [
        # f1 and f2 (after f11, fixed last year) and f6 (after f1, f2, f11)
        ("A-1", "lighting", 3),
    ]
    # Last year nothing had been fixed before f11 was found.
    assert finding_stats.recurring(db.session, filters(year=str(Y - 1))) == []


def test_district_comparison_and_latest_score(ctx, world):
    table = {row["district"].name: row for row in
             districts.district_comparison(db.session, filters())}
    alfa, beta = table["Alfa"], table["Beta"]
    assert (alfa["planned"], alfa["completed"], alfa["target"]) == (4, 3, 6)
    assert (alfa["findings"], alfa["fixed_share"], alfa["median_days"]) == (7, 71.4, 3.0)
    assert alfa["overdue"] == 1
    assert alfa["score"] == {"year": Y, "safe_share": 64.5, "change": 4.5}
    assert (beta["planned"], beta["completed"], beta["findings"]) == (1, 1, 3)
    assert (beta["fixed_share"], beta["median_days"], beta["overdue"]) == (33.3, 5.0, 1)
    assert beta["score"] == {"year": Y, "safe_share": 70.0, "change": None}
    last_year = {row["district"].name: row for row in
                 districts.district_comparison(db.session, filters(year=str(Y - 1)))}
    assert last_year["Alfa"]["score"]["year"] == Y - 1
    assert last_year["Beta"]["score"] is None


@pytest.mark.parametrize("args", [
    {}, {"year": str(Y - 1)}, {"period": "quarter", "quarter": "1"},
    {"period": "month", "month": "3"},
    {"period": "range", "from": "2025-01-05", "to": "2025-07-01"},
])
def test_one_districts_row_equals_the_comparisons(ctx, world, args):
    """One district's dashboard builds its table row from its own figures: the same row."""
    for district_id in (world["a"], world["b"]):
        shown = dashboard.dashboard(db.session, filters(district_id, **args))["districts"]
        compared = districts.district_comparison(db.session, filters(district_id, **args))
        assert shown == compared
        assert len(shown) == 1 and shown[0]["district"].id == district_id


@pytest.mark.parametrize("args", [
    {}, {"year": str(Y - 1)}, {"year": str(Y - 3)}, {"period": "quarter", "quarter": "1"},
    {"period": "month", "month": "3"}, {"period": "month", "month": "8"},
    {"period": "range", "from": "2024-05-05", "to": "2025-03-07"},
])
def test_walk_figures_equal_the_separate_ones(ctx, world, args):
    """The dashboard's one statement for the walks' counts, target and months says what
    walk_counts and walks_per_month say (a year without walks: the target alone)."""
    for district_id in (None, world["a"], world["b"]):
        counts, per_month = walk_stats.walk_figures(db.session, filters(district_id, **args))
        assert counts == walk_stats.walk_counts(db.session, filters(district_id, **args))
        assert per_month == walk_stats.walks_per_month(
            db.session, filters(district_id, **args))


@pytest.mark.parametrize("stale", [False, True])
@pytest.mark.parametrize("args", [
    {}, {"year": str(Y - 1)}, {"period": "quarter", "quarter": "1"},
    {"period": "month", "month": "3"}, {"period": "month", "month": "8"},
    {"period": "range", "from": "2025-01-05", "to": "2025-07-01"},
])
def test_finding_breakdown_equals_the_separate_figures(ctx, world, args, stale):
    """The dashboard's one statement for totals, categories and statuses (rollups, facts or,
    while the facts are stale, the findings) says what the three separate questions say."""
    if stale:
        rollups.mark_stale(db.session)
    for district_id in (None, world["a"], world["b"]):
        totals, by_category, by_status = finding_stats.finding_breakdown(
            db.session, filters(district_id, **args))
        assert totals == finding_stats.finding_totals(db.session, filters(district_id, **args))
        assert by_category == finding_stats.findings_by_category(
            db.session, filters(district_id, **args))
        assert by_status == finding_stats.findings_by_status(
            db.session, filters(district_id, **args))


@pytest.mark.parametrize(("args", "start", "end"), [
    ({"period": "year", "year": "2024"}, date(2024, 1, 1), date(2025, 1, 1)),
    ({"period": "quarter", "year": "2025", "quarter": "4"}, date(2025, 10, 1), date(2026, 1, 1)),
    ({"period": "month", "year": "2025", "month": "2"}, date(2025, 2, 1), date(2025, 3, 1)),
    ({"period": "range", "from": "2025-03-10", "to": "2025-03-12"},
     date(2025, 3, 10), date(2025, 3, 13)),
    ({"period": "range", "from": "2025-03-12", "to": "2025-03-10"},  # reversed: this year
     date(2025, 1, 1), date(2026, 1, 1)),
    ({"period": "nonsense", "year": "x"}, date(2025, 1, 1), date(2026, 1, 1)),
])
def test_periods_from_the_query_string(args, start, end):
    period = periods.period_from_args(args, today=date(2025, 6, 1))
    assert (period.start, period.end) == (start, end)


def test_periods_follow_local_time(ctx, make):
    """A walk completed at 23:30 on New Year's Eve in Stockholm belongs to that year."""
    district = make.district()
    walk_id = make.walk(district, "completed")
    with db.session.begin_nested():
        walk = db.session.get(Walk, walk_id)
        walk.completed_at = datetime(2025, 12, 31, 22, 30, tzinfo=UTC)  # 23:30 local
    db.session.commit()
    assert walk_stats.walk_counts(db.session, filters())["completed"] == 1
    assert dict(walk_stats.walks_per_month(db.session, filters()))["2025-12"] == 1
    next_year = filters(year="2026")
    assert walk_stats.walk_counts(db.session, next_year)["completed"] == 0


def test_dashboard_page_shows_the_numbers(client, login, world):
    login("manager")
    page = client.get(f"/reports?period=year&year={Y}&district={world['a']}",
                      headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<div id="n-completed"><dt>Walks completed / target</dt>' in html
    assert "<dd>3<small> / 6</small></dd>" in html
    assert "71.4 %" in html
    assert "<title" in html and 'role="img"' in html  # SVG charts with accessible titles
    assert "Alfavägen 1 (A-1)" in html  # hotspot and came-back tables


@pytest.mark.parametrize(("role", "status"), [
    ("walker", 404), ("fixer", 404), ("manager", 200), ("admin", 200),
])
def test_who_sees_the_dashboard(client, login, role, status):
    login(role)
    assert client.get("/reports").status_code == status
    assert client.get("/reports/surveys").status_code == status
    page = client.get("/walks/mine" if role != "fixer" else "/settings")
    assert ('href="/reports"' in page.get_data(as_text=True)) == (status == 200)


@pytest.mark.parametrize(("role", "status"), [
    ("walker", 404), ("fixer", 404), ("manager", 404), ("admin", 200),
])
def test_only_admins_set_targets(client, login, role, status):
    login(role)
    assert client.get("/admin/targets").status_code == status


def test_admin_sets_walk_targets(client, login, make, app):
    login("admin")
    a, b = make.district("Alfa"), make.district("Beta")
    response = client.post(f"/admin/targets?year={Y}", data={f"target-{a}": "8",
                                                              f"target-{b}": ""})
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.execute(db.select(WalkTarget.district_id, WalkTarget.year,
                                            WalkTarget.target)).all()
        assert rows == [(a, Y, 8)]
    bad = client.post(f"/admin/targets?year={Y}", data={f"target-{a}": "-2"},
                      headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert "A whole number from 0 to 1000" in bad.get_data(as_text=True)
    client.post(f"/admin/targets?year={Y}", data={f"target-{a}": ""})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(WalkTarget.id))) == 0


def test_completing_a_walk_changes_the_count_at_once(client, login, make):
    login("manager")
    district = make.district("Fittja")
    walk = make.walk(district, "in_progress")
    year = local_today().year

    def completed():
        html = client.get(f"/reports?period=year&year={year}&district={district}")
        row = html.get_data(as_text=True).split('id="n-completed"')[1]
        return row.split("<dd>")[1].split("<")[0]

    assert completed() == "0"
    assert client.post(f"/walks/{walk}/complete", data={"notes": ""}).status_code == 303
    assert completed() == "1"
