"""/healthz: the process answers (liveness; restart it when this fails). /readyz: it can do
its work: the database answers, Redis answers (when REDIS_URL is set) and the photo store
is reachable (readiness; the load balancer sends no requests to a host that is not ready).
Each check is named with ok or failed and its time; why it failed goes to the log only."""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from app.storage import get_storage

CHECK_TIMEOUT_S = 2


def readiness() -> tuple[bool, dict]:
    """(ready, {check: {"status": "ok" | "failed", "ms": …}})."""
    checks = {"database": _database, "storage": _storage}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis
    results, ready = {}, True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
            state = "ok"
        except Exception as error:  # any failure means "not ready", and says which check
            current_app.logger.warning("readiness: %s failed: %r", name, error)
            state, ready = "failed", False
        results[name] = {"status": state,
                         "ms": round((time.perf_counter() - started) * 1000, 1)}
    return ready, results


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    finally:
        db.session.rollback()


def _redis() -> None:
    from redis import Redis

    client = Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=CHECK_TIMEOUT_S,
                            socket_connect_timeout=CHECK_TIMEOUT_S)
    try:
        client.ping()
    finally:
        client.close()


def _storage() -> None:
    get_storage().check()
