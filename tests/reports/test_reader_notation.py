"""Words, numbers and dates in the reader's notation: the Swedish protocol PDFs have no English
app labels, the survey page writes 78,0 % and 'procentenheter', English dates are not US
short dates, and the finding page names every field once."""

import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po
from pypdf import PdfReader

from app.extensions import db
from app.labels import LABELS
from app.media import photos as photo_service
from app.models import FindingStatus, PhotoKind
from app.seeding import demo
from app.storage import get_storage

ROOT = Path(__file__).resolve().parents[2]
SV = {"Accept-Language": "sv"}
EN = {"Accept-Language": "en"}


def _english_labels() -> set[str]:
    """The English words of every label the protocol prints (its own messages and the enum
    labels), where Swedish says something else."""
    with (ROOT / "app/translations/sv/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    source = (ROOT / "app/reports/protocol.py").read_text(encoding="utf-8")
    ids = set(re.findall(r'_\("([^"]+)"', source))
    ids |= {str(text._args[0]) for names in LABELS.values() for text in names.values()}
    words = set()
    for msgid in ids:
        message = catalog.get(msgid)
        if message is None or not message.string or message.string == msgid:
            continue
        plain = re.sub(r"%\(\w+\)[sd]|%%", " ", msgid)
        swedish = re.sub(r"%\(\w+\)[sd]|%%", " ", message.string).lower()
        for part in re.split(r"[:.,()/–\-\s]+", plain):
            if len(part) >= 4 and part.lower() not in swedish:
                words.add(part)
    return words


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _protocol_walk(app, make) -> int:
    district = make.district("Fittja")
    author = make.user("walker")
    building = make.building(district, code="FIT-007", address="Krögarvägen 7")
    walk = make.walk(district, "completed", title="Kvällsvandring Fittja")
    lamp = make.finding(walk, author, "lighting", building_id=building,
                        description="Trasig lampa vid entrén",
                        responsible_party="Fastighetsskötsel",
                        planned_action="Byt armatur", due_date=date(2026, 3, 1),
                        status=FindingStatus.ASSIGNED)
    make.finding(walk, author, "other", description="Källarförrådet", confidential=True)
    with app.app_context():
        from app.models import Finding, Walk

        db.session.get(Walk, walk).route = "Krögarvägen – Forvägen"
        processed = photo_service.process_photo(demo.demo_image(1, "lampa"), max_bytes=10**7,
                                                max_pixels=10**8)
        photo_service.save_photo(db.session, get_storage(), finding=db.session.get(Finding, lamp),
                                 processed=processed, kind=PhotoKind.FINDING)
        db.session.commit()
    return walk


def test_swedish_protocols_have_no_english_labels(client, login, app, make):
    walk = _protocol_walk(app, make)
    login("manager", language="sv")
    english = _english_labels()
    assert {"Place", "Responsible", "Planned", "action"} <= english  # the test can catch them
    for public in ("", "?public=1"):
        response = client.get(f"/walks/{walk}/protocol.pdf{public}", headers=SV)
        assert response.status_code == 200
        text = _pdf_text(response.data)
        assert "Plats:" in text and "Trygghetsvandring" in text
        if not public:
            assert "Ansvarig part: Fastighetsskötsel" in text
        found = sorted(w for w in english if re.search(rf"\b{re.escape(w)}\b", text))
        assert found == [], f"English in the Swedish {'public ' if public else ''}PDF: {found}"


def test_survey_page_in_swedish_notation(client, login, seeded_demo):
    login("manager", language="sv")
    html = client.get("/reports/surveys", headers=SV).get_data(as_text=True)
    assert "78,0 %" in html and "78.0" not in html
    assert "procentenheter" in html
    assert re.search(r"\+\d+,\d <small>procentenheter</small>", html)


def test_english_dates_are_unambiguous(client, login, make):
    walker = login("walker", language="en")
    walk = make.walk(status="planned", leader_id=walker, title="December walk",
                     planned_start=datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    html = client.get(f"/walks/{walk}", headers=EN).get_data(as_text=True)
    # What a reader sees: the text between tags (a random CSP nonce may hold "PM").
    text = re.sub(r"<[^>]*>", " ", html)
    assert "1 Dec 2026, 18:00" in text
    assert "12/1/26" not in text and "PM" not in text


class _Labels(HTMLParser):
    """Form controls and the labels pointing at them."""

    def __init__(self):
        super().__init__()
        self.controls: list[str] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
                "hidden", "submit", "button"):
            self.controls.append(attrs.get("id") or "")
        if tag == "label":
            self._label_for = attrs.get("for")
            self._text = []

    def handle_data(self, data):
        if self._label_for is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._text).split())
            self._label_for = None


def test_finding_page_fields_have_unique_ids_and_labels(client, login, make, app):
    manager = login("manager", language="sv")
    walk = make.walk()
    finding = make.finding(walk, manager, status=FindingStatus.ASSIGNED, assignee_id=manager)
    html = client.get(f"/findings/{finding}", headers=SV).get_data(as_text=True)
    parser = _Labels()
    parser.feed(html)
    ids = [i for i in parser.controls if i]
    assert len(ids) == len(parser.controls), "a form field without an id"
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    texts = [parser.labels.get(i) for i in ids]
    assert None not in texts, dict(zip(ids, texts, strict=True))
    assert len(texts) == len(set(texts)), f"labels used twice: {sorted(texts)}"
    assert parser.labels["fix-photo"] == "Foto efter åtgärden"


def test_findings_list_labels_differ_between_filter_and_bulk_form(client, login, make):
    manager = login("manager", language="sv")
    walk = make.walk(make.district("Fittja"))
    make.finding(walk, manager)
    html = client.get("/findings", headers=SV).get_data(as_text=True)
    parser = _Labels()
    parser.feed(html)
    texts = [parser.labels.get(i) for i in parser.controls if i and not i.startswith("sel-")]
    assert None not in texts
    assert len(texts) == len(set(texts)), sorted(texts)


def test_filter_summary_names_the_active_filters(client, login, make):
    login("manager", language="sv")
    fittja = make.district("Fittja")
    html = client.get(f"/findings?district={fittja}&status=open", headers=SV).get_data(
        as_text=True)
    summary = html.split('id="filter-summary"')[1].split("</p>")[0]
    assert "Fittja · Öppna" in summary and "Rensa filtren" in summary
    assert 'id="filter-fold"' in html


def test_inboxes_list_the_newest_fix_and_the_oldest_report_first(client, login, make, app):
    manager = login("manager", language="sv")
    walk = make.walk(make.district("Fittja"))
    late = make.finding(walk, manager, status=FindingStatus.FIXED,
                        fixed_at=datetime(2026, 11, 20, tzinfo=UTC))
    early = make.finding(walk, manager, status=FindingStatus.FIXED,
                         fixed_at=datetime(2026, 10, 1, tzinfo=UTC))
    new = make.finding(walk, manager)
    html = client.get("/inbox/verify", headers=SV).get_data(as_text=True)
    assert html.index(f'id="inbox-{late}"') < html.index(f'id="inbox-{early}"')
    assert f'id="inbox-{new}"' not in html
    assert "Verifiera" in html and "Öppna igen" in html
    new_html = client.get("/inbox/new", headers=SV).get_data(as_text=True)
    assert f'id="inbox-{new}"' in new_html and f'id="inbox-{early}"' not in new_html
    response = client.post(f"/findings/{early}/status", data={
        "to": "verified", "version": 1, "next": "/inbox/verify"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/inbox/verify")
    html = client.get("/inbox/verify", headers=SV).get_data(as_text=True)
    assert f'id="inbox-{early}"' not in html


def test_inboxes_are_not_for_walkers_or_fixers(client, login):
    login("fixer")
    assert client.get("/inbox/verify").status_code == 404
    assert client.get("/inbox/new").status_code == 404


def test_no_district_means_no_filter_words(client, login):
    login("manager", language="sv")
    html = client.get("/findings", headers=SV).get_data(as_text=True)
    assert "Alla iakttagelser, inget filter" in html
