"""A request id on every request and log line; logs as JSON when LOG_FORMAT=json.

The id comes from the X-Request-ID header when the proxy (or a client) sent a sane one, so
one request can be followed from nginx through the app to the database log; otherwise a new
one is made. It is sent back in X-Request-ID. With LOG_FORMAT=json every log record is one
JSON object on stderr (python-json-logger) with the request id, and each request ends with
a line on the `trygg.request` logger: method, route, path, status, duration, user.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
request_log = logging.getLogger("trygg.request")
# The tenant pages (/t/…) serve people without an account, and the safety pulse's answers are
# anonymous: a log line with the address beside the building's code and the second would tie
# an answer to a phone's address. Their lines say everything but the address.
ANONYMOUS_PATHS = "/t/"


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        configure_json_logging(app.config.get("LOG_LEVEL") or "INFO")

    @app.before_request
    def start():
        sent = request.headers.get(HEADER, "")
        g.request_id = sent if _SANE.fullmatch(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response):
        rid = g.get("request_id") or uuid.uuid4().hex
        response.headers[HEADER] = rid
        started = g.request_started if "request_started" in g else None
        if started is not None and request_log.isEnabledFor(logging.INFO):
            from flask_login import current_user

            request_log.info("%s %s %s", request.method, request.path, response.status_code,
                             extra={
                                 "method": request.method, "path": request.path,
                                 "route": request.url_rule.rule if request.url_rule else None,
                                 "status": response.status_code,
                                 "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                                 "user_id": getattr(current_user, "id", None),
                                 "remote_addr": None if request.path.startswith(
                                     ANONYMOUS_PATHS) else request.remote_addr,
                             })
        return response


def configure_json_logging(level: str) -> None:
    """One JSON object per line on stderr for every logger (the app's, SQLAlchemy's, RQ's)."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
    ))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "trygg_json", False)]:
        root.removeHandler(old)  # create_app twice (tests) keeps one handler
    handler.trygg_json = True
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Flask's own handler would print every app.logger line a second time, as text.
    from flask.logging import default_handler

    logging.getLogger("app").removeHandler(default_handler)
