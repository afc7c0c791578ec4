"""Join codes: six characters a person reads off a phone and types on another. No 0/O or
1/I (read wrongly aloud or in a small font): 32 letters and digits, 32⁶ ≈ 10⁹ codes."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str | None) -> str | None:
    """What a guest typed as a code (lower case, spaces or a dash in the middle), or None
    when it cannot be one."""
    code = "".join(ch for ch in (typed or "").upper() if ch not in " -\t")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
