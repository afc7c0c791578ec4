"""Reads for the finding pages, and the one loader of a finding (load + may-view check)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.findings.schemas import MAX_ID
from app.models import Finding
from app.policy import can


def finding_or_404(finding_id: int) -> Finding:
    """The finding, if the current user may see it; else 404 (hidden, not forbidden)."""
    # Past the 64-bit range the SQLite driver overflows: no such row either way.
    finding = db.session.get(Finding, finding_id) if finding_id <= MAX_ID else None
    if finding is None or not can(current_user, "view_finding", finding):
        abort(404)
    return finding
