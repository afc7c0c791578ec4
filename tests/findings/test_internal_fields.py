"""Internal fields of a finding (assignment note, planned action, responsible party,
assignee) are for managers, admins and the assigned fixer only: page and API (issue 10)."""

import pytest

from app.extensions import db
from app.models import Finding, FindingEvent, FindingStatus, User

SECRETS = ["Nyckel hos vaktmästaren", "Byt armatur vecka 12", "Fastighetsbolaget Öst",
           "Fixare Fredrik"]
# role → sees the internal fields (assigned_fixer: the fixer the finding is assigned to)
WHO = {"author": False, "walker": False, "other_fixer": None, "assigned_fixer": True,
       "manager": True, "admin": True}


@pytest.fixture
def assigned(app, make):
    author = make.user("walker", email="author@example.org")
    fixer = make.user("fixer", email="fixer@example.org", name="Fixare Fredrik")
    walk = make.walk(leader_id=author)
    finding_id = make.finding(walk, author, description="Trasig lampa")
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        finding.assignee_id = fixer
        finding.status = FindingStatus.ASSIGNED
        finding.planned_action = SECRETS[1]
        finding.responsible_party = SECRETS[2]
        db.session.add(FindingEvent(finding_id=finding_id, field="assignee", from_value=None,
                                    to_value=str(fixer), note=SECRETS[0]))
        # The responsible party named in the timeline is as internal as the field itself.
        db.session.add(FindingEvent(finding_id=finding_id, field="responsible_party",
                                    from_value=None, to_value=SECRETS[2]))
        # The fixer acting is internal too: the name stays off the walkers' timeline.
        db.session.add(FindingEvent(finding_id=finding_id, field="status", actor_id=fixer,
                                    from_value="assigned", to_value="in_progress"))
        db.session.commit()
    return {"finding": finding_id, "walk": walk, "author": author, "fixer": fixer}


def _login(client, app, who, assigned, login):
    from tests.conftest import TEST_PASSWORD

    if who in ("author", "assigned_fixer"):
        user_id = assigned["author" if who == "author" else "fixer"]
        with app.app_context():
            email = db.session.get(User, user_id).email
        client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    else:
        login({"other_fixer": "fixer"}.get(who, who))


@pytest.mark.parametrize("who", list(WHO))
def test_finding_page_shows_internal_fields_only_to_staff(client, app, login, assigned, who):
    _login(client, app, who, assigned, login)
    response = client.get(f"/findings/{assigned['finding']}")
    if WHO[who] is None:  # another fixer may not open the finding at all
        assert response.status_code == 404
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Trasig lampa" in page
    for secret in SECRETS:
        assert (secret in page) is WHO[who], secret


@pytest.mark.parametrize("who", ["author", "walker", "manager", "admin"])
def test_api_shows_internal_fields_only_to_staff(client, app, login, assigned, who):
    _login(client, app, who, assigned, login)
    data = client.get(f"/api/v1/walks/{assigned['walk']}").json
    (finding,) = [f for f in data["findings"] if f["id"] == assigned["finding"]]
    text = str(finding)
    for secret in SECRETS:
        assert (secret in text) is WHO[who], secret
    if WHO[who]:
        assert finding["internal"] == {
            "assignee_id": assigned["fixer"], "assignee": "Fixare Fredrik",
            "planned_action": SECRETS[1], "responsible_party": SECRETS[2],
            "assignment_note": SECRETS[0],
        }
    else:
        assert "internal" not in finding
