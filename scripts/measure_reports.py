"""Print how long the dashboard takes on a database: whole requests and each SQL statement.

    DATABASE_URL=postgresql://…/trygg_scale_x SECRET_KEY=x .venv/bin/python \
        scripts/measure_reports.py [--district N] [--repeat 5] [--explain] [--live]

Logs in as the scale manager (app/seeding/scale.py) with Flask's test client, requests
`/reports` (all districts, this year) and `/reports?district=N`, and prints each request's
median time and its statements, slowest first (with EXPLAIN ANALYZE for the slowest three
when asked). `--live` reads the findings directly, as while the facts are marked stale.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from sqlalchemy import event, select

from app import create_app
from app.extensions import db
from app.models import District
from app.reports import rollups
from app.seeding.scale import SCALE_MANAGER, SCALE_PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--district", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--live", action="store_true")
    options = parser.parse_args()
    if options.live:
        rollups.is_stale = lambda session: True

    app = create_app()
    statements: list[tuple[float, str, object]] = []

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _start(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("t0", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _end(conn, cursor, statement, parameters, context, executemany):
            took = time.perf_counter() - conn.info["t0"].pop()
            statements.append((took, statement, parameters))

        district = options.district or db.session.scalar(
            select(District.id).order_by(District.id).limit(1))
        db.session.remove()

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": SCALE_MANAGER, "password": SCALE_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    answer = client.post("/login", data=data)
    assert answer.status_code in (302, 303), "log-in failed: is the scale data seeded?"

    for label, url in (("all districts, this year", "/reports"),
                       (f"district {district}, this year", f"/reports?district={district}")):
        client.get(url)  # warm caches
        times = []
        for _ in range(options.repeat):
            statements.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        took = sorted(statements, key=lambda s: -s[0])
        print(f"\n{label}: {url}")
        print(f"  request median {1000 * statistics.median(times):.1f} ms "
              f"(min {1000 * min(times):.1f}, max {1000 * max(times):.1f}, n={len(times)}); "
              f"{len(took)} statements, {1000 * sum(t for t, _s, _p in took):.1f} ms in SQL")
        for seconds, statement, _params in took[:8]:
            print(f"  {1000 * seconds:8.1f} ms  {' '.join(statement.split())[:110]}")
        if options.explain:
            with app.app_context():
                for _seconds, statement, params in took[:3]:
                    if not statement.lstrip().upper().startswith("SELECT"):
                        continue
                    rows = db.session.connection().exec_driver_sql(
                        "EXPLAIN ANALYZE " + statement, params).all()
                    print("  ---- EXPLAIN ANALYZE " + " ".join(statement.split())[:80])
                    for (line,) in rows:
                        if any(word in line for word in ("Execution Time", "Scan", "Sort",
                                                         "Aggregate", "Hash", "WindowAgg")):
                            print("    " + line.strip()[:140])
                db.session.remove()


if __name__ == "__main__":
    main()
