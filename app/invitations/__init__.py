"""Before the walk (issue 24): the leader invites participants (/walks/<id>/invitations),
each with an e-mail address is mailed the invitation with a calendar file; the walk as a
calendar file (/walks/<id>/calendar.ics); each user's secret calendar feed
(/calendar/<token>.ics) and its settings (/calendar)."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from app.invitations import routes  # noqa: E402, F401
