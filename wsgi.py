"""Entry point for gunicorn: `gunicorn wsgi:app` (run `flask db upgrade` first)."""

from app import create_app

app = create_app()
