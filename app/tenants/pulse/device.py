"""What makes a pulse answer "once per phone, building and week" without knowing the phone.

The phone keeps a random id in a cookie. The server keeps only an HMAC (keyed with a key
derived from SECRET_KEY) of that id with the building and the ISO week: equal for a second
answer of the same phone, building and week, unrelated for any other week or building.
No Flask here: the view reads the cookie and the key and passes them in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

COOKIE = "trygg_pulse"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600  # two years: a device, not a visit
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_device_id() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 random bits


def valid_device_id(value: str | None) -> str | None:
    """The cookie's id if it is one we could have made, else None (a new one is given)."""
    return value if value and _DEVICE_ID.match(value) else None


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def once_digest(secret_key: str, device_id: str, building_id: int, week: str) -> str:
    key = hmac.new(secret_key.encode(), b"trygg pulse once-per-week", hashlib.sha256).digest()
    message = f"{device_id}\x1f{building_id}\x1f{week}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()

