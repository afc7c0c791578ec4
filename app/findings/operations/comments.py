"""Comments on a finding."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.models import Comment, Finding, User


def add_comment(session: Session, finding: Finding, *, author: User, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write a comment."), field="body")
    if len(body) > 5000:
        raise DomainError(_l("The comment is too long."), field="body")
    comment = Comment(finding=finding, author=author, body=body)
    session.add(comment)
    session.flush()
    return comment
