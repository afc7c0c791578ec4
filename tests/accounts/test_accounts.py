"""Issue 10 (accounts): sessions the server can end, fair login throttling, user admin with
an audit log, and two-factor login. HTTP-level, on both databases."""

import re
import threading
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import AccountToken, AuditEntry, OutboxMail, User, UserSession, utcnow
from tests.conftest import TEST_PASSWORD

STRANGER = {"REMOTE_ADDR": "10.0.0.66"}
OWNER = {"REMOTE_ADDR": "10.0.0.7"}


def _email(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def _log_in(client, email, password=TEST_PASSWORD, remember=False, **kw):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **kw)


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


# --- sessions the server can end ----------------------------------------------------------


def test_session_cookie_replayed_after_logout_is_refused(app, client, make):
    email = _email(app, make.user("walker"))
    assert _log_in(client, email).status_code == 303
    old_session = _cookie(client, "session")
    assert client.get("/walks/mine").status_code == 200
    client.post("/logout")
    client.set_cookie("session", old_session)  # an attacker kept a copy of the cookie
    response = client.get("/walks/mine")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_cookie_works_until_logout_then_is_refused(app, make):
    email = _email(app, make.user("walker"))
    phone = app.test_client()
    assert _log_in(phone, email, remember=True).status_code == 303
    remember = _cookie(phone, "remember_token")
    assert remember

    copy = app.test_client()  # only the remember cookie, as after the browser restarts
    copy.set_cookie("remember_token", remember)
    assert copy.get("/walks/mine").status_code == 200

    phone.post("/logout")
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/walks/mine").status_code == 302


def test_remember_cookie_is_secure_httponly_lax_and_not_the_same_on_every_login(app, make):
    email = _email(app, make.user("walker"))
    first, second = app.test_client(), app.test_client()
    _log_in(first, email, remember=True)
    _log_in(second, email, remember=True)
    assert _cookie(first, "remember_token") != _cookie(second, "remember_token")
    app.config["REMEMBER_COOKIE_SECURE"] = True
    try:
        third = app.test_client()
        response = _log_in(third, email, remember=True)
        header = next(h for h in response.headers.getlist("Set-Cookie")
                      if h.startswith("remember_token="))
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    finally:
        app.config["REMEMBER_COOKIE_SECURE"] = False


def test_session_older_than_session_days_is_refused_even_with_remember_cookie(app, make):
    email = _email(app, make.user("walker"))
    phone = app.test_client()
    _log_in(phone, email, remember=True)
    assert phone.get("/walks/mine").status_code == 200
    with app.app_context():
        db.session.execute(update(UserSession).values(
            created_at=utcnow() - timedelta(days=app.config["SESSION_DAYS"], minutes=1)))
        db.session.commit()
    assert phone.get("/walks/mine").status_code == 302
    copy = app.test_client()
    copy.set_cookie("remember_token", _cookie(phone, "remember_token"))
    assert copy.get("/walks/mine").status_code == 302


def test_settings_lists_devices_and_logs_out_one_of_them(app, make):
    email = _email(app, make.user("walker"))
    phone = app.test_client()
    laptop = app.test_client()
    _log_in(phone, email, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0"})
    _log_in(laptop, email, headers={"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/133.0"})
    page = phone.get("/settings").get_data(as_text=True)
    assert "Chrome · Android" in page and "Firefox · Linux" in page
    assert page.count("Den här enheten") + page.count("This device") == 1
    with app.app_context():
        laptop_id = db.session.scalar(
            select(UserSession.id).where(UserSession.device.like("Firefox%")))
    response = phone.post(f"/settings/sessions/{laptop_id}/end")
    assert response.status_code == 303
    assert laptop.get("/walks/mine").status_code == 302
    assert phone.get("/walks/mine").status_code == 200


def test_log_out_everywhere_ends_every_device(app, make):
    email = _email(app, make.user("walker"))
    phone, laptop = app.test_client(), app.test_client()
    _log_in(phone, email, remember=True)
    _log_in(laptop, email)
    assert phone.post("/settings/sessions/end-all").status_code == 303
    assert phone.get("/walks/mine").status_code == 302
    assert laptop.get("/walks/mine").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(UserSession.id)) is None


def test_password_change_ends_other_sessions_and_keeps_this_device(app, make):
    email = _email(app, make.user("walker"))
    phone, laptop = app.test_client(), app.test_client()
    _log_in(phone, email)
    _log_in(laptop, email)
    response = phone.post("/settings/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a-new-long-one",
        "confirm": "a-new-long-one"})
    assert response.status_code == 303
    assert phone.get("/walks/mine").status_code == 200
    assert laptop.get("/walks/mine").status_code == 302
    assert _log_in(app.test_client(), email).status_code == 422
    assert _log_in(app.test_client(), email, "a-new-long-one").status_code == 303


def test_password_change_with_wrong_current_password_changes_nothing(app, client, make):
    email = _email(app, make.user("walker"))
    _log_in(client, email)
    response = client.post("/settings/password", data={
        "current_password": "wrong", "new_password": "a-new-long-one",
        "confirm": "a-new-long-one"})
    assert response.status_code == 422
    assert "current password" in response.get_data(as_text=True) or \
        "nuvarande lösenord" in response.get_data(as_text=True)
    assert _log_in(app.test_client(), email).status_code == 303


# --- login that tells nothing and cannot be abused ---------------------------------------


def test_unknown_and_known_emails_get_the_same_answer(app, make):
    make.user("walker", email="amina@example.org")
    known = _log_in(app.test_client(), "amina@example.org", "wrong")
    unknown = _log_in(app.test_client(), "nobody@example.org", "wrong")
    assert known.status_code == unknown.status_code == 422

    def page(response):  # the page less the typed e-mail and the per-session CSRF tokens
        text = response.get_data(as_text=True)
        text = text.replace("amina@example.org", "X").replace("nobody@example.org", "X")
        return re.sub(r"[\w-]{30,}\.[\w-]+\.[\w-]+", "", text)

    assert page(known) == page(unknown)


def test_dummy_hash_uses_the_configured_method_and_cost(app):
    from app.accounts.credentials import dummy_hash

    assert dummy_hash(app.config["PASSWORD_HASH_METHOD"]).startswith("pbkdf2:sha256:1000$")
    assert dummy_hash("scrypt").startswith("scrypt:")


def test_deactivated_user_gets_the_same_wrong_password_message(app, make):
    user_id = make.user("walker", email="gone@example.org")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    response = _log_in(app.test_client(), "gone@example.org")
    assert response.status_code == 422
    assert "Fel e-post eller lösenord" in response.get_data(as_text=True)


def test_many_emails_from_one_address_are_throttled_with_retry_after(app):
    client = app.test_client()
    statuses = []
    for n in range(100):
        response = _log_in(client, f"guess{n}@example.org", "wrong", environ_base=STRANGER)
        statuses.append(response.status_code)
    assert statuses[0] == 422
    assert statuses.count(429) >= 60
    assert int(response.headers["Retry-After"]) > 0
    assert "Försök igen om" in response.get_data(as_text=True)


def test_strangers_five_wrong_guesses_do_not_keep_the_owner_out(app, make):
    make.user("walker", email="amina@example.org")
    stranger = app.test_client()
    for _ in range(5):
        assert _log_in(stranger, "amina@example.org", "wrong",
                       environ_base=STRANGER).status_code == 422
    # The stranger is slowed down, even if the sixth guess were right …
    blocked = _log_in(stranger, "amina@example.org", environ_base=STRANGER)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    # … but the owner, on their own phone, logs in with the right password at once.
    owner = app.test_client()
    assert _log_in(owner, "amina@example.org", environ_base=OWNER).status_code == 303


def test_guessing_from_many_addresses_slows_strangers_but_not_the_owners_phone(app, make):
    make.user("walker", email="amina@example.org")
    owner = app.test_client()
    assert _log_in(owner, "amina@example.org", environ_base=OWNER).status_code == 303
    owner.post("/logout")
    for n in range(12):  # a campaign spread over many addresses fills the account bucket
        _log_in(app.test_client(), "amina@example.org", "wrong",
                environ_base={"REMOTE_ADDR": f"10.5.0.{n}"})
    fresh = _log_in(app.test_client(), "amina@example.org",
                    environ_base={"REMOTE_ADDR": "10.6.0.1"})
    assert fresh.status_code == 429 and int(fresh.headers["Retry-After"]) <= 60
    # The owner's phone, where they logged in before, is not held up.
    assert _log_in(owner, "amina@example.org", environ_base=OWNER).status_code == 303
    # A forged "known device" cookie does not help.
    forger = app.test_client()
    forger.set_cookie("trygg_device", "not-signed")
    assert _log_in(forger, "amina@example.org", environ_base=OWNER).status_code == 429


def test_device_list_notes_when_a_session_was_last_used(app, client, make):
    email = _email(app, make.user("walker"))
    _log_in(client, email)
    long_ago = utcnow() - timedelta(days=3)
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=long_ago))
        db.session.commit()
    assert client.get("/walks/mine").status_code == 200
    with app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at))
    assert seen > utcnow() - timedelta(minutes=1)


def test_owner_typos_are_forgiven_after_a_successful_login(app, make):
    make.user("walker", email="amina@example.org")
    client = app.test_client()
    for _ in range(4):
        _log_in(client, "amina@example.org", "typo", environ_base=OWNER)
    assert _log_in(client, "amina@example.org", environ_base=OWNER).status_code == 303
    client.post("/logout")
    for _ in range(4):
        assert _log_in(client, "amina@example.org", "typo",
                       environ_base=OWNER).status_code == 422


def test_parallel_guesses_cannot_overshoot_the_limit(app):
    """The counters are reserved atomically: 40 parallel tries, exactly 5 get through."""
    from app.accounts import throttle

    passed, lock = [], threading.Lock()

    def guess():
        try:
            throttle.reserve_login(app.config, "10.1.1.1", "target@example.org", "x")
        except throttle.Throttled:
            return
        with lock:
            passed.append(1)

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 5


# --- user administration ------------------------------------------------------------------


def _link(app, to_address):
    with app.app_context():
        body = db.session.scalar(select(OutboxMail.body).where(
            OutboxMail.to_address == to_address).order_by(OutboxMail.id.desc()))
    return re.search(r"/account/password/\S+", body).group(0)


def _audit(app):
    with app.app_context():
        return [(e.action, e.target.email if e.target else None, e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_admin_invites_a_user_who_sets_a_password_once(app, client, login, make):
    district = make.district("Alby")
    login("admin")
    response = client.post("/admin/users/invite", data={
        "email": "New.Person@example.org", "name": "Ny Person", "role": "fixer",
        "districts": [str(district)], "language": "sv"})
    assert response.status_code == 303
    assert "new.person@example.org" in client.get("/admin/users").get_data(as_text=True)
    link = _link(app, "new.person@example.org")
    assert ("invite", "new.person@example.org", "role=fixer") in _audit(app)

    guest = app.test_client()
    assert guest.get(link).status_code == 200
    assert guest.post(link, data={"password": "short", "confirm": "short"}).status_code == 422
    response = guest.post(link, data={"password": "my-own-password", "confirm": "my-own-password"})
    assert response.status_code == 303
    assert guest.get(link).status_code == 410  # one time only
    again = guest.post(link, data={"password": "other-password", "confirm": "other-password"})
    assert again.status_code == 410
    assert _log_in(guest, "new.person@example.org", "my-own-password").status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
        assert [d.name for d in user.districts] == ["Alby"]


def test_invitation_link_expires(app, client, login):
    login("admin")
    client.post("/admin/users/invite", data={
        "email": "late@example.org", "name": "Sen", "role": "walker", "language": "en"})
    link = _link(app, "late@example.org")
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    guest = app.test_client()
    assert guest.get(link).status_code == 410
    assert guest.post(link, data={"password": "my-own-password",
                                  "confirm": "my-own-password"}).status_code == 410


def test_invite_with_a_taken_email_says_so_and_keeps_the_form(client, login, make):
    make.user("walker", email="taken@example.org")
    login("admin")
    response = client.post("/admin/users/invite", data={
        "email": "taken@example.org", "name": "Namn Kvar", "role": "walker", "language": "sv"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Namn Kvar" in page and ("finns redan" in page or "already exists" in page)


def test_admin_changes_role_and_districts_with_an_audit_row(app, client, login, make):
    alby, fittja = make.district("Alby"), make.district("Fittja")
    user_id = make.user("walker", email="w@example.org")
    login("admin")
    response = client.post(f"/admin/users/{user_id}", data={
        "name": "Walker W", "role": "manager", "districts": [str(alby), str(fittja)]})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.role.value == "manager"
        assert sorted(d.name for d in user.districts) == ["Alby", "Fittja"]
    (action, target, detail), = _audit(app)
    assert action == "update" and target == "w@example.org"
    assert "role: walker → manager" in detail and "Alby, Fittja" in detail
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "role: walker → manager" in audit_page


def test_deactivation_ends_the_users_sessions_and_login(app, client, login, make):
    user_id = make.user("walker", email="leaving@example.org")
    phone = app.test_client()
    _log_in(phone, "leaving@example.org", remember=True)
    remember = _cookie(phone, "remember_token")
    login("admin")
    assert client.post(f"/admin/users/{user_id}/deactivate").status_code == 303
    assert phone.get("/walks/mine").status_code == 302
    copy = app.test_client()
    copy.set_cookie("remember_token", remember)
    assert copy.get("/walks/mine").status_code == 302
    assert _log_in(app.test_client(), "leaving@example.org").status_code == 422
    assert _audit(app)[-1][:2] == ("deactivate", "leaving@example.org")
    client.post(f"/admin/users/{user_id}/reactivate")
    assert _log_in(app.test_client(), "leaving@example.org").status_code == 303


def test_reset_link_sets_a_new_password_and_ends_other_sessions(app, client, login, make):
    user_id = make.user("walker", email="forgot@example.org")
    phone = app.test_client()
    _log_in(phone, "forgot@example.org")
    login("admin")
    assert client.post(f"/admin/users/{user_id}/reset-password").status_code == 303
    link = _link(app, "forgot@example.org")
    guest = app.test_client()
    assert guest.post(link, data={"password": "brand-new-pass",
                                  "confirm": "brand-new-pass"}).status_code == 303
    assert phone.get("/walks/mine").status_code == 302
    assert _log_in(app.test_client(), "forgot@example.org").status_code == 422
    assert _log_in(app.test_client(), "forgot@example.org", "brand-new-pass").status_code == 303
    assert guest.get(link).status_code == 410
    assert ("password_reset_sent", "forgot@example.org", "") in _audit(app)


def test_an_admin_cannot_deactivate_or_demote_themselves(app, client, login):
    me = login("admin")
    assert client.post(f"/admin/users/{me}/deactivate").status_code == 404
    assert client.post(f"/admin/users/{me}", data={"name": "Me", "role": "walker"}
                       ).status_code == 404
    with app.app_context():
        assert db.session.get(User, me).role.value == "admin"


@pytest.mark.parametrize("role", ["walker", "fixer", "manager"])
def test_only_admins_may_administer_users(app, client, login, make, role):
    target = make.user("walker")
    login(role)
    assert client.post(f"/admin/users/{target}/deactivate").status_code == 404
    assert client.post("/admin/users/invite", data={
        "email": "x@example.org", "name": "X", "role": "admin"}).status_code == 404
    assert client.post("/admin/security", data={"require_2fa": "y"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, target).active
        assert db.session.scalar(select(AuditEntry.id)) is None


# --- two-factor login ---------------------------------------------------------------------


def _enrol(client):
    assert client.get("/settings/two-factor").status_code == 200
    with client.session_transaction() as session:
        secret = session["totp_setup"]
    assert client.post("/settings/two-factor", data={"code": "000000"}).status_code == 422
    response = client.post("/settings/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303
    return secret


def test_two_factor_enrol_then_login_asks_for_a_code_that_works_once(app, client, make):
    email = _email(app, make.user("manager"))
    _log_in(client, email)
    secret = _enrol(client)
    client.post("/logout")

    phone = app.test_client()
    response = _log_in(phone, email)
    assert response.status_code == 303 and response.headers["Location"].endswith("/login/code")
    assert phone.get("/walks").status_code == 302  # not logged in before the code
    with app.app_context():
        step = db.session.get(User, _user_id(app, email)).totp_last_step
    # The code already used to confirm the enrolment is refused (no replay) …
    used = pyotp.TOTP(secret).at(step * 30)
    assert phone.post("/login/code", data={"code": used}).status_code == 422
    # … as if half a minute had passed (the stored step moves back instead of the clock),
    # the current code works, once: a second device sending the same code is refused.
    with app.app_context():
        db.session.execute(update(User).values(totp_last_step=step - 2))
        db.session.commit()
    code = pyotp.TOTP(secret).now()
    assert phone.post("/login/code", data={"code": code}).status_code == 303
    assert phone.get("/walks").status_code == 200
    other = app.test_client()
    _log_in(other, email)
    assert other.post("/login/code", data={"code": code}).status_code == 422
    assert other.get("/walks").status_code == 302


def _user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_wrong_codes_are_throttled(app, client, make):
    email = _email(app, make.user("manager"))
    _log_in(client, email)
    _enrol(client)
    client.post("/logout")
    _log_in(client, email)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "123456"}).status_code == 422
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_required_two_factor_sends_staff_to_enrol_before_anything_else(app, client, make):
    admin = app.test_client()
    _log_in(admin, _email(app, make.user("admin")))
    assert admin.post("/admin/security", data={"require_2fa": "y"}).status_code == 303
    assert ("require_2fa_on", None, "") in _audit(app)
    # The admin's own next request must enrol first.
    response = admin.get("/admin/users")
    assert response.status_code == 302 and "/settings/two-factor" in response.headers["Location"]

    manager_email = _email(app, make.user("manager"))
    _log_in(client, manager_email)
    response = client.get("/walks")
    assert response.status_code == 302 and "/settings/two-factor" in response.headers["Location"]
    assert client.get("/api/v1/walks").status_code == 403
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert "<svg" in page
    _enrol(client)
    assert client.get("/walks").status_code == 200

    walker = app.test_client()
    _log_in(walker, _email(app, make.user("walker")))
    assert walker.get("/walks/mine").status_code == 200
