"""The tenants' safety survey: the trend page, entering results, importing CSV."""

import io
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import District, FindingStatus, SurveyResult, Walk
from app.reports import surveys

EN = {"Accept-Language": "en"}


def _results(app):
    with app.app_context():
        return db.session.execute(
            db.select(District.name, SurveyResult.year, SurveyResult.respondents,
                      SurveyResult.safe_share, SurveyResult.evening_safe_share)
            .join(District).order_by(District.name, SurveyResult.year)
        ).all()


def test_demo_survey_shows_fittja_gain_and_gap_to_goal(client, login, seeded_demo):
    fittja = seeded_demo.districts["Fittja"]
    login("manager")
    html = client.get("/reports/surveys", headers=EN).get_data(as_text=True)
    row_2019 = html.split(f'id="survey-{fittja}-2019"')[1].split("</tr>")[0]
    change = float(row_2019.split('class="num change">')[1].split("<")[0])
    assert change > 7  # 61.8 → 69.0
    assert change == pytest.approx(7.2)
    assert "Goal: 78.0 %" in html
    assert 'class="num gap">9.0<' in row_2019  # 78 − 69.0
    row_2025 = html.split(f'id="survey-{fittja}-2025"')[1].split("</tr>")[0]
    assert 'class="num gap">3.1<' in row_2025  # 78 − 74.9
    assert 'role="img"' in html and "<polyline" in html


def test_series_compares_with_the_year_before_and_counts_walks_and_fixes(ctx, make):
    district_id = make.district("Alby")
    author = make.user()
    walk_id = make.walk(district_id, "completed")
    district = db.session.get(District, district_id)
    for year, share, evening in [(2018, 65.0, 52.0), (2019, 66.0, 57.7), (2021, 67.5, None)]:
        surveys.save_result(db.session, district=district, year=year, respondents=400,
                            safe_share=share, evening_safe_share=evening)
    walk = db.session.get(Walk, walk_id)
    walk.completed_at = datetime(2019, 5, 1, 10, tzinfo=UTC)
    db.session.commit()
    make.finding(walk_id, author, status=FindingStatus.FIXED,
                 created_at=datetime(2019, 4, 1, tzinfo=UTC),
                 fixed_at=datetime(2019, 6, 1, tzinfo=UTC))
    [entry] = surveys.series(db.session, goal=78)
    rows = {r["year"]: r for r in entry["rows"]}
    assert rows[2018]["change"] is None
    assert rows[2019]["change"] == 1.0
    assert rows[2019]["evening_change"] == 5.7
    assert rows[2021]["change"] == 1.5  # compared with 2019, the latest before
    assert rows[2021]["evening_change"] is None
    assert rows[2021]["gap"] == 10.5
    assert (rows[2019]["walks"], rows[2019]["fixed"]) == (1, 1)
    assert (rows[2018]["walks"], rows[2018]["fixed"]) == (0, 0)


@pytest.mark.parametrize(("role", "status"), [
    ("walker", 404), ("fixer", 404), ("manager", 404), ("admin", 200),
])
def test_only_admins_enter_results(client, login, role, status):
    login(role)
    assert client.get("/admin/surveys").status_code == status
    assert client.post("/admin/surveys/import").status_code in (status, 422)


def test_admin_enters_and_replaces_a_result(client, login, make, app):
    login("admin")
    district = make.district("Norsborg")
    form = {"district_id": district, "year": 2024, "respondents": 410, "safe_share": "72.8",
            "evening_safe_share": ""}
    assert client.post("/admin/surveys", data=form).status_code == 303
    assert _results(app) == [("Norsborg", 2024, 410, 72.8, None)]
    form.update(safe_share="73.1", evening_safe_share="60")
    assert client.post("/admin/surveys", data=form).status_code == 303
    assert _results(app) == [("Norsborg", 2024, 410, 73.1, 60.0)]
    form.update(safe_share="120")
    bad = client.post("/admin/surveys", data=form, headers=EN)
    assert bad.status_code == 422
    assert "Number must be between 0 and 100" in bad.get_data(as_text=True)


def _upload(client, text: str, **kw):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "enkat.csv")}
    return client.post("/admin/surveys/import", data=data, content_type="multipart/form-data",
                       headers=EN, **kw)


def test_csv_import_creates_and_updates(client, login, make, app):
    login("admin")
    make.district("Fittja")
    alby = make.district("Alby")
    with app.app_context():
        db.session.add(SurveyResult(district_id=alby, year=2019, respondents=1, safe_share=1))
        db.session.commit()
    text = ("district,year,respondents,safe_share,evening_safe_share\n"
            "Fittja,2018,512,61.8,48.0\n"
            "fittja,2019,530,69.0,\n"
            "Alby,2019,480,66.0,57.7\n")
    response = _upload(client, text, follow_redirects=True)
    assert "Imported: 2 new, 1 updated." in response.get_data(as_text=True)
    assert _results(app) == [
        ("Alby", 2019, 480, 66.0, 57.7),
        ("Fittja", 2018, 512, 61.8, 48.0),
        ("Fittja", 2019, 530, 69.0, None),
    ]


def test_csv_import_from_swedish_excel(client, login, make, app):
    """Semicolons, decimal commas and a byte-order mark, as Swedish Excel saves CSV."""
    login("admin")
    make.district("Hallunda-Norsborg")
    text = ("\ufeffdistrict;year;respondents;safe_share;evening_safe_share\r\n"
            "Hallunda-Norsborg;2020;455;68,3;56,4\r\n")
    assert _upload(client, text).status_code == 303
    assert _results(app) == [("Hallunda-Norsborg", 2020, 455, 68.3, 56.4)]


def test_bad_csv_imports_nothing_and_lists_each_bad_line(client, login, make, app):
    login("admin")
    make.district("Fittja")
    text = ("district,year,respondents,safe_share,evening_safe_share\n"
            "Fittja,2018,512,61.8,48.0\n"          # good
            "Atlantis,2018,100,50,\n"              # line 3: unknown district
            "Fittja,2019,many,69.0,\n"             # line 4: not a number
            "Fittja,2020,400,101,\n"               # line 5: share above 100
            "\n"
            "Fittja,2018,300,60,\n")               # line 7: same district and year as line 2
    response = _upload(client, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    assert "Line 3: Unknown district “Atlantis”." in html
    assert "Line 4: Year and respondents must be whole numbers" in html
    assert "Line 5: A share is a percentage from 0 to 100." in html
    assert "Line 7: Fittja 2018 is also on line 2." in html
    assert "Line 2:" not in html
    assert _results(app) == []


def test_csv_without_the_header_is_refused(client, login, make, app):
    login("admin")
    make.district("Fittja")
    response = _upload(client, "Fittja,2018,512,61.8,48.0\n")
    assert response.status_code == 422
    assert "Line 1: Missing column(s): " in response.get_data(as_text=True)
    assert _results(app) == []


def test_walks_next_to_the_survey_on_the_page(client, login, make, app):
    login("manager")
    district = make.district("Alby")
    walk = make.walk(district, "completed")
    now = datetime.now(UTC)
    with app.app_context():
        db.session.get(Walk, walk).completed_at = now - timedelta(minutes=1)
        db.session.add(SurveyResult(district_id=district, year=now.year, respondents=10,
                                    safe_share=70))
        db.session.commit()
    html = client.get("/reports/surveys", headers=EN).get_data(as_text=True)
    row = html.split(f'id="survey-{district}-{now.year}"')[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row  # one walk completed that year


def test_survey_numbers_are_written_the_swedish_way(client, login, seeded_demo):
    fittja = seeded_demo.districts["Fittja"]
    login("manager")
    html = client.get("/reports/surveys", headers={"Accept-Language": "sv"}).get_data(
        as_text=True)
    row_2019 = html.split(f'id="survey-{fittja}-2019"')[1].split("</tr>")[0]
    assert 'class="num change">+7,2<' in row_2019
    assert 'class="num gap">9,0<' in row_2019
