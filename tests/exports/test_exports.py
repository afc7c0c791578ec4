"""CSV and XLSX exports of findings and walks, with the dashboard's filters."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from app.exports import writers as exports
from app.extensions import db
from app.models import FindingStatus
from tests.conftest import export

# An export reads on its own connection: it sees only committed rows.
pytestmark = pytest.mark.committed


@pytest.fixture
def data(make):
    fittja, alby = make.district("Fittja"), make.district("Alby")
    author = make.user("walker")
    fixer = make.user("fixer", name="Fredrik Fixare")
    building = make.building(fittja, code="FIT-001", address="Krögarvägen 1")
    w1 = make.walk(fittja, "completed", planned_start=datetime(2025, 3, 1, 17, tzinfo=UTC),
                   title="Kvällsvandring Fittja")
    w2 = make.walk(alby, "completed", planned_start=datetime(2024, 5, 1, 8, tzinfo=UTC),
                   title="Dagvandring Alby")
    ids = {
        "f1": make.finding(w1, author, "lighting", building_id=building,
                           description="Trasig lampa, mörkt på gården",
                           created_at=datetime(2025, 3, 1, 17, 30, tzinfo=UTC),
                           status=FindingStatus.ASSIGNED, assignee_id=fixer,
                           responsible_party="Fastighetsskötsel", due_date=date(2025, 3, 15),
                           latitude=59.2472, longitude=17.861),
        "f2": make.finding(w1, author, "other", description="Hemligt", confidential=True,
                           created_at=datetime(2025, 3, 1, 17, 40, tzinfo=UTC)),
        "f3": make.finding(w2, author, "litter", description="Skräp",
                           created_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
                           status=FindingStatus.FIXED,
                           fixed_at=datetime(2024, 5, 3, 9, tzinfo=UTC)),
    }
    return {"fittja": fittja, "alby": alby, "w1": w1, "w2": w2, **ids}


def _csv(response) -> list[dict]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_findings_csv_round_trips_swedish_text(client, login, data):
    login("manager")
    response = export(client, "/exports/findings.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert [int(r["id"]) for r in rows] == [data["f1"], data["f2"], data["f3"]]
    first = rows[0]
    assert first["description"] == "Trasig lampa, mörkt på gården"
    assert first["district"] == "Fittja"
    assert first["building"] == "FIT-001"
    assert first["created"] == "2025-03-01T18:30:00"  # local time (CET)
    assert first["status"] == "assigned"
    assert first["assignee"] == "Fredrik Fixare"
    assert first["responsible_party"] == "Fastighetsskötsel"
    assert first["due_date"] == "2025-03-15"
    assert first["latitude"] == "59.2472"
    assert rows[2]["fixed"] == "2024-05-03T11:00:00"  # CEST
    assert list(first)[:8] == ["id", "created", "acknowledged", "assigned", "fixed",
                               "verified", "closed", "status"]


def test_findings_csv_honours_period_district_category_and_status(client, login, data):
    login("manager")

    def ids(query):
        return [int(r["id"]) for r in _csv(export(client, f"/exports/findings.csv?{query}"))]

    assert ids("period=year&year=2025") == [data["f1"], data["f2"]]
    assert ids(f"district={data['alby']}") == [data["f3"]]
    assert ids("category=" + str(_category(client, "lighting"))) == [data["f1"]]
    assert ids("status=fixed") == [data["f3"]]
    assert ids(f"period=year&year=2024&district={data['fittja']}") == []


def _category(client, slug):
    from app.models import Category

    with client.application.app_context():
        return db.session.scalar(db.select(Category.id).where(Category.slug == slug))


def test_confidential_rows_only_for_those_allowed(ctx, data):
    query = exports.findings_query(exports.ExportFilters(), include_confidential=False,
                                   locale="sv")
    ids = [row[0] for row in exports.rows(db.session, query)]
    assert ids == [data["f1"], data["f3"]]


def test_findings_xlsx_opens_with_the_filtered_rows(client, login, data):
    login("admin")
    response = export(client, f"/exports/findings.xlsx?period=year&year=2025"
                              f"&district={data['fittja']}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "created", "acknowledged")
    assert [r[0] for r in rows[1:]] == [data["f1"], data["f2"]]
    assert rows[1][-1] == "Trasig lampa, mörkt på gården"


def test_walks_exports(client, login, data):
    login("manager")
    rows = _csv(export(client, "/exports/walks.csv"))
    assert [(r["title"], r["district"], r["findings"]) for r in rows] == [
        ("Dagvandring Alby", "Alby", "1"), ("Kvällsvandring Fittja", "Fittja", "2"),
    ]
    response = export(client, f"/exports/walks.xlsx?district={data['fittja']}")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Kvällsvandring Fittja"]


@pytest.mark.parametrize(("role", "status"), [
    ("walker", 404), ("fixer", 404), ("manager", 200), ("admin", 200),
])
@pytest.mark.parametrize("url", ["/exports/findings.csv", "/exports/walks.xlsx"])
def test_who_may_export(client, login, role, status, url):
    login(role)
    assert client.get(url).status_code == status


def test_csv_is_sent_in_chunks(ctx):
    header = ["id", "text"]
    chunks = list(exports.csv_stream(header, ([n, "åäö" * 20] for n in range(5000))))
    assert len(chunks) > 1
    text = b"".join(chunks).decode("utf-8-sig")
    assert text.count("\r\n") == 5001


def test_findings_list_links_an_export_of_exactly_what_it_shows(client, login, make):
    login("manager")
    walker = make.user("walker")
    walk = make.walk()
    make.finding(walk, walker, "lighting", description="Mörk gångtunnel")
    make.finding(walk, walker, "lighting", description="Trasig lampa")
    make.finding(walk, walker, "graffiti", description="Mörkt klotter")
    page = client.get("/findings?q=m%C3%B6rk&status=open").get_data(as_text=True)
    link = page.split('class="row export-links"')[1].split('href="')[1].split('"')[0]
    assert "q=m" in link and "status=open" in link
    rows = export(client, link.replace("&amp;", "&")).get_data(as_text=True).splitlines()
    assert len(rows) == 3  # header + the two findings whose text has "mörk"
    assert all("Trasig lampa" not in row for row in rows)
