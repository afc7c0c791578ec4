"""Every write of the integrations: API keys, webhook endpoints, deliveries, the SSRF setting.
Each takes explicit arguments, adds and flushes; the caller commits."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.accounts.operations import audit
from app.errors import DomainError
from app.integrations.keys import new_token, token_hash
from app.integrations.queries import ALLOW_PRIVATE_TARGETS
from app.integrations.urls import UnsafeURL, check_url_shape, resolve
from app.integrations.webhooks import mark_pending
from app.models import (
    ApiKey,
    ApiScope,
    AppSetting,
    DeliveryStatus,
    Role,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)

# --- API keys ------------------------------------------------------------------------------


def create_key(session: Session, actor: User, *, name: str, scopes: Iterable[str],
               hash_method: str = "scrypt") -> tuple[ApiKey, str]:
    """A new key and its token. The token is returned this once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Name the integration."), field="name")
    chosen = sorted({ApiScope(s).value for s in scopes})
    if not chosen:
        raise DomainError(_l("Choose at least one permission."), field="scopes")
    token = new_token()
    # What the integration records (an Open311 request's finding) is in its name. The
    # account cannot log in: inactive, and a password nobody knows.
    service_user = User(
        email=f"integration-{uuid.uuid4().hex[:12]}@integrations.invalid",
        name=f"{name[:100]} (API)", role=Role.WALKER, active=False,
        password_hash=generate_password_hash(secrets.token_urlsafe(32), method=hash_method),
    )
    key = ApiKey(name=name[:120], prefix=token[:12], token_hash=token_hash(token),
                 scopes=chosen, service_user=service_user, created_by_id=actor.id)
    session.add(key)
    session.flush()
    audit(session, actor, "api_key_create", detail=f"{key.name} ({key.prefix}…): "
          + ", ".join(chosen))
    return key, token


def revoke_key(session: Session, actor: User, key: ApiKey) -> None:
    if key.revoked_at is not None:
        return
    key.revoked_at = utcnow()
    session.flush()
    audit(session, actor, "api_key_revoke", detail=f"{key.name} ({key.prefix}…)")


def record_key_use(session: Session, key: ApiKey, *, method: str, path: str,
                   now: datetime | None = None) -> None:
    """The key's last use, and one audit line for it (the path only: a query string may
    carry the key itself)."""
    now = now or utcnow()
    session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    audit(session, key.service_user, "api_key_use",
          detail=f"{key.name} ({key.prefix}…): {method} {path[:300]}")


# --- webhooks ------------------------------------------------------------------------------


def add_endpoint(session: Session, actor: User, *, url: str, events: Iterable[str],
                 allow_private: bool = False, secret: str | None = None) -> WebhookEndpoint:
    """Checked now (the admin sees why an address is refused) and again before each
    delivery (a host name may resolve elsewhere later)."""
    url = (url or "").strip()
    try:
        _scheme, host, port, _path = check_url_shape(url)
        resolve(host, port, allow_private=allow_private)
    except UnsafeURL as error:
        raise DomainError(error.message, field="url") from None
    chosen = sorted({WebhookEvent(e).value for e in events})
    if not chosen:
        raise DomainError(_l("Choose at least one event."), field="events")
    endpoint = WebhookEndpoint(url=url, secret=secret or "whsec_" + secrets.token_urlsafe(32),
                               events=chosen, created_by_id=actor.id)
    session.add(endpoint)
    session.flush()
    audit(session, actor, "webhook_add", detail=f"#{endpoint.id} {url}: " + ", ".join(chosen))
    return endpoint


def remove_endpoint(session: Session, actor: User, endpoint: WebhookEndpoint) -> None:
    audit(session, actor, "webhook_remove", detail=f"#{endpoint.id} {endpoint.url}")
    session.delete(endpoint)
    session.flush()


def set_allow_private(session: Session, actor: User, allowed: bool) -> None:
    row = session.get(AppSetting, ALLOW_PRIVATE_TARGETS) or AppSetting(key=ALLOW_PRIVATE_TARGETS)
    if (row.value == "1") == allowed:
        return
    row.value = "1" if allowed else "0"
    row.updated_at = utcnow()
    session.add(row)
    audit(session, actor, "webhook_private_on" if allowed else "webhook_private_off")
    session.flush()


def send_again(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """The same event once more, as a new delivery with its own tries (the receiver sees
    the same event id: it can tell a repeat)."""
    again = WebhookDelivery(endpoint_id=delivery.endpoint_id, event_id=str(uuid.uuid4()),
                            event=delivery.event, body=delivery.body,
                            status=DeliveryStatus.PENDING, next_attempt_at=utcnow())
    session.add(again)
    session.flush()
    mark_pending(session)
    return again
