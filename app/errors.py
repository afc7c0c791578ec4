"""Error pages: HTML for people, JSON for the API, a short fragment for htmx.

Every /api/ error answers one shape (the API error contract):
``{"code": "<stable code>", "message": "<text>", "field": <field or null>, "error": <code>}``
— `error` repeats `code` for older clients. The outbox decides by `code`.
"""

import re

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.i18n import human_size
from app.sqlite_tuning import is_busy
from app.storage import StorageError


class DomainError(Exception):
    """A rule was broken. `field` names the form field the message belongs to, if any.

    Raised by operations (which add and flush; the caller commits); a view turns it into
    a form error, the API into its error shape, a command into a message.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# SQLite busy: a client tries again after this many seconds (the outbox retries on 503).
BUSY_RETRY_AFTER = 2
# Fields a person writes in; their text is shown again on the busy page, the rest is carried
# along unseen so that "Send again" sends the same form.
_TEXT_FIELDS = {"body", "description", "note", "notes", "planned_action", "reason", "route",
                "comment", "title", "responsible_party"}
_WRITTEN = re.compile(r"\s\S")

# HTTP status → the stable code an API client decides by.
API_CODES = {
    400: "malformed_json",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    503: "busy",
}


def too_large_message() -> str:
    """A plain form over MAX_CONTENT_LENGTH: its body was not read, so nothing of it was kept
    here, the text neither. The browser's back button usually still has what was typed."""
    return _(
        "Nothing was saved, not your text either: what you sent is larger than %(size)s at a "
        "time. Go back with the browser's back button (what you wrote is usually still "
        "there) and send fewer or smaller photos at a time.",
        size=human_size(current_app.config.get("MAX_CONTENT_LENGTH") or 0),
    )

def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message, field: str | None = None, **extra):
    """The API's one error answer."""
    response = jsonify({"code": code, "error": code, "message": str(message), "field": field,
                        **extra})
    response.status_code = status
    return response


def _resend_form() -> dict | None:
    """What a plain form sent, to send again from the busy page (files must be chosen
    again: they cannot be handed back)."""
    if request.method != "POST" or not (request.form or request.files):
        return None
    hidden, texts = [], []
    for name, value in request.form.items(multi=True):
        if name == "csrf_token":
            continue
        if value and (name in _TEXT_FIELDS or len(value) > 60 or _WRITTEN.search(value)):
            texts.append((name, value))
        else:
            hidden.append((name, value))
    return {"action": request.full_path.rstrip("?"), "hidden": hidden, "texts": texts,
            "files": sorted({name for name, upload in request.files.items(multi=True)
                             if upload.filename})}


def _code_for(status: int) -> str:
    return API_CODES.get(status, "server_error" if status >= 500 else "invalid")


def _render(status: int, title: str, message: str, code: str | None = None, error=None):
    """The error page, or for /api/ the error contract's JSON; with Allow on a 405 and
    Retry-After on a 429 when the exception knows them."""
    if wants_json():
        response = api_error(status, code or _code_for(status), message)
    else:
        response = current_app.make_response(
            (render_template("errors/error.html", title=title, message=message), status)
        )
    if status == 405 and isinstance(error, HTTPException):
        valid = getattr(error, "valid_methods", None)
        if valid:
            response.headers["Allow"] = ", ".join(sorted(valid))
    if isinstance(error, HTTPException) and error.code == 429:
        retry = getattr(error, "retry_after", None)
        if retry and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(retry)
    return response


def bad_request(error):
    return _render(400, _("Bad request"), _("The request could not be understood."))


def unauthenticated(error):
    return _render(401, _("Log in first"), _("Log in again; nothing waiting was lost."))


def csrf_error(error):
    return _render(
        400,
        _("The form has expired"),
        _("Please go back, reload the page and send it again. Nothing was saved."),
        code="csrf",
    )


def forbidden(error):
    return _render(403, _("Not allowed"), _("You do not have permission to do that."))


def not_found(error):
    return _render(404, _("Not found"), _("There is nothing here, or you may not see it."))


def method_not_allowed(error):
    return _render(405, _("Not allowed"), _("That action is not possible here."), error=error)


def too_large(error):
    return _render(413, _("Too large"), too_large_message())


def other_http_error(error: HTTPException):
    if not wants_json() or error.code is None:
        return error
    return _render(error.code, error.name, error.description or error.name, error=error)


def out_of_range(error):
    # A number beyond what the database holds, a date past year 9999 or a character it
    # cannot store is bad input, not a crash.
    db.session.rollback()
    if wants_json():
        return api_error(422, "invalid", _("A value in the request cannot be stored."))
    return _render(
        400, _("Bad request"),
        _("A number, a date or a character in the request cannot be stored."),
    )


def database_busy(error: OperationalError):
    """SQLite's write lock stayed taken for busy_timeout: 503 with Retry-After, and
    nothing lost (the outbox sends again; a form's text comes back on the page)."""
    db.session.rollback()
    if not is_busy(error):
        current_app.log_exception((type(error), error, error.__traceback__))
        return server_error(error)
    current_app.logger.warning("SQLite busy: %s %s answered 503", request.method,
                               request.path)
    g.trygg_reads = True  # the page's own reads must not wait for the lock again
    return _try_again_later()


def storage_unavailable(error: StorageError):
    """The photo store (a bucket) could not be reached: the same 503 as a busy database.
    Files are written before the row's commit, so nothing was saved."""
    db.session.rollback()
    current_app.logger.warning("Storage unavailable: %s %s answered 503 (%s)", request.method,
                               request.path, error)
    return _try_again_later()


def _try_again_later():
    if wants_json():
        response = api_error(
            503, "busy", _("The server is busy. Nothing was saved; send it again."))
    else:
        response = current_app.make_response(
            (render_template("errors/busy.html", resend=_resend_form()), 503))
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def server_error(error):
    db.session.rollback()
    return _render(500, _("Something went wrong"), _("Please try again in a moment."))


# What each handler answers, in the order they are registered.
HANDLERS = [
    (400, bad_request),
    (401, unauthenticated),
    (CSRFError, csrf_error),
    (403, forbidden),
    (404, not_found),
    (405, method_not_allowed),
    (413, too_large),
    (HTTPException, other_http_error),
    (OverflowError, out_of_range),
    (DataError, out_of_range),
    (OperationalError, database_busy),
    (StorageError, storage_unavailable),
    (500, server_error),
]


def init_app(app: Flask) -> None:
    for code_or_exception, handler in HANDLERS:
        app.register_error_handler(code_or_exception, handler)
