"""Background jobs: RQ on Redis when REDIS_URL is set, a thread in this process otherwise.

Work that takes longer than a request should (an export of a million findings, talking to
an SMTP server) is enqueued here by name. Three ways to run it, chosen by JOBS_MODE:

- "rq" (the default when REDIS_URL is set): the job goes to the Redis queue "trygg" and a
  worker runs it (`flask worker`, or `rq worker -u $REDIS_URL trygg`). Production.
- "thread" (the default without REDIS_URL, so `make run` on a laptop needs no Redis): one
  background thread in the web process runs jobs one after the other. The user sees the same
  pages as in production (progress, then a download). A thread, not RQ's synchronous mode,
  because synchronous mode still needs a Redis connection and would run a long export
  inside the request, which is exactly what the job is for. Jobs running in a thread die
  with the process; an export left "running" is shown as failed after EXPORT_STALE_SECONDS
  and can be started again.
- "sync": the job runs at once, before enqueue() returns (tests). Like a worker, it records
  a failure (an export says it failed) and logs it, and the request goes on.

A job always runs in its own application context, so it has its own database session and
commits its own work; enqueue after the request's commit, or the job may not see its rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import import_module

from flask import Flask, current_app

log = logging.getLogger(__name__)

QUEUE_NAME = "trygg"

# name -> "module:function"; only these run (a job name from Redis never imports anything else).
TASKS = {
    "export": "app.exports.operations:run_export",
    "deliver_mail": "app.mail:deliver_pending_job",
    "send_reminders": "app.findings.mail:send_reminders_job",
    "deliver_webhooks": "app.integrations.webhooks:deliver_due_job",
}

# What an RQ worker runs for each job (app/worker.py: it may make the app, so it stands
# above the factory; named, not imported, here).
WORKER_ENTRY = "app.worker.perform"

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def init_app(app: Flask) -> None:
    if not app.config.get("JOBS_MODE"):
        app.config["JOBS_MODE"] = "rq" if app.config.get("REDIS_URL") else "thread"
    if app.config["JOBS_MODE"] not in ("rq", "thread", "sync"):
        raise RuntimeError(f"JOBS_MODE must be rq, thread or sync, not {app.config['JOBS_MODE']!r}")
    if app.config["JOBS_MODE"] == "rq" and not app.config.get("REDIS_URL"):
        raise RuntimeError("JOBS_MODE=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0).")


def redis_connection(app: Flask | None = None):
    from redis import Redis

    app = app or current_app
    return Redis.from_url(app.config["REDIS_URL"])


# How often an RQ worker's command listener (stop, kill a job) wakes. RQ 2.12 has it wait up
# to 60 s for a message and redis-py 8 joins it when the worker stops: a `--burst` worker took
# up to a minute to exit after its last job.
LISTENER_WAKE_SECONDS = 1


def worker(app: Flask | None = None, *, connection=None, fork: bool = True):
    """An RQ worker on the queue whose command listener stops within a second.

    fork=False runs each job in this process (RQ's SimpleWorker), as the tests do."""
    from rq import SimpleWorker, Worker

    base = Worker if fork else SimpleWorker

    class QuickStop(base):
        def subscribe(self) -> None:
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(
                sleep_time=LISTENER_WAKE_SECONDS, daemon=True,
                exception_handler=self._pubsub_exception_handler)

    app = app or current_app
    connection = connection or redis_connection(app)
    return QuickStop([queue(app)], connection=connection)


def queue(app: Flask | None = None):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_connection(app))


def enqueue(name: str, *args, timeout: int | None = None) -> bool:
    """Run task `name` with `args` in the background (see the module docstring).

    False when the job could not be queued (Redis unreachable): the caller's data is already
    committed, so it decides what the user is told; nothing is raised into the request.
    """
    if name not in TASKS:
        raise KeyError(name)
    app = current_app._get_current_object()
    mode = app.config["JOBS_MODE"]
    if mode == "rq":
        from redis.exceptions import RedisError

        try:
            queue(app).enqueue(
                WORKER_ENTRY, name, *args,
                job_timeout=timeout or app.config.get("JOB_TIMEOUT", 600),
                result_ttl=3600, failure_ttl=7 * 24 * 3600,
            )
        except RedisError:
            log.exception("could not enqueue job %s%r", name, tuple(args))
            return False
    elif mode == "sync":
        _run_logged(app, name, args)
    else:
        _thread_pool().submit(_run_logged, app, name, args)
    return True


def enqueue_in(name: str, seconds: float, *args) -> bool:
    """Run task `name` after `seconds` (a retry's back-off). RQ keeps it in its scheduled
    registry (the worker runs with its scheduler: `flask worker`); the thread mode waits on
    a timer, which dies with the process (`flask deliver-webhooks` from cron catches up);
    "sync" runs it now when it is due now and otherwise leaves it to that command."""
    if name not in TASKS:
        raise KeyError(name)
    app = current_app._get_current_object()
    mode = app.config["JOBS_MODE"]
    if mode == "rq":
        from redis.exceptions import RedisError

        try:
            queue(app).enqueue_in(
                timedelta(seconds=seconds), WORKER_ENTRY, name, *args,
                job_timeout=app.config.get("JOB_TIMEOUT", 600),
                result_ttl=3600, failure_ttl=7 * 24 * 3600,
            )
        except RedisError:
            log.exception("could not schedule job %s%r", name, tuple(args))
            return False
    elif mode == "sync":
        if seconds <= 0:
            _run_logged(app, name, args)
    else:
        timer = threading.Timer(seconds, lambda: _thread_pool().submit(_run_logged, app, name,
                                                                       args))
        timer.daemon = True
        timer.start()
    return True


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # One thread: exports one after another, and SQLite sees one writer from here.
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trygg-job")
        return _executor


def _task(name: str) -> Callable:
    module, function = TASKS[name].split(":")
    return getattr(import_module(module), function)


def run(app: Flask, name: str, args) -> None:
    """Run task `name` in its own application context."""
    with app.app_context():
        _task(name)(*args)


def _run_logged(app: Flask, name: str, args) -> None:
    try:
        run(app, name, args)
    except Exception:  # the task records its own failure; this keeps the thread alive
        log.exception("job %s%r failed", name, tuple(args))
