"""The dashboard's facts stay equal to the findings after every kind of change.

Each test changes the data the way the app does (services, or the ORM for what has no
service), commits, and then checks two things: the facts table holds exactly what the
findings say (row by row), and the dashboard's numbers equal counts made in Python from the
findings themselves.
"""

import importlib.util
import math
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, event, select

from app import periods
from app.extensions import db
from app.findings.operations import delete_finding
from app.findings.operations.workflow import transition
from app.models import (
    DONE_STATUSES,
    BuildingPeriodRollup,
    BuildingRollup,
    Category,
    District,
    Finding,
    FindingFact,
    FindingRollup,
    FindingStatus,
    FindingYearRollup,
    FixRollup,
    FixYearRollup,
    RecurringPeriodRollup,
    User,
    Walk,
)
from app.reports import dashboard, facts, finding_stats, rollups

Y = 2025
TODAY = date(Y, 6, 1)


def at(month, day, hour=12):
    return datetime(Y, month, day, hour, tzinfo=UTC)


def filters(district_id=None, today=TODAY):
    return periods.Filters(periods.period_from_args({"period": "year", "year": str(Y)}),
                           district_id, today)


@pytest.fixture
def world(app, make):
    a, b = make.district("Alfa"), make.district("Beta")
    author = make.user("walker")
    manager = make.user("manager")
    house1, house2 = make.building(a, code="A-1"), make.building(a, code="A-2")
    house3 = make.building(b, code="B-1")
    walks = {
        "a": make.walk(a, "completed", planned_start=at(1, 10)),
        "a2": make.walk(a, "completed", planned_start=at(3, 1)),
        "b": make.walk(b, "completed", planned_start=at(2, 10)),
    }

    def finding(walk, category, created, fixed_days=None, status="new", **kw):
        fixed_at = created + timedelta(days=fixed_days, hours=3) if fixed_days else None
        if fixed_days and status == "new":
            status = "fixed"
        return make.finding(walks[walk], author, category, created_at=created,
                            fixed_at=fixed_at, status=FindingStatus(status), **kw)

    ids = {
        "f1": finding("a", "lighting", at(1, 10), 2, building_id=house1),
        "f2": finding("a", "lighting", at(1, 10, 13), building_id=house1,
                      due_date=date(Y, 2, 1), status="assigned"),
        "f3": finding("a", "litter", at(1, 10, 14), 5, "verified", building_id=house2),
        "f4": finding("a2", "lighting", at(3, 1), building_id=house1, due_date=date(Y, 7, 1)),
        "f5": finding("a2", "graffiti", at(3, 1, 13), status="wont_fix", building_id=house2,
                      due_date=date(Y, 3, 2)),
        "f6": finding("b", "lighting", at(2, 10), 7, building_id=house3),
        "f7": finding("b", "litter", at(2, 10, 13), building_id=house3,
                      due_date=date(Y, 5, 1), status="in_progress"),
    }
    return {"a": a, "b": b, "walks": walks, "ids": ids, "manager": manager,
            "author": author, "make": make, "house1": house1}


def _facts_rows(rows):
    return sorted((r.finding_id, r.district_id, r.category_id, r.building_id, str(r.status),
                   r.created_at.replace(tzinfo=None), None if r.fix_days is None
                   else round(float(r.fix_days), 6), bool(r.came_back), r.open_due)
                  for r in rows)


def expected(district_id=None, today=TODAY):
    """The dashboard's finding numbers, counted in Python from the findings."""
    start, end = periods.utc_bound(date(Y, 1, 1)), periods.utc_bound(date(Y + 1, 1, 1))
    every = db.session.scalars(select(Finding)).all()
    district_of = dict(db.session.execute(select(Walk.id, Walk.district_id)).all())

    def mine(f):
        return district_id is None or district_of[f.walk_id] == district_id

    found = [f for f in every if start <= f.created_at < end and mine(f)]
    fixed = [f for f in found if f.status in (FindingStatus.FIXED, FindingStatus.VERIFIED)
             and f.fixed_at is not None]
    days = sorted((f.fixed_at - f.created_at).total_seconds() / 86400 for f in fixed)

    def overdue(fs):
        return len([f for f in fs if f.due_date and f.due_date < today
                    and f.status not in DONE_STATUSES])

    def came_back(f):
        return f.building_id is not None and any(
            e.building_id == f.building_id and e.category_id == f.category_id and e.id != f.id
            and e.fixed_at is not None and e.fixed_at < f.created_at for e in every)

    recurring = {}
    for f in found:
        if came_back(f):
            key = (f.building.code, f.category.slug)
            recurring[key] = recurring.get(key, 0) + 1
    hot = {}
    for f in found:
        if f.building_id:
            hot[f.building.code] = hot.get(f.building.code, 0) + 1
    per_district = {}
    for district in db.session.scalars(select(District)):
        if district_id and district.id != district_id:
            continue
        theirs = [f for f in every if district_of[f.walk_id] == district.id]
        in_year = [f for f in theirs if start <= f.created_at < end]
        fixed_days = sorted((f.fixed_at - f.created_at).total_seconds() / 86400
                            for f in in_year if f.fixed_at is not None
                            and f.status in (FindingStatus.FIXED, FindingStatus.VERIFIED))
        per_district[district.name] = (
            len(in_year), round(statistics.median(fixed_days), 1) if fixed_days else None,
            overdue(theirs))
    return {
        "total": len(found),
        "fixed": len(fixed),
        "overdue": overdue([f for f in every if mine(f)]),
        "by_status": {s: n for s in FindingStatus
                      if (n := len([f for f in found if f.status == s]))},
        "by_category": {c: n for c in {f.category.slug for f in found}
                        if (n := len([f for f in found if f.category.slug == c]))},
        "median": round(statistics.median(days), 1) if days else None,
        "p90": round(days[math.ceil(0.9 * len(days)) - 1], 1) if days else None,
        "hotspots": hot,
        "recurring": recurring,
        "districts": per_district,
    }


def shown(district_id=None, today=TODAY):
    data = dashboard.dashboard(db.session, filters(district_id, today))
    return {
        "total": data["totals"]["total"],
        "fixed": data["totals"]["fixed"],
        "overdue": data["totals"]["overdue"],
        "by_status": dict(data["by_status"]),
        "by_category": {c.slug: n for c, n in data["by_category"]},
        "median": data["days_to_fix"]["median"],
        "p90": data["days_to_fix"]["p90"],
        "hotspots": {b.code: n for b, n in data["hotspots"]},
        "recurring": {(r["building"].code, r["category"].slug): r["count"]
                      for r in data["recurring"]},
        "districts": {row["district"].name: (row["findings"], row["median_days"],
                                             row["overdue"]) for row in data["districts"]},
    }


def check(world, today=TODAY):
    db.session.expire_all()
    assert not rollups.is_stale(db.session)
    table = db.session.execute(select(FindingFact.__table__)).all()
    live = db.session.execute(rollups.facts_select()).all()
    assert _facts_rows(table) == _facts_rows(live)
    for district_id in (None, world["a"], world["b"]):
        assert shown(district_id, today) == expected(district_id, today)
    # The monthly rollups hold the findings per local month, district, category and status.
    district_of = dict(db.session.execute(select(Walk.id, Walk.district_id)).all())
    months = Counter(
        (rollups.month_of(f.created_at), district_of[f.walk_id], f.category_id, f.status)
        for f in db.session.scalars(select(Finding)))
    stored = {(r.month, r.district_id, r.category_id, r.status): r.findings
              for r in db.session.scalars(select(FindingRollup)) if r.findings}
    assert stored == dict(months)
    fixes = Counter(
        (rollups.month_of(f.created_at), district_of[f.walk_id],
         math.floor((f.fixed_at - f.created_at).total_seconds() / 86400))
        for f in db.session.scalars(select(Finding))
        if f.fixed_at and f.status in (FindingStatus.FIXED, FindingStatus.VERIFIED))
    stored = {(r.month, r.district_id, r.whole_days): r.fixed
              for r in db.session.scalars(select(FixRollup)) if r.fixed}
    assert stored == dict(fixes)
    # The yearly rollups: the same counted per local year (its first day).
    def year(key):
        return (key[0].replace(month=1), *key[1:])

    stored = {(r.year, r.district_id, r.category_id, r.status): r.findings
              for r in db.session.scalars(select(FindingYearRollup)) if r.findings}
    assert stored == _summed(months, year)
    stored = {(r.year, r.district_id, r.whole_days): r.fixed
              for r in db.session.scalars(select(FixYearRollup)) if r.fixed}
    assert stored == _summed(fixes, year)
    every = db.session.scalars(select(Finding)).all()
    per_building = Counter((rollups.month_of(f.created_at).year, f.building_id)
                           for f in every if f.building_id)
    stored = {(r.year, r.building_id): r.findings for r in db.session.scalars(
        select(BuildingRollup))}
    assert stored == dict(per_building)
    # The months' and quarters' rows of buildings and of came-back pairs (all districts).
    def periods_of(moment):
        month = rollups.month_of(moment)
        return ((1, month), (3, rollups.quarter_of(month)))

    per_period = Counter((months, start, f.building_id) for f in every if f.building_id
                         for months, start in periods_of(f.created_at))
    stored = {(r.months, r.start, r.building_id): r.findings
              for r in db.session.scalars(select(BuildingPeriodRollup)) if r.findings}
    assert stored == dict(per_period)
    came_back = {}
    for fact in db.session.scalars(select(FindingFact).where(FindingFact.came_back)):
        if fact.building_id is None:
            continue
        for months, start in periods_of(fact.created_at):
            key = (months, start, fact.building_id, fact.category_id)
            n, last = came_back.get(key, (0, None))
            came_back[key] = (n + 1, max(last or fact.created_at, fact.created_at))
    stored = {(r.months, r.start, r.building_id, r.category_id): (r.findings, r.last_at)
              for r in db.session.scalars(select(RecurringPeriodRollup))}
    assert stored == came_back
    # A month, quarter or year from the rollups equals the same days as a range read from
    # the facts: every number of the dashboard, and each finding question on its own.
    for district_id in (None, world["a"]):
        for args, first, last in (({"period": "month", "month": "3"}, "03-01", "03-31"),
                                  ({"period": "quarter", "quarter": "1"}, "01-01", "03-31"),
                                  ({"period": "quarter", "quarter": "2"}, "04-01", "06-30"),
                                  ({"period": "year"}, "01-01", "12-31")):
            whole = periods.Filters(periods.period_from_args({**args, "year": str(Y)}),
                                    district_id, today)
            days = periods.Filters(periods.period_from_args(
                {"period": "range", "from": f"{Y}-{first}", "to": f"{Y}-{last}"}),
                district_id, today)
            assert dashboard.dashboard(db.session, whole) == dashboard.dashboard(
                db.session, days)
            for part in ("finding_totals", "findings_by_category", "findings_by_status",
                         "hotspots", "recurring"):
                question = getattr(finding_stats, part)
                assert question(db.session, whole) == question(db.session, days)


def _summed(counts: Counter, key_of) -> dict:
    summed = Counter()
    for key, n in counts.items():
        summed[key_of(key)] += n
    return dict(summed)


def _user(world, key="manager"):
    return db.session.get(User, world[key])


def _finding(world, key):
    return db.session.get(Finding, world["ids"][key])


def test_facts_follow_findings_as_they_are_made(ctx, world):
    check(world)
    before = shown()
    assert (before["total"], before["fixed"], before["overdue"]) == (7, 3, 2)
    assert before["recurring"] == {("A-1", "lighting"): 1}  # f4, after f1 was fixed


def test_a_new_finding_counts_at_once(ctx, world, make):
    make.finding(world["walks"]["b"], world["author"], "lighting", created_at=at(4, 1),
                 building_id=world["house1"], due_date=date(Y, 5, 1))
    check(world)
    assert shown()["total"] == 8
    assert shown()["recurring"][("A-1", "lighting")] == 2  # f4 and the new one


def test_fixing_verifying_and_reopening(ctx, world):
    finding = _finding(world, "f2")
    transition(db.session, finding, actor=_user(world), to="fixed")
    finding.fixed_at = at(1, 20)  # fixed on a known day, for the days-to-fix numbers
    db.session.commit()
    check(world)
    assert shown()["fixed"] == 4
    transition(db.session, _finding(world, "f2"), actor=_user(world), to="verified")
    db.session.commit()
    check(world)
    transition(db.session, _finding(world, "f2"), actor=_user(world), to="acknowledged",
               reason="Lampan slocknade igen")
    db.session.commit()
    check(world)
    assert shown()["fixed"] == 3


def test_deleting_a_finding(ctx, world):
    delete_finding(db.session, _finding(world, "f1"))
    db.session.commit()
    check(world)
    assert shown()["recurring"] == {}  # f1 was the fix the others came back after


def test_recategorising_a_finding(ctx, world):
    _finding(world, "f1").category_id = db.session.scalar(
        select(Category.id).where(Category.slug == "litter"))
    db.session.commit()
    check(world)
    assert shown()["by_category"]["litter"] == 3


def test_a_walk_moved_to_another_district(ctx, world):
    db.session.get(Walk, world["walks"]["a2"]).district_id = world["b"]
    db.session.commit()
    check(world)
    assert shown(world["b"])["total"] == 4


def test_a_day_passing_makes_findings_overdue(ctx, world):
    check(world, today=TODAY)
    check(world, today=date(Y, 7, 2))
    assert shown(today=date(Y, 7, 2))["overdue"] == shown()["overdue"] + 1


def test_stale_facts_are_not_read_until_rebuilt(ctx, world, runner):
    # As after the migration on a database that already had findings: an empty table.
    db.session.execute(FindingFact.__table__.delete())
    rollups.mark_stale(db.session)
    db.session.commit()
    assert rollups.is_stale(db.session)
    assert shown() == expected()
    db.session.remove()
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["rollups-rebuild"])
        assert "rebuilt: 7 findings" in result.output
    check(world)


def test_dashboard_page_reads_the_facts(client, login, world):
    login("manager")
    html = client.get(f"/reports?period=year&year={Y}&district={world['a']}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="n-findings"' in html and "<dd>5</dd>" in html.split('id="n-findings"')[1][:80]


@pytest.mark.parametrize("count", [1, 2, 9, 10, 11, 40])
def test_exact_median_and_p90_from_the_histogram(ctx, make, count):
    """Many fixes spread over whole days and fractions: the histogram finds the day, the facts
    give the exact value, for odd and even counts, in one district and in all."""
    a, b = make.district("Alfa"), make.district("Beta")
    author = make.user("walker")
    walks = [make.walk(a, "completed", planned_start=at(1, 5)),
             make.walk(b, "completed", planned_start=at(1, 5))]
    for i in range(count):
        created = at(1 + i % 12, 1 + i % 27, 1 + i % 20)
        fixed_days = (i * 7919 % 97) / 7.3  # fractions, some on the same whole day
        make.finding(walks[i % 2], author, "lighting", created_at=created,
                     fixed_at=created + timedelta(days=fixed_days), status=FindingStatus.FIXED)
    world = {"a": a, "b": b}
    check(world)
    assert shown()["median"] is not None


def test_random_changes_keep_every_rollup_equal_to_the_findings(ctx, world):
    """New findings (fixed or not, at the same building and category as others), fixes,
    reopenings, moves in time and between buildings, deletions, in a seeded random order:
    after each commit every rollup equals what the findings say (check)."""
    import random

    rng = random.Random(22)
    make = world["make"]
    houses = [world["house1"], *db.session.scalars(
        select(Finding.building_id).where(Finding.building_id.is_not(None))).all()]
    categories = ["lighting", "litter"]  # few pairs, so changes meet earlier fixes
    for _step in range(40):
        ids = db.session.scalars(select(Finding.id)).all()
        action = rng.choice(["new", "new", "fix", "reopen", "move", "rehouse", "delete"])
        if action == "new" or not ids:
            created = at(rng.randint(1, 6), rng.randint(1, 28), rng.randint(0, 23))
            fixed = rng.random() < 0.5
            make.finding(world["walks"][rng.choice(["a", "a2", "b"])], world["author"],
                         rng.choice(categories), created_at=created,
                         building_id=rng.choice(houses),
                         status=FindingStatus.FIXED if fixed else FindingStatus.NEW,
                         fixed_at=created + timedelta(days=rng.randint(1, 40)) if fixed
                         else None)
        else:
            finding = db.session.get(Finding, rng.choice(ids))
            if action == "fix":
                finding.status = FindingStatus.FIXED
                finding.fixed_at = finding.created_at + timedelta(days=rng.randint(1, 60))
            elif action == "reopen":
                finding.status, finding.fixed_at = FindingStatus.ACKNOWLEDGED, None
            elif action == "move":
                finding.created_at = at(rng.randint(1, 12), rng.randint(1, 28))
            elif action == "rehouse":
                finding.building_id = rng.choice(houses)
            else:
                db.session.delete(finding)
        db.session.commit()
        check(world)


def _statements(run) -> str:
    """The SQL `run()` sends, as one text."""
    sent = []

    def seen(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return "\n".join(sent)


@pytest.mark.parametrize("district", [False, True])
def test_a_year_reads_the_yearly_rollups_and_shows_what_its_months_show(ctx, world,
                                                                        district,
                                                                        monkeypatch):
    """A year sums the yearly rows, a quarter the monthly ones; the year read from its
    months (as before the yearly rollups) shows the same numbers."""
    district_id = world["a"] if district else None
    year = filters(district_id)
    quarter = periods.Filters(
        periods.period_from_args({"period": "quarter", "quarter": "1", "year": str(Y)}),
        district_id, TODAY)
    shown_year = dashboard.dashboard(db.session, year)
    sql = _statements(lambda: dashboard.dashboard(db.session, year))
    assert "finding_year_rollups" in sql and "fix_year_rollups" in sql
    assert "finding_rollups" not in sql.replace("finding_year_rollups", "")
    assert "fix_rollups" not in sql.replace("fix_year_rollups", "")
    sql = _statements(lambda: dashboard.dashboard(db.session, quarter))
    assert "finding_rollups" in sql and "year_rollups" not in sql
    # As before the yearly rollups: the same year read from the months.
    monkeypatch.setattr(facts, "_one_year", lambda period: False)
    assert "year_rollups" not in _statements(lambda: dashboard.dashboard(db.session, year))
    assert dashboard.dashboard(db.session, year) == shown_year
    assert shown_year["totals"]["total"] == (5 if district else 7)


def test_the_migration_sums_the_monthly_rollups_per_year(ctx, world):
    """i34c_year_rollups fills the yearly tables of an upgraded database from the monthly
    ones: the same rows as kept by the listener."""
    make = world["make"]
    make.finding(world["walks"]["b"], world["author"], "lighting",
                 created_at=datetime(Y - 1, 12, 31, 23, 30, tzinfo=UTC),  # 1 Jan locally
                 fixed_at=datetime(Y, 1, 3, tzinfo=UTC), status=FindingStatus.FIXED)
    make.finding(world["walks"]["a"], world["author"], "litter",
                 created_at=datetime(Y + 1, 2, 1, tzinfo=UTC))
    db.session.flush()

    def rows():
        return (sorted((r.year, r.district_id, r.category_id, str(r.status), r.findings)
                       for r in db.session.scalars(select(FindingYearRollup))),
                sorted((r.year, r.district_id, r.whole_days, r.fixed)
                       for r in db.session.scalars(select(FixYearRollup))))

    kept = rows()
    assert {row[0] for row in kept[0]} == {date(Y, 1, 1), date(Y + 1, 1, 1)}
    path = Path(__file__).parents[2] / "migrations" / "versions" / "i34c_year_rollups.py"
    spec = importlib.util.spec_from_file_location("i34c_year_rollups", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(delete(FindingYearRollup))
    db.session.execute(delete(FixYearRollup))
    migration.fill(db.session.connection())
    db.session.expire_all()
    assert rows() == kept
