from flask import Blueprint

bp = Blueprint("walks", __name__)

from app.walks import routes  # noqa: E402, F401
