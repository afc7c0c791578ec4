"""The record of processing: /admin/record reads each retention from the settings, and
docs/record-of-processing.md (linked from the README) names the same settings."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("ACCOUNT_RETENTION_MONTHS", "SIGNIN_RETENTION_MONTHS",
            "PARTICIPANT_NAME_RETENTION_MONTHS", "CONFIDENTIAL_TEXT_RETENTION_MONTHS",
            "PHOTO_RETENTION_MONTHS", "MAIL_RETENTION_DAYS", "EXPORT_KEEP_HOURS",
            "BACKUP_FOLDER")


def test_the_page_says_what_the_settings_say(app, client, login, monkeypatch):
    login("admin")
    english = {"Accept-Language": "en"}
    html = client.get("/admin/record", headers=english).get_data(as_text=True)
    assert "Anonymised 24 months after the last login. (ACCOUNT_RETENTION_MONTHS=24)" in html
    assert "Deleted from the outbox 90 days after it was written." in html
    assert "Kept: CONFIDENTIAL_TEXT_RETENTION_MONTHS is not set." in html
    assert "flask person-erase EMAIL --yes" in html
    monkeypatch.setitem(app.config, "MAIL_RETENTION_DAYS", 30)
    monkeypatch.setitem(app.config, "ACCOUNT_RETENTION_MONTHS", 0)
    html = client.get("/admin/record", headers=english).get_data(as_text=True)
    assert "Deleted from the outbox 30 days after it was written." in html
    assert "Kept: ACCOUNT_RETENTION_MONTHS is not set." in html
    swedish = client.get("/admin/record", headers={"Accept-Language": "sv"})
    assert "Raderas ur utkorgen 30 dagar efter att det skrevs." in swedish.get_data(as_text=True)


@pytest.mark.parametrize("role", ["walker", "fixer", "manager"])
def test_only_admins_read_the_record(client, login, role):
    login(role)
    assert client.get("/admin/record").status_code == 404


def test_the_document_is_linked_and_names_every_setting():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/record-of-processing.md)" in readme
    document = (ROOT / "docs" / "record-of-processing.md").read_text()
    for setting in SETTINGS:
        assert setting in document, setting
    config = (ROOT / "app" / "config.py").read_text()
    for setting in SETTINGS:
        assert re.search(rf"^\s+{setting} = ", config, re.M), setting
    for command in ("person-export", "person-erase", "purge-expired"):
        assert command in document
