"""The safety programme: measure types, the yearly plan, measures recorded by staff, the
district analysis page and its PDF, over HTTP as the acceptance in issue 14 describes."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import (
    District,
    DistrictPlan,
    FindingStatus,
    Measure,
    MeasureType,
    PlanTarget,
    Walk,
    WalkTarget,
)
from app.programme.queries import two_proportion_z, year_share_elapsed

SV = {"Accept-Language": "sv"}


def _type_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(MeasureType.id).where(MeasureType.slug == slug))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _row(html: str, row_id: str, end: str = "</tr>") -> str:
    return html.split(f'id="{row_id}"')[1].split(">", 1)[1].split(end)[0]


def _plain(fragment: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


@pytest.fixture
def alby(app, make):
    """Alby with its 2019 and 2020 survey and a walk in 2020 whose finding was fixed."""
    alby = make.district("Alby")
    make.district("Fittja")
    author = make.user("walker")
    walk = make.walk(alby, "completed")
    with app.app_context():
        row = db.session.get(Walk, walk)
        row.planned_start = row.started_at = datetime(2020, 4, 2, 16, tzinfo=UTC)
        row.completed_at = datetime(2020, 4, 2, 18, tzinfo=UTC)
        db.session.commit()
    make.finding(walk, author, status=FindingStatus.VERIFIED,
                 created_at=datetime(2020, 4, 2, 16, 30, tzinfo=UTC),
                 fixed_at=datetime(2020, 4, 12, 16, 30, tzinfo=UTC))
    make.finding(walk, author, category="doors_locks",
                 created_at=datetime(2020, 4, 2, 16, 40, tzinfo=UTC))
    return alby


def test_admin_plans_staff_records_leadership_reads_it_against_the_plan(
    client, login, app, alby
):
    # As admin: a new measure type, a 2020 plan for Alby, and Alby's survey results.
    login("admin")
    response = client.post("/admin/measure-types", data={
        "name_sv": "Läxhjälp", "name_en": "Homework club", "unit_sv": "tillfällen",
        "unit_en": "sessions"})
    assert response.status_code == 303
    page = client.get("/admin/measure-types", headers=SV).get_data(as_text=True)
    assert "Läxhjälp" in page and "tillfällen" in page
    fire, walk_type = _type_id(app, "fire_training"), _type_id(app, "safety_walk")
    courtyard, homework = _type_id(app, "courtyard"), _type_id(app, "homework_club")
    response = client.post(f"/admin/plans?district={alby}&year=2020", data={
        f"target-{fire}": "3", f"target-{courtyard}": "7", f"target-{walk_type}": "9",
        f"target-{homework}": "12,5", "survey_goal": "78"})
    assert response.status_code == 303
    for year, n, overall, evening in [(2019, 640, 65.0, 52.0), (2020, 650, 66.0, 57.7)]:
        assert client.post("/admin/surveys", data={
            "district_id": alby, "year": year, "respondents": n, "safe_share": overall,
            "evening_safe_share": evening}).status_code == 303
    with app.app_context():
        plan = db.session.scalar(db.select(DistrictPlan).where(DistrictPlan.district_id == alby))
        assert plan.year == 2020 and plan.survey_goal == 78
        assert {t.measure_type.slug: t.target for t in plan.targets} == {
            "fire_training": 3, "courtyard": 7, "homework_club": 12.5}
        # The walk target is the one the dashboard reads.
        assert db.session.scalar(db.select(WalkTarget.target).where(
            WalkTarget.district_id == alby, WalkTarget.year == 2020)) == 9
    client.post("/logout")

    # As staff on a phone: a fire-safety training held in Alby.
    login("manager")
    form = client.get("/measures", headers=SV).get_data(as_text=True)
    assert "Brandskyddsutbildning (utbildningar)" in form
    assert "Trygghetsvandring (" not in form  # walks are counted, not recorded
    response = client.post("/measures", data={
        "type_id": fire, "district_id": alby, "done_on": "2020-03-10", "amount": "1",
        "note": "Brandskydd för hyresgäster på Albyvägen"})
    assert response.status_code == 303
    listing = client.get(response.headers["Location"], headers=SV).get_data(as_text=True)
    assert "Åtgärden är registrerad." in listing and "Albyvägen" in listing

    # As leadership: the analysis page for 2020.
    html = client.get(f"/programme/districts/{alby}?year=2020", headers=SV).get_data(
        as_text=True)
    assert "Djupanalys: Alby" in html
    fire_row = _plain(_row(html, "plan-fire_training", "</li>"))
    assert fire_row == "Brandskyddsutbildning 1 / 3 utbildningar Efter plan"
    assert _plain(_row(html, "plan-safety_walk", "</li>")) == (
        "Trygghetsvandring 1 / 9 vandringar Efter plan")
    evening = _plain(_row(html, "survey-evening-2020"))
    assert evening == "2020 650 57,7 % +5,7 procentenheter sannolikt en verklig förändring"
    assert _plain(_row(html, "survey-overall-2020")).endswith(
        "+1,0 procentenheter inom slumpens variation")
    assert _plain(_row(html, "walks-2020")) == "2020 1 / 9 2 1 50,0 % 10,0"
    assert "Mål i trygghetsmätningen: 78,0 %" in html

    # The PDF of the page: Swedish, the same numbers.
    response = client.get(f"/programme/districts/{alby}/analysis.pdf?year=2020", headers=SV)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Djupanalys: Alby" in text
    assert "Brandskyddsutbildning 1 / 3 utbildningar Efter plan" in text
    assert "Trygghetsvandring 1 / 9 vandringar Efter plan" in text
    assert "2020 650 57,7 % +5,7 procentenheter sannolikt en verklig förändring" in text
    assert "2020 1 / 9 2 1 50,0 % 10,0" in text
    assert "Mål i trygghetsmätningen: 78,0 %" in text
    # Its footnote as on the page: one per cent sign (gettext's "%%" was printed as it is).
    assert "(5 %-nivå)." in " ".join(text.split()) and "%%" not in text


def test_the_pdf_is_in_english_for_an_english_reader(client, login, alby):
    login("manager")
    text = _pdf_text(client.get(f"/programme/districts/{alby}/analysis.pdf?year=2020",
                                headers={"Accept-Language": "en"}).data)
    assert "In-depth analysis: Alby" in text and "Walks and findings per year" in text
    assert "(5 % level)." in " ".join(text.split()) and "%%" not in text


def test_behind_plan_depends_on_the_share_of_the_year_gone(ctx, make):
    from datetime import date

    from app.programme.queries import plan_progress

    district = make.district()
    fire = db.session.scalar(db.select(MeasureType).where(MeasureType.slug == "fire_training"))
    plan = DistrictPlan(district_id=district, year=2030)
    plan.targets.append(PlanTarget(measure_type=fire, target=10))
    db.session.add(plan)
    db.session.add(Measure(measure_type=fire, district_id=district, done_on=date(2030, 2, 1),
                           amount=2))
    db.session.flush()
    [january] = plan_progress(db.session, district, 2030, today=date(2030, 1, 20))
    assert january.done == 2 and not january.behind  # 2 done, 0.5 expected by now
    [october] = plan_progress(db.session, district, 2030, today=date(2030, 10, 1))
    assert october.behind and round(october.expected, 1) == 7.5
    assert year_share_elapsed(2030, date(2029, 12, 31)) == 0
    assert year_share_elapsed(2030, date(2031, 1, 1)) == 1


def test_two_proportion_test_matches_the_textbook_formula():
    # 61.8 % of 640 → 69.0 % of 650: pooled p = 0.65428, se = 0.02648, z ≈ 2.72.
    assert two_proportion_z(61.8, 640, 69.0, 650) == pytest.approx(2.72, abs=0.01)
    assert two_proportion_z(65.0, 640, 66.0, 650) == pytest.approx(0.38, abs=0.01)
    assert two_proportion_z(50.0, 0, 60.0, 10) is None


def test_bad_measure_keeps_what_was_typed(client, login, app, alby):
    login("manager")
    fire = _type_id(app, "fire_training")
    response = client.post("/measures", data={
        "type_id": fire, "district_id": alby, "done_on": "2020-03-10", "amount": "-2",
        "note": "Kvällsutbildning"}, headers=SV)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kvällsutbildning" in html and 'class="error"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Measure.id))) == 0


def test_walks_cannot_be_recorded_by_hand(client, login, app, alby):
    login("manager")
    response = client.post("/measures", data={
        "type_id": _type_id(app, "safety_walk"), "district_id": alby,
        "done_on": "2020-03-10", "amount": "1"})
    assert response.status_code == 422


def test_measure_import_is_all_or_nothing(client, login, app, alby):
    login("manager")
    good = "district;type;date;amount;note\nAlby;fire_training;2020-03-10;1;Kväll\n"
    bad = good + "Alby;Gård öppnad för gemenskap;2020-13-01;2;\nAtlantis;courtyard;2020-04-01;x;\n"
    response = client.post("/measures/import", data={
        "file": (io.BytesIO(bad.encode()), "m.csv")}, headers=SV,
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Rad 3" in html and "ÅÅÅÅ-MM-DD" in html
    assert "Rad 4" in html and "Okänt område ”Atlantis”" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Measure.id))) == 0
    response = client.post("/measures/import", data={
        "file": (io.BytesIO((good + "ALBY;Courtyard opened;2020-04-01;2,5;\n").encode("cp1252")),
                 "m.csv")}, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.execute(db.select(MeasureType.slug, Measure.amount).join(
            MeasureType).order_by(Measure.id)).all()
    assert rows == [("fire_training", 1.0), ("courtyard", 2.5)]


def test_measure_file_that_is_not_text_is_refused_with_a_reason(client, login, app, alby):
    login("manager")
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid UTF-8.
    response = client.post("/measures/import", data={
        "file": (io.BytesIO(b"district;type;date;amount\r\n\x81\x8d\x90;x;y;1\r\n"), "m.csv")},
        headers=SV, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Filen kunde inte läsas som text" in response.get_data(as_text=True)


def test_comparison_shows_every_district_for_one_year(client, login, app, alby):
    login("manager")
    html = client.get("/programme?year=2020", headers=SV).get_data(as_text=True)
    assert "Trygghetsprogram 2020" in html
    with app.app_context():
        names = db.session.scalars(db.select(District.name)).all()
    for name in names:
        assert name in html


@pytest.mark.parametrize("role", ["walker", "fixer"])
def test_walkers_and_fixers_record_no_measures(client, login, app, alby, role):
    login(role)
    response = client.post("/measures", data={
        "type_id": _type_id(app, "fire_training"), "district_id": alby,
        "done_on": "2020-03-10", "amount": "1"})
    assert response.status_code == 404
    assert client.post("/admin/plans", data={"survey_goal": "50"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Measure.id))) == 0
        assert db.session.scalar(db.select(db.func.count(DistrictPlan.id))) == 0


def test_a_manager_may_not_change_the_plan_or_the_measure_types(client, login, app, alby):
    login("manager")
    assert client.post(f"/admin/plans?district={alby}&year=2020",
                       data={"survey_goal": "50"}).status_code == 404
    assert client.post("/admin/measure-types", data={
        "name_sv": "X", "name_en": "X", "unit_sv": "st", "unit_en": "pcs"}).status_code == 404


def test_a_wrong_plan_number_is_named_and_what_was_typed_stays(client, login, app, make):
    import re

    login("admin")
    alby = make.district("Alby")
    fire, courtyard = _type_id(app, "fire_training"), _type_id(app, "courtyard")
    client.post(f"/admin/plans?district={alby}&year=2020", data={f"target-{fire}": "3"})
    response = client.post(f"/admin/plans?district={alby}&year=2020", headers=SV, data={
        f"target-{fire}": "12,5", f"target-{courtyard}": "-1", "survey_goal": "hundra"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)

    def value(name):
        [typed] = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
        return typed

    assert (value(f"target-{fire}"), value(f"target-{courtyard}"), value("survey_goal")) == (
        "12,5", "-1", "hundra")
    assert f'id="target-{courtyard}-error"' in html and f'id="target-{fire}-error"' not in html
    assert 'id="survey_goal-error"' in html
    assert "Mål i trygghetsmätningen: andel som känner sig trygga (%)" in html
    with app.app_context():  # nothing saved: the fire target is still 3
        plan = db.session.scalar(db.select(DistrictPlan).where(DistrictPlan.district_id == alby))
        assert [t.target for t in plan.targets] == [3] and plan.survey_goal is None
    over = client.post(f"/admin/plans?district={alby}&year=2020", headers=SV,
                       data={"survey_goal": "101"})
    assert over.status_code == 422 and 'id="survey_goal-error"' in over.get_data(as_text=True)
