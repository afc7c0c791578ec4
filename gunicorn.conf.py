"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (WEB_CONCURRENCY, GUNICORN_THREADS, …) or
on the command line. Run `flask db upgrade heads` once before starting (never per worker),
and `flask worker` beside it for exports and mail (README, "Production").
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Worker class: gthread. Phones upload 3–15 MB of photos over mobile data; a sync worker is
# blocked for the whole upload, so a few slow phones would stall every manager's page unless
# a buffering proxy (nginx) sits in front. Threads keep other requests moving meanwhile. The
# work inside a request is short (the slowest, a photo, is ~0.1–0.9 s of Pillow, which
# releases the GIL); anything long (exports, mail) is a job on the worker, not a request.
# Behind nginx with request buffering, `GUNICORN_WORKER_CLASS=sync` gives the highest
# req/s (NOTES.md: 2 sync workers ~5,300 req/s of hello world, gthread 2×4 ~2,500).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# One process per core plus one: a process per core for Python's GIL, +1 covers a worker
# that is busy in I/O or restarting. Each worker holds ~100 MB (Pillow, SQLAlchemy).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# 4 threads per worker: enough to ride out slow uploads; more only adds GIL contention.
# The SQLAlchemy pool (5 + 10 overflow per process) covers them.
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A request that runs longer than this is a bug or a hung connection: the worker is killed
# and restarted. 60 s covers a large photo batch on a slow link (the body arrives before the
# view runs) and a walk protocol PDF with many photos (a few seconds). Exports no longer
# run in a request: a million rows take ~30–60 s and would be cut off (and, streamed, arrive
# truncated with HTTP 200: issue 11). They are RQ jobs with their own JOB_TIMEOUT.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On deploy (SIGHUP/SIGTERM) let running requests, e.g. an upload, finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# Phones make several requests in a row (page, fragment, API): keep the connection a moment.
# Behind a proxy that reuses connections this matters less; it must stay below its idle
# timeout (nginx's upstream keepalive_timeout defaults to 60 s).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))

# Restart a worker after this many requests (with jitter, so they don't restart together):
# image decoding fragments the heap, and this hands memory back. Not much sooner: a new
# worker imports the app (1.6 s of CPU) and starts with no kept pages; at 2,000 a worker
# serving 200 req/s restarted every 10 s, which showed in every page's p95 (bench-scale).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 2000))

# Headers: the proxy in front terminates TLS; trust its X-Forwarded-* only from itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stdout/stderr for the service manager (systemd, containers).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def child_exit(server, worker):
    """Prometheus in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, app/monitoring/metrics.py):
    a dead worker's gauges leave the sum."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
