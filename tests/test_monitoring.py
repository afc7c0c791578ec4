"""Health and readiness for the load balancer, the request id, JSON logs and the guarded
Prometheus metrics (issue 28)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.storage import S3Storage
from tests.conftest import redis_test_url

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config(app):
    """Settings changed for one test, put back after it."""
    kept = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(kept)


@pytest.fixture
def broken_storage(app):
    kept = app.extensions.get("trygg_storage")
    app.extensions["trygg_storage"] = S3Storage(
        "b", endpoint_url="http://127.0.0.1:9", region="us-east-1", access_key="k",
        secret_key="s")
    yield
    app.extensions.pop("trygg_storage")
    if kept is not None:
        app.extensions["trygg_storage"] = kept


def _redis_up(url: str) -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def test_health_and_readiness_answer_without_login(client):
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["status"] == "ok"
    assert {name: c["status"] for name, c in ready.json["checks"].items()} == {
        "database": "ok", "storage": "ok"}
    assert ready.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_bucket_cannot_be_reached(client, broken_storage):
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["storage"]["status"] == "failed"
    assert ready.json["checks"]["database"]["status"] == "ok"
    assert "127.0.0.1:9" not in ready.get_data(as_text=True)  # why: in the log only
    assert client.get("/healthz").status_code == 200  # alive, only not ready


def test_readiness_checks_redis_when_it_is_configured(client, config):
    config["REDIS_URL"] = "redis://127.0.0.1:9/0"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis"]["status"] == "failed"
    url = redis_test_url()
    if not _redis_up(url):
        pytest.skip("no Redis at TEST_REDIS_URL")
    config["REDIS_URL"] = url
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["redis"]["status"] == "ok"


def test_request_id_is_kept_from_the_proxy_or_made(client, login):
    login("manager")
    sent = client.get("/findings", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert sent.headers["X-Request-ID"] == "nginx-4f2a9c"
    made = client.get("/findings")
    assert len(made.headers["X-Request-ID"]) == 32
    assert made.headers["X-Request-ID"] != client.get("/findings").headers["X-Request-ID"]
    odd = client.get("/findings", headers={"X-Request-ID": "x" * 300})
    assert odd.headers["X-Request-ID"] != "x" * 300
    newline = client.get("/healthz", headers={"X-Request-ID": "a\tb"})
    assert newline.headers["X-Request-ID"] != "a\tb"


def test_metrics_are_not_public(client, login, config):
    assert client.get("/metrics").status_code == 404  # no METRICS_TOKEN: nobody
    config["METRICS_TOKEN"] = "s3cret-scraper"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    login("admin")  # a login is not the scraper's token either
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_by_route_and_status_and_the_queue(client, login, make,
                                                                   config):
    config["METRICS_TOKEN"] = "s3cret-scraper"
    login("manager")
    walk = make.walk()
    assert client.get(f"/walks/{walk}").status_code == 200
    assert client.get("/walks/2147483000").status_code == 404
    url = redis_test_url()
    if _redis_up(url):
        config["REDIS_URL"] = url
    scraped = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scraper"})
    assert scraped.status_code == 200
    assert scraped.mimetype == "text/plain"
    text = scraped.get_data(as_text=True)
    assert 'trygg_http_requests_total{method="GET",route="/walks/<int:walk_id>",status="200"}' \
        in text
    assert 'route="/walks/<int:walk_id>",status="404"' in text
    assert 'trygg_http_request_duration_seconds_bucket{le="0.5",method="GET",' \
           'route="/walks/<int:walk_id>"}' in text
    assert f"/walks/{walk}" not in text  # one series per screen, not per id
    assert "# TYPE trygg_rq_queue_length gauge" in text
    if config.get("REDIS_URL"):
        assert 'trygg_rq_queue_length{queue="trygg"}' in text


def test_json_logs_carry_the_request_id(tmp_path):
    """LOG_FORMAT=json: each log line is one JSON object; a request's lines carry its id."""
    script = (
        "from app import create_app\n"
        "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': "
        f"'sqlite:///{tmp_path}/t.db', 'UPLOAD_FOLDER': '{tmp_path}/u'}})\n"
        "from app.accounts.auth import PUBLIC_ENDPOINTS\n"
        "PUBLIC_ENDPOINTS.add('boom')\n"
        "@app.get('/boom')\n"
        "def boom():\n"
        "    app.logger.warning('something odd')\n"
        "    return 'ok'\n"
        "app.test_client().get('/boom', headers={'X-Request-ID': 'req-77'})\n"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "FACE_BLUR": "0", "SECRET_KEY": "x"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    warning = next(line for line in lines if line["message"] == "something odd")
    assert warning["request_id"] == "req-77" and warning["level"] == "WARNING"
    assert warning["logger"] == "app" and "time" in warning
    access = next(line for line in lines if line["logger"] == "trygg.request")
    assert access["request_id"] == "req-77" and access["status"] == 200
    assert access["route"] == "/boom" and access["duration_ms"] >= 0
