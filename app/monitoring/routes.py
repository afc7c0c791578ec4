from flask import abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from app.monitoring import bp, health, metrics


@bp.get("/healthz")
def live():
    """The process answers (liveness)."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def ready():
    """Database, Redis and the photo store answer (readiness): 200, or 503 naming the check."""
    ok, checks = health.readiness()
    response = jsonify(status="ok" if ok else "failed", checks=checks)
    response.status_code = 200 if ok else 503
    return _no_store(response)


@bp.get("/metrics")
def scrape():
    if not metrics.authorized(current_app.config, request.headers.get("Authorization", "")):
        abort(404)  # as if absent: no hint that there is something to guess
    body = metrics.scrape(current_app._get_current_object())
    return _no_store(current_app.response_class(body, mimetype=CONTENT_TYPE_LATEST))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
