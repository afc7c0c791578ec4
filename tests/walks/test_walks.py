from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import Walk, WalkStatus


def test_manager_plans_a_walk_with_participants(client, login, make, app):
    login("manager")
    district = make.district("Fittja")
    response = client.post("/walks/new", data={
        "district_id": district, "title": "Kvällsvandring Fittja",
        "planned_date": "2026-12-01", "planned_time": "18:30", "light_condition": "dark",
        "leader_id": 0, "route": "Centrum – garagen",
        "participants-0-name": "Polisen Per", "participants-0-role": "police",
        "participants-1-name": "", "participants-1-role": "staff",
    })
    assert response.status_code == 303
    with app.app_context():
        walk = db.session.scalar(db.select(Walk))
        assert walk.title == "Kvällsvandring Fittja"
        assert walk.status == WalkStatus.PLANNED
        # 18:30 in Stockholm in December is 17:30 UTC.
        assert walk.planned_start == datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
        assert [(p.name, p.role.value) for p in walk.participants] == [("Polisen Per", "police")]


def test_invalid_walk_form_keeps_what_was_typed(client, login, make):
    login("manager")
    make.district("Fittja")
    response = client.post("/walks/new", data={"title": "Min vandring", "planned_date": "",
                                               "route": "Runt torget"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Min vandring" in page and "Runt torget" in page


def test_walker_cannot_plan_walks(client, login):
    login("walker")
    assert client.get("/walks/new").status_code == 403


def test_my_walks_lists_today_first(client, login, make):
    walker = login("walker")
    district = make.district()
    now = datetime.now(UTC)
    make.walk(district, status="planned", leader_id=walker, planned_start=now + timedelta(days=3),
              title="Nästa vecka")
    make.walk(district, status="planned", leader_id=walker, planned_start=now, title="Idag")
    make.walk(district, status="completed", leader_id=walker,
              planned_start=now - timedelta(days=30), title="Förra månaden")
    page = client.get("/walks/mine").get_data(as_text=True)
    assert page.index("Idag") < page.index("Nästa vecka") < page.index("Förra månaden")


def test_start_and_complete_a_walk(client, login, make, app):
    walker = login("walker")
    walk = make.walk(status="planned", leader_id=walker)
    assert client.post(f"/walks/{walk}/start").status_code == 303
    walk_row = None
    with app.app_context():
        walk_row = db.session.get(Walk, walk)
        assert walk_row.status == WalkStatus.IN_PROGRESS and walk_row.started_at
    make.finding(walk, walker, category="lighting")
    summary = client.get(f"/walks/{walk}/complete").get_data(as_text=True)
    assert "Belysning" in summary or "Lighting" in summary
    response = client.post(f"/walks/{walk}/complete", data={"notes": "Bra uppslutning"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.app_context():
        walk_row = db.session.get(Walk, walk)
        assert walk_row.status == WalkStatus.COMPLETED and walk_row.completed_at
    assert "(<span id=\"finding-count\">1</span>)" in page
    # Locked: the walker can no longer add findings.
    assert client.get(f"/walks/{walk}/findings/new").status_code == 403


def test_completing_twice_is_refused_with_a_message(client, login, make):
    walker = login("walker")
    walk = make.walk(status="completed", leader_id=walker)
    response = client.post(f"/walks/{walk}/complete", follow_redirects=True)
    assert "kan avslutas" in response.get_data(as_text=True) or \
        "can be completed" in response.get_data(as_text=True)


def test_fixer_does_not_see_walks(client, login, make):
    """The fixer's 404 is the walk page refusing: the same URL shows the walk to a manager
    (a route that is gone would answer 404 to both)."""
    walk = make.walk(title="Kvällsvandring Fittja C")
    login("manager")
    shown = client.get(f"/walks/{walk}")
    assert shown.status_code == 200 and "Kvällsvandring Fittja C" in shown.get_data(as_text=True)
    client.post("/logout")
    login("fixer")
    refused = client.get(f"/walks/{walk}")
    assert refused.status_code == 404
    assert "Kvällsvandring Fittja C" not in refused.get_data(as_text=True)


def test_walk_planned_for_yesterday_and_never_started_stays_in_my_walks(client, login, make):
    walker = login("walker")
    make.walk(status="planned", leader_id=walker, title="Glömd vandring",
              planned_start=datetime.now(UTC) - timedelta(days=2))
    assert "Glömd vandring" in client.get("/walks/mine").get_data(as_text=True)
