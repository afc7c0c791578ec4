"""Running Trygg on several hosts behind a load balancer: health and readiness endpoints
(health.py), structured JSON logs with a request id (logs.py) and Prometheus metrics
(metrics.py). docs/deploy.md says how they are used."""

from flask import Blueprint, Flask

bp = Blueprint("monitoring", __name__)

# Reached without a login: the load balancer and the metrics scraper have none
# (/metrics has its own bearer token, and answers 404 without METRICS_TOKEN).
PUBLIC_ENDPOINTS = {"monitoring.live", "monitoring.ready", "monitoring.scrape"}


def init_app(app: Flask) -> None:
    from app.monitoring import logs, metrics

    logs.init_app(app)  # first: every later hook and log line has the request id
    metrics.init_app(app)
    app.register_blueprint(bp)


from app.monitoring import routes  # noqa: E402, F401
