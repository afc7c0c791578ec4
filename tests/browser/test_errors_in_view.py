"""A form sent back with an error opens on the field at fault, wherever it sits on the page."""

from __future__ import annotations

from tests.browser.conftest import log_in


def test_a_refused_assignment_opens_on_its_due_date(phone, app, make):
    district = make.district("Fittja")
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker)
    finding = make.finding(walk, walker, description="Trasig lampa vid garaget")
    make.user("fixer", name="Fredrik Fixare")
    manager = make.user("manager")
    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto(f"/findings/{finding}")
    page.select_option("select[name=assignee_id]", label="Fredrik Fixare (Åtgärdare)")
    page.fill("input[name=due_date]", "2020-01-01")
    page.click("form[action$='/assign'] button[type=submit]")
    page.wait_for_load_state("load")

    message = page.locator("#due_date-error")
    assert "Sista datum har redan passerat" in message.inner_text()
    # On screen without scrolling, with the input kept and the cursor in it.
    assert page.evaluate("() => document.activeElement.name") == "due_date"
    box = message.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert page.input_value("input[name=due_date]") == "2020-01-01"
