"""Users: creating them and checking their passwords, with slow-down after failures."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import District, Role, User, utcnow
from app.services import DomainError

# Checked against when the e-mail is unknown, so timing does not tell which e-mails exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


class LoginRefused(DomainError):
    def __init__(self, message, retry_after: int = 0):
        super().__init__(message, field="password")
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    hash_method: str = "scrypt",
    language: str | None = None,
    districts: list[District] | None = None,
) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise DomainError(_l("Enter a valid e-mail address."), field="email")
    if len(password) < 8:
        raise DomainError(_l("The password must be at least 8 characters."), field="password")
    if find_user(session, email) is not None:
        raise DomainError(_l("A user with that e-mail already exists."), field="email")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=generate_password_hash(password, method=hash_method),
        language=language,
        districts=list(districts or []),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    free_attempts: int,
    lock_seconds: int,
    now: datetime | None = None,
) -> User:
    """The user with this e-mail and password, or LoginRefused.

    After `free_attempts` failures each further failure locks the account for twice as long
    as the previous one, starting at `lock_seconds`; a success resets the count.
    """
    now = now or utcnow()
    user = find_user(session, email)
    wrong = LoginRefused(_l("Wrong e-mail or password."))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise wrong
    if user.locked_until and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise LoginRefused(
            _l("Too many failed attempts. Try again in %(seconds)s seconds.", seconds=wait),
            retry_after=wait,
        )
    if not check_password_hash(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        over = user.failed_logins - free_attempts
        if over >= 0:
            user.locked_until = now + timedelta(seconds=lock_seconds * 2 ** min(over, 10))
        session.flush()
        raise wrong
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user
