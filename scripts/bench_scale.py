"""Manager pages at scale as managers use them: thousands of distinct URLs drawn from the data.

    make bench-scale                      # PostgreSQL database trygg_scale, 1 M findings
    make bench-scale BENCH_ARGS="--duration 600"          # + 10 minutes of varied reads
    .venv/bin/python scripts/bench_scale.py --db postgresql://…/mydb --no-seed --only list,search
    .venv/bin/python scripts/bench_scale.py --db sqlite:////tmp/trygg-scale.db --findings 100000
    .venv/bin/python scripts/bench_scale.py --no-seed --dump-urls /tmp/urls.txt   # the URLs only

Seeds the database with `flask seed-scale` unless it already holds the scale data set, then
draws, with a fixed random seed (`--seed`; two runs ask the same URLs in the same order), a
pool of distinct URLs per page kind from the data:

- list: /findings with district × status × category × page 1–40 (each filter often left out)
- search: /findings?q= one of 50 words (read from the findings' texts and the buildings'
  streets), alone or with a district or a status, page 1–3
- map: the map's JSON answer after a pan (a box of 0.5–4 km somewhere in the districts)
- detail: a finding's page, a random id
- report1: the dashboard of one of the districts (this year, last year or a quarter)
- reports: the dashboard of all districts (a year, a quarter or a month of the last three years)

Each client walks through its kind's pool from its own place, so almost every request asks a
URL that no earlier request of the run asked (the output says how many were distinct).

Trygg and a Flask hello-world (scripts/hello_wsgi.py) run under gunicorn with the same
settings: `--workers` sync workers, no access log, no restarts after N requests (the
workers' memory growth is measured, not hidden). For each page kind the same `--clients`
run `--seconds` against hello-world, then against the page, once per rate of `--writes`
(a walker posting findings through the API meanwhile). Printed per kind: p50/p95/p99, req/s
and the share of hello-world's req/s measured just before it, errors, and how many answers
used the dashboard's kept body (app/page_cache.py keeps only shared parts; pages are
computed per request); per table the load average and the workers' resident memory before and after.
`--duration S` ends with S seconds of all kinds mixed and the workers' memory every 30 s.

The load comes from a small threaded client on the standard library's http.client, spread
over a few processes. It uses CPU on the same 2 cores, which caps hello-world's figure too:
compare the share, which both sides of a pair share, rather than absolute req/s.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
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
# Where the seeding code lives (app/services/ is being dissolved into app/seeding/).
SCALE_MODULE = ("app.seeding.scale" if (ROOT / "app" / "seeding" / "scale.py").exists()
                else "app.services.scale")


def run_flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def run_python(env: dict, code: str) -> str:
    result = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


# --- servers ---------------------------------------------------------------------------

# Not the repository's gunicorn.conf.py (gunicorn reads it from the working directory): that
# one logs a line per request, runs gthread workers and restarts them every ~20,000 requests.
GUNICORN_CONFIG = """
worker_class = "sync"
workers = {workers}
timeout = 60
accesslog = None
errorlog = "-"
loglevel = "warning"
max_requests = 0
"""


def start_gunicorn(app: str, port: int, env: dict, config: str, extra: list[str]):
    cmd = [str(BIN / "gunicorn"), "--config", config, "--bind", f"{HOST}:{port}", *extra, app]
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


def worker_rss(process) -> list[float]:
    """Resident memory (MiB) of each of the gunicorn master's workers."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sorted(sizes)


def _mib(sizes: list[float]) -> str:
    return " + ".join(f"{size:.0f}" for size in sizes) + " MiB" if sizes else "–"


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


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

JSON = {"Accept": "application/json"}
# A dashboard whose body (all of its figures) came from app/page_cache.py's memory says so in
# its Server-Timing header.
KEPT = re.compile(r'kept;desc="[^"]*\bdashboard\b')


def _client(port, urls, first, stride, cookie, deadline, out, errors, asked, kept):
    """One client: GETs urls[first], urls[first + stride], … until the deadline."""
    n = first
    while time.monotonic() < deadline:
        path, headers = urls[n % len(urls)]
        asked.add(n % len(urls))
        n += stride
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
            conn.request("GET", path, headers={"Cookie": cookie, **headers})
            response = conn.getresponse()
            response.read()
            conn.close()
            ok = response.status < 400
            if KEPT.search(response.getheader("Server-Timing") or ""):
                kept.append(1)
        except OSError:
            ok = False
        elapsed = time.perf_counter() - started
        (out if ok else errors).append(elapsed)


def _process(args):
    port, urls, offset, clients, first_client, threads_here, cookie, seconds = args
    deadline = time.monotonic() + seconds
    out: list[float] = []
    errors: list[float] = []
    asked: set[int] = set()
    kept: list[int] = []
    threads = [threading.Thread(target=_client, args=(
        port, urls, offset + first_client + i, clients, cookie, deadline, out, errors, asked,
        kept)) for i in range(threads_here)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out, len(errors), asked, len(kept)


def load(pool, port, urls, cookie, seconds, clients, procs, offset=0) -> dict:
    """`clients` clients for `seconds` over `urls` (client i starts at offset + i and steps
    by `clients`: no two clients ask the same URL until the pool is used up)."""
    first = 0
    jobs = []
    for p in range(procs):
        n = clients // procs + (1 if p < clients % procs else 0)
        if n:
            jobs.append((port, urls, offset, clients, first, n, cookie, seconds))
            first += n
    started = time.monotonic()
    results = pool.map(_process, jobs)
    wall = time.monotonic() - started
    latencies = sorted(x for out, _e, _a, _k in results for x in out)
    asked = set().union(*(a for _o, _e, a, _k in results))

    def pct(q: float):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None

    return {"n": len(latencies), "errors": sum(e for _o, e, _a, _k in results),
            "kept": sum(k for _o, _e, _a, k in results),
            "rps": len(latencies) / max(wall, seconds), "distinct": len(asked),
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)}


BENCH_TEXT = "Belysningen vid porten är trasig (bench-scale)"

CLEAN_UP = f"""
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import Finding, User
from {SCALE_MODULE} import SCALE_WALKER
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
    """Take out the findings this run's walker posted, as the app deletes findings (the data
    set stays as seeded: each run would otherwise measure a district fuller than the last)."""
    started = time.monotonic()
    gone = int(run_python(env, CLEAN_UP))
    print(f"\nremoved the {gone:,} findings this run posted in "
          f"{time.monotonic() - started:.0f} s", flush=True)


class NewFindingBody:
    """A fresh finding (new UUID) per request."""

    def __init__(self, category_id: int, lat: float, lon: float):
        self.category_id, self.lat, self.lon = category_id, lat, lon

    def __call__(self) -> str:
        return json.dumps({"uuid": str(uuid.uuid4()), "category_id": self.category_id,
                           "severity": "medium", "place_type": "entrance",
                           "description": BENCH_TEXT,
                           "latitude": self.lat, "longitude": self.lon})


class Writer(threading.Thread):
    """A walker posting a finding `rate` times a second while a page kind is measured: each
    write changes the data the pages are computed from, as real use does."""

    def __init__(self, port: int, path: str, cookie: str, token: str, body, rate: float):
        super().__init__(daemon=True)
        self.port, self.path, self.body, self.rate = port, path, body, rate
        self.headers = {"Cookie": cookie, "X-CSRFToken": token,
                        "Content-Type": "application/json"}
        self.halt = threading.Event()
        self.latencies: list[float] = []
        self.errors = 0

    def run(self) -> None:
        next_at = time.monotonic()
        while True:
            next_at += 1 / self.rate
            if self.halt.wait(max(0.0, next_at - time.monotonic())):
                return
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
                conn.request("POST", self.path, body=self.body(), headers=self.headers)
                ok = conn.getresponse().status < 400
                conn.close()
            except OSError:
                ok = False
            if ok:
                self.latencies.append(time.perf_counter() - started)
            else:
                self.errors += 1


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:,.0f}"


# --- the URLs ----------------------------------------------------------------------------

KINDS = {
    "list": "findings list (district × status × category × page)",
    "search": "search (50 words, ± district/status)",
    "map": "map answer after a pan (JSON)",
    "detail": "finding page (random id)",
    "report1": "dashboard, one district",
    "reports": "dashboard, all districts",
}

DATA = f"""
import json
from sqlalchemy import select, func
from app import create_app
from app.extensions import db
from app.models import (Building, Category, District, Finding, FindingStatus, User, Walk,
                        WalkStatus)
from {SCALE_MODULE} import CODE_PREFIX, SCALE_WALKER
from app.timeutil import local_today
app = create_app()
with app.app_context():
    s = db.session
    districts = s.execute(
        select(District.id, func.avg(Building.latitude), func.avg(Building.longitude))
        .join(Building, Building.district_id == District.id)
        .where(District.code.startswith(CODE_PREFIX)).group_by(District.id)
        .order_by(District.id)).all()
    categories = list(s.scalars(select(Category.id).order_by(Category.id)))
    walker = s.scalar(select(User.id).where(User.email == SCALE_WALKER))
    walk = s.scalar(select(Walk.id).where(Walk.leader_id == walker,
                                          Walk.status == WalkStatus.IN_PROGRESS).limit(1))
    point = s.execute(select(Finding.latitude, Finding.longitude)
                      .where(Finding.walk_id == walk).limit(1)).first()
    low, high = s.execute(select(func.min(Finding.id), func.max(Finding.id))
                          .where(Finding.author_id != walker)).one()
    texts = list(s.scalars(select(Finding.description).distinct().limit(500)))
    streets = list(s.scalars(select(Building.address).order_by(Building.id).limit(2000)))
    print(json.dumps({{
        "districts": [[d, lat, lon] for d, lat, lon in districts],
        "categories": categories, "statuses": [x.value for x in FindingStatus],
        "walk": walk, "category": categories[0], "low": low, "high": high,
        "lat": point[0] if point else 59.2, "lon": point[1] if point else 17.8,
        "texts": texts, "streets": streets, "year": local_today().year,
        "findings": s.scalar(select(func.count(Finding.id))),
    }}))
"""


def search_words(rnd: random.Random, data: dict, n: int = 50) -> list[str]:
    """Words people would type: whole words and word starts from the findings' texts, street
    names, a few that match nothing."""
    words = set()
    for text in data["texts"]:
        for word in re.findall(r"\w{4,}", text.lower()):
            words.add(word)
            words.add(word[:rnd.randint(4, len(word))])
    for address in data["streets"]:
        street = address.rsplit(" ", 1)[0]
        words.add(street.lower())
        words.add(street[:6].lower())
    words |= {"skadegörelse", "parkeringshus", "rullstol", "hiss", "cykelställ"}
    pool = sorted(words)
    rnd.shuffle(pool)
    return pool[:n]


def url_pools(data: dict, seed: int) -> dict[str, list[tuple[str, dict]]]:
    """Distinct URLs per kind, in a fixed random order."""
    rnd = random.Random(seed)
    districts = [d for d, _lat, _lon in data["districts"]]
    statuses = ["", "", "open", "done", *data["statuses"]]
    categories = ["", "", *data["categories"]]
    year = data["year"]

    def query(**args) -> str:
        return urllib.parse.urlencode({k: v for k, v in args.items() if v not in ("", None)})

    def distinct(make, count: int) -> list[tuple[str, dict]]:
        seen: dict[str, dict] = {}
        for _ in range(count * 20):
            if len(seen) >= count:
                break
            path, headers = make()
            seen.setdefault(path, headers)
        return list(seen.items())

    def listing():
        district = rnd.choice(districts) if rnd.random() < 0.8 else ""
        page = rnd.choice([1, 1, 1, 2, 3, rnd.randint(1, 40)])
        return "/findings?" + query(district=district, status=rnd.choice(statuses),
                                    category=rnd.choice(categories),
                                    page=page if page > 1 else ""), {}

    words = search_words(rnd, data)

    def search():
        district = rnd.choice(districts) if rnd.random() < 0.5 else ""
        status = "open" if rnd.random() < 0.3 else ""
        page = rnd.choice([1, 1, 1, 2, 3])
        return "/findings?" + query(q=rnd.choice(words), district=district, status=status,
                                    page=page if page > 1 else ""), {}

    def map_pan():
        _d, lat, lon = rnd.choice(data["districts"])
        half = rnd.uniform(0.0025, 0.02)  # a box 0.5–4 km high
        lat += rnd.uniform(-0.01, 0.01)
        lon += rnd.uniform(-0.02, 0.02)
        box = f"{lat - half:.5f},{lon - 2 * half:.5f},{lat + half:.5f},{lon + 2 * half:.5f}"
        status = rnd.choice(["", "", "open"])
        return "/findings/map?" + query(status=status, bbox=box), JSON

    def detail():
        return f"/findings/{rnd.randint(data['low'], data['high'])}", {}

    def one_district():
        period = rnd.choice([{}, {}, {"year": year - 1},
                             {"period": "quarter", "year": year, "quarter": rnd.randint(1, 4)}])
        return "/reports?" + query(district=rnd.choice(districts), **period), {}

    def all_districts():
        y = year - rnd.randint(0, 2)
        period = rnd.choice([{"year": y}, {"period": "quarter", "year": y,
                                           "quarter": rnd.randint(1, 4)},
                             {"period": "month", "year": y, "month": rnd.randint(1, 12)}])
        return "/reports?" + query(**period), {}

    return {
        "list": distinct(listing, 3000),
        "search": distinct(search, 1200),
        "map": distinct(map_pan, 1200),
        "detail": distinct(detail, 3000),
        "report1": distinct(one_district, 500),
        "reports": distinct(all_districts, 60),
    }


# --- the run -----------------------------------------------------------------------------


def _rates(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated numbers, e.g. 0,0.2,1") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get(
        "SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/trygg_scale"))
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--buildings", type=int, default=50_000)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page kind and rate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5200, help="Trygg; hello-world on +1")
    parser.add_argument("--only", help="comma-separated page kinds: " + ", ".join(KINDS))
    parser.add_argument("--writes", type=_rates, default=[0.0, 0.2, 1.0],
                        help="findings a walker posts per second meanwhile, one table per "
                             "rate (default 0,0.2,1)")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds of all kinds mixed at the end, workers' memory every "
                             "30 s (0: none; the target is measured with 600)")
    parser.add_argument("--seed", type=int, default=22, help="of the URLs drawn")
    parser.add_argument("--dump-urls", metavar="FILE",
                        help="write the URLs (kind, path) to FILE and stop")
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
        print(run_flask(env, "seed-scale", "--findings", str(options.findings), "--buildings",
                        str(options.buildings), "--districts", str(options.districts)),
              flush=True)
        print(f"seed step: {time.monotonic() - started:.0f} s", flush=True)
    data = json.loads(run_python(env, DATA))
    pools = url_pools(data, options.seed)
    kinds = list(KINDS)
    if options.only:
        keep = options.only.split(",")
        if set(keep) - set(KINDS):
            sys.exit(f"unknown page kinds: {', '.join(sorted(set(keep) - set(KINDS)))}")
        kinds = [k for k in kinds if k in keep]
    if options.dump_urls:
        with open(options.dump_urls, "w") as fh:
            for kind in kinds:
                for path, _headers in pools[kind]:
                    fh.write(f"{kind}\t{path}\n")
        print(f"{sum(len(pools[k]) for k in kinds):,} URLs written to {options.dump_urls}")
        return

    from importlib import import_module
    scale = import_module(SCALE_MODULE)

    with tempfile.NamedTemporaryFile("w", suffix=".py", prefix="bench-gunicorn-",
                                     delete=False) as config:
        config.write(GUNICORN_CONFIG.format(workers=options.workers))
    trygg = start_gunicorn("wsgi:app", options.port, env, config.name, [])
    hello = start_gunicorn("hello_wsgi:app", options.port + 1, env, config.name,
                           ["--pythonpath", "scripts"])
    tables: list[str] = []

    def say(line: str = "") -> None:
        tables.append(line)
        print(line, flush=True)

    try:
        manager = Session(options.port)
        manager.login(scale.SCALE_MANAGER, scale.SCALE_PASSWORD)
        walker = Session(options.port)
        walker.login(scale.SCALE_WALKER, scale.SCALE_PASSWORD)
        token = walker.csrf()
        body = NewFindingBody(data["category"], data["lat"], data["lon"])
        post_path = f"/api/v1/walks/{data['walk']}/findings"
        cookie = manager.cookie_header()
        procs = min(4, options.clients)
        say(f"\n{data['findings']:,} findings; {options.db.split('://')[0]}; "
            f"pages computed per request; gunicorn {options.workers} sync workers, "
            f"{options.clients} clients, {options.seconds:g} s per page kind and per "
            f"hello-world run; {sum(len(pools[k]) for k in kinds):,} distinct URLs drawn "
            f"(seed {options.seed}); times in ms; kept: dashboards whose body came "
            f"whole from the kept parts' memory (app/page_cache.py; "
            f"PAGE_CACHE_BYTES={os.environ.get('PAGE_CACHE_BYTES', 'default')})")
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            # Imports and first connections, on URLs the measured runs ask last, if at all.
            for kind in kinds:
                load(pool, options.port, pools[kind], cookie, 1.0, options.workers,
                     options.workers, offset=len(pools[kind]) // 2)
            rss_start = worker_rss(trygg)
            for number, rate in enumerate(options.writes):
                writes = f"a walker posting {rate:g} findings/s" if rate else "no writes"
                say(f"\n### {writes} (load average at start {load_average()}; "
                    f"workers {_mib(worker_rss(trygg))})\n")
                say("| page kind | distinct URLs / requests | kept (cache hits) | p50 | p95 | p99 "
                    "| req/s | hello-world req/s | share | errors |")
                say("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
                posted: list[float] = []
                post_errors = 0
                for kind in kinds:
                    urls = pools[kind]
                    base = load(pool, options.port + 1, [("/", {})], "", options.seconds,
                                options.clients, procs)
                    writer = None
                    if rate:
                        writer = Writer(options.port, post_path, walker.cookie_header(),
                                        token, body, rate)
                        writer.start()
                    # Each rate starts elsewhere in the pool: its URLs are new to the workers.
                    offset = number * len(urls) // max(1, len(options.writes))
                    page = load(pool, options.port, urls, cookie, options.seconds,
                                options.clients, procs, offset=offset)
                    if writer is not None:
                        writer.halt.set()
                        writer.join()
                        posted += writer.latencies
                        post_errors += writer.errors
                    share = 100.0 * page["rps"] / base["rps"] if base["rps"] else 0.0
                    kept = 100.0 * page["kept"] / max(1, page["n"] + page["errors"])
                    say(f"| {KINDS[kind]} | {page['distinct']:,} / {page['n'] + page['errors']:,}"
                        f" | {kept:.0f} % | {_ms(page['p50'])} | {_ms(page['p95'])} | "
                        f"{_ms(page['p99'])} | "
                        f"{page['rps']:,.1f} | {base['rps']:,.0f} | {share:.2f} % | "
                        f"{page['errors']} |")
                if rate:
                    posted.sort()
                    p95 = posted[int(0.95 * len(posted))] if posted else None
                    say(f"\nthe walker's {len(posted):,} findings: p95 {_ms(p95)} ms, "
                        f"{post_errors} errors")
                say(f"\nload average at end {load_average()}; workers "
                    f"{_mib(worker_rss(trygg))}")
            if options.duration > 0:
                mixed = [url for kind in kinds for url in pools[kind]]
                random.Random(options.seed).shuffle(mixed)
                say(f"\n### {options.duration:g} s of varied reads (all kinds mixed, "
                    f"{len(mixed):,} URLs)\n")
                say(f"workers before: {_mib(rss_start)} (after the warm-up), now "
                    f"{_mib(worker_rss(trygg))}")
                end = time.monotonic() + options.duration
                served = 0
                while (left := end - time.monotonic()) > 1:
                    step = load(pool, options.port, mixed, cookie, min(30.0, left),
                                options.clients, procs, offset=served)
                    served += step["n"] + step["errors"]
                    say(f"- {options.duration - (end - time.monotonic()):.0f} s: "
                        f"{served:,} requests ({step['kept']:,} kept), "
                        f"p95 {_ms(step['p95'])} ms, "
                        f"{step['errors']} errors, workers {_mib(worker_rss(trygg))}, "
                        f"load {load_average()}")
                after = worker_rss(trygg)
                growth = [b - a for a, b in zip(rss_start, after, strict=False)]
                say("\nworker growth since the warm-up: "
                    + ", ".join(f"{g:+.0f} MiB" for g in growth))
    finally:
        stop(trygg)
        stop(hello)
        os.unlink(config.name)
        clean_up(env)
    print("\n" + "\n".join(tables), flush=True)


if __name__ == "__main__":
    main()
