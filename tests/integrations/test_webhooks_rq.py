"""Webhooks through Redis: the request only enqueues, an RQ worker sends, a failed try is
scheduled again in RQ's scheduled registry, `flask deliver-webhooks` catches up."""

import json
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery, utcnow
from tests.conftest import redis_test_url
from tests.integrations.test_webhooks import Receiver, _endpoint

pytestmark = pytest.mark.committed  # the worker reads on its own connection

REDIS_TEST_URL = redis_test_url()


@pytest.fixture
def redis_jobs(app, monkeypatch):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    yield connection
    connection.flushdb()
    connection.close()


def _work(app, connection) -> None:
    from app import jobs

    with app.app_context():
        jobs.worker(app, connection=connection, fork=False).work(burst=True)


def test_a_worker_sends_and_schedules_the_retry(app, make, redis_jobs, runner):
    from rq.registry import ScheduledJobRegistry

    from app import jobs

    hook = Receiver([500])
    try:
        _endpoint(app, hook.url, ["finding.created"])
        finding = make.finding(make.walk(), make.user("walker"))
        assert hook.got == []  # the request only enqueued it
        _work(app, redis_jobs)
        assert len(hook.got) == 1  # the worker tried, the receiver answered 500
        with app.app_context():
            scheduled = ScheduledJobRegistry(queue=jobs.queue(app))
            assert scheduled.count == 1  # the next try, in RQ's scheduler
            delivery = db.session.scalar(db.select(WebhookDelivery))
            assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
        result = runner.invoke(args=["deliver-webhooks"])
        assert result.exit_code == 0, result.output
        assert len(hook.got) == 2
        assert json.loads(hook.got[1]["body"])["data"]["finding"]["id"] == finding
        with app.app_context():
            assert db.session.scalar(db.select(WebhookDelivery.status)) \
                == DeliveryStatus.DELIVERED
    finally:
        hook.close()
