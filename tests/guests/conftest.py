from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.extensions import db
from app.models import Walk


@pytest.fixture(autouse=True)
def roomy_join_limit(app):
    """The join limit counts per address for the whole test session: these tests join often
    from 127.0.0.1. The rate limit's own test lowers it for an address of its own."""
    before, app.config["JOIN_LIMIT"] = app.config["JOIN_LIMIT"], "10000/minute"
    yield
    app.config["JOIN_LIMIT"] = before


@dataclass
class OnWalk:
    walk: int
    leader: int
    building: int
    code: str


def text(response) -> str:
    return response.get_data(as_text=True)


def join_code_of(client, walk_id: int) -> str:
    page = text(client.get(f"/walks/{walk_id}/join-code"))
    return re.search(r'/join/([A-Z2-9]{6})', page).group(1)


@pytest.fixture
def on_walk(app, make, client, login) -> OnWalk:
    """A walk in progress, its leader logged in on `client`, and its join code."""
    district = make.district()
    building = make.building(district)
    leader = login("walker", language="en")
    walk = make.walk(district_id=district, leader_id=leader)
    code = join_code_of(client, walk)
    return OnWalk(walk=walk, leader=leader, building=building, code=code)


def join(app, code: str, name: str = "Kim Polis", role: str = "police", **headers):
    """A new phone joins by the code: its test client, logged in as the guest."""
    guest = app.test_client()
    response = guest.post(f"/join/{code}", data={"name": name, "role": role},
                          headers={"Accept-Language": "en", **headers})
    assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith("/join/walk")
    return guest


def complete(app, walk_id: int) -> None:
    from app.walks import operations

    with app.app_context():
        operations.complete_walk(db.session, db.session.get(Walk, walk_id), notes="")
        db.session.commit()
        db.session.remove()
