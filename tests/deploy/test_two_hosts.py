"""Two app hosts behind one (imaginary) load balancer (issue 28): two gunicorn servers on
their own ports, each with a local folder of its own, sharing one PostgreSQL database, one
Redis database and one bucket (moto's S3 server). What a user notices must not depend on
the host that answers: logins, logouts, throttling, pages after a write, photos; and when
one host dies under load, nothing acknowledged is lost and the other keeps serving.

Needs TEST_DATABASE_URL, Redis at TEST_REDIS_URL, moto[server] and gunicorn; skipped
cleanly without them. Runs once, in the PostgreSQL half of the suite."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, make_url, text

from tests.conftest import S3_KEYS, WORKER, new_bucket, redis_test_url

requests = pytest.importorskip("requests")
# One pair of hosts for the module's tests: on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("two-hosts")
pytest.importorskip("gunicorn")

ROOT = Path(__file__).resolve().parents[2]
SECRET = "two-hosts-shared-secret"


def _redis_up(url: str) -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Host:
    """One app host: gunicorn (1 worker, 4 threads) with its own upload folder."""

    def __init__(self, name: str, env: dict, folder: Path) -> None:
        self.name, self.env, self.folder = name, env, folder
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        if getattr(self, "log", None):
            self.log.close()
        self.log = open(self.folder.parent / f"{self.name}.log", "ab")  # noqa: SIM115
        # A session of its own: the kill below takes the master and its worker together.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b",
             f"127.0.0.1:{port}", "-w", "1", "--threads", "4", "wsgi:app"],
            cwd=ROOT, env={**self.env, "UPLOAD_FOLDER": str(self.folder),
                           "EXPORT_FOLDER": f"{self.folder}-exports"},
            stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = Path(self.log.name).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} exited:\n{tail}")
            try:
                if requests.get(self.url + "/readyz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready after 90 s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # no graceful shutdown, workers too
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if getattr(self, "log", None):
            self.log.close()
            self.log = None


@pytest.fixture(scope="module")
def cluster(s3_endpoint, tmp_path_factory):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("two hosts share one PostgreSQL database: set TEST_DATABASE_URL")
    redis_url = redis_test_url()
    if not _redis_up(redis_url):
        pytest.skip(f"no Redis at {redis_url}")
    base = make_url(os.environ["TEST_DATABASE_URL"])
    shared = base.set(database=f"{base.database}_twohosts{WORKER}")
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{shared.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{shared.database}"'))
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    bucket = new_bucket(s3_endpoint, prefix="cluster")
    tmp = tmp_path_factory.mktemp("two-hosts")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "PYTEST"))},
        "DATABASE_URL": shared.render_as_string(hide_password=False),
        "REDIS_URL": redis_url, "S3_BUCKET": bucket.bucket, "S3_PREFIX": "cluster",
        "S3_ENDPOINT_URL": s3_endpoint, **S3_KEYS, "SECRET_KEY": SECRET, "FACE_BLUR": "0",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING", "GUNICORN_ACCESS_LOG": "/dev/null", "PYTHONDONTWRITEBYTECODE": "1",
    }
    seeded = subprocess.run([sys.executable, "-m", "tests.deploy.seed_cluster"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    facts = json.loads(seeded.stdout.strip().splitlines()[-1])
    hosts = [Host("host-a", env, tmp / "a"), Host("host-b", env, tmp / "b")]
    worker_log = open(tmp / "worker.log", "ab")  # noqa: SIM115
    # `flask worker` (RQ) on a third "machine": its own export folder.
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT,
        env={**env, "UPLOAD_FOLDER": str(tmp / "w"), "EXPORT_FOLDER": str(tmp / "w-exports")},
        stdout=worker_log, stderr=worker_log, start_new_session=True)
    try:
        for host in hosts:
            host.start()
        yield {"hosts": hosts, "bucket": bucket, "facts": facts,
               "engine": create_engine(shared), "tmp": tmp}
    finally:
        for host in hosts:
            host.stop()
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        worker_log.close()
        Redis.from_url(redis_url).flushdb()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{shared.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def cluster_on_postgres(app, request):
    if app.config["DB_KIND"] != "postgresql":
        pytest.skip("the hosts share PostgreSQL; run once, with the PostgreSQL tests")
    cluster = request.getfixturevalue("cluster")  # not started at all for the SQLite run
    for host in cluster["hosts"]:
        if host.process.poll() is not None:
            host.start()
    return cluster


def _csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def log_in(session, host: Host, email: str, password: str):
    page = session.get(host.url + "/login")
    return session.post(host.url + "/login", data={
        "csrf_token": _csrf(page.text), "email": email, "password": password},
        allow_redirects=False)


def _jpeg(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (n * 37 % 256, n * 11 % 256, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_login_on_one_host_holds_on_the_other_and_a_logout_ends_it_on_both(
        cluster_on_postgres):
    a, b = cluster_on_postgres["hosts"]
    facts = cluster_on_postgres["facts"]
    phone = requests.Session()
    assert log_in(phone, a, "manager@example.org", facts["password"]).status_code == 303
    assert phone.get(b.url + "/findings", allow_redirects=False).status_code == 200
    copied = requests.Session()  # the same cookies, kept by someone else
    copied.cookies.update(phone.cookies)
    page = phone.get(b.url + "/findings")
    assert phone.post(a.url + "/logout", data={"csrf_token": _csrf(page.text)},
                      allow_redirects=False).status_code == 303
    for host in (a, b):
        gone = copied.get(host.url + "/findings", allow_redirects=False)
        assert gone.status_code == 302 and "/login" in gone.headers["Location"], host.name


def test_login_throttling_is_counted_across_both_hosts(cluster_on_postgres):
    a, b = cluster_on_postgres["hosts"]
    answers = []
    for n in range(6):  # LOGIN_LIMIT_ACCOUNT_IP: 5 per 15 minutes, whatever the host
        host = (a, b)[n % 2]
        answers.append(log_in(requests.Session(), host, "throttled@example.org",
                              "wrong-password").status_code)
    assert answers == [422] * 5 + [429]


def test_no_stale_page_after_a_write_on_the_other_host(cluster_on_postgres):
    a, b = cluster_on_postgres["hosts"]
    facts = cluster_on_postgres["facts"]
    manager, walker = requests.Session(), requests.Session()
    log_in(manager, a, "manager@example.org", facts["password"])
    log_in(walker, b, "walker0@example.org", facts["password"])
    walk = facts["walks"]["walker0@example.org"]
    url = a.url + f"/findings?walk={walk}"
    first = manager.get(url)
    again = manager.get(url)
    assert "kept" in again.headers.get("Server-Timing", "")  # host A keeps the page
    token = walker.get(b.url + "/api/v1/csrf").json()["csrf_token"]
    made = walker.post(b.url + f"/api/v1/walks/{walk}/findings", headers={"X-CSRFToken": token},
                       json={"uuid": str(uuid.uuid4()), "category_id": facts["category_id"],
                             "description": "Trasig lampa"})
    assert made.status_code == 201, made.text
    link = f'href="/findings/{made.json()["id"]}"'
    assert link not in first.text
    assert link in manager.get(url).text  # written on B, listed at once on A


def test_an_export_started_on_one_host_is_written_by_the_worker_and_downloaded_from_another(
        cluster_on_postgres):
    a, b = cluster_on_postgres["hosts"]
    facts = cluster_on_postgres["facts"]
    manager = requests.Session()
    log_in(manager, a, "manager@example.org", facts["password"])
    start = manager.get(a.url + "/exports/findings.csv").text
    form = start.split('action="/exports"')[1].split("</form>")[0]
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    started = manager.post(a.url + "/exports", data=[(k, html.unescape(v)) for k, v in fields],
                           allow_redirects=False)
    assert started.status_code == 303, started.text[:500]
    status_url = started.headers["Location"]
    deadline, link = time.monotonic() + 120, None
    while link is None and time.monotonic() < deadline:
        page = manager.get(b.url + status_url).text  # asked on the other host
        found = re.search(r'href="(/exports/\d+/download)"', page)
        link = found.group(1) if found else None
        time.sleep(0.5)
    assert link, "the worker never finished the export"
    download = manager.get(b.url + link)
    assert download.status_code == 200
    with cluster_on_postgres["engine"].connect() as conn:
        findings = conn.execute(text("SELECT count(*) FROM findings")).scalar_one()
    rows = download.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == findings + 1  # the header, then every finding
    # Neither host nor the worker keeps it: it is in the bucket.
    tmp = cluster_on_postgres["tmp"]
    assert not [p for p in tmp.rglob("*-exports/*") if p.is_file()]
    assert any(k.startswith("exports/") for k in cluster_on_postgres["bucket"].stored_keys())


class Load:
    """Walkers posting findings with photos and managers reading lists and photos, each
    request to the next host in turn; a request that finds its host dead goes to the other
    (as a load balancer does), the same uuid again (the API is idempotent by uuid)."""

    def __init__(self, cluster) -> None:
        self.hosts = cluster["hosts"]
        self.facts = cluster["facts"]
        self.acknowledged: dict[str, dict] = {}  # finding uuid -> {"id", "photo": json, "sha"}
        self.errors: list[str] = []
        self.timings: dict[str, list[float]] = {"finding": [], "photo": [], "list": [],
                                                "photo_read": []}
        self.retried = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.turn = 0

    def _send(self, kind: str, call):
        with self.lock:
            self.turn += 1
            first = self.turn
        for attempt in range(10):
            host = self.hosts[(first + attempt) % 2]
            started = time.perf_counter()
            try:
                response = call(host)
            except requests.RequestException:  # refused, or cut off by the kill
                with self.lock:
                    self.retried += 1
                continue
            if response.status_code == 503:  # busy: the outbox tries again
                time.sleep(0.2)
                continue
            self.timings[kind].append(time.perf_counter() - started)
            return response
        raise AssertionError(f"{kind}: no host answered")

    def walker(self, email: str, count: int) -> None:
        try:
            session = requests.Session()
            self._send("list", lambda h: log_in(session, h, email, self.facts["password"]))
            token = self._send("list", lambda h: session.get(h.url + "/api/v1/csrf")
                               ).json()["csrf_token"]
            walk = self.facts["walks"][email]
            for n in range(count):
                self._finding_with_photo(session, token, walk, email, n)
        except Exception as error:  # reported by the test
            self.errors.append(f"{email}: {error!r}")

    def _finding_with_photo(self, session, token: str, walk: int, email: str, n: int) -> None:
        finding_uuid, photo_uuid = str(uuid.uuid4()), str(uuid.uuid4())
        sent = self._send("finding", lambda h: session.post(
            h.url + f"/api/v1/walks/{walk}/findings", headers={"X-CSRFToken": token},
            json={"uuid": finding_uuid, "category_id": self.facts["category_id"],
                  "description": f"{email} nr {n}"}, timeout=30))
        assert sent.status_code in (200, 201), sent.text
        finding = sent.json()
        with self.lock:
            self.acknowledged[finding_uuid] = {"id": finding["id"]}
        data = _jpeg(n + len(email) * 7)
        photo = self._send("photo", lambda h: session.post(
            h.url + f"/api/v1/findings/{finding['id']}/photos",
            headers={"X-CSRFToken": token}, data={"client_uuid": photo_uuid},
            files={"photo": ("p.jpg", data, "image/jpeg")}, timeout=30))
        assert photo.status_code in (200, 201), photo.text
        served = self._send("photo_read", lambda h: session.get(
            h.url + photo.json()["url"], timeout=30))
        assert served.status_code == 200
        with self.lock:
            self.acknowledged[finding_uuid].update(
                photo=photo.json(), sha=hashlib.sha256(served.content).hexdigest())

    def manager(self) -> None:
        try:
            session = requests.Session()
            self._send("list", lambda h: log_in(session, h, "manager@example.org",
                                                self.facts["password"]))
            while not self.stop.is_set():
                page = self._send("list", lambda h: session.get(h.url + "/findings",
                                                                timeout=30))
                assert page.status_code == 200
                ids = re.findall(r"/photos/(\d+)/thumb\.jpg", page.text)[:3]
                for photo_id in ids:
                    got = self._send("photo_read", lambda h, p=photo_id: session.get(
                        h.url + f"/photos/{p}/thumb.jpg", timeout=30))
                    assert got.status_code == 200, got.status_code
        except Exception as error:
            self.errors.append(f"manager: {error!r}")


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"n={len(values)} p50={statistics.median(values) * 1000:.0f} ms p95={p95 * 1000:.0f} ms"


def test_kill_one_host_under_load_loses_nothing_acknowledged(cluster_on_postgres):
    cluster = cluster_on_postgres
    a, b = cluster["hosts"]
    load, per_walker = Load(cluster), 8
    walkers = [threading.Thread(target=load.walker, args=(email, per_walker))
               for email in cluster["facts"]["walks"]]
    managers = [threading.Thread(target=load.manager) for _ in range(2)]
    started = time.monotonic()
    for thread in walkers + managers:
        thread.start()
    # Host B dies (SIGKILL: no graceful shutdown) once a third of the findings are in.
    while len(load.acknowledged) < len(walkers) * per_walker // 3 and \
            any(t.is_alive() for t in walkers):
        time.sleep(0.05)
    b.kill()
    killed_at = len(load.acknowledged)
    for thread in walkers:
        thread.join(240)
    load.stop.set()
    for thread in managers:
        thread.join(60)
    took = time.monotonic() - started
    assert not load.errors, load.errors
    assert killed_at < len(walkers) * per_walker  # the kill came during the load
    assert len(load.acknowledged) == len(walkers) * per_walker

    # Every acknowledged finding and photo is in the database, once.
    with cluster["engine"].connect() as conn:
        rows = dict(conn.execute(text("SELECT uuid, id FROM findings")).all())
        photos = dict(conn.execute(text("SELECT id, finding_id FROM photos")).all())
    for finding_uuid, seen in load.acknowledged.items():
        assert rows.get(finding_uuid) == seen["id"], finding_uuid
        assert photos.get(seen["photo"]["id"]) == seen["id"]
    assert len(photos) == len(load.acknowledged)

    # A restarted B (an empty local folder) and A serve every photo, the same bytes.
    b.start()
    manager = requests.Session()
    log_in(manager, a, "manager@example.org", cluster["facts"]["password"])
    for seen in load.acknowledged.values():
        for host in (a, b):
            got = manager.get(host.url + seen["photo"]["url"], timeout=30)
            assert got.status_code == 200, (host.name, seen)
            assert hashlib.sha256(got.content).hexdigest() == seen["sha"]
    assert not any(p.is_file() for host in (a, b) for p in host.folder.rglob("*"))
    print(f"\ntwo hosts, {len(walkers)} walkers x {per_walker} findings with a photo, "
          f"2 managers, host B killed after {killed_at} findings: {took:.1f} s, "
          f"{load.retried} requests sent again to the other host; "
          + "; ".join(f"{kind} {_ms(values)}" for kind, values in load.timings.items()))
