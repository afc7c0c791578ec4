"""Review fixes in reports: confidential checklist items, spreadsheet-safe exports, the
walker's typed note surviving a refused save, and survey CSVs from Swedish Excel."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from app.exports import writers as exports
from app.extensions import db
from app.models import (
    FindingEvent,
    FollowUpItem,
    FollowUpOutcome,
    Photo,
    SurveyResult,
    Walk,
)
from tests.conftest import export

EN = {"Accept-Language": "en"}
HTMX = {**EN, "HX-Request": "true"}


# --- follow-up checklist ---------------------------------------------------------------------


@pytest.fixture
def follow_up(app, make):
    """A follow-up walk in progress, led by a walker, checking an open and a confidential finding
    (both written by someone else)."""
    district = make.district("Fittja")
    author = make.user("walker")
    earlier = make.walk(district, "completed", title="Kvällsvandring Fittja")
    lamp = make.finding(earlier, author, "lighting", description="Trasig lampa vid entrén")
    secret = make.finding(earlier, author, "other", description="Hemligt", confidential=True)
    follow = make.walk(district, "in_progress", title="Uppföljning Fittja")
    with app.app_context():
        walk = db.session.get(Walk, follow)
        walk.follow_up_of_id = earlier
        walk.checklist = [FollowUpItem(finding_id=lamp), FollowUpItem(finding_id=secret)]
        db.session.commit()
        items = {i.finding_id: i.id for i in walk.checklist}
    return {"walk": follow, "lamp": items[lamp], "secret": items[secret],
            "secret_finding": secret}


def _lead(app, walk_id, user_id):
    """Make the logged-in walker the walk's leader: only those on a walk check its items."""
    with app.app_context():
        db.session.get(Walk, walk_id).leader_id = user_id
        db.session.commit()


def _item(app, item_id):
    with app.app_context():
        item = db.session.get(FollowUpItem, item_id)
        return item.outcome, item.note


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(FindingEvent.id)))


@pytest.mark.parametrize("headers", [EN, HTMX], ids=["form", "htmx"])
def test_walker_cannot_check_a_confidential_item(client, login, follow_up, app, headers):
    login("walker")
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['secret']}"
    response = client.post(url, data={"outcome": "fixed", "note": "Kollat"}, headers=headers)
    assert response.status_code == 404
    assert _item(app, follow_up["secret"]) == (FollowUpOutcome.OPEN, "")
    assert _events(app) == 0


def test_manager_may_check_the_confidential_item(client, login, follow_up, app):
    login("manager")
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['secret']}"
    response = client.post(url, data={"outcome": "not_fixed", "note": "Kvar"}, headers=EN)
    assert response.status_code == 303
    assert _item(app, follow_up["secret"]) == (FollowUpOutcome.NOT_FIXED, "Kvar")


def test_walker_page_offers_no_form_for_the_confidential_item(client, login, follow_up, app):
    walker = login("walker")
    with app.app_context():  # the walk's leader: only those on a walk check its items
        db.session.get(Walk, follow_up["walk"]).leader_id = walker
        db.session.commit()
    page = client.get(f"/walks/{follow_up['walk']}", headers=EN).get_data(as_text=True)
    assert f"/checklist/{follow_up['lamp']}" in page
    assert f"/checklist/{follow_up['secret']}" not in page
    assert "Hemligt" not in page


def _textarea(html: str, item_id: int) -> str:
    match = re.search(rf'<textarea id="note-{item_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, html[:2000]
    return match.group(1)


def _checked(html: str, item_id: int) -> list[str]:
    start = html.index(f'id="item-{item_id}"')
    end = html.index("</li>", start)
    return re.findall(r'value="(\w+)" checked', html[start:end])


BAD_PHOTO = b"this is not a photo at all"


def test_rejected_photo_keeps_note_and_outcome_in_the_fragment(client, login, follow_up, app):
    _lead(client.application, follow_up["walk"], login("walker"))
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['lamp']}"
    response = client.post(url, data={
        "outcome": "not_fixed", "note": "Lampan blinkar fortfarande",
        "photo": (io.BytesIO(BAD_PHOTO), "efter.jpg"),
    }, content_type="multipart/form-data", headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<li")  # the item alone, for htmx to swap
    assert _textarea(html, follow_up["lamp"]) == "Lampan blinkar fortfarande"
    assert _checked(html, follow_up["lamp"]) == ["not_fixed"]
    assert 'class="error"' in html
    assert _item(app, follow_up["lamp"]) == (FollowUpOutcome.OPEN, "")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == 0
    assert _events(app) == 0


def test_rejected_photo_without_js_renders_the_walk_page_with_the_note(
        client, login, follow_up, app):
    _lead(client.application, follow_up["walk"], login("walker"))
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['lamp']}"
    response = client.post(url, data={
        "outcome": "fixed", "note": "Ny lampa & <ok>",
        "photo": (io.BytesIO(BAD_PHOTO), "efter.jpg"),
    }, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<h1>Uppföljning Fittja</h1>" in html  # the whole walk page, not a redirect
    assert "Follow-up checklist" in html
    assert _textarea(html, follow_up["lamp"]) == "Ny lampa &amp; &lt;ok&gt;"
    assert _checked(html, follow_up["lamp"]) == ["fixed"]
    assert _item(app, follow_up["lamp"]) == (FollowUpOutcome.OPEN, "")


def test_missing_outcome_without_js_keeps_the_note(client, login, follow_up, app):
    _lead(client.application, follow_up["walk"], login("walker"))
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['lamp']}"
    response = client.post(url, data={"note": "Glömde välja"}, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _textarea(html, follow_up["lamp"]) == "Glömde välja"
    assert _checked(html, follow_up["lamp"]) == []
    assert "Choose fixed or not fixed." in html
    assert _item(app, follow_up["lamp"]) == (FollowUpOutcome.OPEN, "")


def test_a_saved_item_shows_the_stored_values(client, login, follow_up, app):
    _lead(client.application, follow_up["walk"], login("walker"))
    url = f"/walks/{follow_up['walk']}/checklist/{follow_up['lamp']}"
    response = client.post(url, data={"outcome": "fixed", "note": "Lagad"}, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _textarea(html, follow_up["lamp"]) == "Lagad"
    assert _checked(html, follow_up["lamp"]) == ["fixed"]
    plain = client.post(url, data={"outcome": "not_fixed", "note": "Trasig igen"}, headers=EN)
    assert plain.status_code == 303
    walk_url = f"/walks/{follow_up['walk']}"
    assert plain.headers["Location"].endswith(f"{walk_url}#item-{follow_up['lamp']}")
    assert _item(app, follow_up["lamp"]) == (FollowUpOutcome.NOT_FIXED, "Trasig igen")


# --- exports ---------------------------------------------------------------------------------

NASTY = {
    "=HYPERLINK(\"http://evil.example\",\"klicka\")": "'=HYPERLINK(\"http://evil.example\",\"klicka\")",
    "+1": "'+1",
    "-2": "'-2",
    "@x": "'@x",
    "\tTAB": "'\tTAB",
    "Vanlig text, inga problem": "Vanlig text, inga problem",
}


@pytest.fixture
def nasty_findings(make):
    district = make.district("Fittja")
    author = make.user("walker")
    walk = make.walk(district, "completed")
    created = datetime(2025, 3, 1, 17, tzinfo=UTC)
    return {
        make.finding(walk, author, description=text, created_at=created): expected
        for text, expected in NASTY.items()
    }


@pytest.mark.committed  # exports read committed rows
def test_xlsx_cells_are_text_never_formulas(client, login, nasty_findings):
    login("manager")
    response = export(client, "/exports/findings.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    column = [c.value for c in rows[0]].index("description")
    cells = {row[0].value: row[column] for row in rows[1:]}
    assert set(cells) == set(nasty_findings)
    for finding_id, expected in nasty_findings.items():
        assert cells[finding_id].data_type == "s"
        assert cells[finding_id].value == expected


@pytest.mark.committed  # exports read committed rows
def test_csv_cells_are_prefixed(client, login, nasty_findings):
    login("manager")
    response = export(client, "/exports/findings.csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert {i: rows[i]["description"] for i in nasty_findings} == nasty_findings


@pytest.mark.committed  # exports read committed rows
def test_negative_numbers_stay_numbers(make, client, login):
    district = make.district()
    author = make.user()
    walk = make.walk(district)
    finding = make.finding(walk, author, latitude=-33.9, longitude=-70.6)
    login("manager")
    sheet = load_workbook(io.BytesIO(export(client, "/exports/findings.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == finding), strict=True))
    assert (row["latitude"], row["longitude"]) == (-33.9, -70.6)


@pytest.mark.committed  # exports read committed rows
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_control_characters_do_not_break_the_export(client, login, make, fmt):
    district = make.district()
    author = make.user()
    walk = make.walk(district)
    finding = make.finding(walk, author, description="Klotter\x01 på\x0b dörren\x1f")
    login("manager")
    response = export(client, f"/exports/findings.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        column = rows[0].index("description")
        value = next(r for r in rows[1:] if r[0] == finding)[column]
    else:
        text = response.data.decode("utf-8-sig")
        value = next(r for r in csv.DictReader(io.StringIO(text), delimiter=";")
                     if r["id"] == str(finding))["description"]
    assert value == "Klotter på dörren"


def test_control_character_then_formula_is_still_prefixed():
    assert exports._cell("\x01=1+1") == "'=1+1"
    assert exports._cell("Rad ett\nrad två") == "Rad ett\nrad två"


def test_illegal_characters_match_openpyxl():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert exports.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern


# --- survey import ---------------------------------------------------------------------------


def _upload(client, raw: bytes):
    data = {"file": (io.BytesIO(raw), "enkat.csv")}
    return client.post("/admin/surveys/import", data=data, content_type="multipart/form-data",
                       headers=EN)


def test_survey_csv_from_windows_1252_imports(client, login, make, app):
    login("admin")
    make.district("Skärholmen")
    make.district("Västertorp")
    raw = ("district;year;respondents;safe_share;evening_safe_share\r\n"
           "Skärholmen;2021;402;63,5;51,0\r\n"
           "Västertorp;2021;210;71,2;\r\n").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    preview = _upload(client, raw)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Skärholmen 2021" in html and "Västertorp 2021" in html
    # The preview sends the file back as UTF-8: the names survive the way back.
    form = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)
            for name in ("content", "digest")}
    applied = client.post("/admin/surveys/import/apply", data=form, headers=EN)
    assert applied.status_code == 303
    with app.app_context():
        rows = db.session.execute(
            db.select(SurveyResult.year, SurveyResult.safe_share)
            .join(SurveyResult.district).order_by(SurveyResult.district_id)
        ).all()
    assert [tuple(r) for r in rows] == [(2021, 63.5), (2021, 71.2)]


def test_survey_csv_that_is_not_text_is_refused_not_a_500(client, login, make, app):
    login("admin")
    make.district("Fittja")
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid UTF-8.
    response = _upload(client, b"district;year\r\n\x81\x8d\x90;2021\r\n")
    assert response.status_code == 422
    assert "Nothing was imported" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SurveyResult.id))) == 0

