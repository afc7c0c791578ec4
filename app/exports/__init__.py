"""Exports as background jobs: start one, watch its progress, download the finished file."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from app.exports import routes  # noqa: E402, F401
