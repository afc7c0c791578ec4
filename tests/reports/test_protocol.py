"""The walk protocol PDF, its public version, and follow-up walks with their checklist."""

import io
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.media import photos as photo_service
from app.models import (
    Finding,
    FindingEvent,
    FindingStatus,
    FollowUpOutcome,
    ParticipantRole,
    Photo,
    PhotoKind,
    User,
    Walk,
    WalkParticipant,
    WalkStatus,
)
from app.seeding.demo import demo_image
from app.storage import get_storage
from tests.conftest import TEST_PASSWORD

EN = {"Accept-Language": "en"}


@pytest.fixture
def walk(app, make):
    """A completed walk with two open findings (one confidential, with a photo) and a fixed one."""
    district = make.district("Fittja")
    author = make.user("walker")
    building = make.building(district, code="FIT-007", address="Krögarvägen 7")
    walk_id = make.walk(district, "completed", title="Kvällsvandring Fittja")
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        walk.participants = [
            WalkParticipant(name="Åsa Öberg", role=ParticipantRole.TENANT),
            WalkParticipant(name="Polisen Per", role=ParticipantRole.POLICE),
        ]
        walk.notes = "Mörkt vid gångtunneln."
        db.session.commit()
    ids = {
        "lamp": make.finding(walk_id, author, "lighting", building_id=building,
                             description="Trasig lampa vid entrén, Krögarvägen",
                             responsible_party="Fastighetsskötsel",
                             planned_action="Byt armatur", due_date=date(2026, 3, 1),
                             status=FindingStatus.ASSIGNED),
        "secret": make.finding(walk_id, author, "other",
                               description="Hemlig uppgift om källarförrådet",
                               confidential=True),
        "done": make.finding(walk_id, author, "litter", description="Skräp vid återvinningen",
                             status=FindingStatus.FIXED,
                             fixed_at=datetime(2026, 1, 2, tzinfo=UTC)),
    }
    with app.app_context():
        finding = db.session.get(Finding, ids["lamp"])
        processed = photo_service.process_photo(demo_image(1, "lampa"), max_bytes=10**7,
                                                max_pixels=10**8)
        photo_service.save_photo(db.session, get_storage(), finding=finding,
                                 processed=processed, kind=PhotoKind.FINDING)
        db.session.commit()
    return {"id": walk_id, **ids}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_protocol_pdf_has_the_walk_findings_and_photo(client, login, walk, tmp_path):
    login("manager")
    response = client.get(f"/walks/{walk['id']}/protocol.pdf", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.data
    text = _text(pdf)
    for expected in ["Safety walk protocol", "Fittja", "Daylight",
                     "Åsa Öberg (Tenant)", "Polisen Per (Police)", "Mörkt vid gångtunneln.",
                     "Trasig lampa vid entrén, Krögarvägen", "Krögarvägen 7 (FIT-007)",
                     "Fastighetsskötsel", "Byt armatur", "Assigned",
                     "Hemlig uppgift om källarförrådet", "Confidential",
                     "Skräp vid återvinningen", "Findings: 3"]:
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1  # the thumbnail of the lamp finding
    if shutil.which("pdftoppm"):
        (tmp_path / "p.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "p.pdf"),
                        str(tmp_path / "page")], check=True, stdin=subprocess.DEVNULL)
        assert list(tmp_path.glob("page*.png"))


def test_public_protocol_leaves_out_confidential_findings_and_names(client, login, walk):
    login("manager")
    response = client.get(f"/walks/{walk['id']}/protocol.pdf?public=1", headers=EN)
    assert response.status_code == 200
    text = _text(response.data)
    assert "Trasig lampa vid entrén, Krögarvägen" in text
    assert "Hemlig uppgift" not in text
    assert "Åsa Öberg" not in text and "Polisen Per" not in text
    assert "Tenant: 1" in text and "Police: 1" in text
    assert "Findings: 2" in text
    assert "publik" in response.headers["Content-Disposition"]


def test_protocol_renders_without_the_dejavu_font(client, login, walk, app):
    login("manager")
    app.config["PDF_FONT_DIR"] = "/nonexistent"
    try:
        response = client.get(f"/walks/{walk['id']}/protocol.pdf", headers=EN)
    finally:
        app.config.pop("PDF_FONT_DIR")
    assert response.status_code == 200
    assert "Åsa Öberg" in _text(response.data)  # Helvetica (cp1252) has å, ä, ö


@pytest.mark.parametrize(("role", "status"), [
    ("walker", 403), ("fixer", 404), ("manager", 200), ("admin", 200),
])
def test_who_gets_the_protocol(client, login, walk, role, status):
    login(role)
    assert client.get(f"/walks/{walk['id']}/protocol.pdf").status_code == status


def test_no_protocol_before_the_walk_is_completed(client, login, make):
    login("manager")
    walk_id = make.walk(status="in_progress")
    assert client.get(f"/walks/{walk_id}/protocol.pdf").status_code == 403
    page = client.get(f"/walks/{walk_id}", headers=EN).get_data(as_text=True)
    assert "protocol.pdf" not in page


def test_walk_page_links_protocols_and_follow_up(client, login, walk):
    login("manager")
    page = client.get(f"/walks/{walk['id']}", headers=EN).get_data(as_text=True)
    assert f"/walks/{walk['id']}/protocol.pdf" in page
    assert f"/walks/{walk['id']}/protocol.pdf?public=1" in page
    assert "Plan follow-up walk" in page


def test_plan_follow_up_walk_carries_open_findings(client, login, walk, app):
    login("manager")
    response = client.post(f"/walks/{walk['id']}/follow-up")
    assert response.status_code == 303
    with app.app_context():
        follow = db.session.scalar(db.select(Walk).where(Walk.follow_up_of_id == walk["id"]))
        assert follow.status == WalkStatus.PLANNED
        assert follow.district.name == "Fittja"
        assert sorted(i.finding_id for i in follow.checklist) == sorted(
            [walk["lamp"], walk["secret"]]
        )
        follow_id = follow.id
    assert response.headers["Location"].endswith(f"/walks/{follow_id}")
    page = client.get(f"/walks/{follow_id}", headers=EN).get_data(as_text=True)
    assert "Follow-up checklist" in page
    assert "Trasig lampa vid entrén" in page


def test_walker_checks_an_item_with_an_after_photo(client, login, walk, app, make):
    with app.app_context():
        walker_id = make.user("walker")
    login("manager")
    client.post(f"/walks/{walk['id']}/follow-up")
    with app.app_context():
        follow = db.session.scalar(db.select(Walk).where(Walk.follow_up_of_id == walk["id"]))
        follow.status, follow.leader_id = WalkStatus.IN_PROGRESS, walker_id
        item_id = next(i.id for i in follow.checklist if i.finding_id == walk["lamp"])
        follow_id = follow.id
        db.session.commit()
    client.post("/logout")
    with app.app_context():  # the walk's leader checks the items
        email = db.session.get(User, walker_id).email
    client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    url = f"/walks/{follow_id}/checklist/{item_id}"
    missing = client.post(url, data={"note": "?"}, headers={**EN, "HX-Request": "true"})
    assert missing.status_code == 422
    response = client.post(url, data={
        "outcome": "fixed", "note": "Ny lampa lyser",
        "photo": (io.BytesIO(demo_image(2, "efter")), "efter.jpg"),
    }, content_type="multipart/form-data", headers={**EN, "HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ny lampa lyser" in html and "Before" in html and "After" in html
    with app.app_context():
        finding = db.session.get(Finding, walk["lamp"])
        assert [p.kind for p in finding.photos] == [PhotoKind.FINDING, PhotoKind.AFTER]
        event = db.session.scalar(db.select(FindingEvent).where(
            FindingEvent.finding_id == finding.id, FindingEvent.field == "follow_up"))
        assert (event.to_value, event.note) == ("fixed", "Ny lampa lyser")
        item = next(i for i in db.session.get(Walk, follow_id).checklist if i.id == item_id)
        assert item.outcome == FollowUpOutcome.FIXED
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == 2


def test_no_follow_up_when_everything_is_done(client, login, make, app):
    login("manager")
    walk_id = make.walk(status="completed")
    author = make.user()
    make.finding(walk_id, author, status=FindingStatus.VERIFIED)
    response = client.post(f"/walks/{walk_id}/follow-up", headers=EN, follow_redirects=True)
    assert "nothing to follow up" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Walk.id))) == 1
