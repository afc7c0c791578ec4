"""The tenants' safety survey: the trend page, entering results, importing CSV."""

import base64
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import District, FindingStatus, SurveyResult, Walk
from app.reports import operations, surveys

EN = {"Accept-Language": "en"}
SV = {"Accept-Language": "sv"}


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
        operations.save_result(db.session, district=district, year=year, respondents=400,
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


def _upload(client, text: str, headers=EN, **kw):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "enkat.csv")}
    return client.post("/admin/surveys/import", data=data, content_type="multipart/form-data",
                       headers=headers, **kw)


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _apply(client, preview: str, headers=EN, **kw):
    """Press "Import these changes" on the preview page."""
    form = {"content": _hidden(preview, "content"), "digest": _hidden(preview, "digest")}
    return client.post("/admin/surveys/import/apply", data=form, headers=headers, **kw)


def test_csv_import_previews_then_creates_and_updates(client, login, make, app):
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
    preview = _upload(client, text)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Check the import" in html and "Nothing is saved yet." in html
    assert "2 new results" in html and "1 result changes" in html
    alby_card = html.split(f'id="plan-{alby}-2019"')[1].split("</li>")[0]
    assert re.search(r"<dt>Feel safe</dt>\s*<dd><span class=\"import-old\">1.0 %</span>", alby_card)
    assert "<strong>66.0 %</strong>" in alby_card
    assert _results(app) == [("Alby", 2019, 1, 1.0, None)]  # nothing saved by the preview

    done = _apply(client, html, follow_redirects=True).get_data(as_text=True)
    assert "Imported. New results: 2, updated: 1, values cleared: 0." in done
    assert _results(app) == [
        ("Alby", 2019, 480, 66.0, 57.7),
        ("Fittja", 2018, 512, 61.8, 48.0),
        ("Fittja", 2019, 530, 69.0, None),
    ]


def test_csv_import_from_swedish_excel(client, login, make, app):
    """Semicolons, decimal commas, a byte-order mark and respondents written 1 204, as Swedish
    Excel saves CSV."""
    login("admin")
    make.district("Hallunda-Norsborg")
    text = ("\ufeffdistrict;year;respondents;safe_share;evening_safe_share\r\n"
            "Hallunda-Norsborg;2020;1 204;68,3;56,4\r\n"
            "Hallunda-Norsborg;2021;1\u00a0310;69,0;57,0\r\n")
    preview = _upload(client, text)
    assert preview.status_code == 200
    assert _apply(client, preview.get_data(as_text=True)).status_code == 303
    assert _results(app) == [("Hallunda-Norsborg", 2020, 1204, 68.3, 56.4),
                             ("Hallunda-Norsborg", 2021, 1310, 69.0, 57.0)]


def _survey_page_sv(client) -> str:
    return client.get("/reports/surveys", headers=SV).get_data(as_text=True)


def test_a_file_with_only_the_required_columns_keeps_the_other_shares(
    client, login, seeded_demo, app
):
    """Issue 21: such a file emptied the evening, stairwell and outdoor shares of every result
    it updated: Alby's evening "+5,7" was gone and the chart read "2018 – %"."""
    alby = seeded_demo.districts["Alby"]
    login("admin")
    before = _survey_page_sv(client)
    assert "57,7 % (+5,7)" in before.split(f'id="survey-{alby}-2019"')[1].split("</tr>")[0]
    assert "Trygga på kvällen: 2018 52,0 %" in before

    text = ("district,year,respondents,safe_share\n"
            "Alby,2018,640,65.0\n"
            "Alby,2019,655,66.2\n")  # 2019: more respondents, a corrected share
    preview = _upload(client, text, headers=SV)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Finns inte i filen, så inget sparat värde av dem ändras: Trygga på kvällen, " \
           "I trapphuset, Utomhus i området." in html
    card = html.split(f'id="plan-{alby}-2019"')[1].split("</li>")[0]
    assert re.search(r"<dt>Trygga på kvällen</dt>\s*<dd>57,7 % <span class=\"import-note\">"
                     r"står kvar \(finns inte i filen\)", card)
    assert "töms" not in html
    assert f'id="plan-{alby}-2018"' in html.split("1 resultat lämnar filen som det är")[1]

    assert _apply(client, html, headers=SV).status_code == 303
    after = _survey_page_sv(client)
    row = after.split(f'id="survey-{alby}-2019"')[1].split("</tr>")[0]
    assert "57,7 % (+5,7)" in row and "66,2 %" in row and ">655<" in row
    assert "Trygga på kvällen: 2018 52,0 %" in after
    with app.app_context():
        result = db.session.scalar(db.select(SurveyResult).filter_by(district_id=alby, year=2019))
        assert result.stairwell_safe_share is not None and result.outdoor_safe_share is not None


def test_an_empty_cell_clears_a_value_only_as_the_preview_names_it(client, login, make, app):
    login("admin")
    alby = make.district("Alby")
    with app.app_context():
        db.session.add(SurveyResult(district_id=alby, year=2019, respondents=650,
                                    safe_share=66.0, evening_safe_share=57.7,
                                    stairwell_safe_share=56.6, outdoor_safe_share=61.4))
        db.session.commit()
    text = ("district;year;respondents;safe_share;evening_safe_share\n"
            "Alby;2019;650;66,0;\n")
    html = _upload(client, text, headers=SV).get_data(as_text=True)
    clears = html.split('class="import-clears"')[1].split("</div>")[0]
    assert "1 sparat värde töms" in clears
    assert "Alby 2019, trygga på kvällen: 57,7 % → töms" in clears
    assert html.count("1 sparat värde töms") == 2  # above the list and by the button
    assert _apply(client, html).status_code == 303
    with app.app_context():
        result = db.session.scalar(db.select(SurveyResult))
        assert (result.evening_safe_share, result.stairwell_safe_share,
                result.outdoor_safe_share) == (None, 56.6, 61.4)


def test_a_preview_made_stale_by_another_change_imports_nothing(client, login, make, app):
    login("admin")
    alby = make.district("Alby")
    with app.app_context():
        db.session.add(SurveyResult(district_id=alby, year=2019, respondents=650,
                                    safe_share=66.0, evening_safe_share=57.7))
        db.session.commit()
    text = "district,year,respondents,safe_share,evening_safe_share\nAlby,2019,650,66.0,58.0\n"
    preview = _upload(client, text).get_data(as_text=True)
    # Meanwhile another admin corrects the result by hand.
    form = {"district_id": alby, "year": 2019, "respondents": 652, "safe_share": "66.1",
            "evening_safe_share": "57.9"}
    assert client.post("/admin/surveys", data=form).status_code == 303

    stale = _apply(client, preview)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "The saved results changed after the preview was made" in html
    assert "Nothing was imported" in html
    assert _results(app) == [("Alby", 2019, 652, 66.1, 57.9)]
    # The page is the new preview, with the hand-made values as the old ones.
    card = html.split(f'id="plan-{alby}-2019"')[1].split("</li>")[0]
    assert '<span class="import-old">652</span>' in card
    assert _apply(client, html).status_code == 303
    assert _results(app) == [("Alby", 2019, 650, 66.0, 58.0)]


def test_apply_imports_only_the_file_the_preview_showed(client, login, make, app):
    login("admin")
    make.district("Alby")
    preview = _upload(client, "district,year,respondents,safe_share\nAlby,2019,650,66.0\n")
    html = preview.get_data(as_text=True)
    other = base64.b64encode(b"district,year,respondents,safe_share\nAlby,2019,650,1.0\n")
    html = html.replace(_hidden(html, "content"), other.decode())
    assert _apply(client, html).status_code == 409
    assert _results(app) == []
    broken = client.post("/admin/surveys/import/apply", data={"content": "%%%", "digest": "x"},
                         headers=EN, follow_redirects=True)
    assert "The preview was incomplete. Nothing was imported" in broken.get_data(as_text=True)
    assert _results(app) == []


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


@pytest.mark.parametrize(("text", "message"), [
    # The header with semicolons, the lines with commas (pasted from elsewhere).
    ("district;year;respondents;safe_share\nAlby;2019;650;66,0\nAlby,2020,610,67.1\n",
     "Rad 3: Fel avgränsare: semikolon (;) väntades (som på rad 1), raden använder komma (,)."),
    ("district|year|respondents|safe_share\nAlby|2019|650|66.0\n",
     "Rad 1: Fel avgränsare: komma (,), semikolon (;) eller tabb väntades, filen använder "
     "lodstreck (|)."),
    # A Swedish decimal comma in a comma-separated file: never read as two columns.
    ("district,year,respondents,safe_share,evening_safe_share\nAlby,2019,650,66,0,57.7\n",
     "Rad 2: Decimalkomma i en kommaseparerad fil? Rad 1 har 5 kolumner, den här raden 6: "
     "skriv decimaler med punkt (66.5), eller avgränsa kolumnerna med semikolon (;)."),
    ("district;year;respondents;safe_share\nAlby;2019;650;66,0;12\n",
     "Rad 2: För många kolumner: rad 1 har 4, den här raden 5."),
])
def test_a_wrong_delimiter_is_named(client, login, make, app, text, message):
    login("admin")
    make.district("Alby")
    response = _upload(client, text, headers=SV)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Kolumn(er) saknas" not in html
    assert _results(app) == []


def test_a_file_too_large_for_the_preview_is_refused(client, login, make, app):
    login("admin")
    make.district("Alby")
    text = "district,year,respondents,safe_share\n" + "Alby,2019,650,66.0\n" * 14_000
    response = _upload(client, text)
    assert response.status_code == 422
    assert "The file is larger than 256\u00a0kB." in response.get_data(as_text=True)
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
    assert 'class="num">1</td>' in row  # one walk completed that year


def test_survey_numbers_are_written_the_swedish_way(client, login, seeded_demo):
    fittja = seeded_demo.districts["Fittja"]
    login("manager")
    html = client.get("/reports/surveys", headers={"Accept-Language": "sv"}).get_data(
        as_text=True)
    row_2019 = html.split(f'id="survey-{fittja}-2019"')[1].split("</tr>")[0]
    assert 'class="num change">+7,2<' in row_2019
    assert 'class="num gap">9,0<' in row_2019

