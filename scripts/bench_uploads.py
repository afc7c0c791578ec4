"""Phones uploading at once on SQLite: how many answers are 5xx, and how long they take.

Usage: python scripts/bench_uploads.py [--phones 10] [--seconds 60] [--workers 2]
                                       [--app-dir DIR]

gunicorn (gunicorn.conf.py: gthread, WEB_CONCURRENCY workers) serves the app on the embedded
default, SQLite, in a fresh temporary folder. Each phone (a thread with its own login) posts a
finding and then a ~1.7 MB photo of it through /api/v1, as the outbox does (CSRF token first,
X-CSRFToken header), over and over for the given seconds. Printed: requests, how many were
5xx (and 503 "busy" among them), the answers by status, p50/p95 of each kind of request.
--app-dir runs another checkout's app (e.g. a worktree of an older commit) with this script.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]

# Run in a subprocess with the app directory first on sys.path: migrate, make a district, a
# walk in progress and one walker per phone, each with a login session; print what the
# phones need (their session cookies, the walk, a category).
SETUP = r"""
import json, sys
from datetime import UTC, datetime
from flask_migrate import upgrade
from app import create_app
from app.accounts.operations import start_session
from app.extensions import db
from app.findings.operations.catalog import ensure_defaults
from app.models import Category, District, LightCondition, Role, User, Walk, WalkStatus
from werkzeug.security import generate_password_hash

phones = int(sys.argv[1])
app = create_app()
with app.app_context():
    upgrade(revision="heads")
    ensure_defaults(db.session)
    district = District(name="Bänkby", code="BENCH")
    db.session.add(district)
    db.session.flush()
    now = datetime.now(UTC)
    walk = Walk(district_id=district.id, title="Belastning", planned_start=now, started_at=now,
                light_condition=LightCondition("daylight"), status=WalkStatus.IN_PROGRESS)
    db.session.add(walk)
    tokens = []
    for n in range(phones):
        user = User(email=f"phone{n}@example.org", name=f"Telefon {n}", role=Role.WALKER,
                    active=True, password_hash=generate_password_hash("x" * 12,
                                                                      method="pbkdf2:sha256:1000"))
        user.districts.append(district)
        db.session.add(user)
        db.session.flush()
        tokens.append(start_session(db.session, user, device="bench"))
    db.session.commit()
    category = db.session.scalar(db.select(Category.id).where(Category.active).limit(1))
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = [serializer.dumps({"_user_id": t, "_fresh": True, "_permanent": True})
               for t in tokens]
    print(json.dumps({"walk_id": walk.id, "category_id": category,
                      "cookie_name": app.config["SESSION_COOKIE_NAME"], "cookies": cookies}))
"""


def make_photo(target_bytes: int = 1_700_000) -> bytes:
    """A phone-like JPEG of about `target_bytes`: 3000 x 2000, noise over a gradient (the
    JPEG quality is searched for the size)."""
    from PIL import Image, ImageFilter

    size = (3000, 2000)
    noise = Image.effect_noise(size, 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(gradient, noise, 0.5).filter(ImageFilter.GaussianBlur(0.6))
    low, high, data = 30, 98, b""
    while low <= high:
        quality = (low + high) // 2
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        data = out.getvalue()
        if abs(len(data) - target_bytes) < target_bytes * 0.05:
            break
        low, high = (quality + 1, high) if len(data) < target_bytes else (low, quality - 1)
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.times: dict[str, list[float]] = {"finding": [], "photo": []}
        self.examples: dict[int, str] = {}

    def add(self, kind: str, status: int, seconds: float, body: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.times[kind].append(seconds * 1000)
            if (status >= 500 or status == 0) and status not in self.examples:
                self.examples[status] = body[:200]


def phone(base: str, cookie: tuple[str, str], walk_id: int, category_id: int, photo: bytes,
          until: float, tally: Tally) -> None:
    session = requests.Session()
    session.headers["Cookie"] = f"{cookie[0]}={cookie[1]}"
    session.headers["Accept"] = "application/json"
    answer = session.get(f"{base}/api/v1/csrf", timeout=60)
    answer.raise_for_status()
    if cookie[0] in answer.cookies:  # the CSRF token lives in the session cookie
        session.headers["Cookie"] = f"{cookie[0]}={answer.cookies[cookie[0]]}"
    headers = {"X-CSRFToken": answer.json()["csrf_token"]}

    def send(kind: str, url: str, **kwargs) -> requests.Response | None:
        start = time.perf_counter()
        try:
            answer = session.post(url, headers=headers, timeout=120, **kwargs)
        except requests.RequestException as error:  # no answer at all: counted as status 0
            tally.add(kind, 0, time.perf_counter() - start, repr(error))
            return None
        tally.add(kind, answer.status_code, time.perf_counter() - start, answer.text)
        return answer

    while time.monotonic() < until:
        body = {"uuid": str(uuid.uuid4()), "category_id": category_id,
                "description": "Mörk gångväg", "latitude": 59.2472, "longitude": 17.861}
        answer = send("finding", f"{base}/api/v1/walks/{walk_id}/findings", json=body)
        if answer is None or answer.status_code not in (200, 201):
            continue
        if time.monotonic() < until:
            send("photo", f"{base}/api/v1/findings/{answer.json()['id']}/photos",
                 data={"client_uuid": str(uuid.uuid4())},
                 files={"photo": ("photo.jpg", photo, "image/jpeg")})


def run_phones(args, base: str, seeded: dict, photo: bytes) -> tuple[Tally, float]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:  # once per worker: each imports the app when its first request comes
            for _ in range(args.workers * 2):
                requests.get(f"{base}/login", timeout=30)
            break
        except requests.RequestException:
            time.sleep(0.2)
    tally = Tally()
    until = time.monotonic() + args.seconds
    threads = [threading.Thread(target=phone, args=(
        base, (seeded["cookie_name"], cookie), seeded["walk_id"], seeded["category_id"],
        photo, until, tally)) for cookie in seeded["cookies"]]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--app-dir", default=str(ROOT))
    args = parser.parse_args()
    app_dir = Path(args.app_dir).resolve()

    tmp = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/trygg.db",
           "UPLOAD_FOLDER": str(tmp / "uploads"), "SECRET_KEY": "bench-uploads",
           "EXPORT_FOLDER": str(tmp / "exports"), "JOBS_MODE": "sync",
           "WEB_CONCURRENCY": str(args.workers), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "PYTHONPATH": str(app_dir)}
    env.pop("REDIS_URL", None)
    setup = subprocess.run([sys.executable, "-c", SETUP, str(args.phones)], cwd=app_dir,
                           env=env, capture_output=True, text=True, check=True)
    seeded = json.loads(setup.stdout.strip().splitlines()[-1])
    photo = make_photo()
    base = f"http://127.0.0.1:{port}"
    with open(tmp / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(app_dir / "gunicorn.conf.py"),
             "--chdir", str(app_dir), "wsgi:app"],
            cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            tally, elapsed = run_phones(args, base, seeded, photo)
        finally:
            server.terminate()
            server.wait(timeout=30)

    total = sum(tally.statuses.values())
    errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print(f"{args.phones} phones x {args.seconds:.0f} s, gunicorn {args.workers} workers, "
          f"SQLite, photo {len(photo) / 1e6:.2f} MB, app {app_dir}")
    print(f"requests: {total} in {elapsed:.1f} s ({tally.statuses[201] + tally.statuses[200]} "
          f"ok); 5xx: {errors} (503 busy: {tally.statuses[503]}, 500: {tally.statuses[500]})")
    print(f"no answer (connection closed): {tally.statuses[0]}")
    print("statuses: " + ", ".join(f"{s} x {n}" for s, n in sorted(tally.statuses.items())))
    for kind, values in tally.times.items():
        if values:
            print(f"  {kind:7s} n={len(values):4d}  p50 {statistics.median(values):7.0f} ms  "
                  f"p95 {percentile(values, 0.95):7.0f} ms  max {max(values):7.0f} ms")
    for status, body in sorted(tally.examples.items()):
        print(f"  first {status}: {body}")
    locked = (tmp / "gunicorn.log").read_text(errors="replace").count("database is locked")
    print(f"'database is locked' in the server log: {locked}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
