"""Where the time of each manager page goes, statement by statement, in one process.

    .venv/bin/python scripts/profile_scale.py --db postgresql://…/trygg_scale_x [--explain]

Uses a database seeded by `flask seed-scale` (scripts/bench_scale.py seeds one), requests
each page of issue 11's table (without /reports) with Flask's test client, as the scale
manager or walker, and prints for each: the median wall time of `--repeat` requests, the
number of SQL statements and their time, and the slowest statement. `--explain` prints
EXPLAIN ANALYZE (PostgreSQL: with BUFFERS) of every statement slower than `--slow` ms.
No server, no concurrency: this is the work one request does, which bench_scale.py
multiplies under load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--slow", type=float, default=5.0, help="ms; statements to explain")
    parser.add_argument("--only", help="comma-separated page keys")
    options = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": options.db, "SECRET_KEY": "profile",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": "/tmp/trygg-profile-uploads"})
    statements: list[tuple[float, str, object]] = []

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("started", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            started = conn.info["started"].pop()
            statements.append(((time.perf_counter() - started) * 1000, statement, parameters))

        from app.models import DONE_STATUSES, Category, District, Finding, User, Walk, WalkStatus
        from app.seeding import scale

        s = db.session
        district = s.scalar(select(District.id).where(
            District.code == scale.CODE_PREFIX + "001"))
        category = s.scalar(select(Category.id).where(Category.slug == "doors_locks"))
        walker = s.scalar(select(User.id).where(User.email == scale.SCALE_WALKER))
        walk = s.scalar(select(Walk.id).where(Walk.leader_id == walker,
                                              Walk.status == WalkStatus.IN_PROGRESS).limit(1))
        open_id = s.scalar(select(Finding.id).where(
            Finding.status.not_in(list(DONE_STATUSES)), Finding.latitude.is_not(None))
            .order_by(Finding.id.desc()).limit(1))
        point = s.execute(select(Finding.latitude, Finding.longitude)
                          .where(Finding.walk_id == walk).limit(1)).first() or (59.2, 17.8)
        s.remove()

    def body():
        return json.dumps({"uuid": str(uuid.uuid4()), "category_id": category,
                           "severity": "medium", "place_type": "entrance",
                           "description": "Belysningen vid porten är trasig",
                           "latitude": point[0], "longitude": point[1]})

    pages = [
        ("list", "manager", "GET", "/findings"),
        ("filtered", "manager", "GET",
         f"/findings?district={district}&status=open&category={category}"),
        ("search", "manager", "GET", "/findings?q=" + urllib.parse.quote("uppställd")),
        # A rare text: only the findings POSTed by these scripts have it.
        ("rare", "manager", "GET", "/findings?q=" + urllib.parse.quote("porten är trasig")),
        ("map", "manager", "GET", "/findings/map"),
        ("mapbox", "manager", "GET",
         f"/findings/map?bbox={point[0] - 0.05},{point[1] - 0.1},{point[0] + 0.05},"
         f"{point[1] + 0.1}"),
        ("detail", "manager", "GET", f"/findings/{open_id}"),
        ("walks", "walker", "GET", "/api/v1/walks"),
        ("post", "walker", "POST", f"/api/v1/walks/{walk}/findings"),
    ]
    if options.only:
        keep = set(options.only.split(","))
        pages = [p for p in pages if p[0] in keep]
    clients = {}
    for role, email in (("manager", scale.SCALE_MANAGER), ("walker", scale.SCALE_WALKER)):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": scale.SCALE_PASSWORD})
        assert response.status_code in (302, 303), response.status_code
        clients[role] = client

    print("| page | wall p50 | statements | SQL ms | slowest statement |")
    print("| --- | --- | --- | --- | --- |")
    slow: list[tuple[str, float, str, object]] = []
    for key, role, method, path in pages:
        client = clients[role]
        walls, counts, sql = [], [], []
        for n in range(options.repeat + 1):
            statements.clear()
            started = time.perf_counter()
            if method == "GET":
                accept = "application/json" if key == "mapbox" else "text/html"
                response = client.get(path, headers={"Accept-Encoding": "identity",
                                                     "Accept": accept})
            else:
                response = client.post(path, data=body(), content_type="application/json")
            wall = (time.perf_counter() - started) * 1000
            assert response.status_code < 400, (path, response.status_code)
            if n == 0:
                continue  # warm-up
            walls.append(wall)
            counts.append(len(statements))
            sql.append(sum(ms for ms, _s, _p in statements))
        worst = max(statements, key=lambda x: x[0])
        print(f"| {key} | {statistics.median(walls):.1f} ms | {statistics.median(counts):.0f} "
              f"| {statistics.median(sql):.1f} | {worst[0]:.1f} ms: "
              f"{' '.join(worst[1].split())[:90]} |", flush=True)
        slow += [(key, ms, st, params) for ms, st, params in statements
                 if ms >= options.slow and st.lstrip().upper().startswith(("SELECT", "WITH"))]

    if options.explain:
        with app.app_context(), db.engine.connect() as conn:
            pg = conn.dialect.name == "postgresql"
            for key, ms, statement, params in slow:
                print(f"\n### {key}: {ms:.1f} ms\n{' '.join(statement.split())[:600]}")
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
                cursor = conn.connection.cursor()
                cursor.execute(prefix + statement, params)
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(c) for c in row))
                cursor.close()
            conn.rollback()


if __name__ == "__main__":
    main()
