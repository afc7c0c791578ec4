"""Nearest-building query with 50,000 buildings: box-narrowed SQL vs measuring every row.

Usage: python scripts/bench_nearest.py [BUILDINGS] [QUERIES] [DATABASE_URL]
Prints median and 95th-percentile milliseconds per query and the query plan.
"""

import os
import random
import statistics
import sys
import tempfile
import time

from sqlalchemy import select, text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Building, District  # noqa: E402
from app.places.geo import distance_m, nearest_buildings  # noqa: E402


def main() -> None:
    buildings = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    tmp = tempfile.mkdtemp()
    url = sys.argv[3] if len(sys.argv) > 3 else f"sqlite:///{tmp}/bench.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": f"{tmp}/uploads"})
    rnd = random.Random(1)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        district = District(name="Bench", code="BENCH")
        db.session.add(district)
        db.session.flush()
        # Greater Stockholm: about 60 × 55 km.
        rows = [
            {"code": f"B{i:06d}", "address": f"Gatan {i}", "district_id": district.id,
             "latitude": rnd.uniform(59.0, 59.55), "longitude": rnd.uniform(17.5, 18.5)}
            for i in range(buildings)
        ]
        db.session.execute(Building.__table__.insert(), rows)
        db.session.commit()
        points = [(rnd.uniform(59.0, 59.55), rnd.uniform(17.5, 18.5)) for _ in range(queries)]

        timings = []
        found = 0
        for lat, lon in points:
            start = time.perf_counter()
            found += len(nearest_buildings(db.session, lat, lon, radius_m=200, limit=3))
            timings.append((time.perf_counter() - start) * 1000)

        naive = []
        for lat, lon in points[:20]:
            start = time.perf_counter()
            every = db.session.execute(select(Building.id, Building.latitude, Building.longitude))
            sorted((distance_m(lat, lon, b_lat, b_lon), b_id) for b_id, b_lat, b_lon in every)[:3]
            naive.append((time.perf_counter() - start) * 1000)

        if db.engine.dialect.name == "sqlite":
            plan = db.session.execute(text(
                "EXPLAIN QUERY PLAN SELECT * FROM buildings WHERE latitude BETWEEN 59.2 AND 59.21 "
                "AND longitude BETWEEN 17.8 AND 17.81")).all()
            plan_text = "; ".join(str(row[-1]) for row in plan)
        else:
            plan_text = "(see EXPLAIN on PostgreSQL)"

    def p95(values):
        return sorted(values)[int(len(values) * 0.95) - 1]

    print(f"buildings: {buildings:,}  queries: {queries}  database: {url.split(':')[0]}")
    print(f"{'method':<28}{'median ms':>10}{'p95 ms':>10}")
    print(f"{'box in SQL + geodesic':<28}{statistics.median(timings):>10.2f}{p95(timings):>10.2f}")
    print(f"{'measure every building':<28}{statistics.median(naive):>10.2f}{p95(naive):>10.2f}")
    print(f"buildings found per query (mean): {found / queries:.2f}")
    print(f"query plan: {plan_text}")


if __name__ == "__main__":
    main()
