import pytest

from tests.conftest import TEST_PASSWORD


def test_login_page_is_the_only_page_without_login(client):
    assert client.get("/login").status_code == 200
    response = client.get("/walks/mine")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_then_my_walks(client, make):
    make.user("walker", email="amina@example.org")
    response = client.post(
        "/login", data={"email": "Amina@Example.org ", "password": TEST_PASSWORD},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert response.request.path == "/walks/mine"


def test_wrong_password_keeps_email_and_says_why(client, make):
    make.user("walker", email="amina@example.org")
    response = client.post("/login", data={"email": "amina@example.org", "password": "nope"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "amina@example.org" in page
    assert "Fel e-post eller lösenord" in page or "Wrong e-mail or password" in page


def test_session_cookie_is_httponly_and_lax(client, make):
    make.user("walker", email="amina@example.org")
    response = client.post("/login", data={"email": "amina@example.org", "password": TEST_PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_refuses_to_start_without_secret_key_outside_debug(monkeypatch):
    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TRYGG_DEV", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_csrf_is_enforced_when_enabled(app, client, login):
    login("manager")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/walks/new", data={"title": "x"})
        assert response.status_code == 400
        response = client.post("/language", data={"lang": "en"},
                               headers={"HX-Request": "true"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_language_switch_changes_the_interface(client, login):
    login("walker")
    assert "Mina vandringar" in client.get("/walks/mine",
                                           headers={"Accept-Language": "sv"}).get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    assert "My walks" in client.get("/walks/mine").get_data(as_text=True)


def test_permissions_policy_allows_gps_and_camera(client):
    response = client.get("/login")
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
