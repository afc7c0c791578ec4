"""An invited person is in the register extract (by e-mail or name) and is erased with it:
their invitation row goes, phone number and all."""

from __future__ import annotations

import json
import zipfile

from app.extensions import db
from app.models import ParticipantRole, WalkInvitation


def test_an_invitee_is_exported_and_erased(app, runner, make, tmp_path):
    walk = make.walk(status="planned")
    with app.app_context():
        db.session.add_all([
            WalkInvitation(walk_id=walk, name="Hans Hyresgäst", role=ParticipantRole.TENANT,
                           email="hans@example.org", phone="070-123 45 67"),
            WalkInvitation(walk_id=walk, name="Pia Polis", role=ParticipantRole.POLICE,
                           email="pia@polisen.example"),
        ])
        db.session.commit()
    path = tmp_path / "extract.zip"
    result = runner.invoke(args=["person-export", "hans@example.org", "-o", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        rows = json.loads(archive.read("person.json"))["records"]["walk_invitations"]
    assert [(r["name"], r["phone"]) for r in rows] == [("Hans Hyresgäst", "070-123 45 67")]

    result = runner.invoke(args=["person-erase", "hans@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        left = db.session.scalars(db.select(WalkInvitation.name)).all()
    assert left == ["Pia Polis"]
