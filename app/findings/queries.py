"""Reads for the finding pages, and the one loader of a finding (load + may-view check)."""

from __future__ import annotations

from app.models import Finding
from app.policy import get_or_404


def finding_or_404(finding_id: int) -> Finding:
    """The finding, if the current user may see it; else 404 (hidden, not forbidden)."""
    return get_or_404(Finding, finding_id, "view_finding")
