from flask import Blueprint

bp = Blueprint("remediation", __name__)

from app.remediation import routes  # noqa: E402, F401
