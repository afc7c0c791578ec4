"""/tenant-reports: the staff inbox of what tenants report from the buildings' QR pages
(issue 25). A manager accepts a report as a finding, merges it onto an open finding it
repeats, or declines it with a reason the tenant reads."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/tenant-reports")

from app.triage import routes  # noqa: E402, F401
