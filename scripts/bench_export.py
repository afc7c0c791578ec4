"""Benchmark: export 100,000 findings as CSV and XLSX jobs and show that memory stays flat.

Creates a temporary SQLite database, fills it with findings (bulk inserts), then runs the
export job (app/exports/operations.run_export, what the RQ worker runs) for CSV and XLSX.
For each export it prints the time, the file's size, its row count checked against the
file itself (CSV: parsed back), and the process's resident memory before and at its peak
during the export (sampled every 5 ms from /proc). The same exports of a tenth of the rows
(one district of ten) show whether memory grows with rows.

    .venv/bin/python scripts/bench_export.py [--rows 100000]

With `--db URL` it uses that database as it is (seeded by `flask seed-scale`, e.g. the
scale database of scripts/bench_scale.py) instead: it exports ALL findings as CSV as the
scale manager, checks the file's rows against `count(*)` of the findings table and the row
count in the download's name, prints the time, memory and rows per second with the time
extrapolated to 1,000,000 findings, and then downloads the finished file through gunicorn
(2 sync workers, the repository's timeout) as a client would, counting its lines.

    .venv/bin/python scripts/bench_export.py --db postgresql://postgres@127.0.0.1:5432/mydb
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.findings.operations.catalog import ensure_defaults  # noqa: E402
from app.models import (  # noqa: E402
    Building,
    Category,
    District,
    Finding,
    LightCondition,
    Role,
    User,
    Walk,
    WalkStatus,
)

DISTRICTS = 10


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = rss_mib()
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.005)

    def stop(self) -> float:
        self.running = False
        self.join()
        return max(self.peak, rss_mib())


def seed(rows: int) -> None:
    ensure_defaults(db.session)
    user = User(email="bench@example.org", name="Bänk Användare", role=Role.MANAGER,
                password_hash="x", active=True)
    db.session.add(user)
    districts = [District(name=f"Distrikt {n}", code=f"D{n}") for n in range(DISTRICTS)]
    db.session.add_all(districts)
    db.session.flush()
    buildings = [Building(code=f"B-{d.id}-{n}", address=f"Gatan {n}, Åby", district_id=d.id,
                          latitude=59.24, longitude=17.86) for d in districts for n in range(20)]
    now = datetime.now(UTC)
    walks = [Walk(district_id=d.id, title=f"Vandring {d.name}", planned_start=now,
                  light_condition=LightCondition.DARK, status=WalkStatus.COMPLETED,
                  completed_at=now) for d in districts]
    db.session.add_all(buildings + walks)
    db.session.flush()
    categories = [c.id for c in db.session.scalars(db.select(Category))]
    batch = []
    for n in range(rows):
        walk = walks[n % DISTRICTS]
        created = now - timedelta(minutes=n)
        batch.append({
            "uuid": str(uuid.uuid4()), "walk_id": walk.id,
            "building_id": buildings[(n % DISTRICTS) * 20 + n % 20].id,
            "category_id": categories[n % len(categories)], "author_id": user.id,
            "description": f"Trasig belysning vid källardörren, för mörkt på gården #{n}",
            "created_at": created, "updated_at": created, "latitude": 59.2472,
            "longitude": 17.861, "responsible_party": "Fastighetsskötsel",
        })
        if len(batch) == 10_000:
            db.session.execute(insert(Finding), batch)
            batch = []
    if batch:
        db.session.execute(insert(Finding), batch)
    db.session.commit()


def measure(user_id: int, url: str) -> dict:
    import csv
    from urllib.parse import parse_qsl, urlsplit

    from werkzeug.datastructures import MultiDict

    from app.exports import operations as ops
    from app.models import ExportJob

    parts = urlsplit(url)
    kind, file_format = parts.path.rsplit("/", 1)[1].split(".")
    job = ops.start_export(db.session, user=db.session.get(User, user_id), kind=kind,
                           file_format=file_format, args=MultiDict(parse_qsl(parts.query)),
                           locale="sv")
    db.session.commit()
    job_id = job.id
    base = rss_mib()
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    ops.run_export(job_id)
    elapsed = time.perf_counter() - started
    peak = sampler.stop()
    job = db.session.get(ExportJob, job_id)
    path = ops.file_path(job)
    if file_format == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            in_file = sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
    else:
        in_file = job.row_count  # openpyxl would load it all; the job counted what it wrote
    return {"url": url, "status": job.status.value, "seconds": elapsed,
            "mib": path.stat().st_size / 2**20, "rss_before": base, "rss_peak": peak,
            "rows": job.row_count, "rows_in_file": in_file}


def csv_rows(path) -> int:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh, delimiter=";")) - 1


def download_through_gunicorn(db_url: str, export_folder: str, export_id: int) -> dict:
    """GET the finished file from gunicorn as the scale manager; count its CSV rows."""
    import csv
    import io
    import re
    import urllib.request

    from bench_scale import HOST, Session, start_gunicorn, stop

    from app.seeding.scale import SCALE_MANAGER, SCALE_PASSWORD

    port = 5290
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-export-secret",
           "EXPORT_FOLDER": export_folder, "WTF_CSRF_SSL_STRICT": "0", "JOBS_MODE": "sync"}
    env.pop("TRYGG_DEV", None)
    # The repository's gunicorn.conf.py (worker class, timeout), 2 workers.
    server = start_gunicorn("wsgi:app", port, env, "gunicorn.conf.py", ["--workers", "2"])
    try:
        client = Session(port)
        client.login(SCALE_MANAGER, SCALE_PASSWORD)
        request = urllib.request.Request(
            f"http://{HOST}:{port}/exports/{export_id}/download",
            headers={"Accept-Encoding": "identity"})
        started = time.perf_counter()
        with client.opener.open(request, timeout=600) as response:
            name = re.search(r'filename="?([^";]+)', response.headers["Content-Disposition"])
            header_rows = int(response.headers["X-Row-Count"])
            text = io.TextIOWrapper(response, encoding="utf-8-sig", newline="")
            rows = sum(1 for _ in csv.reader(text, delimiter=";")) - 1
            status = response.status
        return {"status": status, "seconds": time.perf_counter() - started, "rows": rows,
                "header_rows": header_rows, "name": name.group(1) if name else "?"}
    finally:
        stop(server)


def bench_database(db_url: str) -> None:
    """Export every finding of an existing (scale) database; see the module's docstring."""
    from sqlalchemy import func, select

    from app.exports import operations as ops
    from app.exports.queries import download_name
    from app.models import ExportJob
    from app.seeding.scale import SCALE_MANAGER

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp(prefix="trygg-bench-export-")
    try:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": db_url,
                          "EXPORT_FOLDER": tmp, "JOBS_MODE": "sync"})
        with app.app_context():
            in_db = db.session.scalar(select(func.count()).select_from(Finding))
            user = db.session.scalar(select(User).where(User.email == SCALE_MANAGER))
            if user is None:
                sys.exit(f"{SCALE_MANAGER} not found: seed the database with flask seed-scale")
            print(f"database: {db_url.split('@')[-1]}, {in_db:,} findings")
            job = ops.start_export(db.session, user=user, kind="findings", file_format="csv",
                                   args=MultiDict(), locale="sv")
            db.session.commit()
            job_id = job.id
            base = rss_mib()
            sampler = PeakSampler()
            sampler.start()
            started, cpu = time.perf_counter(), time.process_time()
            ops.run_export(job_id)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            peak = sampler.stop()
            job = db.session.get(ExportJob, job_id)
            path = ops.file_path(job)
            in_file = csv_rows(path)
            name = download_name(job)
            print(f"export job: {job.status.value}, {elapsed:.1f} s, "
                  f"{cpu:.1f} s CPU in this process, "
                  f"{path.stat().st_size / 2**20:.0f} MiB, {job.row_count:,} rows "
                  f"({job.row_count / elapsed:,.0f} rows/s), {in_file:,} rows in the file, "
                  f"name {name}")
            print(f"memory: RSS {base:.0f} MiB before, {peak:.0f} MiB at the peak "
                  f"(+{peak - base:.0f} MiB)")
            print(f"extrapolated to 1,000,000 findings: {elapsed * 1e6 / job.row_count:.0f} s "
                  f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            complete = job.row_count == in_file == in_db and f"-{in_db}-rows." in name
            print(f"complete: {'yes' if complete else 'NO'} "
                  f"(database {in_db:,}, job {job.row_count:,}, file {in_file:,})")
            db.session.remove()
            db.engine.dispose()
        got = download_through_gunicorn(db_url, tmp, job_id)
        ok = got["status"] == 200 and got["rows"] == got["header_rows"] == in_db
        print(f"download through gunicorn: HTTP {got['status']}, {got['seconds']:.1f} s, "
              f"{got['rows']:,} rows read (X-Row-Count {got['header_rows']:,}, "
              f"{got['name']}): {'complete' if ok else 'INCOMPLETE'}")
        if not (complete and ok):
            sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", help="an existing (scale-seeded) database: export all of it")
    args = parser.parse_args()
    if args.db:
        bench_database(args.db)
        return
    tmp = tempfile.mkdtemp(prefix="trygg-bench-")
    try:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "UPLOAD_FOLDER": f"{tmp}/uploads", "EXPORT_FOLDER": f"{tmp}/exports",
            "JOBS_MODE": "sync",
        })
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed(args.rows)
            print(f"seeded {args.rows:,} findings in {time.perf_counter() - started:.1f} s")
            user_id = db.session.scalar(db.select(User.id))
            district_id = db.session.scalar(db.select(District.id).order_by(District.id))
            print(f"{'export':<36} {'s':>6} {'MiB':>6} {'rows':>8} {'in file':>8} "
                  f"{'RSS before':>11} {'RSS peak':>9}")
            for url in [
                f"/exports/findings.csv?district={district_id}",
                "/exports/findings.csv",
                f"/exports/findings.xlsx?district={district_id}",
                "/exports/findings.xlsx",
            ]:
                r = measure(user_id, url)
                assert r["status"] == "done" and r["rows"] == r["rows_in_file"], r
                print(f"{url:<36} {r['seconds']:>6.2f} {r['mib']:>6.1f} {r['rows']:>8,} "
                      f"{r['rows_in_file']:>8,} {r['rss_before']:>9.1f} M "
                      f"{r['rss_peak']:>7.1f} M")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
