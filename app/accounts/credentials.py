"""Checking who someone is: finding a user by e-mail and checking their password (creating
one is an operation: accounts/operations.py)."""

from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import DomainError
from app.models import User


@cache
def dummy_hash(method: str) -> str:
    """Checked against when the e-mail is unknown: made with the configured method and cost,
    so the check takes as long as a real one and timing does not tell which e-mails exist."""
    return generate_password_hash("not-a-real-password", method=method)


class LoginRefused(DomainError):
    def __init__(self, message):
        super().__init__(message, field="password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str, *, hash_method: str) -> User:
    """The active user with this e-mail and password, or LoginRefused.

    Unknown e-mails, wrong passwords and deactivated accounts cost the same password check
    and get the same message, so neither timing nor text tells which e-mails exist.
    Throttling is done by the caller (app/accounts/throttle.py), before this is called.
    """
    user = find_user(session, email)
    wrong = LoginRefused(_l("Wrong e-mail or password."))
    if user is None:
        check_password_hash(dummy_hash(hash_method), password)
        raise wrong
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise wrong
    if not user.password_login:
        raise LoginRefused(_l("This account logs in with your organisation's account, not a "
                              "password."))
    return user
