"""Issue 27 on a phone (390x844): the personal-data screen, the erasure's dry run and the
record of processing; no sideways scrolling and no serious accessibility violations, in
Swedish and English."""

from __future__ import annotations

from app.extensions import db
from app.models import Comment, User
from tests.browser.conftest import log_in, shot


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_look_up_erase_and_read_the_record_on_a_phone(phone, app, make, axe):
    walker = make.user("walker", name="Wilma Walkersson-Långnamnsdotter",
                       email="wilma.walkersson-langnamnsdotter@bostadsbolaget.example.org")
    manager = make.user("manager")
    walk = make.walk(leader_id=walker)
    finding = make.finding(walk, walker, description="Trasig lampa vid entrén")
    with app.app_context():
        db.session.add(Comment(finding_id=finding, author_id=manager,
                               body="Wilma Walkersson-Långnamnsdotter ringer fastighetsägaren"))
        db.session.commit()
    admin = make.user("admin")

    page = phone(locale="sv-SE")
    log_in(page, app, admin)
    page.goto("/admin/people")
    page.fill("#person", "wilma.walkersson-langnamnsdotter@bostadsbolaget.example.org")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_selector("text=Ladda ner registerutdrag")
    assert "Vandringar som personen lett eller planerat" in page.inner_text("#records")
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "i27-people-sv", full_page=True)

    with page.expect_download() as download:
        page.locator("text=Ladda ner registerutdrag").click()
    assert download.value.suggested_filename.startswith(f"register-extract-account-{walker}")

    page.locator("text=Radera… (provkörning först)").click()
    page.wait_for_selector("text=Radering: provkörning")
    assert "Tidigare medarbetare 1" in page.inner_text("main")
    assert "ringer fastighetsägaren" in page.inner_text("main")  # to review by hand
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "i27-erase-dry-run-sv", full_page=True)
    page.locator("button.btn-danger").click()  # not confirmed: the box says so
    page.wait_for_selector("text=Kryssa i rutan för att bekräfta raderingen.")
    page.check("#confirm")
    page.locator("button.btn-danger").click()
    page.wait_for_selector("h1:text('Raderad')")
    _no_sideways_scroll(page)
    with app.app_context():
        assert db.session.get(User, walker).name == "Tidigare medarbetare 1"

    page.goto("/admin/record")
    text = page.inner_text("main")
    assert "Avidentifieras 24 månader efter senaste inloggning." in text
    assert "Raderas ur utkorgen 90 dagar efter att det skrevs." in text
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "i27-record-sv", full_page=True)

    english = phone(locale="en-GB")
    log_in(english, app, admin)
    english.goto("/admin/record")
    assert "Anonymised 24 months after the last login." in english.inner_text("main")
    _no_sideways_scroll(english)
    assert axe(english) == []
    shot(english, "i27-record-en")
