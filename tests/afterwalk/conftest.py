"""A completed walk with three findings (one confidential, one with a photo) and the owners
list: what the after-meeting starts from."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.extensions import db
from app.findings.operations.photos import attach_photo
from app.media import photos as photo_service
from app.models import Finding, Owner, OwnerKind, PhotoKind
from app.storage import get_storage
from tests.api.test_api import jpeg_bytes


@dataclass
class Walked:
    walk: int
    leader: int
    findings: list[int]  # lamp (photo), bushes, confidential
    ours: int
    municipality: int
    photo: int


@pytest.fixture
def walked(app, make) -> Walked:
    return make_walked(app, make)


def make_walked(app, make) -> Walked:
    district = make.district("Alby")
    building = make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    leader = make.user("walker", name="Lena Ledare")
    walk = make.walk(district, status="completed", leader_id=leader, title="Kvällsvandring Alby")
    lamp = make.finding(walk, leader, description="Trasig lampa vid porten",
                        latitude=59.2391, longitude=17.8452, building_id=building)
    bushes = make.finding(walk, leader, category="vegetation", description="Höga buskar",
                          building_id=building)
    secret = make.finding(walk, leader, description="Langning i trapphuset, Kalle på 3:an",
                          confidential=True)
    with app.app_context():
        ours = Owner(name="Bostadsbolaget", kind=OwnerKind.OURS, email="")
        municipality = Owner(name="Botkyrka kommun", kind=OwnerKind.MUNICIPALITY,
                             email="gata@botkyrka.example")
        db.session.add_all([ours, municipality])
        finding = db.session.get(Finding, lamp)
        photo, _created = attach_photo(db.session, get_storage(), finding,
                                       photo_service.process_upload(jpeg_bytes()),
                                       kind=PhotoKind.FINDING, uploaded_by_id=leader)
        db.session.flush()
        ids = ours.id, municipality.id, photo.id
        db.session.commit()
        db.session.remove()
    return Walked(walk, leader, [lamp, bushes, secret], *ids)
