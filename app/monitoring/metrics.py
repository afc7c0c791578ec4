"""Prometheus metrics (prometheus-client) at /metrics, for a scraper holding METRICS_TOKEN.

- trygg_http_requests_total{method, route, status}: answered requests, by URL rule (the
  rule, `/findings/<int:finding_id>`, not the path: one series per screen, not per id)
- trygg_http_request_duration_seconds{method, route}: their durations (histogram)
- trygg_rq_queue_length{queue}, trygg_rq_failed_jobs{queue}: jobs waiting for `flask worker`
  and jobs that failed, read from Redis at each scrape (when REDIS_URL is set)

Without METRICS_TOKEN the endpoint answers 404: request counts by route are not for
everyone. Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (an empty folder,
emptied at each start) so that one scrape adds up every worker (gunicorn.conf.py tells the
library when a worker dies).
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Flask, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("trygg_http_requests", "HTTP requests answered",
                   ["method", "route", "status"])
DURATION = Histogram("trygg_http_request_duration_seconds", "Time to answer a request",
                     ["method", "route"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def init_app(app: Flask) -> None:
    @app.after_request
    def count(response):
        # logs.py's before_request noted when the request started (None: it was cut short).
        started = g.request_started if "request_started" in g else None
        if started is None or request.endpoint == "monitoring.scrape":
            return response
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        DURATION.labels(request.method, route).observe(time.perf_counter() - started)
        return response


class QueueCollector:
    """The RQ queue's length and failed jobs, read when scraped (not kept per worker)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        from rq.registry import FailedJobRegistry

        from app.jobs import QUEUE_NAME, queue

        waiting = GaugeMetricFamily("trygg_rq_queue_length", "Jobs waiting for a worker",
                                    labels=["queue"])
        failed = GaugeMetricFamily("trygg_rq_failed_jobs", "Jobs that failed",
                                   labels=["queue"])
        if self.app.config.get("REDIS_URL"):
            jobs = queue(self.app)
            waiting.add_metric([QUEUE_NAME], jobs.count)
            failed.add_metric([QUEUE_NAME], FailedJobRegistry(queue=jobs).count)
        yield waiting
        yield failed


def authorized(config, authorization: str) -> bool:
    """The scraper's bearer token; nobody at all without METRICS_TOKEN."""
    expected = config.get("METRICS_TOKEN")
    return bool(expected) and hmac.compare_digest(authorization.encode(),
                                                  f"Bearer {expected}".encode())


def scrape(app: Flask) -> bytes:
    """Every metric in Prometheus' text format (all gunicorn workers' with
    PROMETHEUS_MULTIPROC_DIR)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    queues = CollectorRegistry()
    queues.register(QueueCollector(app))
    return body + generate_latest(queues)
