"""Issue 21 on a phone: an admin imports survey results, sees what each district-year would
get (a value the file leaves out stays, an empty cell's value is named as cleared) and only
then imports; at 390 px, without sideways scrolling or serious accessibility violations."""

from __future__ import annotations

from app.extensions import db
from app.models import District, SurveyResult
from tests.browser.conftest import log_in, shot


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def _results(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(SurveyResult.year, SurveyResult.respondents, SurveyResult.safe_share,
                      SurveyResult.evening_safe_share, SurveyResult.stairwell_safe_share)
            .join(District).order_by(SurveyResult.year)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_preview_then_import_survey_results_on_a_phone(phone, app, make, axe):
    alby = make.district("Alby")
    with app.app_context():
        for year, n, overall, evening, stairwell in [(2018, 640, 65.0, 52.0, 55.6),
                                                      (2019, 650, 66.0, 57.7, 56.9)]:
            db.session.add(SurveyResult(district_id=alby, year=year, respondents=n,
                                        safe_share=overall, evening_safe_share=evening,
                                        stairwell_safe_share=stairwell))
        db.session.commit()
    admin = make.user("admin")
    csv = ("district;year;respondents;safe_share;evening_safe_share\r\n"
           "Alby;2018;640;65,0;52,0\r\n"
           "Alby;2019;1 204;66,2;\r\n"
           "Alby;2020;610;67,1;58,3\r\n")

    page = phone(locale="sv-SE")
    log_in(page, app, admin)
    page.goto("/admin/surveys")
    assert axe(page) == []
    page.set_input_files("input[type=file]", files=[
        {"name": "enkat.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_role("button", name="Förhandsgranska importen").click()

    page.wait_for_selector("h1:has-text('Granska importen')")
    assert "Inget är sparat ännu." in page.inner_text("main")
    clears = page.inner_text(".import-clears")
    assert "1 sparat värde töms" in clears
    assert "Alby 2019, trygga på kvällen: 57,7 % → töms" in clears
    card = page.inner_text(f"#plan-{alby}-2019")
    assert "Ändras" in card
    assert "I trapphuset\n56,9 % står kvar (finns inte i filen)" in card
    assert "650 →\nblir\n 1\xa0204" in card  # "blir": for screen readers
    assert "Nytt resultat" in page.inner_text(f"#plan-{alby}-2020")
    assert not page.is_visible(f"#plan-{alby}-2018")  # unchanged: folded away
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "survey-preview", full_page=True)
    assert _results(app) == [(2018, 640, 65.0, 52.0, 55.6), (2019, 650, 66.0, 57.7, 56.9)]

    page.get_by_role("button", name="Importera ändringarna").click()
    page.wait_for_selector("text=Importerat. Nya resultat: 1, ändrade: 1, tömda värden: 1.")
    assert _results(app) == [(2018, 640, 65.0, 52.0, 55.6), (2019, 1204, 66.2, None, 56.9),
                             (2020, 610, 67.1, 58.3, None)]
    shot(page, "survey-imported")
