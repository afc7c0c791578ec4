import io
import uuid

from PIL import Image

from app.extensions import db
from app.models import Finding, Photo
from tests.reports.test_reports_cache import statements  # noqa: F401 (a fixture)


def jpeg_bytes(size=(800, 600), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def finding_form(category_id, **extra):
    data = {
        "uuid": str(uuid.uuid4()), "category_id": category_id, "severity": "high",
        "place_type": "entrance", "unsafe_rating": "3", "unsafe_for": ["children", "women"],
        "description": "Trasig lampa vid porten", "building_id": "0",
    }
    data.update(extra)
    return data


def test_walker_adds_a_finding_with_photo_and_position(client, login, make, app):
    walker = login("walker")
    district = make.district()
    building = make.building(district, lat=59.2472, lon=17.8610, address="Krögarvägen 3")
    walk = make.walk(district, leader_id=walker)
    data = finding_form(make.category_id("lighting"), building_id=str(building),
                        latitude="59.24725", longitude="17.86105", accuracy_m="8")
    data["photos"] = [(io.BytesIO(jpeg_bytes()), "a.jpg"), (io.BytesIO(jpeg_bytes()), "b.jpg")]
    response = client.post(f"/walks/{walk}/findings/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        finding = db.session.scalar(db.select(Finding))
        assert finding.building_id == building
        assert finding.severity.value == "high"
        assert finding.unsafe_for == ["children", "women"]
        assert finding.accuracy_m == 8
        assert len(finding.photos) == 2
    page = client.get(f"/walks/{walk}").get_data(as_text=True)
    assert "Krögarvägen 3" in page


def test_htmx_submit_returns_the_new_item_for_the_list(client, login, make):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    response = client.post(f"/walks/{walk}/findings/new",
                           data=finding_form(make.category_id("graffiti")),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'hx-swap-oob="afterbegin:#findings"' in body
    assert "Klotter" in body or "Graffiti" in body


def test_same_uuid_twice_makes_one_finding(client, login, make, app):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    data = finding_form(make.category_id())
    assert client.post(f"/walks/{walk}/findings/new", data=data).status_code == 303
    assert client.post(f"/walks/{walk}/findings/new", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 1


def test_missing_category_is_explained_and_text_kept(client, login, make):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    data = finding_form(None, description="Mörkt vid cykelstället")
    del data["category_id"]
    response = client.post(f"/walks/{walk}/findings/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mörkt vid cykelstället" in page
    assert "Välj en kategori" in page or "Choose a category" in page


def test_unusable_accuracy_is_explained_and_text_kept(client, login, make, app):
    # The same rule as the API's (app/findings/schemas.py): -5 m is refused, not dropped.
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    data = finding_form(make.category_id(), description="Lampan blinkar", latitude="59.2",
                        longitude="17.8", accuracy_m="-5")
    response = client.post(f"/walks/{walk}/findings/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Lampan blinkar" in page
    assert ("noggrannhet måste vara mellan 0 och 100000 m" in page
            or "accuracy must be between 0 and 100000 m" in page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0


def test_nearest_buildings_offered_with_distance(client, login, make):
    walker = login("walker")
    district = make.district()
    near = make.building(district, lat=59.24720, lon=17.86100, address="Närmast 1")
    make.building(district, lat=59.24800, lon=17.86100, address="Längre bort 2")  # ~89 m
    make.building(district, lat=59.26000, lon=17.86100, address="Utanför 3")  # >1 km
    walk = make.walk(district, leader_id=walker)
    # 10 m north of the nearest building.
    page = client.get(f"/walks/{walk}/buildings/near?lat=59.24729&lon=17.86100").get_data(
        as_text=True)
    assert page.index("Närmast 1") < page.index("Längre bort 2")
    assert "Utanför 3" not in page
    assert f'data-building-id="{near}"' in page
    assert "10 m" in page


def test_author_edits_then_deletes_while_walk_in_progress(client, login, make, app):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    finding = make.finding(walk, walker, description="Gammal text")
    data = finding_form(make.category_id("litter"), description="Ny text")
    assert client.post(f"/findings/{finding}/edit", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Finding, finding).description == "Ny text"
    assert client.post(f"/findings/{finding}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Finding, finding) is None


def test_other_walker_cannot_edit(client, login, make):
    other = make.user("walker")
    login("walker")
    walk = make.walk(leader_id=other)
    finding = make.finding(walk, other)
    assert client.post(f"/findings/{finding}/edit", data={}).status_code == 403


def test_manager_adds_finding_to_completed_walk(client, login, make, app):
    login("manager")
    walk = make.walk(status="completed")
    response = client.post(f"/walks/{walk}/findings/new", data=finding_form(make.category_id()))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 1


def test_without_javascript_the_form_has_the_building_list(client, login, make):
    walker = login("walker")
    district = make.district()
    make.building(district, address="Värdshusvägen 7")
    walk = make.walk(district, leader_id=walker)
    page = client.get(f"/walks/{walk}/findings/new").get_data(as_text=True)
    assert '<select id="building_id" name="building_id">' in page
    assert "Värdshusvägen 7" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page


def test_photo_is_served_only_to_those_who_may_see_it(client, login, make, app):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    data = finding_form(make.category_id(), confidential="y")
    data["photos"] = [(io.BytesIO(jpeg_bytes()), "a.jpg")]
    client.post(f"/walks/{walk}/findings/new", data=data, content_type="multipart/form-data")
    with app.app_context():
        photo = db.session.scalar(db.select(Photo))
        finding_id = photo.finding_id
    response = client.get(f"/photos/{photo.id}/full.jpg")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/jpeg"
    client.post("/logout")
    login("fixer")
    assert client.get(f"/photos/{photo.id}/full.jpg").status_code == 404
    assert client.get(f"/findings/{finding_id}").status_code == 404


def test_finding_under_work_cannot_be_deleted(client, login, make, app):
    login("manager")
    author = make.user("walker")
    walk = make.walk()
    worked_on = make.finding(walk, author, status="assigned")
    response = client.post(f"/findings/{worked_on}/delete")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Finding, worked_on) is not None


def test_finding_others_refer_to_is_kept_with_a_message(client, login, make, app):
    login("manager")
    author = make.user("walker")
    walk = make.walk()
    original = make.finding(walk, author)
    make.finding(walk, author, status="duplicate", duplicate_of_id=original)
    response = client.post(f"/findings/{original}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "cannot be deleted" in response.get_data(as_text=True) or \
        "kan inte tas bort" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Finding, original) is not None


def test_finding_held_by_a_fixer_cannot_be_made_confidential(client, login, make, app):
    login("manager")
    author = make.user("walker")
    fixer = make.user("fixer")
    walk = make.walk()
    finding = make.finding(walk, author, assignee_id=fixer, status="assigned",
                           description="Trasigt lås")
    data = finding_form(make.category_id(), description="Trasigt lås", confidential="y")
    response = client.post(f"/findings/{finding}/edit", data=data)
    assert response.status_code == 422
    assert 'id="confidential-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Finding, finding).confidential is False


def test_the_finding_page_names_every_actor_and_commenter_in_the_same_statements(
        client, login, make, app, statements):  # noqa: F811
    """The timeline's actors and the comments' authors come with the page's own reads, so a
    finding handled by five people and discussed by five others costs what one handled by
    its author costs."""
    from app.models import Comment, FindingEvent

    manager = login("manager", language="en")
    walk = make.walk()
    quiet = make.finding(walk, manager, description="Mörk källare")
    busy = make.finding(walk, manager, description="Trasig grind")
    actors = [make.user("manager", name=f"Handläggare {n}") for n in range(5)]
    commenters = [make.user("fixer", name=f"Fixare {n}") for n in range(5)]
    with app.app_context():
        db.session.add(FindingEvent(finding_id=quiet, actor_id=manager, field="status",
                                    from_value="new", to_value="triaged"))
        db.session.add(Comment(finding_id=quiet, author_id=manager, body="Ringer elektriker"))
        for n, (actor, commenter) in enumerate(zip(actors, commenters, strict=True)):
            db.session.add(FindingEvent(finding_id=busy, actor_id=actor, field="note",
                                        note=f"Tittat på plats {n}"))
            db.session.add(Comment(finding_id=busy, author_id=commenter, body=f"Kommentar {n}"))
        db.session.commit()

    def cost(finding_id):
        client.get(f"/findings/{finding_id}")  # warm: the session's own statements
        statements()
        response = client.get(f"/findings/{finding_id}")
        assert response.status_code == 200
        return statements(), response.get_data(as_text=True)

    quiet_cost, _page = cost(quiet)
    busy_cost, page = cost(busy)
    assert busy_cost == quiet_cost, (quiet_cost, busy_cost)
    for n in range(5):
        assert f"Handläggare {n}" in page and f"Fixare {n}" in page
        assert f"Kommentar {n}" in page
