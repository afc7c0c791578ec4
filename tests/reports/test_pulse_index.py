"""The safety pulse on the reports' survey page (/reports/surveys) and in its CSV: the share
answering 4–5 and the mean per district and building, month and time of day, next to the
latest survey and the goal; a figure on fewer than 10 answers is never shown."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import PulseAnswer, SurveyResult, TimeOfDay
from app.tenants.pulse.device import iso_week
from app.timeutil import local_today


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def place(make):
    district = make.district("Alby")
    return district, make.building(district, code="ALB-3", address="Albyvägen 3")


def _answers(app, building, scores, time_of_day="evening", day=None):
    """Answers as many phones give them (each its own digest)."""
    day = day or local_today()
    with app.app_context():
        for score in scores:
            db.session.add(PulseAnswer(
                building_id=building, score=score, time_of_day=TimeOfDay(time_of_day),
                answered_on=day, week=iso_week(day),
                once_digest=uuid.uuid4().hex * 2))
        db.session.commit()
        db.session.remove()


def _district_cell(page, district, time):
    month = f"{local_today():%Y-%m}"
    row = re.search(rf'<tr id="pulse-d{district}-{month}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'data-time="{time}">(.*?)</td>', row, re.S).group(1)


def test_the_index_is_hidden_at_9_answers_and_shown_at_10(app, client, login, place):
    district, building = place
    login("manager", language="sv")
    _answers(app, building, [5, 4, 4, 4, 3, 2, 1, 5, 4])  # 9 answers, 6 of them 4–5
    page = text(client.get("/reports/surveys"))
    assert "färre än 10 svar" in _district_cell(page, district, "all")
    assert "%" not in _district_cell(page, district, "all")
    _answers(app, building, [4], day=local_today())  # the tenth: 7 of 10 answer 4–5
    page = text(client.get("/reports/surveys"))
    cell = _district_cell(page, district, "all")
    assert "70,0 %" in cell and "10 svar" in cell and "färre" not in cell
    assert "medel 3,6" in cell  # (5+4+4+4+3+2+1+5+4+4) / 10
    assert "Mål" in page and "78,0 %" in page


def test_each_time_of_day_and_building_has_its_own_threshold(app, client, login, place, make):
    district, building = place
    other = make.building(district, code="ALB-5", address="Albyvägen 5")
    _answers(app, building, [5] * 12, "evening")
    _answers(app, building, [4] * 10, "day")
    _answers(app, other, [5] * 10 + [1] * 2, "day")
    with app.app_context():
        db.session.add(SurveyResult(district_id=district, year=local_today().year - 1,
                                    respondents=412, safe_share=71.0))
        db.session.commit()
    login("manager", language="en")
    page = text(client.get(f"/reports/surveys?district={district}"))
    assert "100.0 %" in _district_cell(page, district, "evening")
    assert "90.9 %" in _district_cell(page, district, "day")  # 20 of 22
    all_day = _district_cell(page, district, "all")  # 34 answers, 32 of them 4–5
    assert "94.1 %" in all_day and "34 answers" in all_day
    assert "412 respondents" in page and "71.0 %" in page
    month = f"{local_today():%Y-%m}"
    other_row = re.search(rf'<tr id="pulse-b{other}-{month}">(.*?)</tr>', page, re.S).group(1)
    assert "83.3 %" in other_row and "12 answers" in other_row

    csv = text(client.get(f"/reports/pulse.csv?district={district}"))
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0] == "district;building;month;time_of_day;answers;safe_share;mean"
    assert f"Alby;;{month};evening;12;100.0;5.0" in lines
    assert f"Alby;Albyvägen 5 (ALB-5);{month};all;12;83.3;4.3" in lines


def test_no_hidden_group_can_be_worked_out_by_subtraction(app, client, login, place, make):
    """13 answers in the district, 10 of them in the evening at one building: the 3 others
    (night, the house next door) must not follow from 13 − 10."""
    district, building = place
    other = make.building(district, code="ALB-5", address="Albyvägen 5")
    _answers(app, building, [5] * 10, "evening")
    _answers(app, other, [1, 2, 3], "night")
    login("manager", language="en")
    page = text(client.get(f"/reports/surveys?district={district}"))
    all_day = _district_cell(page, district, "all")
    assert "76.9 %" in all_day and "13 answers" in all_day
    assert "give away a smaller group" in _district_cell(page, district, "evening")
    assert "fewer than 10 answers" in _district_cell(page, district, "night")
    month = f"{local_today():%Y-%m}"
    for house in (building, other):
        row = re.search(rf'<tr id="pulse-b{house}-{month}">(.*?)</tr>', page, re.S).group(1)
        assert "%" not in row
    csv = text(client.get(f"/reports/pulse.csv?district={district}"))
    lines = csv.lstrip("\ufeff").splitlines()
    assert f"Alby;;{month};night;<10;;" in lines
    assert f"Alby;;{month};evening;hidden;;" in lines
    assert f"Alby;Albyvägen 3 (ALB-3);{month};all;hidden;;" in lines
    shown = [line for line in lines[1:] if line.split(";")[4].isdigit()]
    assert shown == [f"Alby;;{month};all;13;76.9;4.3"]


def test_buildings_are_listed_once_a_district_is_chosen(app, client, login, place):
    district, building = place
    _answers(app, building, [4] * 10)
    login("manager", language="en")
    page = text(client.get("/reports/surveys"))
    assert f'id="pulse-b{building}-' not in page
    assert f'href="/reports/surveys?district={district}#pulse"' in page
    assert "Alby per building (1 building)" in page
    page = text(client.get(f"/reports/surveys?district={district}"))
    assert f'id="pulse-b{building}-' in page


def test_answers_older_than_a_year_are_left_out(app, client, login, place):
    _district, building = place
    _answers(app, building, [5] * 10, day=local_today() - timedelta(days=400))
    login("manager", language="en")
    assert "No pulse answers in the last 12 months." in text(client.get("/reports/surveys"))


def test_walkers_see_no_index(client, login):
    login("walker")
    assert client.get("/reports/pulse.csv").status_code in (403, 404)
