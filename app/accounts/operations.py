"""Everything that changes accounts: login sessions, one-time links, admin actions, TOTP.

Functions take explicit arguments, add and flush, and never commit: the view commits once.
Every admin action writes an AuditEntry in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import generate_password_hash

from app import page_cache
from app.accounts import mail
from app.accounts.credentials import find_user, normalise_email
from app.errors import DomainError
from app.models import (
    AccountToken,
    AppSetting,
    AuditEntry,
    District,
    Role,
    User,
    UserSession,
    utcnow,
)
from app.policy import is_manager

REQUIRE_2FA = "require_2fa_staff"
# last_seen_at is written at most this often, not on every request.
SEEN_RESOLUTION = timedelta(minutes=5)
MIN_PASSWORD = 8


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- login sessions ------------------------------------------------------------------------


def start_session(session: Session, user: User, *, device: str = "") -> str:
    """A new login session for this device; returns the token that goes in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=_hash(token), device=device[:200]))
    user.last_login_at = utcnow()
    session.flush()
    user.session_token = token
    return token


# Every request's first statement, built once (building it and its cache key cost more than
# PostgreSQL takes to answer it); the token's hash is its one bound parameter.
_SESSION_BY_HASH = (select(UserSession).options(joinedload(UserSession.user))
                    .where(UserSession.token_hash == bindparam("token_hash")))


def load_session(session: Session, token: str, *, max_age: timedelta,
                 now: datetime | None = None) -> tuple[User, UserSession] | None:
    """The user behind a session token, if the session still exists, is younger than
    `max_age` and the user is active; None otherwise."""
    now = now or utcnow()
    row = session.scalar(_SESSION_BY_HASH, {"token_hash": _hash(token)})  # one query a request
    if row is None or row.created_at <= now - max_age or not row.user.active:
        return None
    row.user.session_token = token
    return row.user, row


def touch_session(session: Session, session_id: int, now: datetime | None = None) -> None:
    """Note that the session was used now (for the device list)."""
    session.execute(update(UserSession).where(UserSession.id == session_id)
                    .values(last_seen_at=now or utcnow()))


def end_session(session: Session, user: User, session_id: int) -> bool:
    result = session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    return result.rowcount > 0


def end_session_by_token(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(session: Session, user: User) -> int:
    """Log this user out on every device (both the session and the remember cookie stop
    working at their next request). Call it after anything that must revoke access."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = None
    return result.rowcount


def prune_sessions(session: Session, user: User, *, max_age: timedelta) -> None:
    session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.created_at <= utcnow() - max_age
    ))


# --- passwords and one-time links ----------------------------------------------------------


def check_new_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(_l("The password must be at least 8 characters."), field="password")


def set_password(session: Session, user: User, password: str, *, hash_method: str) -> None:
    """A new password ends every login session of the user."""
    check_new_password(password)
    user.password_hash = generate_password_hash(password, method=hash_method)
    end_all_sessions(session, user)
    session.flush()


def change_password(session: Session, user: User, password: str, *, hash_method: str,
                    device: str) -> str:
    """The user's own new password: logged out everywhere, then a fresh session for the
    device they changed it on; returns its token."""
    set_password(session, user, password, hash_method=hash_method)
    return start_session(session, user, device=device)


def save_settings(session: Session, user: User, *, language: str,
                  notify_email: bool | None = None) -> None:
    """The user's own settings: their language, and (given) whether they get e-mail."""
    user.language = language
    if notify_email is not None:
        user.notify_email = notify_email
    session.flush()


def issue_token(session: Session, user: User, *, purpose: str, valid_for: timedelta) -> str:
    """A one-time link token. Earlier unused links of the same kind stop working."""
    session.execute(delete(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
    ))
    token = secrets.token_urlsafe(32)
    session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(token),
                             expires_at=utcnow() + valid_for))
    session.flush()
    return token


def find_token(session: Session, token: str) -> AccountToken | None:
    """The unused, unexpired link with this token whose user is still active."""
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row if row.user.active else None


def use_token(session: Session, token: str, password: str, *, hash_method: str) -> User:
    """Set the password through a one-time link. The link is spent atomically (a second,
    parallel use finds it already used), and every other session of the user ends."""
    check_new_password(password)
    now = utcnow()
    row = find_token(session, token)
    spent = session.execute(
        update(AccountToken)
        .where(AccountToken.token_hash == _hash(token), AccountToken.used_at.is_(None),
               AccountToken.expires_at > now)
        .values(used_at=now)
    )
    if row is None or spent.rowcount != 1:
        raise DomainError(_l("This link has expired or was already used."), field="password")
    user = row.user
    set_password(session, user, password, hash_method=hash_method)
    return user


# --- single sign-on -------------------------------------------------------------------------


def sso_user(session: Session, claims: Mapping, *, role: Role | None,
             hash_method: str = "scrypt") -> User:
    """The account for a provider's ID token `claims`: the one with its (verified) e-mail,
    or a new one with `role`. DomainError when there is none to log in to."""
    email = normalise_email(str(claims.get("email") or ""))
    if "@" not in email:
        raise DomainError(_l("Your organisation's login gave no e-mail address."))
    if claims.get("email_verified") is False:
        raise DomainError(_l("Your organisation's login has not verified your e-mail address."))
    user = find_user(session, email)
    if user is not None:
        if not user.active:
            raise DomainError(_l("This account is deactivated."))
        return user
    if role is None:
        raise DomainError(_l("There is no Trygg account for %(email)s. Ask an admin to invite "
                             "you.", email=email))
    name = str(claims.get("name") or "").strip() or email.split("@")[0]
    user = create_user(session, email=email, name=name[:120], role=role,
                       password=secrets.token_urlsafe(32), hash_method=hash_method)
    user.password_login = False  # nobody knows its password: the provider is its login
    audit(session, None, "sso_created", target=user, detail=f"{email}: {role.value}")
    return user


# --- admin actions -------------------------------------------------------------------------


def audit(session: Session, actor: User | None, action: str, target: User | None = None,
          detail: str = "") -> AuditEntry:
    entry = AuditEntry(actor_id=actor.id if actor else None,
                       target_id=target.id if target else None,
                       action=action, detail=detail[:2000])
    session.add(entry)
    session.flush()
    return entry


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


def invite_user(session: Session, actor: User, *, email: str, name: str, role: Role,
                districts: list[District], language: str | None, config: Mapping) -> User:
    """Create the account with an unusable password and mail a one-time link to set one."""
    user = create_user(
        session, email=email, name=name, role=role, password=secrets.token_urlsafe(24),
        hash_method=config["PASSWORD_HASH_METHOD"], language=language, districts=districts,
    )
    token = issue_token(session, user, purpose="invite",
                        valid_for=timedelta(days=config["INVITE_LINK_DAYS"]))
    mail.send_link(session, user, token=token, purpose="invite", config=config)
    audit(session, actor, "invite", user, f"role={role.value}")
    return user


def update_user(session: Session, actor: User, user: User, *, name: str, role: Role,
                districts: list[District], password_login: bool | None = None) -> None:
    changes = []
    if password_login is not None and password_login != user.password_login:
        changes.append(f"password login: {'on' if password_login else 'off'}")
        user.password_login = password_login
    if name.strip() and name.strip() != user.name:
        changes.append(f"name: {user.name} → {name.strip()}")
        user.name = name.strip()
    if role != user.role:
        changes.append(f"role: {user.role.value} → {role.value}")
        user.role = role
    before = sorted(d.name for d in user.districts)
    after = sorted(d.name for d in districts)
    if before != after:
        changes.append(f"districts: {', '.join(before) or '-'} → {', '.join(after) or '-'}")
        user.districts = list(districts)
    if changes:
        audit(session, actor, "update", user, "; ".join(changes))
    session.flush()


def deactivate_user(session: Session, actor: User, user: User) -> None:
    user.active = False
    ended = end_all_sessions(session, user)
    session.execute(delete(AccountToken).where(AccountToken.user_id == user.id,
                                               AccountToken.used_at.is_(None)))
    audit(session, actor, "deactivate", user, f"sessions ended: {ended}")


def reactivate_user(session: Session, actor: User, user: User) -> None:
    user.active = True
    audit(session, actor, "reactivate", user)


def send_password_reset(session: Session, actor: User, user: User, *, config: Mapping) -> None:
    token = issue_token(session, user, purpose="reset",
                        valid_for=timedelta(hours=config["RESET_LINK_HOURS"]))
    mail.send_link(session, user, token=token, purpose="reset", config=config)
    audit(session, actor, "password_reset_sent", user)


def admin_end_sessions(session: Session, actor: User, user: User) -> None:
    ended = end_all_sessions(session, user)
    audit(session, actor, "sessions_ended", user, f"sessions ended: {ended}")


def get_setting(session: Session, key: str) -> str:
    """An admin's setting, kept per state of the settings (every request asks whether staff
    need two factors)."""
    return page_cache.cached(session, "settings", ("setting", key), lambda: session.scalar(
        select(AppSetting.value).where(AppSetting.key == key)) or "")


def require_2fa_for_staff(session: Session) -> bool:
    return get_setting(session, REQUIRE_2FA) == "1"


def set_require_2fa(session: Session, actor: User, required: bool) -> None:
    row = session.get(AppSetting, REQUIRE_2FA) or AppSetting(key=REQUIRE_2FA)
    if (row.value == "1") == required:
        return
    row.value = "1" if required else "0"
    row.updated_at = utcnow()
    session.add(row)
    audit(session, actor, "require_2fa_on" if required else "require_2fa_off")
    session.flush()


# --- two-factor (TOTP) ---------------------------------------------------------------------


def two_factor_required(session: Session, user: User) -> bool:
    """Whether this user must log in with a second factor: staff, when the admin says so."""
    return is_manager(user) and require_2fa_for_staff(session)


def needs_2fa_enrolment(session: Session, user: User) -> bool:
    return not user.totp_secret and two_factor_required(session, user)


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Trygg")


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (now, or one step either side for clock drift)."""
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != 6:
        return None
    try:
        totp = pyotp.TOTP(secret)
    except ValueError:  # a secret too short for pyotp (never one we made): no code matches
        return None
    for offset in (0, -1, 1):
        at = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(at), code):
            return totp.timecode(at)
    return None


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Record the step as used, atomically: a code works once, even in parallel requests."""
    result = session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        session.refresh(user)
        return True
    return False


def verify_code(session: Session, user: User, code: str, now: datetime | None = None) -> bool:
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now or utcnow())
    return step is not None and _claim_step(session, user, step)


def enrol_totp(session: Session, user: User, secret: str, code: str,
               now: datetime | None = None) -> None:
    step = _matching_step(secret, code, now or utcnow())
    if step is None:
        raise DomainError(_l("That code is not right. Check the time on your phone and try "
                             "the newest code."), field="code")
    user.totp_secret = secret
    user.totp_last_step = step
    session.flush()


def remove_totp(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    session.flush()
