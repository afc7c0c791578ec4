"""With the demo data, the dashboard for Fittja this year equals counts made by hand."""

import re
import statistics
from datetime import UTC, datetime, time
from math import ceil

import pytest

from app.extensions import db
from app.models import (
    DONE_STATUSES,
    Finding,
    FindingStatus,
    LightCondition,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.timeutil import LOCAL, local_today


@pytest.fixture
def seeded(seeded_demo):
    """The demo, seeded once for the session (conftest `seeded_demo`)."""
    return seeded_demo.districts["Fittja"]


def _number(html: str, box: str) -> str:
    part = html.split(f'id="{box}"')[1]
    return re.sub(r"<[^>]+>", "", part.split("<dd>")[1].split("</dd>")[0]).strip()


def test_fittja_this_year_matches_the_database(client, login, app, seeded):
    login("manager")
    year = local_today().year
    html = client.get(f"/reports?period=year&year={year}&district={seeded}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    start = datetime.combine(datetime(year, 1, 1).date(), time.min, tzinfo=LOCAL)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time.min, tzinfo=LOCAL)

    with app.app_context():
        # Plain rows, counted in Python: an independent check of the SQL aggregates.
        walks = db.session.scalars(db.select(Walk).where(Walk.district_id == seeded)).all()
        findings = [f for w in walks for f in w.findings]
        target = db.session.scalar(db.select(WalkTarget.target).where(
            WalkTarget.district_id == seeded, WalkTarget.year == year))

        def inside(moment):
            return moment is not None and start <= moment < end

        completed = [w for w in walks
                     if w.status == WalkStatus.COMPLETED and inside(w.completed_at)]
        planned = [w for w in walks if inside(w.planned_start)]
        found = [f for f in findings if inside(f.created_at)]
        fixed = [f for f in found
                 if f.status in (FindingStatus.FIXED, FindingStatus.VERIFIED)]
        days = sorted((f.fixed_at - f.created_at).total_seconds() / 86400 for f in fixed)
        today = local_today()
        overdue = [f for f in findings
                   if f.due_date and f.due_date < today and f.status not in DONE_STATUSES]
        evening = [w for w in completed if w.light_condition == LightCondition.DARK]

    assert completed, "the demo data should have completed walks in Fittja this year"
    assert _number(html, "n-completed") == f"{len(completed)} / {target}"
    assert _number(html, "n-planned") == str(len(planned))
    assert _number(html, "n-findings") == str(len(found))
    share = f" ({round(100 * len(fixed) / len(found), 1)}\u00a0%)" if found else ""  # one line
    assert _number(html, "n-fixed") == f"{len(fixed)}{share}"
    if days:
        assert _number(html, "n-median") == str(round(statistics.median(days), 1))
        assert _number(html, "n-p90") == str(round(days[ceil(0.9 * len(days)) - 1], 1))
    assert _number(html, "n-overdue") == str(len(overdue))
    assert f"Evening / dark {len(evening)}" in html  # the light chart's <title>


def test_completed_demo_walk_counts_at_once(client, login, app, seeded):
    login("manager")
    year = local_today().year
    with app.app_context():
        walk = db.session.scalar(db.select(Walk).where(Walk.status == WalkStatus.PLANNED,
                                                       Walk.district_id == seeded))
        walk_id = walk.id
    url = f"/reports?period=year&year={year}&district={seeded}"
    before = int(_number(client.get(url).get_data(as_text=True), "n-completed").split()[0])
    client.post(f"/walks/{walk_id}/start")
    client.post(f"/walks/{walk_id}/complete", data={"notes": ""})
    after = int(_number(client.get(url).get_data(as_text=True), "n-completed").split()[0])
    assert after == before + 1
    with app.app_context():
        assert db.session.get(Walk, walk_id).completed_at.year in (year, year + 1)
        assert db.session.get(Walk, walk_id).completed_at.tzinfo is UTC


def test_demo_findings_have_remediation_dates(app, seeded):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))
                                 .where(Finding.fixed_at.is_not(None))) > 0
