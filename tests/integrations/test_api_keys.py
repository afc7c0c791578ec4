"""API keys as an admin makes them and an integration uses them."""

import logging

import pytest

from app.extensions import db
from app.models import ApiKey, AuditEntry
from tests.integrations.conftest import shown_token

SERVICES = "/open311/v2/requests.json"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_admin_creates_a_key_shown_once_and_stored_hashed(client, login, app, caplog):
    caplog.set_level(logging.DEBUG)
    login("admin", language="en")
    page = client.post("/admin/integrations", data={
        "name": "Fastighetssystem", "scopes": ["open311", "findings:read"]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    token = shown_token(body)
    assert token.startswith("trygg_") and len(token) > 40
    assert "shown only this once" in body
    with app.app_context():
        key = db.session.scalar(db.select(ApiKey))
        assert key.token_hash != token and token not in key.token_hash
        assert key.scopes == ["findings:read", "open311"]
    # Afterwards: the list shows the prefix only, never the key.
    again = client.get("/admin/integrations").get_data(as_text=True)
    assert "Fastighetssystem" in again and key.prefix in again
    assert token not in again
    used = client.get(SERVICES, headers=_bearer(token))
    assert used.status_code == 200
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert token not in audit and "API key used" in audit
    assert token not in caplog.text


def test_a_key_authenticates_and_each_use_is_recorded(client, make_key, app):
    token = make_key("open311", "findings:read")
    assert client.get(SERVICES, headers=_bearer(token)).status_code == 200
    assert client.get(SERVICES + "?api_key=" + token).status_code == 200
    with app.app_context():
        key = db.session.scalar(db.select(ApiKey))
        assert key.last_used_at is not None
        uses = db.session.scalars(db.select(AuditEntry.detail)
                                  .where(AuditEntry.action == "api_key_use")).all()
        assert len(uses) == 2
        assert all("GET /open311/v2/requests.json" in u and token not in u for u in uses)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer trygg_wrong"},
                                     {"Authorization": "Basic abc"}])
def test_no_or_a_wrong_key_is_refused(client, headers):
    answer = client.get(SERVICES, headers=headers)
    assert answer.status_code == 401
    assert answer.json[0]["code"] == 401


def test_a_key_without_the_scope_is_refused(client, make_key):
    token = make_key("feed:situation")
    answer = client.get(SERVICES, headers=_bearer(token))
    assert answer.status_code == 403
    assert "open311" in answer.json[0]["description"]


def test_a_revoked_key_is_refused_at_once(client, login, make_key, app):
    token = make_key("open311", "findings:read")
    assert client.get(SERVICES, headers=_bearer(token)).status_code == 200
    login("admin", language="en")
    with app.app_context():
        key_id = db.session.scalar(db.select(ApiKey.id))
    page = client.post(f"/admin/integrations/{key_id}/revoke", follow_redirects=True)
    assert "is revoked" in page.get_data(as_text=True)
    assert client.get(SERVICES, headers=_bearer(token)).status_code == 401


def test_each_key_has_its_own_rate_limit(client, make_key, app):
    app.config["API_KEY_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = make_key("open311", "findings:read"), make_key("open311",
                                                                       "findings:read")
        assert [client.get(SERVICES, headers=_bearer(first)).status_code
                for _ in range(4)] == [200, 200, 200, 429]
        assert client.get(SERVICES, headers=_bearer(second)).status_code == 200
    finally:
        app.config["API_KEY_RATE_LIMIT"] = "120 per minute"


def test_bad_input_keeps_what_was_typed(client, login):
    login("admin", language="en")
    page = client.post("/admin/integrations", data={"name": "Kommunen", "scopes": []})
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "Choose at least one permission." in body and 'value="Kommunen"' in body


@pytest.mark.parametrize("role", ["walker", "fixer", "manager"])
def test_only_admins_manage_keys(client, login, role):
    login(role)
    assert client.get("/admin/integrations").status_code == 404
    assert client.get("/admin/webhooks").status_code == 404


def test_the_screen_in_swedish(client, login):
    login("admin", language="sv")
    body = client.get("/admin/integrations").get_data(as_text=True)
    assert "API-nycklar" in body and "Skapa nyckel" in body
