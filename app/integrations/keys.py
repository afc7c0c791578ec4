"""API keys: how a request from another system authenticates.

A key is `trygg_` + 43 URL-safe characters (32 random bytes). Only its SHA-256 is stored:
with 256 bits of randomness there is nothing to guess, so a salted, slow password hash
would add no protection and cost ~90 ms on every call (the login's scrypt). The lookup is
by the hash's unique index: no comparison of secrets in Python at all.

Keys come in `Authorization: Bearer <key>` (Open311's POST also takes the form field
`api_key`, as its spec says). A key is checked on every request, so a revoked key is refused
at once. Each use updates the key's last-used time and writes one audit line (who, what);
the key itself is never logged, shown or stored.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, g, request

from app.extensions import db
from app.models import ApiKey, ApiScope

TOKEN_PREFIX = "trygg_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def presented_token(*, form_field: bool = False) -> str | None:
    """The key this request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if form_field:
        value = request.form.get("api_key") or request.args.get("api_key")
        if value:
            return value.strip()
    return None


def find_key(token: str | None) -> ApiKey | None:
    """The active key for `token`; None for no, an unknown or a revoked key."""
    if not token or len(token) > 200:
        return None
    key = db.session.scalar(db.select(ApiKey).where(ApiKey.token_hash == token_hash(token)))
    return key if key is not None and key.active else None


def request_key() -> ApiKey | None:
    """The key this request was authenticated with (set by integrations.auth)."""
    return g.get("api_key")


def rate_limit_key() -> str:
    """Flask-Limiter's key: one bucket per API key (by its id, never the token), and per
    address for requests without a valid key."""
    key = request_key()
    if key is not None:
        return f"api-key:{key.id}"
    token = presented_token(form_field=True)
    if token:
        return "api-token:" + token_hash(token)[:16]
    return "api-ip:" + (request.remote_addr or "")


def rate_limit() -> str:
    return current_app.config.get("API_KEY_RATE_LIMIT", "120 per minute")


__all__ = ["ApiScope"]
