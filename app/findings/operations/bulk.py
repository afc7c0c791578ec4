"""One action over many findings, each in its own savepoint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.errors import DomainError
from app.models import Finding


@dataclass
class BulkResult:
    done: list[int]
    failed: list[tuple[int, str]]


def bulk_apply(session: Session, findings: Iterable[Finding], versions: dict[int, str],
               action) -> BulkResult:
    """Run `action(finding, expected_version)` for each finding in its own savepoint.

    A finding that breaks a rule (or changed meanwhile) is left as it was and reported;
    the others go through the same service rules as one at a time.
    """
    result = BulkResult(done=[], failed=[])
    for finding in findings:
        try:
            with session.begin_nested():
                action(finding, versions.get(finding.id))
        except DomainError as error:
            session.refresh(finding)
            result.failed.append((finding.id, str(error.message)))
        else:
            result.done.append(finding.id)
    return result
