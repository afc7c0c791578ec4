"""Serving a finding's stored photos, only to those who may see them (`photos` blueprint)."""

from flask import Blueprint

bp = Blueprint("photos", __name__)

from app.findings.serving import routes  # noqa: E402, F401
