from flask import Blueprint

bp = Blueprint("findings", __name__)

from app.findings import routes  # noqa: E402, F401
