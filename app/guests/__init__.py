"""Join by code (issue 24): the walk's 6-character code and QR the leader shows at the start
(/walks/<id>/join-code), /join and /join/<code> where a guest gives a name and a role on their
own phone, and the guest's page of the walk (/join/walk): capture, and the walk's findings
and map as they come in (walks.live). The guest session (app/policy.py Guest) is bound to
that walk and ends with it, or GUEST_SESSION_HOURS after joining."""

from flask import Blueprint

bp = Blueprint("guests", __name__)

from app.guests import routes  # noqa: E402, F401
