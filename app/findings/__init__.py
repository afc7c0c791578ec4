from flask import Blueprint

bp = Blueprint("findings", __name__)

from app.findings import categories, routes  # noqa: E402, F401
