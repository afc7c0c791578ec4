"""The tenant pages' rate limits with their counters in Redis, as in production (REDIS_URL
sets RATELIMIT_STORAGE_URI): per address and per building for reports, per address for the
pulse answer, the same numbers as with the in-memory counters the other tests use.

Redis at TEST_REDIS_URL (its database, one further per xdist worker); skipped when it does
not answer. The counters get a prefix of their own, and only keys with it are deleted,
before and after: nothing else in that database is touched."""

import os
import subprocess
import sys

import pytest
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import STRATEGIES
from sqlalchemy import func, select

from app.extensions import db, limiter
from app.models import TenantReport
from tests.conftest import redis_test_url
from tests.tenants.conftest import report_form

pytestmark = pytest.mark.usefixtures("ctx")


def _redis():
    from redis import Redis, RedisError

    client = Redis.from_url(redis_test_url(), socket_connect_timeout=1)
    try:
        client.ping()
    except (OSError, RedisError) as error:
        pytest.skip(f"no Redis at {redis_test_url()}: {error}")
    return client


@pytest.fixture
def redis_counters(app):
    """The limiter counts in Redis for one test, as `init_app` sets it up when
    RATELIMIT_STORAGE_URI is a redis:// URL; the in-memory counters come back after."""
    client = _redis()
    _forget(client)
    kept = limiter._storage, limiter._limiter
    storage = storage_from_string(redis_test_url(), key_prefix=PREFIX)
    limiter._storage = storage
    limiter._limiter = STRATEGIES[app.config["RATELIMIT_STRATEGY"]](storage)
    try:
        yield client
    finally:
        limiter._storage, limiter._limiter = kept
        _forget(client)
        client.close()


PREFIX = "trygg-test-tenant-limits"


def _forget(client) -> None:
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)


def _keys(client) -> list[str]:
    return sorted(key.decode() for key in client.scan_iter(f"{PREFIX}:*"))


def _reports() -> int:
    return db.session.scalar(select(func.count()).select_from(TenantReport))


def test_redis_url_is_where_the_limits_count():
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/12"}
    out = subprocess.run(
        [sys.executable, "-c",
         "from app.config import Config; print(Config.RATELIMIT_STORAGE_URI)"],
        env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "redis://127.0.0.1:6379/12"


def test_reports_per_address_in_redis(client, make, building, redis_counters):
    assert isinstance(limiter.storage, RedisStorage)
    answers = [client.post("/t/FIT-007?lang=en", data=report_form(make),
                           environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
               for _ in range(7)]
    assert answers == [303] * 5 + [429] * 2
    slowed = client.post("/t/FIT-007?lang=en", data=report_form(make, description="keep me"),
                         environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) > 0
    assert "keep me" in slowed.get_data(as_text=True)
    # Another address at the same building is not held up.
    other = client.post("/t/FIT-007", data=report_form(make),
                        environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 303
    assert _reports() == 6
    keys = _keys(redis_counters)
    # The counters are in Redis, one per address and one for the building.
    assert any("10.0.0.1" in key for key in keys)
    assert any("10.0.0.2" in key for key in keys)
    assert any("tenant-building:FIT-007" in key for key in keys)


def test_an_invalid_report_costs_no_try_in_redis(client, make, building, redis_counters):
    bad = report_form(make, category="")
    codes = [client.post("/t/FIT-007?lang=en", data=bad,
                         environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code
             for _ in range(8)]
    assert codes == [422] * 8
    good = client.post("/t/FIT-007?lang=en", data=report_form(make),
                       environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert good.status_code == 303


def test_the_building_limit_holds_across_addresses_in_redis(client, make, building, app,
                                                           redis_counters):
    other = make.building(make.district("Alby"), code="ALB-001", address="Albyvägen 1")
    assert other
    app.config["TENANT_REPORT_LIMIT_BUILDING"] = "3/hour"
    try:
        codes = [client.post("/t/FIT-007", data=report_form(make),
                             environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code
                 for n in range(5)]
        # The next building counts on its own.
        elsewhere = client.post("/t/ALB-001", data=report_form(make),
                                environ_base={"REMOTE_ADDR": "10.0.1.9"}).status_code
    finally:
        app.config["TENANT_REPORT_LIMIT_BUILDING"] = "30/hour"
    assert codes == [303, 303, 303, 429, 429]
    assert elsewhere == 303
    assert _reports() == 4


def test_pulse_answers_per_address_in_redis(app, make, building, redis_counters):
    data = {"score": "3", "time_of_day": "day", "website": "http://spam.example"}
    before, app.config["PULSE_LIMIT"] = app.config["PULSE_LIMIT"], "3/hour"
    try:
        codes = [app.test_client().post("/t/FIT-007/pulse", data=data).status_code
                 for _ in range(4)]
        other = app.test_client().post("/t/FIT-007/pulse", data=data,
                                       environ_base={"REMOTE_ADDR": "10.1.2.3"})
    finally:
        app.config["PULSE_LIMIT"] = before
    assert codes == [303, 303, 303, 429]
    assert other.status_code == 303
    assert any("10.1.2.3" in key for key in _keys(redis_counters))
