from flask import Blueprint

bp = Blueprint("programme", __name__)

from app.programme import labels, routes  # noqa: E402, F401


@bp.context_processor
def _programme_helpers():
    return {"verdict": labels.verdict, "points": labels.points, "amount": labels.amount}
