"""The findings list's filter form is built once per state of what it offers (districts,
buildings, walks, categories, people): a second look costs fewer queries, and a new district,
a renamed category or a new fixer shows at once, in the reader's language."""

import re

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Category, Priority
from tests.reports.test_reports_cache import statements  # noqa: F401 (a fixture)


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, page[:2000]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.fixture
def listed(login, make):
    """A manager logged in, and one finding on the list."""
    login("manager")
    walk = make.walk(make.district("Fittja"), status="completed")
    return make.finding(walk, make.user("walker"), category="lighting")


def _commit(app, change) -> None:
    """A change made elsewhere than through the page (an admin, another worker)."""
    with app.app_context():
        change(db.session)
        db.session.commit()


def test_a_second_look_costs_fewer_queries_and_shows_the_same_form(
        client, listed, statements):  # noqa: F811
    first = client.get("/findings?status=open").get_data(as_text=True)
    first_cost = statements()
    again = client.get("/findings?status=open").get_data(as_text=True)
    again_cost = statements()
    assert again_cost <= first_cost - 4, (first_cost, again_cost)
    assert _options(again, "district") == _options(first, "district")
    assert '<option selected value="open">' in again


def test_a_new_district_and_fixer_show_at_once(client, login, make):
    login("manager")
    make.district("Fittja")
    page = client.get("/findings").get_data(as_text=True)
    assert "Alby" not in _options(page, "district")
    make.district("Alby")
    make.user("fixer", name="Fia Fixare")
    page = client.get("/findings").get_data(as_text=True)
    assert "Alby" in _options(page, "district")
    assert "Fia Fixare" in _options(page, "assignee")


def test_a_renamed_category_shows_in_the_filter_and_the_rows(app, client, listed):
    client.post("/language", data={"lang": "en"})
    page = client.get("/findings").get_data(as_text=True)
    assert "Lighting" in _options(page, "category")
    _commit(app, lambda session: session.execute(
        update(Category).where(Category.slug == "lighting").values(name_en="Street lamps")))
    page = client.get("/findings").get_data(as_text=True)
    assert "Street lamps" in _options(page, "category")
    row = page[page.find('class="c-title"'):][:300]
    assert "Street lamps" in row


def test_each_language_has_its_own_form(client, login, make):
    login("manager")
    make.district("Fittja")
    client.post("/language", data={"lang": "sv"})
    swedish = client.get("/findings").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    english = client.get("/findings").get_data(as_text=True)
    assert "Alla" in _options(swedish, "district")
    assert "All" in _options(english, "district")


def test_the_bulk_actions_offer_a_new_priority_and_fixer_at_once(app, client, listed, make):
    page = client.get("/findings").get_data(as_text=True)
    assert "Inom en timme" not in _options(page, "priority_id")
    _commit(app, lambda session: session.add(Priority(
        name_sv="Inom en timme", name_en="Within the hour", days=0, position=99)))
    make.user("fixer", name="Fia Fixare")
    page = client.get("/findings").get_data(as_text=True)
    assert "Inom en timme" in _options(page, "priority_id")
    assert "Fia Fixare (Åtgärdare)" in _options(page, "assignee_id")
    # Where the bulk form comes back to stays the page's own, filters and all.
    page = client.get("/findings?status=open").get_data(as_text=True)
    assert re.search(r'name="next"[^>]*value="/findings\?status=open"', page), page[:500]


def test_a_search_finds_the_findings_of_a_building_added_after_the_same_search(
        client, login, make):
    login("manager")
    district = make.district("Fittja")
    walk = make.walk(district, status="completed")
    author = make.user("walker")
    assert "0 iakttagelser" in client.get("/findings?q=Nygatan").get_data(as_text=True)
    building = make.building(district, address="Nygatan 1")
    found = make.finding(walk, author, building_id=building, description="Trasig lampa")
    page = client.get("/findings?q=Nygatan").get_data(as_text=True)
    assert "1 iakttagelse" in page and f"/findings/{found}\"" in page
