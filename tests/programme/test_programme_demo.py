"""With the demo data, every number on each district's analysis page (and the published
figures of issue 14) equals a count made directly from the rows, on both databases."""

import re
import statistics
from collections import defaultdict
from datetime import date

import pytest

from app.extensions import db
from app.models import (
    DistrictPlan,
    Finding,
    FindingStatus,
    Measure,
    MeasureType,
    SurveyResult,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.timeutil import to_local

SV = {"Accept-Language": "sv"}
QUESTION_COLUMNS = {"overall": "safe_share", "evening": "evening_safe_share",
                    "stairwell": "stairwell_safe_share", "outdoors": "outdoor_safe_share"}


@pytest.fixture
def seeded(seeded_demo):
    """The demo, seeded once for the session (conftest `seeded_demo`)."""
    return seeded_demo.districts


def _value(text: str) -> float:
    """A number as the Swedish page writes it: 1 920, 57,7, +5,7 procentenheter, −1,0."""
    text = text.replace("procentenheter", "").replace("\u2212", "-")
    text = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    return float(text)


def _expected(district_id: int) -> dict[str, float]:
    """Every figure the page may show, counted in Python from plain rows."""
    out: dict[str, float] = {}
    walks = db.session.scalars(db.select(Walk).where(Walk.district_id == district_id)).all()
    completed = defaultdict(int)
    for walk in walks:
        if walk.status == WalkStatus.COMPLETED and walk.completed_at:
            completed[to_local(walk.completed_at).year] += 1
    walk_type = db.session.scalar(db.select(MeasureType).where(MeasureType.counts_walks))
    for year, n in completed.items():
        out[f"walks:{year}"] = n
        out[f"done:{walk_type.id}:{year}"] = n
    for target in db.session.scalars(db.select(WalkTarget).where(
            WalkTarget.district_id == district_id)):
        out[f"walktarget:{target.year}"] = target.target
        out[f"target:{walk_type.id}:{target.year}"] = target.target
    for measure in db.session.scalars(db.select(Measure).where(
            Measure.district_id == district_id)):
        key = f"done:{measure.measure_type_id}:{measure.done_on.year}"
        out[key] = out.get(key, 0) + measure.amount
    for plan in db.session.scalars(db.select(DistrictPlan).where(
            DistrictPlan.district_id == district_id)):
        for target in plan.targets:
            out[f"target:{target.measure_type_id}:{plan.year}"] = target.target

    findings = [f for w in walks for f in w.findings]
    per_year = defaultdict(list)
    for finding in findings:
        per_year[to_local(finding.created_at).year].append(finding)
    for year, found in per_year.items():
        fixed = [f for f in found if f.status in (FindingStatus.FIXED, FindingStatus.VERIFIED)]
        out[f"findings:{year}"] = len(found)
        out[f"fixed:{year}"] = len(fixed)
        out[f"fixedshare:{year}"] = round(100 * len(fixed) / len(found), 1)
        days = [(f.fixed_at - f.created_at).total_seconds() / 86400 for f in fixed if f.fixed_at]
        if days:
            out[f"median:{year}"] = round(statistics.median(days), 1)
        for finding in found:
            key = f"category:{finding.category_id}:{year}"
            out[key] = out.get(key, 0) + 1
    for finding in findings:  # found again after an earlier one at the place was fixed
        if any(o.id != finding.id and o.building_id == finding.building_id
               and o.category_id == finding.category_id and o.fixed_at
               and o.fixed_at < finding.created_at for o in findings):
            key = f"recurring:{finding.building_id}:{finding.category_id}"
            out[key] = out.get(key, 0) + 1

    results = db.session.scalars(db.select(SurveyResult).where(
        SurveyResult.district_id == district_id).order_by(SurveyResult.year)).all()
    previous = None
    for result in results:
        out[f"respondents:{result.year}"] = result.respondents
        for key, column in QUESTION_COLUMNS.items():
            share = getattr(result, column)
            if share is not None:
                out[f"share:{key}:{result.year}"] = share
                before = getattr(previous, column) if previous else None
                if before is not None:
                    out[f"change:{key}:{result.year}"] = round(share - before, 1)
        previous = result
    return out


def test_every_number_on_the_analysis_pages_is_a_direct_count(client, login, app, seeded):
    login("manager")
    for name in ("Fittja", "Alby", "Norsborg"):
        _check_page(client, app, seeded[name])


def _check_page(client, app, district_id: int) -> None:
    html = client.get(f"/programme/districts/{district_id}?year=2020", headers=SV).get_data(
        as_text=True)
    shown = re.findall(r'<span data-n="([^"]+)">([^<]*)</span>', html)
    assert len(shown) > 100
    with app.app_context():
        expected = _expected(district_id)
    checked = 0
    for key, text in shown:
        want = expected.get(key, 0)  # an empty cell of the table is a true 0
        assert _value(text) == pytest.approx(want, abs=0.051), key
        checked += 1
    assert checked == len(shown)
    # The walks chart's own table: completed walks per year.
    chart = html.split('id="walks-chart-title"')[1].split("</details>")[0]
    rows = re.findall(r'<th scope="row">(\d{4})</th><td class="num">(\d+)</td>', chart)
    assert rows and all(int(n) == expected.get(f"walks:{y}", 0) for y, n in rows)
    # No other number in a table cell escapes the check: cells hold only checked spans.
    tables = re.sub(r'<details class="chart-table">.*?</details>', "", html, flags=re.S)
    for cell in re.findall(r'<td class="(?:num|change)">(.*?)</td>', tables, flags=re.S):
        rest = re.sub(r'<span data-n="[^"]+">[^<]*</span>', "", cell)
        assert not re.search(r"\d", re.sub(r"<[^>]+>", "", rest)), cell


def test_demo_matches_the_published_figures(client, login, app, seeded):
    login("manager")
    with app.app_context():
        walks_2019 = db.session.scalar(db.select(db.func.count(Walk.id)).where(
            Walk.status == WalkStatus.COMPLETED,
            Walk.completed_at >= to_local_start(2019), Walk.completed_at < to_local_start(2020)))
        planned = dict(db.session.execute(
            db.select(MeasureType.slug, db.func.sum(db.literal_column("plan_targets.target")))
            .select_from(DistrictPlan).join(DistrictPlan.targets).join(MeasureType)
            .where(DistrictPlan.year == 2020).group_by(MeasureType.slug)).all())
    assert walks_2019 == 27
    assert planned["courtyard"] == 20 and planned["fire_training"] == 10
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id)).where(
            Finding.created_at < to_local_start(2020))) > 27

    html = client.get("/programme?year=2019", headers=SV).get_data(as_text=True)

    def row(row_id: str) -> str:
        part = html.split(f'id="{row_id}"')[1].split("</tr>")[0]
        return " ".join(re.sub(r"<[^>]+>", " ", part).split())

    fittja = row(f"compare-survey-overall-{seeded['Fittja']}")
    assert "+7,2 procentenheter sannolikt en verklig förändring" in fittja
    alby = row(f"compare-survey-evening-{seeded['Alby']}")
    assert "57,7 % +5,7 procentenheter sannolikt en verklig förändring" in alby
    together = row("compare-survey-overall-all")
    assert "67,5 % +2,9 procentenheter" in together


def to_local_start(year: int):
    from app.periods import utc_bound

    return utc_bound(date(year, 1, 1))

