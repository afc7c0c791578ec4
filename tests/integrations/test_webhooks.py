"""Webhooks as a receiving property system sees them: a real HTTP server started here."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.extensions import db
from app.findings import operations as finding_ops
from app.integrations import operations as ops
from app.integrations.webhooks import deliver_due, retry_delay, signature, verify_signature
from app.models import (
    DeliveryStatus,
    Finding,
    User,
    Walk,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.walks.operations import complete_walk

ALL_EVENTS = [e.value for e in WebhookEvent]


class Receiver:
    """A small webhook receiver: answers each POST with the next status of `script`
    (then 200), and keeps what it got."""

    def __init__(self, script=()):
        self.script = list(script)
        self.got: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append({"headers": dict(self.headers), "body": body})
                status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"busy, try later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/trygg"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[str]:
        return [json.loads(r["body"])["type"] for r in self.got]


@pytest.fixture
def receiver():
    made = []

    def start(script=()):
        made.append(Receiver(script))
        return made[-1]

    yield start
    for r in made:
        r.close()


@pytest.fixture
def fast_retries(app):
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 0
    yield
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 30


def _endpoint(app, url: str, events=ALL_EVENTS) -> tuple[int, str]:
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.role == "admin")) or User(
            email="hookadmin@example.org", name="Admin", role="admin", password_hash="x")
        db.session.add(admin)
        ops.set_allow_private(db.session, admin, True)
        endpoint = ops.add_endpoint(db.session, admin, url=url, events=events,
                                    allow_private=True)
        db.session.commit()
        ids = endpoint.id, endpoint.secret
        db.session.remove()
    return ids


def test_internal_addresses_are_refused_unless_an_admin_allows_them(client, login, receiver):
    hook = receiver()
    login("admin", language="en")
    for url in (hook.url, "http://10.0.0.8/hook", "http://[::1]/hook",
                "http://169.254.169.254/latest/meta-data"):
        page = client.post("/admin/webhooks", data={"url": url, "events": ["finding.created"]})
        assert page.status_code == 422, url
        body = page.get_data(as_text=True)
        assert "internal network" in body and url.replace("&", "&amp;") in body
    for url in ("ftp://example.org/x", "file:///etc/passwd", "gopher://x"):
        page = client.post("/admin/webhooks", data={"url": url, "events": ["finding.created"]})
        assert page.status_code == 422
        assert "Only http:// and https://" in page.get_data(as_text=True)
    client.post("/admin/webhooks/private", data={"allow_private": "y"})
    page = client.post("/admin/webhooks", data={"url": hook.url, "events": ["finding.created"]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    secret = body.split('id="new-secret"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith("whsec_")
    listed = client.get("/admin/webhooks").get_data(as_text=True)
    assert hook.url in listed and secret not in listed
    endpoint_id = listed.split("/admin/webhooks/")[1].split('"')[0]
    assert secret not in client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert secret not in client.get("/admin/audit").get_data(as_text=True)


def test_signed_deliveries_arrive_in_order(app, make, receiver):
    hook = receiver()
    _endpoint_id, secret = _endpoint(app, hook.url)
    manager = make.user("manager")
    fixer = make.user("fixer")
    walker = make.user("walker")
    walk = make.walk()
    finding_id = make.finding(walk, walker, description="Trasig lampa")
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        actor = db.session.get(User, manager)
        finding_ops.change_status(db.session, finding, actor=actor, to="acknowledged")
        db.session.commit()
        finding_ops.assign_finding(db.session, finding, finding_ops.AssignmentInput(
            assignee_id=fixer), actor=actor, expected_version=None, config=app.config)
        db.session.commit()
        complete_walk(db.session, db.session.get(Walk, walk))
        db.session.commit()
    assert hook.events() == ["finding.created", "finding.status_changed", "finding.assigned",
                             "finding.status_changed", "walk.completed"]
    ids = set()
    for got in hook.got:
        headers, body = got["headers"], got["body"]
        assert verify_signature(secret, headers["Trygg-Timestamp"], body,
                                headers["Trygg-Signature"])
        assert abs(int(headers["Trygg-Timestamp"]) - time.time()) < 60
        event = json.loads(body)
        assert headers["Trygg-Event"] == event["type"]
        ids.add(event["id"])
        if event["type"].startswith("finding."):
            assert event["data"]["finding"]["id"] == finding_id
            # No names or e-mail addresses of people.
            assert "@example.org" not in body.decode()
    assert len(ids) == 5
    assert json.loads(hook.got[2]["body"])["data"]["finding"]["assignee_id"] == fixer


def test_a_wrong_signature_is_detectable(app, make, receiver):
    hook = receiver()
    _id, secret = _endpoint(app, hook.url, ["finding.created"])
    make.finding(make.walk(), make.user("walker"))
    got = hook.got[0]
    stamp, body, signed = got["headers"]["Trygg-Timestamp"], got["body"], \
        got["headers"]["Trygg-Signature"]
    assert verify_signature(secret, stamp, body, signed)
    assert not verify_signature("whsec_someone-else", stamp, body, signed)
    assert not verify_signature(secret, stamp, body.replace(b"created", b"deleted"), signed)
    assert not verify_signature(secret, str(int(stamp) + 1), body, signed)
    # A replay after the 5-minute window is refused even with the right signature.
    assert not verify_signature(secret, stamp, body, signed, now=int(stamp) + 301)
    assert signed == signature(secret, int(stamp), body)


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_try(
        app, make, receiver, fast_retries, client, login):
    hook = receiver([500, 500, 500])
    endpoint_id, _secret = _endpoint(app, hook.url, ["finding.created"])
    make.finding(make.walk(), make.user("walker"))
    assert len(hook.got) == 4
    assert len({r["headers"]["Trygg-Delivery"] for r in hook.got}) == 1  # the same delivery
    with app.app_context():
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == 4 and delivery.response_status == 200
        assert delivery.duration_ms is not None
    login("admin", language="en")
    log = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "Delivered" in log and "HTTP 200" in log


def test_back_off_doubles_and_gives_up_after_24_hours(app, make, receiver):
    assert [retry_delay(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(30, 30) == 6 * 3600
    hook = receiver([503] * 100)
    _endpoint(app, hook.url, ["finding.created"])
    make.finding(make.walk(), make.user("walker"))
    assert len(hook.got) == 1
    with app.app_context():
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        assert 29 <= wait <= 31
        assert delivery.response_status == 503 and "busy" in delivery.response_excerpt
        # Not due yet: nothing is sent.
        deliver_due(db.session, app.config)
        assert len(hook.got) == 1
        # A day later the next failure is the last.
        later = delivery.created_at + timedelta(hours=23, minutes=59, seconds=30)
        delivery.next_attempt_at = later
        db.session.commit()
        deliver_due(db.session, app.config, now=later)
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert len(hook.got) == 2


def test_a_later_event_waits_while_an_earlier_one_is_retried(app, make, receiver):
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 3600  # no retry falls due on a slow machine
    hook = receiver([500])
    _endpoint(app, hook.url, ["finding.created"])
    walk, walker = make.walk(), make.user("walker")
    first = make.finding(walk, walker)
    second = make.finding(walk, walker)
    assert len(hook.got) == 1  # the second waits behind the first's retry
    with app.app_context():
        for delivery in db.session.scalars(db.select(WebhookDelivery)):
            delivery.next_attempt_at = delivery.created_at
        db.session.commit()
        deliver_due(db.session, app.config)
    app.config["WEBHOOK_RETRY_BASE_SECONDS"] = 30
    got = [json.loads(r["body"])["data"]["finding"]["id"] for r in hook.got]
    assert got == [first, first, second]


def test_send_again_from_the_log(app, make, receiver, client, login):
    hook = receiver()
    endpoint_id, _secret = _endpoint(app, hook.url, ["finding.created"])
    make.finding(make.walk(), make.user("walker"))
    with app.app_context():
        delivery_id = db.session.scalar(db.select(WebhookDelivery.id))
    login("admin", language="en")
    page = client.post(f"/admin/webhooks/deliveries/{delivery_id}/again",
                       follow_redirects=True)
    assert "sent again" in page.get_data(as_text=True)
    assert len(hook.got) == 2
    first, again = (json.loads(r["body"]) for r in hook.got)
    assert first["id"] == again["id"]  # the same event: a receiver can tell a repeat
    assert hook.got[0]["headers"]["Trygg-Delivery"] != hook.got[1]["headers"]["Trygg-Delivery"]


def test_an_address_that_turns_internal_later_is_not_called(app, make, receiver):
    hook = receiver()
    _endpoint(app, hook.url, ["finding.created"])
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.role == "admin"))
        ops.set_allow_private(db.session, admin, False)
        db.session.commit()
    make.finding(make.walk(), make.user("walker"))
    assert hook.got == []
    with app.app_context():
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status == DeliveryStatus.FAILED and "intern" in delivery.error


def test_no_endpoint_no_deliveries(app, make):
    make.finding(make.walk(), make.user("walker"))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 0
        assert db.session.scalar(db.select(db.func.count(WebhookEndpoint.id))) == 0
