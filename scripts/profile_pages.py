"""CPU per manager page, measured in one process: what each page kind costs the app itself,
apart from the database and the load client.

    .venv/bin/python scripts/bench_scale.py --db postgresql://…/db --no-seed --dump-urls /tmp/u
    .venv/bin/python scripts/profile_pages.py --db postgresql://…/db --urls /tmp/u
    .venv/bin/python scripts/profile_pages.py … --kinds list,detail --profile /tmp/p --sql /tmp/s

Logs in as the scale data set's manager (`flask seed-scale`), asks the first N URLs of each
kind through Flask's test client (after a few others to warm up) and prints
per kind the median and p95 CPU time of a request (time.process_time: the app's Python and
the database driver, not the database server), its wall time, statements and their wall
time. `--profile DIR` writes a cProfile per kind (CPU clock; it inflates code made of many
small calls, templates above all, so compare figures measured without it), `--sql DIR` the
kind's costliest statements with their parameters (for EXPLAIN ANALYZE).

On a shared machine CPU time still moves by ~10 % from one run to the next: to compare two
versions, run this from both checkouts at the same time (each then meets the same load).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="DATABASE_URL of the scale data set")
    parser.add_argument("--urls", required=True, help="bench_scale.py --dump-urls output")
    parser.add_argument("--n", type=int, default=60, help="URLs per kind")
    parser.add_argument("--kinds", help="comma-separated; default all in the file")
    parser.add_argument("--profile", metavar="DIR", help="a cProfile per kind (CPU clock)")
    parser.add_argument("--sql", metavar="DIR", help="the costliest statements per kind")
    parser.add_argument("--slowest", type=int, default=0, metavar="K",
                        help="print each kind's K slowest URLs (wall ms)")
    options = parser.parse_args()

    os.environ.update({"DATABASE_URL": options.db,
                       "SECRET_KEY": os.environ.get("SECRET_KEY", "profile-pages")})
    os.environ.pop("TRYGG_DEV", None)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from app.seeding.scale import SCALE_MANAGER, SCALE_PASSWORD

    pools: dict[str, list[str]] = defaultdict(list)
    for line in Path(options.urls).read_text().splitlines():
        kind, path = line.split("\t")
        pools[kind].append(path)
    kinds = options.kinds.split(",") if options.kinds else list(pools)

    app = create_app()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": SCALE_MANAGER, "password": SCALE_PASSWORD,
                                            "csrf_token": token.group(1) if token else ""})
    if response.status_code not in (302, 303):
        sys.exit(f"could not log in as {SCALE_MANAGER}")

    sql = {"n": 0, "s": 0.0}
    statements: dict[str, list] = {}
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _started(conn, cursor, statement, params, context, executemany):
        context._profile_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _done(conn, cursor, statement, params, context, executemany):
        took = time.perf_counter() - context._profile_started
        sql["n"] += 1
        sql["s"] += took
        seen = statements.setdefault(statement, [0, 0.0, params])
        seen[0] += 1
        seen[1] += took

    print(f"{'kind':8} {'n':>4} {'CPU p50':>8} {'CPU p95':>8} {'wall p50':>9} "
          f"{'statements':>10} {'SQL wall':>9}  (ms per request)")
    for kind in kinds:
        urls = pools[kind]
        headers = {"Accept": "application/json"} if kind == "map" else {}
        for path in urls[-5:]:
            client.get(path, headers=headers)
        statements.clear()
        profile = cProfile.Profile(time.process_time) if options.profile else None
        cpu, wall, counts, sql_wall = [], [], [], []
        for path in urls[:options.n]:
            sql["n"], sql["s"] = 0, 0.0
            started_cpu, started = time.process_time(), time.perf_counter()
            if profile:
                profile.enable()
            response = client.get(path, headers=headers)
            if profile:
                profile.disable()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            counts.append(sql["n"])
            sql_wall.append(sql["s"])
            if response.status_code != 200:
                sys.exit(f"{path}: {response.status_code}")
        cpu.sort()
        n = len(cpu)
        print(f"{kind:8} {n:>4} {1000 * statistics.median(cpu):>8.1f} "
              f"{1000 * cpu[max(0, int(0.95 * n) - 1)]:>8.1f} "
              f"{1000 * statistics.median(wall):>9.1f} {sum(counts) / n:>10.1f} "
              f"{1000 * sum(sql_wall) / n:>9.1f}", flush=True)
        slowest = sorted(zip(wall, urls[:n], strict=True), reverse=True)
        for seconds, path in slowest[:options.slowest]:
            print(f"    {1000 * seconds:8.1f}  {path}")
        if profile:
            Path(options.profile).mkdir(parents=True, exist_ok=True)
            profile.dump_stats(Path(options.profile) / f"{kind}.prof")
        if options.sql:
            Path(options.sql).mkdir(parents=True, exist_ok=True)
            costliest = sorted(statements.items(), key=lambda item: -item[1][1])[:8]
            with open(Path(options.sql) / f"{kind}.txt", "w") as out:
                for statement, (times, seconds, params) in costliest:
                    out.write(f"-- {times} times, {1000 * seconds / n:.1f} ms per request\n"
                              f"{statement}\n-- parameters (one run): {params}\n\n")


if __name__ == "__main__":
    main()
