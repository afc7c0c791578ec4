"""`key_required`: a view that another system calls with an API key instead of a login.

    @bp.get("/feeds/…")
    @key_required(ApiScope.SITUATION_FEED, refuse=json_refusal)
    def feed(): ...

The view is exempt from the login redirect and from CSRF (it carries no cookie to forge);
the key is checked against the database on every call, so a revoked key is refused at once;
the call is counted per key (Flask-Limiter, API_KEY_RATE_LIMIT) and audited.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_babel import gettext as _

from app.errors import api_error
from app.extensions import csrf, db, limiter
from app.integrations import operations as ops
from app.integrations.keys import find_key, presented_token, rate_limit, rate_limit_key
from app.models import ApiScope

Refusal = Callable[[int, str], object]


def json_refusal(status: int, message: str):
    return api_error(status, {401: "unauthenticated", 403: "forbidden"}.get(status, "invalid"),
                     message)


def key_required(*scopes: ApiScope, refuse: Refusal = json_refusal, form_field: bool = False,
                 optional: bool = False):
    """Let the view run only with an active key holding every one of `scopes`
    (`optional`: also without any key; the view reads `g.api_key`)."""

    def wrap(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            token = presented_token(form_field=form_field)
            if token is None and optional:
                g.api_key = None
                return view(*args, **kwargs)
            key = find_key(token)
            if key is None:
                return refuse(401, _("A valid API key is needed (Authorization: Bearer …)."))
            missing = [s for s in scopes if not key.allows(s)]
            if missing:
                return refuse(403, _("This API key may not do this (it lacks %(scope)s).",
                                     scope=", ".join(s.value for s in missing)))
            g.api_key = key
            ops.record_key_use(db.session, key, method=request.method, path=request.path)
            db.session.commit()
            return view(*args, **kwargs)

        checked.authenticates_itself = True
        limited = limiter.limit(rate_limit, key_func=rate_limit_key)(checked)
        limited.authenticates_itself = True
        return csrf.exempt(limited)

    return wrap
