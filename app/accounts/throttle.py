"""Login throttling: a slowdown for guessers that a stranger cannot turn into a lock-out.

Buckets (moving windows, sizes in config):
- LOGIN_LIMIT_IP: every login attempt from one address, any account. Stops one machine
  from trying many e-mails or passwords (and from burning CPU on password hashing).
- LOGIN_LIMIT_ACCOUNT_IP: attempts on one account from one address. A stranger who guessed
  wrong 5 times is slowed down for that account from *their* address only; the owner on
  their own phone or network has a bucket of their own. A correct password empties the pair.
- LOGIN_LIMIT_ACCOUNT: attempts on one account from anywhere, with a short window. It caps
  a guesser who spreads over many addresses. A browser where the owner logged in before
  carries a signed "known device" cookie for the account and skips this bucket (the OWASP
  device-cookie idea), so even a sustained guessing campaign from many addresses does not
  keep the owner out on their own phone; elsewhere the short window means a wait of about
  a minute at most.
- LOGIN_LIMIT_CODE: second-factor codes per account (the code step comes after a correct
  password, so only the owner or someone holding the password reaches it).

Accounts are keyed by a hash of the normalised e-mail, not by the user row, so unknown and
known e-mails are throttled exactly alike. Every attempt is *reserved* before the password
is checked with the storage's own atomic hit (Redis INCR/Lua, or a locked in-memory
counter): 40 parallel guesses cannot all slip past a limit of 5, and there is no
read-modify-write in Python or in the database.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from app.errors import DomainError
from app.extensions import limiter


class Throttled(DomainError):
    def __init__(self, message, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, retry_after)


def _account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _buckets(config: Mapping, ip: str, email: str,
             known_device: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    account = _account_key(email)
    buckets = [
        (config["LOGIN_LIMIT_IP"], ("login-ip", ip)),
        (config["LOGIN_LIMIT_ACCOUNT_IP"], ("login-pair", account, ip)),
    ]
    if not known_device:
        buckets.append((config["LOGIN_LIMIT_ACCOUNT"], ("login-account", account)))
    return buckets


def _reserve(buckets: list[tuple[str, tuple[str, ...]]], message) -> None:
    strategy = limiter.limiter
    for limit_text, keys in buckets:
        limit = parse(limit_text)
        if not strategy.hit(limit, *keys):
            reset_at = strategy.get_window_stats(limit, *keys).reset_time
            raise Throttled(message, retry_after=math.ceil(reset_at - time.time()))


def reserve_login(config: Mapping, ip: str, email: str, message, *,
                  known_device: bool = False) -> None:
    """Count one login attempt, or raise Throttled(retry_after) when a bucket is full."""
    _reserve(_buckets(config, ip, email, known_device), message)


# --- known devices -------------------------------------------------------------------------

DEVICE_COOKIE = "trygg_device"
DEVICE_DAYS = 365
_DEVICE_ACCOUNTS = 5  # a shared family tablet may know a few accounts


def _device_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="trygg-known-device")


def device_accounts(secret_key: str, cookie: str | None) -> list[str]:
    if not cookie:
        return []
    try:
        value = _device_serializer(secret_key).loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def is_known_device(secret_key: str, cookie: str | None, email: str) -> bool:
    return _account_key(email) in device_accounts(secret_key, cookie)


def remember_device(secret_key: str, cookie: str | None, email: str) -> str:
    """The new cookie value after a successful login of this account on this browser."""
    account = _account_key(email)
    accounts = [a for a in device_accounts(secret_key, cookie) if a != account]
    return _device_serializer(secret_key).dumps([account, *accounts][:_DEVICE_ACCOUNTS])


def login_succeeded(config: Mapping, ip: str, email: str) -> None:
    """The owner got in from this address: their earlier typos there are forgiven."""
    limit_text, keys = _buckets(config, ip, email)[1]
    limiter.limiter.clear(parse(limit_text), *keys)


def reserve_code(config: Mapping, user_id: int, message) -> None:
    _reserve([(config["LOGIN_LIMIT_CODE"], ("login-code", str(user_id)))], message)


def code_succeeded(config: Mapping, user_id: int) -> None:
    limiter.limiter.clear(parse(config["LOGIN_LIMIT_CODE"]), "login-code", str(user_id))
