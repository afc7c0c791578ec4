"""/admin/targets: a wrong number is named, and everything typed stays on the page."""

import re

from app.extensions import db
from app.models import WalkTarget

EN = {"Accept-Language": "en"}


def _value(html: str, name: str) -> str:
    [value] = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return value


def test_a_wrong_target_is_named_and_what_was_typed_stays(client, login, make, app):
    login("admin")
    a, b, c = make.district("Alfa"), make.district("Beta"), make.district("Gamma")
    client.post("/admin/targets?year=2025", data={f"target-{c}": "4"})
    response = client.post("/admin/targets?year=2025", headers=EN, data={
        f"target-{a}": "12", f"target-{b}": "tolv", f"target-{c}": "1001"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("A whole number from 0 to 1000, or empty.") == 2
    assert (_value(html, f"target-{a}"), _value(html, f"target-{b}"),
            _value(html, f"target-{c}")) == ("12", "tolv", "1001")
    assert f'id="target-{b}-error"' in html and f'id="target-{a}-error"' not in html
    with app.app_context():  # nothing saved, not even the good one
        assert db.session.execute(db.select(WalkTarget.district_id, WalkTarget.target)).all() == [
            (c, 4)]


def test_the_page_shows_the_saved_targets_of_the_year(client, login, make):
    login("admin")
    a, b = make.district("Alfa"), make.district("Beta")
    client.post("/admin/targets?year=2025", data={f"target-{a}": " 7 ", f"target-{b}": ""})
    html = client.get("/admin/targets?year=2025").get_data(as_text=True)
    assert (_value(html, f"target-{a}"), _value(html, f"target-{b}")) == ("7", "")
    other_year = client.get("/admin/targets?year=2024").get_data(as_text=True)
    assert _value(other_year, f"target-{a}") == ""
