"""Changes to the reports' own data: the safety survey's results, entered or imported.

Each function takes validated values, adds and flushes, and raises a DomainError naming the
field (or the survey import's own errors); the caller commits.
"""

from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import District, SurveyResult
from app.reports.surveys import (
    Action,
    ImportReport,
    StalePreview,
    check_result,
    preview_csv,
)


def save_result(
    session: Session,
    *,
    district: District,
    year: int,
    respondents: int,
    safe_share: float,
    evening_safe_share: float | None,
    stairwell_safe_share: float | None = None,
    outdoor_safe_share: float | None = None,
) -> SurveyResult:
    """Add the district's result for the year, or replace the one already there."""
    check_result(year, respondents, safe_share, evening_safe_share, stairwell_safe_share,
           outdoor_safe_share)
    result = session.scalar(
        select(SurveyResult).where(
            SurveyResult.district_id == district.id, SurveyResult.year == year
        )
    )
    if result is None:
        result = SurveyResult(district=district, year=year)
        session.add(result)
    result.respondents = respondents
    result.safe_share = safe_share
    result.evening_safe_share = evening_safe_share
    result.stairwell_safe_share = stairwell_safe_share
    result.outdoor_safe_share = outdoor_safe_share
    session.flush()
    return result


def apply_csv(session: Session, data: bytes | str, digest: str) -> ImportReport:
    """Import the CSV as its preview (with this `digest`) showed it: every row or none.

    Raises StalePreview, writing nothing, when the file no longer gives that preview against
    the saved results; SurveyImportError when it no longer reads (a district removed)."""
    plan = preview_csv(session, data, lock=True)
    if not hmac.compare_digest(plan.digest, digest):
        raise StalePreview(plan)
    report = ImportReport()
    for result in plan.results:
        if result.existing is None:
            session.add(SurveyResult(
                district=result.district, year=result.year,
                **{f.name: f.new for f in result.fields}))
            report.created += 1
            continue
        changed = [f for f in result.fields if f.action in (Action.CHANGE, Action.CLEAR)]
        for field in changed:
            setattr(result.existing, field.name, field.new)
        report.updated += bool(changed)
        report.cleared += len(result.cleared)
    session.flush()
    return report
