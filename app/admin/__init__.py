from flask import Blueprint, abort
from flask_login import current_user

from app.policy import can

bp = Blueprint("admin", __name__)


@bp.before_request
def admins_only():
    if not can(current_user, "admin"):
        abort(404)


from app.admin import routes  # noqa: E402, F401
