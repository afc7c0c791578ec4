"""Single sign-on against a real OpenID provider running in the test (oidc-provider-mock,
a Flask app serving discovery, JWKS, authorize, token and userinfo over HTTP)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.accounts import sso
from app.extensions import db
from app.models import Role, User

provider_mock = pytest.importorskip("oidc_provider_mock")

# The provider (in a thread of this process) calls Authlib APIs that Authlib deprecates; the
# suite's "error" filter would turn them into 500s of the provider, not of Trygg.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ANNA = provider_mock.User(sub="anna", claims={
    "email": "Anna.Andersson@Bostadsbolaget.se", "email_verified": True,
    "name": "Anna Andersson", "groups": ["trygg-managers", "staff"]})
BO = provider_mock.User(sub="bo", claims={
    "email": "bo@bostadsbolaget.se", "email_verified": True, "name": "Bo", "groups": ["staff"]})
EVE = provider_mock.User(sub="eve", claims={
    "email": "walker-known@example.org", "email_verified": False, "name": "Eve"})


@pytest.fixture(scope="module")
def provider():
    with provider_mock.run_server_in_thread(user_claims=[ANNA, BO, EVE]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso_config(app, provider):
    settings = {"OIDC_ISSUER": provider, "OIDC_CLIENT_ID": "trygg", "OIDC_CLIENT_SECRET": "s3",
                "OIDC_ROLE_MAP": "trygg-managers=manager, trygg-admins=admin",
                "OIDC_DEFAULT_ROLE": ""}
    before = {k: app.config.get(k) for k in settings}
    app.config.update(settings)
    yield
    app.config.update(before)


def sign_in(client, sub: str, next_url: str | None = None):
    """What a browser does: our login → the provider's form → back to our callback."""
    start = client.get("/login/sso" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["trygg"] and "nonce" in query and "state" in query
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/sso/callback"
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_it_only_when_configured(client, app, sso_config):
    assert "/login/sso" in client.get("/login").get_data(as_text=True)
    app.config["OIDC_ISSUER"] = None
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404


def test_a_first_login_creates_the_user_with_the_mapped_role(client, app, sso_config):
    done = sign_in(client, "anna", next_url="/findings")
    assert done.status_code == 303 and done.headers["Location"] == "/findings"
    with app.app_context():
        user = db.session.scalar(db.select(User).where(
            User.email == "anna.andersson@bostadsbolaget.se"))
        assert user.role == Role.MANAGER and user.name == "Anna Andersson"
        assert user.password_login is False
    assert client.get("/findings").status_code == 200  # logged in as a manager
    # The second time the same account is used.
    client.post("/logout")
    sign_in(client, "anna")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).where(
            User.email == "anna.andersson@bostadsbolaget.se")) == 1


def test_an_existing_account_is_matched_by_email(client, app, make, sso_config):
    make.user("fixer", email="bo@bostadsbolaget.se", name="Bo Fixare")
    assert sign_in(client, "bo").status_code == 303
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bo@bostadsbolaget.se"))
        assert user.role == Role.FIXER and user.password_login is True
    assert client.get("/tasks").status_code == 200


def test_no_mapped_group_and_no_default_role_makes_no_account(client, app, sso_config):
    page = sign_in(client, "bo")
    assert page.status_code == 303 and page.headers["Location"].endswith("/login")
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "bo@bostadsbolaget.se")) \
            is None
    app.config["OIDC_DEFAULT_ROLE"] = "walker"
    sign_in(client, "bo")
    with app.app_context():
        assert db.session.scalar(db.select(User.role).where(
            User.email == "bo@bostadsbolaget.se")) == Role.WALKER


def test_an_unverified_email_does_not_take_over_an_account(client, app, make, sso_config):
    make.user("manager", email="walker-known@example.org")
    page = sign_in(client, "eve")
    assert page.headers["Location"].endswith("/login")
    assert client.get("/findings").status_code == 302  # not logged in


def test_a_forged_callback_is_refused(client, sso_config):
    client.get("/login/sso")
    page = client.get("/login/sso/callback?code=forged&state=wrong")
    assert page.status_code == 303 and page.headers["Location"].endswith("/login")


def test_password_login_can_be_switched_off_per_user(client, app, make, login):
    from tests.conftest import TEST_PASSWORD

    user_id = make.user("walker", email="w@example.org")
    login("admin", language="en")
    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="password_login"[^>]*>', page).group(0)
    assert "checked" in box
    client.post(f"/admin/users/{user_id}", data={"name": "W", "role": "walker"})
    with app.app_context():
        assert db.session.get(User, user_id).password_login is False
    client.post("/logout")
    refused = client.post("/login", data={"email": "w@example.org", "password": TEST_PASSWORD},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "organisation" in refused.get_data(as_text=True)


def test_role_mapping_rules():
    config = {"OIDC_ROLE_MAP": "a=walker,b=admin,c=manager,d=nonsense", "OIDC_GROUPS_CLAIM":
              "roles", "OIDC_DEFAULT_ROLE": "fixer"}
    assert sso.role_for({"roles": ["a", "c"]}, config) == Role.MANAGER
    assert sso.role_for({"roles": "b"}, config) == Role.ADMIN
    assert sso.role_for({"roles": ["d"]}, config) == Role.FIXER
    assert sso.role_for({}, {**config, "OIDC_DEFAULT_ROLE": ""}) is None
