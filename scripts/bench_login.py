"""Login timing for a known vs an unknown e-mail, and 100 e-mails from one address.

Usage: python scripts/bench_login.py [ROUNDS] [DATABASE_URL]
Uses the production hash method (scrypt unless PASSWORD_HASH_METHOD says otherwise) and
REDIS_URL for the counters when it is set (e.g. redis://127.0.0.1:6379/10).
Part 1 lifts the throttling limits (so every try reaches the password check) and sends
ROUNDS wrong passwords for a known and for an unknown e-mail, interleaved, each from its
own address; it prints the median and p90 milliseconds of both. Part 2 uses the configured
limits and sends 100 different e-mails from one address, printing how many were answered
422 (checked) and how many 429 (throttled), and the Retry-After of the last one.
"""

import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app import create_app  # noqa: E402
from app.accounts.operations import create_user  # noqa: E402
from app.extensions import db, limiter  # noqa: E402
from app.models import Role  # noqa: E402

LIFTED = "1000000 per minute"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    tmp = tempfile.mkdtemp()
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp}/bench.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": f"{tmp}/uploads", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://"})
    method = app.config["PASSWORD_HASH_METHOD"]
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        create_user(db.session, email="known@example.org", name="Known", role=Role.WALKER,
                    password="the-right-password", hash_method=method)
        db.session.commit()

    defaults = {k: app.config[k] for k in
                ("LOGIN_LIMIT_IP", "LOGIN_LIMIT_ACCOUNT_IP", "LOGIN_LIMIT_ACCOUNT")}
    app.config.update({k: LIFTED for k in defaults})
    client = app.test_client()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(rounds + 2):
        for kind in ("known", "unknown"):
            email = "known@example.org" if kind == "known" else f"nobody{n}@example.org"
            start = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": "wrong"},
                                   environ_base={"REMOTE_ADDR": f"10.9.{n // 250}.{n % 250}"})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 422, response.status_code
            if n >= 2:  # the first rounds warm up caches (and the dummy hash)
                times[kind].append(elapsed)
    print(f"hash method: {method}; {rounds} wrong-password logins each")
    for kind, values in times.items():
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1]
        print(f"  {kind:8s} e-mail: median {statistics.median(values):6.1f} ms, "
              f"p90 {p90:6.1f} ms")
    diff = statistics.median(times["known"]) - statistics.median(times["unknown"])
    print(f"  difference of medians: {diff:+.1f} ms")

    app.config.update(defaults)
    limiter.reset()
    statuses = []
    start = time.perf_counter()
    for n in range(100):
        response = client.post("/login", data={"email": f"guess{n}@example.org",
                                                "password": "wrong"},
                               environ_base={"REMOTE_ADDR": "10.66.0.1"})
        statuses.append(response.status_code)
    elapsed = time.perf_counter() - start
    print(f"100 e-mails from one address ({defaults['LOGIN_LIMIT_IP']}): "
          f"{statuses.count(422)} checked (422), {statuses.count(429)} throttled (429) "
          f"in {elapsed:.1f} s; last Retry-After: {response.headers.get('Retry-After')} s")


if __name__ == "__main__":
    main()
