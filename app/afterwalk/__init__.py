"""After the walk (issue 24): the owners list (/admin/owners), the "Efter vandringen" screen
that gives every point of a completed walk an owner and an answer, the owners' mail, the
re-walk, the live public protocol (/p/<token>) and the residents' "pin a place" page
(/r/<token>) with its moderation."""

from flask import Blueprint

bp = Blueprint("afterwalk", __name__)

from app.afterwalk import labels, routes  # noqa: E402, F401
