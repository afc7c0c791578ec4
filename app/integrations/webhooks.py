"""Webhooks: what happened in Trygg, sent to the systems that asked for it.

Events are caught as the session flushes (a new Finding; a timeline line for its assignee
or status; a walk whose status became completed) and written as WebhookDelivery rows in the
same transaction: a delivery exists exactly when its change is committed, whichever view,
API call or bulk action made it. After the commit a job (app/jobs.py `deliver_webhooks`:
RQ, or the thread without Redis) sends what is due.

Each delivery is a POST with a JSON body ``{"id", "type", "created_at", "data"}`` (`id`:
the event's id, the same when an admin sends it again) and these headers:

- ``Trygg-Event``: the event type; ``Trygg-Delivery``: this delivery's own id;
- ``Trygg-Timestamp``: seconds since 1970 (UTC) when it was signed;
- ``Trygg-Signature``: ``v1=`` + hex HMAC-SHA256 with the endpoint's secret over
  ``<timestamp>.<body>`` (the raw body bytes). A receiver recomputes it, compares in
  constant time and refuses a timestamp more than 5 minutes from its clock (a replay).

A 2xx answer delivers it. Anything else (or no answer within WEBHOOK_TIMEOUT seconds) is
tried again after 30 s, 1, 2, 4 … minutes (doubling, at most 6 h apart) until 24 h after the
event, then marked failed. Deliveries to one endpoint go out in order: a later event waits
while an earlier one is being retried. No personal data: ids, codes, positions; the
description only of findings that are not confidential.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from app.integrations import queries
from app.integrations.urls import UnsafeURL, connection
from app.models import (
    DeliveryStatus,
    Finding,
    FindingEvent,
    Walk,
    WalkStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)

log = logging.getLogger(__name__)

REPLAY_WINDOW_SECONDS = 300
MAX_DELAY_SECONDS = 6 * 3600
_PENDING_FLAG = "webhooks_pending"


# --- signing -------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signed: str, *,
                     now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is within 5 minutes."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - stamp) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), signed or "")


# --- catching events -----------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def finding_data(finding: Finding) -> dict:
    """A finding as a receiver sees it: no names, no e-mail addresses; the description only
    when the finding is not confidential."""
    return {
        "id": finding.id,
        "uuid": finding.uuid,
        "walk_id": finding.walk_id,
        "status": getattr(finding.status, "value", finding.status),
        "category_id": finding.category_id,
        "severity": getattr(finding.severity, "value", finding.severity),
        "place_type": getattr(finding.place_type, "value", finding.place_type),
        "building_id": finding.building_id,
        "latitude": finding.latitude,
        "longitude": finding.longitude,
        "confidential": bool(finding.confidential),
        "description": None if finding.confidential else finding.description,
        "assignee_id": finding.assignee_id,
        "priority_id": finding.priority_id,
        "due_date": _iso(finding.due_date),
        "created_at": _iso(finding.created_at),
        "open311": f"/open311/v2/requests/{finding.id}.json",
    }


def _events_in(session: Session) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    for obj in session.new:
        if isinstance(obj, Finding):
            found.append((WebhookEvent.FINDING_CREATED, {"finding": finding_data(obj)}))
        elif isinstance(obj, FindingEvent) and obj.field in ("assignee", "status"):
            finding = obj.finding
            if finding is None or obj.from_value == obj.to_value:
                continue
            change = {"from": obj.from_value, "to": obj.to_value, "note": obj.note or ""}
            data = {"finding": finding_data(finding), "change": change}
            if obj.field == "assignee":
                if obj.to_value is not None:
                    found.append((WebhookEvent.FINDING_ASSIGNED, data))
                continue
            found.append((WebhookEvent.FINDING_STATUS_CHANGED, data))
            if obj.to_value == "verified":
                found.append((WebhookEvent.FINDING_VERIFIED, data))
    for obj in session.dirty:
        if isinstance(obj, Walk) and WalkStatus.COMPLETED in \
                inspect(obj).attrs.status.history.added:
            found.append((WebhookEvent.WALK_COMPLETED, {"walk": {
                "id": obj.id, "district_id": obj.district_id, "title": obj.title,
                "light_condition": getattr(obj.light_condition, "value", None),
                "started_at": _iso(obj.started_at), "completed_at": _iso(obj.completed_at),
            }}))
    # A new finding's own first status line is no change to announce.
    return found


@event.listens_for(Session, "after_flush")
def _write_deliveries(session: Session, _flush_context) -> None:
    found = _events_in(session)
    if not found:
        return
    conn = session.connection()
    endpoints = conn.execute(select(WebhookEndpoint.id, WebhookEndpoint.events)
                             .where(WebhookEndpoint.active)).all()
    if not endpoints:
        return
    now = utcnow()
    rows = []
    for kind, data in found:
        body = None
        for endpoint_id, wanted in endpoints:
            if kind.value not in (wanted or []):
                continue
            if body is None:
                body = json.dumps({"id": str(uuid.uuid4()), "type": kind.value,
                                   "created_at": now.isoformat(), "data": data},
                                  ensure_ascii=False, separators=(",", ":"))
            rows.append({"endpoint_id": endpoint_id, "event_id": str(uuid.uuid4()),
                         "event": kind.value, "body": body, "status": DeliveryStatus.PENDING,
                         "attempts": 0, "created_at": now, "next_attempt_at": now,
                         "response_excerpt": "", "error": ""})
    if rows:
        conn.execute(insert(WebhookDelivery), rows)
        mark_pending(session)


def mark_pending(session: Session) -> None:
    """Deliveries were written: send them once the transaction is committed."""
    session.info[_PENDING_FLAG] = True


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.info.pop(_PENDING_FLAG, False) and has_app_context():
        from app import jobs

        jobs.enqueue("deliver_webhooks")


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    session.info.pop(_PENDING_FLAG, None)


# --- sending -------------------------------------------------------------------------------


def retry_delay(attempts: int, base: float) -> float:
    """Seconds to wait after the `attempts`-th failed try: base, 2×base, 4×base … ≤ 6 h."""
    return min(base * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)


def send(delivery: WebhookDelivery, *, allow_private: bool, timeout: float) -> None:
    """One try: POST it, and write down what came back."""
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json", "User-Agent": "Trygg-Webhooks/1",
        "Trygg-Event": delivery.event, "Trygg-Delivery": delivery.event_id,
        "Trygg-Timestamp": str(stamp), "Trygg-Signature": signature(endpoint.secret, stamp, body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    started = time.perf_counter()
    try:
        conn, host, path = connection(endpoint.url, allow_private=allow_private,
                                      timeout=timeout)
        try:
            conn.request("POST", path, body=body, headers={**headers, "Host": host})
            response = conn.getresponse()
            excerpt = response.read(4096).decode("utf-8", "replace")
            delivery.response_status = response.status
            delivery.response_excerpt = excerpt[:500]
            delivery.error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        finally:
            conn.close()
    except UnsafeURL as error:
        delivery.response_status = None
        delivery.response_excerpt = ""
        delivery.error = str(error.message)[:300]
        delivery.status = DeliveryStatus.FAILED  # refused before sending: no retry
    except OSError as error:  # refused, reset, timed out, TLS
        delivery.response_status = None
        delivery.response_excerpt = ""
        delivery.error = (type(error).__name__ + ": " + str(error))[:300]
    delivery.duration_ms = round((time.perf_counter() - started) * 1000)


def _settle(delivery: WebhookDelivery, now: datetime, config) -> None:
    if delivery.status == DeliveryStatus.FAILED:
        delivery.next_attempt_at = None
    elif delivery.response_status is not None and 200 <= delivery.response_status < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.next_attempt_at = None
    else:
        delay = retry_delay(delivery.attempts, float(config["WEBHOOK_RETRY_BASE_SECONDS"]))
        next_at = now + timedelta(seconds=delay)
        give_up_at = delivery.created_at + timedelta(hours=float(config["WEBHOOK_RETRY_HOURS"]))
        if next_at > give_up_at or delivery.attempts >= int(config["WEBHOOK_MAX_ATTEMPTS"]):
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = next_at


def deliver_due(session: Session, config, *, now: datetime | None = None,
                limit: int = 200) -> datetime | None:
    """Send every delivery that is due, per endpoint in order (stopping at an endpoint's
    first failure, so a later event never overtakes an earlier one). Commits after each
    try. Returns when the next one is due, or None."""
    now = now or utcnow()
    allow_private = queries.allow_private(session)
    due = list(session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id).limit(limit).with_for_update(skip_locked=True)
    ))
    held: set[int] = set()
    for delivery in due:
        if delivery.endpoint_id in held:
            continue
        earlier = session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.endpoint_id == delivery.endpoint_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.id < delivery.id).limit(1))
        if earlier is not None:  # an earlier event still waits for its retry
            held.add(delivery.endpoint_id)
            continue
        send(delivery, allow_private=allow_private,
             timeout=float(config["WEBHOOK_TIMEOUT"]))
        _settle(delivery, max(now, utcnow()), config)  # the wait starts after the try
        if delivery.status == DeliveryStatus.PENDING:
            held.add(delivery.endpoint_id)
        session.commit()
    return session.scalar(select(WebhookDelivery.next_attempt_at)
                          .where(WebhookDelivery.status == DeliveryStatus.PENDING)
                          .order_by(WebhookDelivery.next_attempt_at).limit(1))


def deliver_due_job() -> None:
    """The job: send what is due, then ask to be run again when the next retry is due."""
    from app import jobs
    from app.extensions import db

    next_at = deliver_due(db.session, current_app.config)
    db.session.commit()  # end the read before the next run, which has its own session
    if next_at is not None:
        jobs.enqueue_in("deliver_webhooks", max((next_at - utcnow()).total_seconds(), 0))
