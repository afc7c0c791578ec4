"""The JSON API under /api/v1: used by the offline outbox and by integrations.

Session authentication (the app's login cookie); POSTs carry the CSRF token in the
X-CSRFToken header (GET /api/v1/csrf hands out a fresh one). Errors are JSON:
``{"error": "...", "field": "...", "message": "..."}``. The OpenAPI document at
/api/v1/openapi.json is generated from app/api/schemas.py (app/api/spec.py).
"""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import routes  # noqa: E402, F401
