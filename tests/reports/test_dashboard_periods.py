"""A dashboard's body is kept per state of its period's data (page_cache.period_token): a
finding posted today leaves last year's, last quarter's and last month's dashboards as they
were kept, while every change that reaches a period (a finding found in it, moved into or out
of it, fixed or deleted, "overdue now", which ignores the period, a walk) shows there at once.
"""

import random
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app import page_cache
from app.extensions import db
from app.models import Finding, FindingStatus, Walk
from app.timeutil import LOCAL, local_today

KEPT = 'kept;desc="dashboard"'


def _figure(page: str, name: str) -> int:
    match = re.search(rf'id="n-{name}"><dt>[^<]*</dt><dd>(\d+)', page)
    assert match, page[page.find("<main"):][:1500]
    return int(match.group(1))


def _main(page: str) -> str:
    """What the dashboard shows, without what differs per request (CSRF token, CSP nonce)."""
    main = page[page.find("<main"):page.find("</main>")]
    return re.sub(r'(name="csrf_token"[^>]*value|nonce)="[^"]*"', r'\1=""', main)


def _moment(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), LOCAL).astimezone(UTC)


def _fixed_now(app, finding_id: int) -> None:
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        finding.status, finding.fixed_at = FindingStatus.FIXED, datetime.now(UTC)
        db.session.commit()


@pytest.fixture
def town(make):
    fittja, alby = make.district("Fittja"), make.district("Alby")
    walker = make.user("walker")
    walks = [make.walk(fittja, "completed"), make.walk(alby, "completed")]
    houses = [make.building(fittja, code="F-1"), make.building(alby, code="A-1")]
    return {"make": make, "walker": walker, "walks": walks, "houses": houses,
            "districts": [fittja, alby]}


def _urls(today: date) -> list[str]:
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    return [f"/reports?year={today.year - 1}", f"/reports?year={today.year}",
            f"/reports?period=quarter&year={today.year}&quarter={quarter}",
            f"/reports?period=quarter&year={today.year - 1}&quarter=4",
            f"/reports?period=month&year={today.year}&month={today.month}",
            f"/reports?period=month&year={last_month.year}&month={last_month.month}"]


def test_a_finding_posted_today_leaves_earlier_periods_kept_and_shows_in_this_one(
        client, login, town):
    login("manager")
    make, today = town["make"], local_today()
    last_year = f"/reports?year={today.year - 1}"
    this_year = f"/reports?year={today.year}"
    make.finding(town["walks"][0], town["walker"], created_at=_moment(date(today.year - 1, 5, 2)))
    before = {url: client.get(url).text for url in (last_year, this_year)}
    assert _figure(before[last_year], "findings") == 1
    assert _figure(before[this_year], "findings") == 0

    make.finding(town["walks"][0], town["walker"])  # found now
    after = {url: client.get(url) for url in (last_year, this_year)}
    assert KEPT in after[last_year].headers.get("Server-Timing", "")
    assert _main(after[last_year].text) == _main(before[last_year])
    assert KEPT not in after[this_year].headers.get("Server-Timing", "")
    assert _figure(after[this_year].text, "findings") == 1


def test_fixing_an_overdue_finding_of_this_year_shows_on_last_years_dashboard(
        app, client, login, town):
    """"Overdue now" ignores the period: last year's dashboard counts this year's overdue
    finding, and stops counting it once it is fixed."""
    login("manager")
    make, today = town["make"], local_today()
    last_year = f"/reports?year={today.year - 1}"
    make.finding(town["walks"][0], town["walker"], created_at=_moment(date(today.year - 1, 3, 1)))
    late = make.finding(town["walks"][1], town["walker"], created_at=_moment(today.replace(day=1)),
                        status=FindingStatus.ASSIGNED, due_date=today - timedelta(days=1))
    assert _figure(client.get(last_year).text, "overdue") == 1
    _fixed_now(app, late)
    assert _figure(client.get(last_year).text, "overdue") == 0


def test_an_old_finding_fixed_today_shows_in_its_year(app, client, login, town):
    login("manager")
    make, today = town["make"], local_today()
    last_year = f"/reports?year={today.year - 1}"
    old = make.finding(town["walks"][0], town["walker"],
                       created_at=_moment(date(today.year - 1, 11, 20)))
    assert _figure(client.get(last_year).text, "fixed") == 0
    _fixed_now(app, old)
    assert _figure(client.get(last_year).text, "fixed") == 1


def test_random_changes_every_kept_dashboard_equals_one_computed_afresh(app, client, login,
                                                                      town):
    """New findings (now and in the past), fixes, reopenings, due dates passed and moved,
    moves in time, deletions, walks moved between districts, in a seeded random order: after
    each commit every period's dashboard (all districts and one) as served, kept or not,
    equals the same dashboard computed with nothing kept."""
    login("manager")
    rng = random.Random(7)
    make, today = town["make"], local_today()
    start = date(today.year - 1, 1, 1)
    urls = _urls(today)
    urls += [f"{url}&district={town['districts'][0]}" for url in urls[:3]]

    def some_day() -> date:
        return start + timedelta(days=rng.randint(0, (today - start).days))

    for _ in range(6):
        make.finding(rng.choice(town["walks"]), town["walker"], created_at=_moment(some_day()),
                     building_id=rng.choice(town["houses"]))
    for url in urls:
        client.get(url)
    kept = 0
    for _step in range(30):
        with app.app_context():
            ids = db.session.scalars(select(Finding.id)).all()
        action = rng.choice(["now", "now", "past", "fix", "reopen", "due", "move", "delete",
                             "walk"])
        if action in ("now", "past") or not ids:
            extra = {"created_at": _moment(some_day())} if action == "past" else {}
            make.finding(rng.choice(town["walks"]), town["walker"],
                         rng.choice(["lighting", "litter"]),
                         building_id=rng.choice(town["houses"]), **extra)
        elif action == "walk":
            with app.app_context():
                walk = db.session.get(Walk, rng.choice(town["walks"]))
                walk.district_id = rng.choice(town["districts"])
                db.session.commit()
        else:
            with app.app_context():
                finding = db.session.get(Finding, rng.choice(ids))
                if action == "fix":
                    finding.status = FindingStatus.FIXED
                    finding.fixed_at = finding.created_at + timedelta(days=rng.randint(0, 20))
                elif action == "reopen":
                    finding.status, finding.fixed_at = FindingStatus.ASSIGNED, None
                elif action == "due":
                    finding.due_date = today + timedelta(days=rng.choice([-30, -1, 5]))
                elif action == "move":
                    finding.created_at = _moment(some_day())
                else:
                    db.session.delete(finding)
                db.session.commit()
        served = {url: client.get(url) for url in urls}
        kept += sum(KEPT in answer.headers.get("Server-Timing", "") for answer in served.values())
        page_cache.clear()
        for url in urls:
            assert _main(served[url].text) == _main(client.get(url).text), (action, url)
    # Not a vacuous check: many answers were kept bodies, and many were computed.
    assert 30 < kept < 30 * len(urls) - 30, kept
