"""Manager pages and API calls at scale, each paired with a hello-world in the same run.

    make bench-scale                      # PostgreSQL database trygg_scale, 1 M findings
    .venv/bin/python scripts/bench_scale.py --db postgresql://…/mydb --no-seed --only list,search
    .venv/bin/python scripts/bench_scale.py --db sqlite:////tmp/trygg-scale.db --findings 100000

Seeds the database with `flask seed-scale` unless it already holds the scale data set, starts
Trygg and a Flask hello-world under gunicorn with the same settings (2 sync workers by
default) on 127.0.0.1, then for each page runs `--clients` concurrent clients for
`--seconds`, right after the same load on the hello-world, and prints p50/p95 latency and
the page's req/s as a share of hello-world's. Bounded: a fixed time per page, a timeout per
request, only 127.0.0.1.

The load comes from a small threaded client on the standard library's http.client, spread
over a few processes (see the commit message for why not a load tool). The client itself
uses CPU on the same machine, which caps hello-world's figure: compare the ratio, which
both sides of a pair share, rather than absolute req/s.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
TIMEOUT_S = 60.0


def run_flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def start_gunicorn(app: str, port: int, env: dict, workers: int, extra: list[str]):
    cmd = [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers),
           "--log-level", "warning", *extra, app]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"gunicorn for {app} exited with {process.returncode}")
            time.sleep(0.3)
    stop(process)
    sys.exit(f"gunicorn for {app} did not listen on port {port}")


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- a logged-in session ---------------------------------------------------------------


class Session:
    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=TIMEOUT_S) as response:
            return response.read().decode()

    def login(self, email: str, password: str) -> None:
        page = self.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = {"email": email, "password": password}
        if token:
            data["csrf_token"] = token.group(1)
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + "/login", data=body, timeout=TIMEOUT_S) as response:
            if "/login" in response.url:
                sys.exit(f"could not log in as {email}")

    def csrf(self) -> str:
        return json.loads(self.get("/api/v1/csrf"))["csrf_token"]

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --- load ------------------------------------------------------------------------------


def _client(port, requests, cookie, headers, deadline, out, errors):
    """One client: requests in a loop (round-robin over `requests`) until the deadline."""
    n = 0
    while time.monotonic() < deadline:
        method, path, body = requests[n % len(requests)]
        n += 1
        if callable(body):
            body = body()
        all_headers = {"Cookie": cookie, **headers}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            ok = response.status < 400
        except OSError:
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            out.append(elapsed)
        else:
            errors.append(elapsed)


def _process(args):
    port, requests, cookie, headers, seconds, threads = args
    deadline = time.monotonic() + seconds
    out: list[float] = []
    errors: list[float] = []
    workers = [threading.Thread(target=_client, args=(port, requests, cookie, headers,
                                                      deadline, out, errors))
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return out, len(errors)


BENCH_TEXT = "Belysningen vid porten är trasig (bench-scale)"

CLEAN_UP = f"""
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import Finding, User
from app.services.scale import SCALE_WALKER
app = create_app()
gone = 0
with app.app_context():
    s = db.session
    walker = s.scalar(select(User.id).where(User.email == SCALE_WALKER))
    ids = list(s.scalars(select(Finding.id).where(Finding.author_id == walker,
                                                   Finding.description == {BENCH_TEXT!r})))
    for start in range(0, len(ids), 200):
        for finding in s.scalars(select(Finding).where(Finding.id.in_(ids[start:start + 200]))):
            s.delete(finding)  # as the app deletes: the dashboard's facts follow
        s.commit()
        gone += min(200, len(ids) - start)
print(gone)
"""


def clean_up(env: dict) -> None:
    """Take out the findings this run's POSTs added, as the app deletes findings (the data
    set stays as seeded: each run would otherwise measure a district a thousand findings
    fuller than the one before). Not by a bulk delete and a rebuild of the dashboard's
    facts: that took 80 s at 1 M and left a table of dead rows for the next run."""
    started = time.monotonic()
    result = subprocess.run([str(BIN / "python"), "-c", CLEAN_UP], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        sys.exit(result.stderr)
    gone = int(result.stdout.strip().splitlines()[-1])
    print(f"\nremoved the {gone:,} findings this run posted in "
          f"{time.monotonic() - started:.0f} s", flush=True)


class NewFindingBody:
    """A fresh finding (new UUID) per request; a class, so the client processes get it."""

    def __init__(self, category_id: int, lat: float, lon: float):
        self.category_id, self.lat, self.lon = category_id, lat, lon

    def __call__(self) -> str:
        return json.dumps({"uuid": str(uuid.uuid4()), "category_id": self.category_id,
                           "severity": "medium", "place_type": "entrance",
                           "description": BENCH_TEXT,
                           "latitude": self.lat, "longitude": self.lon})


class Writer(threading.Thread):
    """A walker posting a finding `rate` times a second while a page is measured (--writes):
    each write changes the data the kept pages were computed from, as real use does."""

    def __init__(self, port: int, path: str, cookie: str, token: str, body, rate: float):
        super().__init__(daemon=True)
        self.port, self.path, self.body, self.rate = port, path, body, rate
        self.headers = {"Cookie": cookie, "X-CSRFToken": token,
                        "Content-Type": "application/json"}
        self.halt = threading.Event()
        self.sent = 0

    def run(self) -> None:
        while not self.halt.wait(1 / self.rate):
            conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
            conn.request("POST", self.path, body=self.body(), headers=self.headers)
            conn.getresponse().read()
            conn.close()
            self.sent += 1


def load(pool, port, requests, cookie, headers, seconds, clients, procs) -> dict:
    per_proc = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    started = time.monotonic()
    results = pool.map(_process, [(port, requests, cookie, headers, seconds, n)
                                  for n in per_proc if n])
    wall = time.monotonic() - started
    latencies = sorted(x for out, _e in results for x in out)
    errors = sum(e for _out, e in results)
    if not latencies:
        return {"n": 0, "errors": errors, "rps": 0.0, "p50": None, "p95": None}
    return {
        "n": len(latencies),
        "errors": errors,
        "rps": len(latencies) / max(wall, seconds),
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
    }


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


# --- the targets -----------------------------------------------------------------------

# The pages of issue 11's table, in its order.
PAGES = ("list", "filtered", "search", "map", "report1", "reports", "detail", "walks", "post")



def targets(env: dict) -> dict:
    """Ids the pages need, read from the seeded database."""
    code = """
import json
from sqlalchemy import select, func
from app import create_app
from app.extensions import db
from app.models import Category, District, Finding, User, Walk, WalkStatus, DONE_STATUSES
from app.services import scale
app = create_app()
with app.app_context():
    s = db.session
    district = s.scalar(select(District.id).where(District.code == scale.CODE_PREFIX + "001"))
    category = s.scalar(select(Category.id).where(Category.slug == "doors_locks"))
    walker = s.scalar(select(User.id).where(User.email == scale.SCALE_WALKER))
    walk = s.scalar(select(Walk.id).where(Walk.leader_id == walker,
                                          Walk.status == WalkStatus.IN_PROGRESS).limit(1))
    # Open findings of the data set, not the ones earlier runs' POSTs added (thousands at one
    # spot by now: each run's page would be slower than the one before).
    open_ids = list(s.scalars(select(Finding.id).where(
        Finding.status.not_in(list(DONE_STATUSES)), Finding.latitude.is_not(None),
        Finding.author_id != walker)
        .order_by(Finding.id.desc()).limit(50)))
    point = s.execute(select(Finding.latitude, Finding.longitude)
                      .where(Finding.walk_id == walk).limit(1)).first()
    print(json.dumps({"district": district, "category": category, "walk": walk,
                      "open": open_ids, "lat": point[0] if point else 59.2,
                      "lon": point[1] if point else 17.8}))
"""
    result = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get(
        "SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/trygg_scale"))
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--buildings", type=int, default=50_000)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and per pair")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5200, help="Trygg; hello-world on +1")
    parser.add_argument("--only", help="comma-separated page keys to run: " + ", ".join(PAGES))
    parser.add_argument("--writes", type=float, default=0.0,
                        help="findings posted per second while each page is measured "
                             "(real use: a few a minute to one a second)")
    parser.add_argument("--no-seed", action="store_true",
                        help="use the database as it is (no migration, no seeding)")
    options = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": options.db, "SECRET_KEY": "bench-scale-secret",
           "UPLOAD_FOLDER": "/tmp/trygg-bench-scale-uploads", "WTF_CSRF_SSL_STRICT": "0",
           "PASSWORD_HASH_METHOD": "pbkdf2:sha256:10000"}
    env.pop("TRYGG_DEV", None)
    print(f"database: {options.db.split('@')[-1]}", flush=True)
    if not options.no_seed:
        run_flask(env, "db", "upgrade", "heads")
        started = time.monotonic()
        # Runs to the end (or exits) before any page is measured.
        print(run_flask(env, "seed-scale", "--findings", str(options.findings), "--buildings",
                        str(options.buildings), "--districts", str(options.districts)),
              flush=True)
        print(f"seed step: {time.monotonic() - started:.0f} s", flush=True)
    ids = targets(env)

    from app.services.scale import SCALE_MANAGER, SCALE_PASSWORD, SCALE_WALKER

    rows: list[str] = []

    gunicorn_args = ["--worker-class", "sync", "--timeout", "60"]
    trygg = start_gunicorn("wsgi:app", options.port, env, options.workers, gunicorn_args)
    hello = start_gunicorn("hello_wsgi:app", options.port + 1, env, options.workers,
                           ["--pythonpath", "scripts", *gunicorn_args])
    try:
        manager = Session(options.port)
        manager.login(SCALE_MANAGER, SCALE_PASSWORD)
        walker = Session(options.port)
        walker.login(SCALE_WALKER, SCALE_PASSWORD)
        walker_token = walker.csrf()
        d, c = ids["district"], ids["category"]
        open_pages = [("GET", f"/findings/{i}", None) for i in ids["open"]] or [
            ("GET", "/findings", None)]
        body = NewFindingBody(c, ids["lat"], ids["lon"])
        pages = [
            ("list", "/findings first page", manager, [("GET", "/findings", None)]),
            ("filtered", "/findings district + open + category", manager,
             [("GET", f"/findings?district={d}&status=open&category={c}", None)]),
            ("search", "search ?q=uppställd", manager,
             [("GET", "/findings?q=" + urllib.parse.quote("uppställd"), None)]),
            ("map", "/findings/map", manager, [("GET", "/findings/map", None)]),
            ("report1", "/reports one district, this year", manager,
             [("GET", f"/reports?district={d}", None)]),
            ("reports", "/reports all districts, this year", manager,
             [("GET", "/reports", None)]),
            ("detail", "finding detail, open", manager, open_pages),
            ("walks", "/api/v1/walks (my walks)", walker, [("GET", "/api/v1/walks", None)]),
            ("post", "POST a finding via the API", walker,
             [("POST", f"/api/v1/walks/{ids['walk']}/findings", body)]),
        ]
        assert [p[0] for p in pages] == list(PAGES)
        if options.only:
            keep = set(options.only.split(","))
            if keep - set(PAGES):
                sys.exit(f"unknown pages: {', '.join(sorted(keep - set(PAGES)))}")
            pages = [p for p in pages if p[0] in keep]
        procs = min(4, options.clients)
        writes = (f", a walker posting {options.writes:g} findings/s meanwhile"
                  if options.writes else "")
        print(f"{options.clients} clients, {options.seconds:g} s per page and per "
              f"hello-world run, gunicorn {options.workers} sync workers{writes}\n",
              flush=True)
        header = ("| page | p50 / p95 | req/s | hello-world req/s | share of hello-world "
                  "| errors |")
        rows[:] = [header, "| --- | --- | --- | --- | --- | --- |"]
        print(header, flush=True)
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            for _key, name, session, requests in pages:
                headers = {"X-CSRFToken": walker_token} if session is walker else {}
                # Warm both servers (workers import lazily, caches fill) before measuring.
                load(pool, options.port, requests, session.cookie_header(), headers, 1.0,
                     options.workers, options.workers)
                base = load(pool, options.port + 1, [("GET", "/", None)], "", {},
                            options.seconds, options.clients, procs)
                writer = None
                if options.writes and _key != "post":
                    writer = Writer(options.port, f"/api/v1/walks/{ids['walk']}/findings",
                                    walker.cookie_header(), walker_token, body, options.writes)
                    writer.start()
                page = load(pool, options.port, requests, session.cookie_header(), headers,
                            options.seconds, options.clients, procs)
                if writer is not None:
                    writer.halt.set()
                    writer.join()
                share = 100.0 * page["rps"] / base["rps"] if base["rps"] else 0.0
                row = (f"| {name} | {_ms(page['p50'])} / {_ms(page['p95'])} | "
                       f"{page['rps']:,.1f} | {base['rps']:,.0f} | {share:.2f} % | "
                       f"{page['errors']} |")
                rows.append(row)
                print(row, flush=True)
    finally:
        stop(trygg)
        stop(hello)
        clean_up(env)
    # The whole table once more, in one piece (the servers' logs may sit between the rows).
    print("\n" + "\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
