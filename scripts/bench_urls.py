"""The manager's findings pages on many distinct URLs, computed, in one process.

    .venv/bin/python scripts/bench_urls.py --db postgresql://…/trygg_pf [--urls 150] [--seed 7]
    .venv/bin/python scripts/bench_urls.py --db sqlite:////tmp/trygg-100k.db --only search

Uses a database seeded by `flask seed-scale`. Draws `--urls` distinct URLs per page kind from
the data, as managers use the pages: the list with random filters (district, building,
status, category, dates, assignee, page 1-40), a search word with such filters, the map's
JSON answer after a pan (a box around a random district, maybe filtered) and the page of a
random finding; requests each once with Flask's test client as the scale manager and prints
p50/p95/max per kind and the slowest URLs. The same `--seed` draws the same URLs, so runs
compare. No server, no concurrency: the work one request does (bench_scale.py puts it under
load). The machine's load average is printed before and after, as the figures depend on it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

KINDS = ("list", "search", "map", "detail")
# Words a manager might search for: in the findings' texts (common and rare), in addresses,
# category names, a finding's number.
WORDS = ["trasig", "belysning", "dörr", "klotter", "skräp", "mörk", "lampa", "källar",
         "uppställd", "gunga", "trapphuset", "barnvagnar", "kvällen", "glasruta", "häcken",
         "cykel", "brandlarm", "övergiven", "lekplats", "tvättstugan", "Albyvägen",
         "Krögarvägen 1", "Storgatan", "Björkvägen 7", "S00012", "graffiti", "vegetation",
         "Boende har klagat", "snart", "barn passerar", "#1234", "armaturer", "garageporten",
         "busskuren", "grovsopor", "återvinningen", "möbler", "övergångsställe", "fort",
         "innergården", "sover", "parkeringen", "Kommunen", "Ingen åtgärd", "lås", "entrén",
         "gångväg", "xyzzy", "Slottsvägen 3", "Ekvägen"]
STATUSES = ["open", "done", "new", "acknowledged", "assigned", "in_progress", "fixed",
            "verified", "wont_fix"]


def data(session) -> dict:
    from app.findings.operations.assignment import assignable_users
    from app.models import Building, Category, District, Finding, User
    from app.seeding import scale

    districts = list(session.scalars(select(District.id).where(
        District.code.startswith(scale.CODE_PREFIX)).order_by(District.id)))
    lo, hi = session.execute(select(func.min(Finding.id), func.max(Finding.id))).one()
    first, last = session.execute(select(func.min(Finding.created_at),
                                         func.max(Finding.created_at))).one()
    centres = dict((d, (lat, lon)) for d, lat, lon in session.execute(
        select(Building.district_id, func.avg(Building.latitude), func.avg(Building.longitude))
        .where(Building.district_id.in_(districts)).group_by(Building.district_id)))
    buildings = list(session.scalars(select(Building.id).where(
        Building.district_id.in_(districts)).order_by(Building.id)))
    return {
        "districts": districts, "centres": centres, "buildings": buildings,
        "categories": list(session.scalars(select(Category.id).order_by(Category.id))),
        "staff": [u.id for u in assignable_users(session)],
        "ids": (lo, hi), "days": (first.date(), last.date()),
        "manager": session.scalar(select(User.email).where(User.email == scale.SCALE_MANAGER)),
    }


def filters(rnd: random.Random, d: dict, *, search: bool) -> dict:
    args: dict = {}
    roll = rnd.random()
    if roll < 0.5:
        args["district"] = rnd.choice(d["districts"])
    elif roll < 0.62 and not search:
        args["building"] = rnd.choice(d["buildings"])
    if rnd.random() < 0.5:
        args["status"] = rnd.choice(STATUSES)
    if rnd.random() < 0.4:
        args["category"] = rnd.choice(d["categories"])
    if rnd.random() < 0.2:
        first, last = d["days"]
        start = first + timedelta(days=rnd.randrange(max(1, (last - first).days)))
        args["date_from"] = start.isoformat()
        if rnd.random() < 0.7:
            args["date_to"] = min(last, start + timedelta(days=rnd.choice([7, 30, 90, 365])))\
                .isoformat()
    if rnd.random() < 0.15 and d["staff"]:
        args["assignee"] = rnd.choice(d["staff"] + [-1])
    return args


def urls(rnd: random.Random, d: dict, kind: str, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        if kind == "list":
            args = filters(rnd, d, search=False)
            args["page"] = rnd.choice([1, 1, 1, 2, 3] + list(range(1, 41)))
            url = "/findings?" + urllib.parse.urlencode(args)
        elif kind == "search":
            args = {"q": rnd.choice(WORDS), **filters(rnd, d, search=True)}
            args["page"] = rnd.choice([1, 1, 1, 2, 3, 5, 10])
            url = "/findings?" + urllib.parse.urlencode(args)
        elif kind == "map":
            args = filters(rnd, d, search=False) if rnd.random() < 0.5 else {}
            args.pop("building", None)
            lat, lon = d["centres"][rnd.choice(d["districts"])]
            lat += rnd.uniform(-0.02, 0.02)
            lon += rnd.uniform(-0.04, 0.04)
            h, w = rnd.choice([(0.01, 0.02), (0.02, 0.04), (0.05, 0.1)])
            args["bbox"] = f"{lat - h:.5f},{lon - w:.5f},{lat + h:.5f},{lon + w:.5f}"
            url = "/findings/map?" + urllib.parse.urlencode(args)
        else:
            url = f"/findings/{rnd.randint(*d['ids'])}"
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--urls", type=int, default=150, help="distinct URLs per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="comma-separated kinds: " + ", ".join(KINDS))
    parser.add_argument("--slowest", type=int, default=5, help="slowest URLs to print per kind")
    parser.add_argument("--width", type=int, default=160, help="characters of SQL to print")
    options = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": options.db, "SECRET_KEY": "bench-urls",
                      "WTF_CSRF_ENABLED": False,
                      "UPLOAD_FOLDER": "/tmp/trygg-bench-urls-uploads"})
    from app.seeding import scale

    statements: list[tuple[float, str]] = []
    with app.app_context():
        d = data(db.session)
        db.session.remove()

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("started", []).append(time.perf_counter())

        @event.listens_for(db.engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            started = conn.info["started"].pop()
            statements.append(((time.perf_counter() - started) * 1000, statement))
    rnd = random.Random(options.seed)
    kinds = options.only.split(",") if options.only else list(KINDS)
    drawn = {kind: urls(rnd, d, kind, options.urls) for kind in KINDS}
    client = app.test_client()
    response = client.post("/login", data={"email": scale.SCALE_MANAGER,
                                           "password": scale.SCALE_PASSWORD})
    assert response.status_code in (302, 303), response.status_code

    print(f"database: {options.db.split('@')[-1]}, one process, "
          f"{options.urls} distinct URLs per kind, seed {options.seed}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| page | p50 | p95 | max | SQL ms p50 / p95 | statements p50 | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    slowest: list[tuple[str, float, str, float, str]] = []
    for kind in kinds:
        headers = {"Accept": "application/json"} if kind == "map" else {"Accept": "text/html"}
        # Warm-up on other URLs of the kind (imports, templates, the database's cache).
        for url in urls(random.Random(options.seed + 1), d, kind, 3):
            client.get(url, headers=headers)
        times, errors, sql, counts = [], 0, [], []
        for url in drawn[kind]:
            statements.clear()
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code >= 400 and not (kind == "detail"
                                                    and response.status_code == 404):
                errors += 1
            times.append(elapsed)
            sql.append(sum(ms for ms, _s in statements))
            counts.append(len(statements))
            worst = max(statements, default=(0.0, ""))
            slowest.append((kind, elapsed, url, worst[0], " ".join(worst[1].split())))
        print(f"| {kind} | {statistics.median(times):.0f} ms | {p95(times):.0f} ms | "
              f"{max(times):.0f} ms | {statistics.median(sql):.0f} / {p95(sql):.0f} | "
              f"{statistics.median(counts):.0f} | {errors} |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for kind in kinds:
        worst = sorted((x for x in slowest if x[0] == kind), key=lambda x: -x[1])
        for _kind, ms, url, sql_ms, statement in worst[:options.slowest]:
            print(f"  {kind} {ms:.0f} ms {urllib.parse.unquote(url)}\n"
                  f"      slowest statement {sql_ms:.0f} ms: {statement[:options.width]}")


if __name__ == "__main__":
    main()
