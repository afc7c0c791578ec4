"""What an RQ worker runs for each job (app/jobs.py enqueues it by name).

`flask worker` has the app already; a plain `rq worker -u $REDIS_URL trygg` process has none
and makes one here, once. The app factory is imported here and not in app/jobs.py, which
the factory itself sets up.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from app import create_app
from app.jobs import run

_worker_app: Flask | None = None


def perform(name: str, *args) -> None:
    global _worker_app
    if has_app_context():
        app = current_app._get_current_object()
    else:
        if _worker_app is None:
            _worker_app = create_app()
        app = _worker_app
    run(app, name, args)
