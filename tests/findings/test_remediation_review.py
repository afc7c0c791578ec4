"""Review fixes in remediation: confidential findings never reach a fixer (assignment, bulk
assignment, mail, demo data), case-insensitive search with Swedish capitals and literal
% and _, and the building filter that waits for a district."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.findings import mail as mail_service
from app.models import Finding, FindingEvent, FindingStatus, OutboxMail, Role, User
from app.timeutil import local_today
from tests.conftest import log_in_as

SECRET = "Hemlig uppgift om lägenhet 1102, Krögarvägen 7"


@pytest.fixture(autouse=True)
def english(client):
    """Assertions below read the English interface."""
    client.post("/language", data={"lang": "en"})


def log_in(client, email):
    log_in_as(client, email)


def version(app, finding_id) -> int:
    with app.app_context():
        return db.session.get(Finding, finding_id).version


def mails(app) -> list[OutboxMail]:
    with app.app_context():
        found = db.session.scalars(db.select(OutboxMail).order_by(OutboxMail.id)).all()
        for mail in found:
            db.session.expunge(mail)
        return found


@pytest.fixture
def people(make):
    district = make.district("Fittja")
    return {
        "district": district,
        "walk": make.walk(district, status="completed"),
        "author": make.user("walker", email="author@example.org"),
        "fixer": make.user("fixer", email="fixer@example.org", name="Fredrik Fixare"),
        "manager": make.user("manager", email="manager@example.org", name="Maria Manager"),
        "other_manager": make.user("manager", email="boss@example.org", name="Bo Boss"),
        "building": make.building(district, address="Krögarvägen 7"),
    }


def confidential(make, people, **kw) -> int:
    return make.finding(people["walk"], people["author"], "other", confidential=True,
                        description=SECRET, building_id=people["building"], **kw)


# --- item 1: a confidential finding is never assigned or mailed to a fixer ------------------


def test_confidential_finding_cannot_be_assigned_to_a_fixer(client, app, make, people):
    finding = confidential(make, people)
    log_in(client, "manager@example.org")
    page = client.get(f"/findings/{finding}").get_data(as_text=True)
    assign_form = page[page.index(f'action="/findings/{finding}/assign"'):]
    offered = assign_form[assign_form.index('id="assignee_id"'):]
    offered = re.findall(r'value="(\d+)"', offered[:offered.index("</select>")])
    # The form does not even offer the fixer...
    assert str(people["fixer"]) not in offered
    assert str(people["other_manager"]) in offered

    # ...and a POST naming the fixer anyway is refused on the assignee field.
    before = version(app, finding)
    response = client.post(f"/findings/{finding}/assign", data={
        "assignee_id": str(people["fixer"]), "priority_id": "0",
        "planned_action": "Byt lås", "version": str(before)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This finding is confidential and Fredrik Fixare may not see it." in page
    assert 'id="assignee_id-error"' in page
    with app.app_context():
        row = db.session.get(Finding, finding)
        assert row.assignee_id is None and row.status == FindingStatus.NEW
        assert row.planned_action == "" or row.planned_action is None
        assert row.version == before
        assert db.session.scalar(db.select(db.func.count(FindingEvent.id))) == 0
    assert mails(app) == []

    # A manager may be assigned it, and is told about it in full.
    response = client.post(f"/findings/{finding}/assign", data={
        "assignee_id": str(people["other_manager"]), "priority_id": "0",
        "version": str(before)})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(Finding, finding)
        assert row.assignee_id == people["other_manager"]
        assert row.status == FindingStatus.ASSIGNED
    sent = mails(app)
    assert [m.to_address for m in sent] == ["boss@example.org"]
    assert SECRET in sent[0].body


def test_bulk_assign_to_a_fixer_skips_the_confidential_finding(client, app, make, people):
    secret = confidential(make, people)
    plain = make.finding(people["walk"], people["author"], "lighting",
                         description="Trasig lampa i trappan")
    log_in(client, "manager@example.org")
    url = f"/findings?district={people['district']}"
    data = {"ids": [str(secret), str(plain)], "action": "assign",
            "assignee_id": str(people["fixer"]), "priority_id": "0",
            "due_date": (local_today() + timedelta(days=7)).isoformat(), "next": url,
            f"v-{secret}": str(version(app, secret)), f"v-{plain}": str(version(app, plain))}
    response = client.post("/findings/bulk", data=data)
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "1 finding assigned." in page
    assert (f"#{secret} not changed: This finding is confidential and Fredrik Fixare may "
            "not see it.") in page
    with app.app_context():
        assert db.session.get(Finding, secret).assignee_id is None
        assert db.session.get(Finding, secret).status == FindingStatus.NEW
        assert db.session.get(Finding, plain).assignee_id == people["fixer"]
    sent = mails(app)
    assert [m.to_address for m in sent] == ["fixer@example.org"]
    assert f"#{plain}" in sent[0].body and SECRET not in sent[0].body


def test_no_mail_names_a_confidential_finding_to_a_fixer(app, make, people, runner):
    """Older rows (or a finding marked confidential after assignment) may still pair a
    fixer with a confidential finding: the mails must leave it out."""
    late = local_today() - timedelta(days=2)
    secret = confidential(make, people, assignee_id=people["fixer"],
                          status=FindingStatus.ASSIGNED, due_date=late)
    plain = make.finding(people["walk"], people["author"], "lighting",
                         assignee_id=people["fixer"], status=FindingStatus.ASSIGNED,
                         due_date=late, description="Trasig lampa i trappan")

    with app.test_request_context():
        finding = db.session.get(Finding, secret)
        manager = db.session.get(User, people["manager"])
        assert mail_service.notify_assignment(db.session, finding, actor=manager,
                                              config=app.config) is None
        db.session.rollback()

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    by_address = {m.to_address: m for m in mails(app)}
    assert set(by_address) == {"fixer@example.org", "manager@example.org",
                               "boss@example.org"}
    fixer_mail = by_address["fixer@example.org"].body
    assert f"/findings/{plain}" in fixer_mail
    assert f"/findings/{secret}" not in fixer_mail and f"#{secret} " not in fixer_mail
    assert "Krögarvägen 7" not in fixer_mail
    # One finding, not two, in the recipient's language (Swedish by default).
    assert "Den här iakttagelsen har passerat sitt sista datum:" in fixer_mail
    # Managers may see it, so their digest keeps it.
    assert f"/findings/{secret}" in by_address["manager@example.org"].body


def test_fixer_with_only_confidential_overdue_findings_gets_no_digest(app, make, people,
                                                                       runner):
    confidential(make, people, assignee_id=people["fixer"], status=FindingStatus.ASSIGNED,
                 due_date=local_today() - timedelta(days=1))
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "fixer@example.org" not in {m.to_address for m in mails(app)}
    assert "manager@example.org" in {m.to_address for m in mails(app)}


def test_demo_never_gives_a_confidential_finding_to_the_fixer(seeded_demo, ctx):
    assigned = db.session.execute(
        db.select(Finding.id, User.role).join(User, Finding.assignee_id == User.id)
        .where(Finding.confidential)
    ).all()
    assert assigned, "the demo should have assigned confidential findings (to managers)"
    assert {role for _id, role in assigned} == {Role.MANAGER}


# --- item 9: search --------------------------------------------------------------------------


def result_ids(client, query: str) -> set[int]:
    response = client.get("/findings", query_string={"q": query})
    assert response.status_code == 200
    return set(map(int, re.findall(r'name="ids" value="(\d+)"', response.get_data(as_text=True))))


@pytest.mark.parametrize("query", ["Övergiven", "övergiven", "ÖVERGIVEN", "vergiven cyk"])
def test_search_folds_swedish_capitals(client, login, make, people, query):
    abandoned = make.finding(people["walk"], people["author"], "other",
                             description="Övergiven cykel vid port 3")
    make.finding(people["walk"], people["author"], "other", description="Överfull papperskorg")
    login("manager")
    assert result_ids(client, query) == {abandoned}


def test_search_finds_swedish_capitals_in_addresses(client, login, make, people):
    district = people["district"]
    at_orr = make.finding(people["walk"], people["author"],
                          building_id=make.building(district, address="Ängsvägen 4"))
    make.finding(people["walk"], people["author"],
                 building_id=make.building(district, address="Fittjavägen 4"))
    login("manager")
    assert result_ids(client, "ängsvägen") == {at_orr}


@pytest.mark.parametrize(("query", "expected"), [
    ("100%", {"percent"}),
    ("skylt a_b", {"underscore"}),
    ("lt a_b sak", {"underscore"}),
    ("axb", {"plain"}),
    # No word of three letters or digits: the texts are not searched (app.search), and
    # neither sign is a wildcard that matches everything.
    ("%", set()),
    ("_", set()),
    ("a_b", set()),
])
def test_search_treats_percent_and_underscore_literally(client, login, make, people, query,
                                                        expected):
    ids = {
        "percent": make.finding(people["walk"], people["author"],
                                description="Belysningen 100% släckt"),
        "underscore": make.finding(people["walk"], people["author"],
                                   description="Skylt a_b saknas"),
        "plain": make.finding(people["walk"], people["author"], description="Skylt axb saknas"),
    }
    login("manager")
    assert result_ids(client, query) == {ids[name] for name in expected}


def test_responsible_filter_folds_swedish_capitals_and_escapes(client, login, make, people):
    ours = make.finding(people["walk"], people["author"], responsible_party="Åkeriet AB")
    make.finding(people["walk"], people["author"], responsible_party="Fastighetsskötsel")
    login("manager")
    page = client.get("/findings", query_string={"responsible": "åkeriet"})
    assert re.findall(r'name="ids" value="(\d+)"', page.get_data(as_text=True)) == [str(ours)]
    page = client.get("/findings", query_string={"responsible": "%"})
    assert re.findall(r'name="ids" value="(\d+)"', page.get_data(as_text=True)) == []


# --- item 14a / issue 22: the building is typed, with suggestions -----------------------------


def building_input(page: str) -> str:
    return re.search(r'<input[^>]*name="building"[^>]*>', page).group(0)


def building_value(page: str) -> str:
    return re.search(r'value="([^"]*)"', building_input(page)).group(1)


def listed_ids(page: str) -> list[str]:
    return re.findall(r'name="ids" value="(\d+)"', page)


@pytest.mark.parametrize("path", ["/findings", "/findings/map"])
def test_the_building_is_typed_not_picked_from_every_building(client, login, make, people,
                                                              path):
    make.building(make.district("Alby"), address="Albyvägen 1")
    login("manager")
    page = client.get(path, query_string={"district": people["district"]}).get_data(
        as_text=True)
    field = building_input(page)
    assert 'list="f-building-list"' in field and building_value(page) == ""
    assert "Albyvägen 1" not in page and "Krögarvägen 7" not in page  # no list of buildings


def test_suggestions_name_the_buildings_of_the_chosen_district(client, login, make, people):
    alby = make.district("Alby")
    make.building(alby, address="Krögarvägen 9", code="ALBY-9")
    login("manager")
    suggest = "/findings/buildings"
    page = client.get(suggest, query_string={"building": "krögar",
                                             "district": people["district"]})
    labels = re.findall(r'<option value="([^"]+)">', page.get_data(as_text=True))
    assert len(labels) == 1 and labels[0].startswith("Krögarvägen 7 (")
    # Without a district, all districts' buildings, once three letters are typed.
    both = client.get(suggest, query_string={"building": "Krögarv"}).get_data(as_text=True)
    assert "Krögarvägen 7 (" in both and "Krögarvägen 9 (ALBY-9)" in both
    assert "Krögarvägen" not in client.get(suggest, query_string={"building": "Kr"}).get_data(
        as_text=True)
    login("walker")
    assert client.get(suggest, query_string={"building": "Krögarv"}).status_code == 404


def test_a_typed_building_filters_without_javascript(client, login, make, people):
    other = make.building(people["district"], address="Hallundavägen 2", code="H-2")
    here = make.finding(people["walk"], people["author"], building_id=people["building"])
    there = make.finding(people["walk"], people["author"], building_id=other)
    login("manager")
    # Part of an address, in any case, as typed into the field and sent by the form.
    page = client.get("/findings", query_string={"building": "krögarvägen"}).get_data(
        as_text=True)
    assert listed_ids(page) == [str(here)]
    assert building_value(page) == "krögarvägen"
    # A suggestion picked from the list: its code names the one building.
    page = client.get("/findings", query_string={"building": "Hallundavägen 2 (H-2)"})
    assert listed_ids(page.get_data(as_text=True)) == [str(there)]


def test_a_linked_building_id_shows_its_address(client, login, make, people):
    other = make.district("Alby")
    in_alby = make.building(other, address="Albyvägen 1", code="A-1")
    found = make.finding(make.walk(other, status="completed"), people["author"],
                         building_id=in_alby)
    login("manager")
    page = client.get("/findings", query_string={"building": in_alby}).get_data(as_text=True)
    assert building_value(page) == "Albyvägen 1 (A-1)"
    assert listed_ids(page) == [str(found)]


def test_building_of_another_district_is_dropped(client, login, make, people):
    alby = make.district("Alby")
    in_alby = make.building(alby, address="Albyvägen 1")
    here = make.finding(people["walk"], people["author"], building_id=people["building"])
    login("manager")
    response = client.get("/findings", query_string={"district": people["district"],
                                                      "building": in_alby})
    page = response.get_data(as_text=True)
    assert building_value(page) == ""
    assert listed_ids(page) == [str(here)]


def test_htmx_results_refresh_the_building_and_walk_fields(client, login, make, people):
    login("manager")
    response = client.get("/findings", query_string={"district": people["district"]},
                          headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert "<html" not in page
    assert 'id="f-building-wrap" hx-swap-oob="true"' in page
    assert 'name="building"' in page
    walks = re.search(r'<select[^>]*name="walk"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert f'value="{people["walk"]}"' in walks
