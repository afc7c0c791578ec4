"""The tenants' safety pulse: one anonymous question on a building's tenant page (issue 25).

The figures it gives staff are in app/reports/pulse.py."""

from flask import Blueprint

bp = Blueprint("pulse", __name__)

from app.pulse import routes  # noqa: E402, F401
