"""The numbers on the dashboard: walks, findings and fixes per district and period.

Every number is a SQL aggregate (GROUP BY, window functions), written so that SQLite (≥ 3.25)
and PostgreSQL give the same answer. Python only stitches a few rows per district together.
Each question has its module: walk_stats, finding_stats, time_to_fix, districts.

Definitions (shown on the dashboard too):
- A walk counts as *planned* in a period when its planned start lies in it (any status), and
  as *completed* when it was completed in it.
- A finding belongs to the period in which it was found (``created_at``). It is *fixed* when
  its status is fixed or verified; days to fix run from ``created_at`` to ``fixed_at``.
- *Overdue now* ignores the period: due date before today (Europe/Stockholm) and not done.
- Median: the middle value (mean of the two middle ones for an even count). 90th percentile:
  nearest rank (the smallest value at or above which 10 % of the values lie).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.periods import Filters
from app.reports.districts import district_comparison, district_row
from app.reports.facts import fix_rollups
from app.reports.finding_stats import finding_breakdown, hotspots, recurring
from app.reports.time_to_fix import days_to_fix
from app.reports.walk_stats import walk_figures


def dashboard(session: Session, filters: Filters) -> dict:
    """Everything the dashboard shows, for one period and district (or all)."""
    if session.get_bind().dialect.name == "postgresql" and not (
            filters.district_id and fix_rollups(session, filters) is not None):
        # The days-to-fix windows sort a year of fixed findings: in memory, not on disk.
        # (One district's days to fix from the rollups sort a few hundred rows: the default
        # serves, and the statement's round trip is saved.)
        session.execute(text("SET LOCAL work_mem = '32MB'"))
    walks, per_month = walk_figures(session, filters)
    totals, by_category, by_status = finding_breakdown(session, filters)
    days = days_to_fix(session, filters)
    return {
        "walks": walks,
        "per_month": per_month,
        "totals": totals,
        "by_category": by_category,
        "by_status": by_status,
        "days_to_fix": days,
        "hotspots": hotspots(session, filters),
        "recurring": recurring(session, filters),
        # One district's row says what the figures above say: not asked for again.
        "districts": ([district_row(session, filters, walks, totals, days)]
                      if filters.district_id else district_comparison(session, filters)),
    }
