"""Queries shaped for a million findings: capped counts, the map's visible box, search."""

import json

import pytest

from app import page_cache
from app.findings import filters


@pytest.fixture
def six(make):
    district = make.district("Fittja")
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker)
    ids = []
    for n in range(6):
        ids.append(make.finding(walk, walker, latitude=59.20 + n * 0.01, longitude=17.80,
                                description=f"Trasig lampa {n}"))
    return {"district": district, "ids": ids}


def test_list_count_stops_at_the_cap_and_pages_still_work(client, login, six, monkeypatch):
    monkeypatch.setattr(filters, "COUNT_CAP", 4)
    login("manager")
    page = client.get("/findings").get_data(as_text=True)
    assert "Fler än 4 iakttagelser" in page
    assert "Sida 1" in page and "Sida 1 av" not in page
    monkeypatch.setattr(filters, "COUNT_CAP", 1000)
    page_cache.clear()  # the cap is code: a new one comes with a restart
    page = client.get("/findings").get_data(as_text=True)
    assert "6 iakttagelser" in page and "Fler än" not in page


def test_a_search_is_counted_to_its_own_smaller_cap(client, login, six, monkeypatch):
    monkeypatch.setattr(filters, "SEARCH_COUNT_CAP", 3)
    login("manager")
    page = client.get("/findings?q=lampa").get_data(as_text=True)
    assert "Fler än 3 iakttagelser" in page
    assert "6 iakttagelser" in client.get("/findings").get_data(as_text=True)
    on_map = client.get("/findings/map?q=lampa").get_data(as_text=True)
    assert "Fler än 3 iakttagelser" in on_map


def test_capped_list_pages_through_every_finding(client, login, six, monkeypatch):
    monkeypatch.setattr(filters, "COUNT_CAP", 2)
    monkeypatch.setattr("app.findings.listing.PER_PAGE", 4)
    login("manager")
    first = client.get("/findings?sort=oldest").get_data(as_text=True)
    second = client.get("/findings?sort=oldest&page=2").get_data(as_text=True)
    shown = [i for i in six["ids"] if f"/findings/{i}\"" in first]
    shown2 = [i for i in six["ids"] if f"/findings/{i}\"" in second]
    assert shown == six["ids"][:4] and shown2 == six["ids"][4:]


def test_a_page_chosen_among_many_ids_keeps_order_and_pages(client, login, six, monkeypatch):
    """More counted ids than a search's cap are passed to PostgreSQL as one array
    (filters._id_among); the pages are the same."""
    monkeypatch.setattr(filters, "SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr("app.findings.listing.PER_PAGE", 4)
    login("manager")
    first = client.get("/findings?sort=oldest").get_data(as_text=True)
    second = client.get("/findings?sort=oldest&page=2").get_data(as_text=True)
    assert "6 iakttagelser" in first
    assert [i for i in six["ids"] if f"/findings/{i}\"" in first] == six["ids"][:4]
    assert [i for i in six["ids"] if f"/findings/{i}\"" in second] == six["ids"][4:]


def expand(data: dict) -> list[dict]:
    """The map's compact markers as map.js reads them (static/js/map.js expand())."""
    return [{
        "id": id_, "lat": lat, "lon": lon, "status": status, "label": data["labels"][status],
        "title": data["titles"][str(category)] + str(id_),
        "url": data["url"].replace("{}", str(id_)),
        "thumb": data["thumb"].replace("{}", str(thumb)) if thumb else None,
        "overdue": overdue == 1,
    } for id_, lat, lon, status, category, overdue, thumb in data["rows"]]


def _markers(page: str) -> list[dict]:
    data = page[page.index('id="findings-map-data">') + len('id="findings-map-data">'):]
    return expand(json.loads(data[:data.index("</script>")]))


def test_map_sends_only_the_markers_in_the_visible_box(client, login, six):
    login("manager")
    everything = _markers(client.get("/findings/map").get_data(as_text=True))
    assert sorted(m["id"] for m in everything) == sorted(six["ids"])
    box = client.get("/findings/map?bbox=59.195,17.7,59.215,17.9").get_data(as_text=True)
    assert sorted(m["id"] for m in _markers(box)) == six["ids"][:2]
    assert "6 iakttagelser" in box  # the count is still that of the filters
    # After a pan or zoom, map.js asks for the markers of the new box as JSON.
    moved = client.get("/findings/map?category=&bbox=59.195,17.7,59.215,17.9"
                       "&bbox=59.225,17.7,59.235,17.9", headers={"Accept": "application/json"})
    assert moved.is_json
    assert [m["id"] for m in expand(moved.get_json()["points"])] == [six["ids"][3]]
    # A malformed box is ignored, not an error.
    bad = client.get("/findings/map?bbox=north,south")
    assert bad.status_code == 200 and len(_markers(bad.get_data(as_text=True))) == 6


def test_the_maps_answer_writes_positions_to_a_tenth_of_a_metre(client, login, make):
    """Six decimals (~0.1 m): the marker stays where it was found, and the answer is a
    third smaller than with every digit of a float (2,000 markers: 125 KB, now 91 KB)."""
    login("manager")
    walker = make.user("walker")
    walk = make.walk(make.district("Alby"), leader_id=walker)
    make.finding(walk, walker, latitude=59.2390123456789, longitude=17.845098765432)
    answer = client.get("/findings/map?bbox=59.2,17.8,59.3,17.9",
                        headers={"Accept": "application/json"})
    [marker] = expand(answer.get_json()["points"])
    assert (marker["lat"], marker["lon"]) == (59.239012, 17.845099)
    assert "59.239012," in answer.get_data(as_text=True)


def test_a_boxs_markers_are_the_findings_inside_it_at_every_band_edge(client, login, make):
    """On PostgreSQL a box is read by the bands of latitude it crosses (1/200 degree,
    ix_findings_map_band): findings on a band's edge, just below it and just above it, and
    on the box's own edges are in the answer exactly when they are in the box, for boxes
    of one band, several and more than the index is asked for."""
    login("manager")
    walker = make.user("walker")
    walk = make.walk(make.district("Norsborg"), leader_id=walker)
    edge = 11838 / 200  # 59.19: a band's first latitude
    places = {}
    for n, latitude in enumerate((edge - 1e-9, edge, edge + 1e-9, edge + 0.0025,
                                  edge + 0.005 - 1e-9, edge + 0.005, edge - 0.01,
                                  edge + 0.02, edge + 0.4)):
        finding = make.finding(walk, walker, latitude=latitude, longitude=17.80 + n * 1e-4)
        places[finding] = (latitude, 17.80 + n * 1e-4)
    json = {"Accept": "application/json"}
    boxes = [(edge, 17.7, edge + 0.005, 17.9), (edge - 1e-9, 17.7, edge, 17.9),
             (edge + 1e-9, 17.7, edge + 0.0025, 17.9), (edge - 0.01, 17.7, edge + 0.02, 17.9),
             (edge - 0.5, 17.7, edge + 0.5, 17.9), (edge, 17.8001, edge + 0.0025, 17.8002),
             (edge + 0.006, 17.7, edge + 0.019, 17.9)]
    for south, west, north, east in boxes:
        answer = client.get(f"/findings/map?bbox={south!r},{west!r},{north!r},{east!r}",
                            headers=json).get_json()["points"]
        expected = {f for f, (lat, lon) in places.items()
                    if south <= lat <= north and west <= lon <= east}
        assert {row[0] for row in answer["rows"]} == expected, (south, north)


def test_the_planner_counts_a_boxs_findings_by_their_bands(app, make):
    """PostgreSQL estimates how many findings a box's bands hold from the band statistics
    (migration i37m_map_band_statistics), not as 0.5 % of the findings a band: a box over
    the whole city was estimated at a seventieth of its findings, so the map sorted them
    all for the newest 2,000 (170 ms at a million) instead of reading the newest ones."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the bands are PostgreSQL's (ix_findings_map_band)")
    walker = make.user("walker")
    walk = make.walk(make.district("Alby"), leader_id=walker)
    make.finding(walk, walker, latitude=59.2401, longitude=17.85)
    bands = "CAST(floor(latitude * 200) AS INTEGER)"
    with app.app_context():
        # 4,000 findings in three bands (11848-11850), and 1,000 far away in one.
        db.session.execute(text(
            "INSERT INTO findings (uuid, walk_id, place_type, latitude, longitude, "
            "category_id, severity, unsafe_rating, unsafe_for, description, confidential, "
            "author_id, created_at, updated_at, status, responsible_party, planned_action, "
            "close_reason, version) "
            "SELECT md5(random()::text || g), walk_id, place_type, "
            "CASE WHEN g <= 4000 THEN 59.2401 + (g % 3) * 0.005 ELSE 10.0 END, longitude, "
            "category_id, severity, unsafe_rating, unsafe_for, description, confidential, "
            "author_id, created_at, updated_at, status, responsible_party, planned_action, "
            "close_reason, version FROM findings, generate_series(1, 5000) AS g"))
        db.session.execute(text("ANALYZE findings"))
        plan = db.session.execute(text(
            f"EXPLAIN (FORMAT JSON) SELECT id FROM findings WHERE latitude IS NOT NULL "
            f"AND longitude IS NOT NULL AND {bands} IN (11848, 11849, 11850)")).scalar()
        actual = db.session.execute(text(
            f"SELECT count(*) FROM findings WHERE {bands} IN (11848, 11849, 11850)")).scalar()
        db.session.rollback()
    assert actual == 4001
    assert 2000 <= plan[0]["Plan"]["Plan Rows"] <= 8000, plan[0]["Plan"]


def test_search_finds_swedish_words_in_any_case(client, login, make):
    district = make.district("Alby")
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker)
    hit = make.finding(walk, walker, category="doors_locks",
                       description="Källardörren står UPPSTÄLLD hela dagen")
    other = make.finding(walk, walker, description="Trasig lampa")
    literal = make.finding(walk, walker, description="100% mörkt_här")
    login("manager")
    page = client.get("/findings?q=uppställd").get_data(as_text=True)
    assert f"/findings/{hit}\"" in page and f"/findings/{other}\"" not in page
    page = client.get("/findings?q=ÖRKT_H").get_data(as_text=True)
    assert f"/findings/{literal}\"" in page
    page = client.get("/findings?q=100%25").get_data(as_text=True)  # % matches only itself
    assert f"/findings/{literal}\"" in page and f"/findings/{other}\"" not in page
    page = client.get("/findings?q=m_rkt").get_data(as_text=True)  # _ is no wildcard
    assert f"/findings/{literal}\"" not in page


def test_map_marks_open_findings_past_their_due_date_as_overdue(client, login, make):
    from datetime import timedelta

    from app.models import FindingStatus
    from app.timeutil import local_today

    login("manager")
    walk = make.walk(status="completed")
    author = make.user("walker")
    yesterday, tomorrow = local_today() - timedelta(days=1), local_today() + timedelta(days=1)
    late = make.finding(walk, author, latitude=59.2, longitude=17.8, due_date=yesterday,
                        status=FindingStatus.ASSIGNED)
    in_time = make.finding(walk, author, latitude=59.2, longitude=17.8, due_date=tomorrow,
                           status=FindingStatus.ASSIGNED)
    done_late = make.finding(walk, author, latitude=59.2, longitude=17.8, due_date=yesterday,
                             status=FindingStatus.VERIFIED)
    points = client.get("/findings/map?status=", headers={"Accept": "application/json"})
    overdue = {m["id"]: m["overdue"] for m in expand(points.get_json()["points"])}
    assert overdue == {late: True, in_time: False, done_late: False}


def _same_pages_as_built(monkeypatch, wanted, answer, *, cap_setting: str, caps, pages,
                         per_page: int) -> None:
    """answer(page, per_page) gives the pages filters.capped_page gives from statements
    built for the request (filtered_findings, chosen_first) for `wanted`, with each of
    `caps` set as app.findings.filters.<cap_setting>: the same page, count, capped flag and
    rows in the same order."""
    from app.extensions import db

    query = filters.filtered_findings(wanted)

    def rows(limit, offset, among):
        return filters.list_rows(filters.chosen_first(
            query, wanted.sort, limit=limit, offset=offset, among=among,
            bounded=bool(wanted.district_id)))

    for cap in caps:
        monkeypatch.setattr(f"app.findings.filters.{cap_setting}", cap)
        for number in pages:
            built = filters.capped_page(db.session, rows, query, page=number,
                                        per_page=per_page, cap=cap)
            page = answer(number, per_page)
            assert (page.page, page.total, page.capped) == (
                built.page, built.total, built.capped), (wanted, cap, number)
            assert [tuple(r) for r in page.items] == [
                tuple(r) for r in built.items], (wanted, cap, number)


def test_the_lists_statements_kept_per_shape_read_what_the_built_ones_read(app, make,
                                                                        monkeypatch):
    """filters.shaped_page (statements built once per shape, values bound) gives the pages
    filters.capped_page gives from statements built for the request, for every filter the
    list's page takes without text, capped or not, chosen among few or many ids."""
    from datetime import date, timedelta

    from app.extensions import db
    from app.models import FindingStatus, Severity

    district, other = make.district("Alby"), make.district("Fittja")
    walker, fixer = make.user("walker"), make.user("fixer")
    walks = [make.walk(district, leader_id=walker), make.walk(other, leader_id=walker)]
    building = make.building(district)
    statuses, severities = list(FindingStatus), list(Severity)
    for n in range(30):
        make.finding(walks[n % 2], walker, category=("lighting", "doors_locks")[n % 3 == 0],
                     severity=severities[n % len(severities)],
                     status=statuses[n % len(statuses)], confidential=n % 5 == 0,
                     assignee_id=fixer if n % 4 == 0 else None,
                     building_id=building if n % 3 == 1 else None,
                     due_date=date.today() + timedelta(days=n % 7 - 3) if n % 2 else None)
    monkeypatch.setattr("app.findings.filters.SEARCH_COUNT_CAP", 3)
    combos = [{}, {"district_id": district}, {"walk_id": walks[1]}, {"status": "open"},
              {"status": "done", "sort": "oldest"}, {"status": "fixed", "sort": "due"},
              {"severity": "high", "sort": "severity"}, {"assignee_id": -1, "sort": "status"},
              {"assignee_id": fixer, "sort": "updated"}, {"overdue": True},
              {"confidential": "yes"}, {"confidential": "no", "district_id": other},
              {"date_from": date.today(), "date_to": date.today()},
              {"district_id": district, "status": "open", "sort": "due", "overdue": True},
              {"building_id": building, "category_id": 1}, {"severity": "nonsense"}]
    with app.test_request_context():
        for combo in combos:
            wanted = filters.FindingFilters(**combo)
            _same_pages_as_built(
                monkeypatch, wanted,
                lambda number, per_page, wanted=wanted: filters.shaped_page(
                    db.session, wanted, page=number, per_page=per_page),
                cap_setting="COUNT_CAP", caps=(4, 1000), pages=(1, 2, 9), per_page=4)


def test_the_list_chosen_from_the_facts_is_the_list_the_findings_give(app, make, monkeypatch):
    """fact_list.fact_page (ids from the dashboard's facts) gives the pages filters.capped_page
    gives from the findings, for every filter the facts carry, both orders, capped or not,
    on a page inside, at the end of and past the counted ids; after a finding changes status
    and moves district, it follows."""
    from datetime import UTC, date, datetime, timedelta

    from app.extensions import db
    from app.findings import fact_list
    from app.models import Finding, FindingStatus, Walk

    found = datetime.now(UTC) - timedelta(hours=1)

    district, other = make.district("Alby"), make.district("Fittja")
    walker = make.user("walker")
    walks = [make.walk(district, leader_id=walker), make.walk(other, leader_id=walker)]
    building = make.building(district)
    statuses = list(FindingStatus)
    for n in range(30):
        make.finding(walks[n % 2], walker, category=("lighting", "doors_locks")[n % 3 == 0],
                     status=statuses[n % len(statuses)],
                     building_id=building if n % 3 == 1 else None,
                     due_date=date.today() + timedelta(days=n % 7 - 3) if n % 2 else None,
                     created_at=found + timedelta(minutes=n // 4))  # ties: the id decides
    combos = [{"district_id": district}, {"district_id": other, "sort": "oldest"},
              {"district_id": district, "status": "open"},
              {"district_id": other, "status": "done", "category_id": 1},
              {"district_id": district, "status": "assigned"}, {"category_id": 1},
              {"category_id": 2, "status": "open", "sort": "oldest"},
              {"district_id": district, "overdue": True}, {"category_id": 1, "overdue": True},
              {"district_id": district, "building_id": building},
              {"district_id": other, "date_from": date.today(), "date_to": date.today()},
              {"district_id": district, "date_from": date.today() + timedelta(days=1)}]

    def same_pages():
        for combo in combos:
            wanted = filters.FindingFilters(**combo)
            assert fact_list.applies(db.session, wanted), combo
            _same_pages_as_built(
                monkeypatch, wanted,
                lambda number, per_page, wanted=wanted: fact_list.fact_page(
                    db.session, wanted, page=number, per_page=per_page),
                cap_setting="COUNT_CAP", caps=(3, 1000), pages=(1, 2, 3, 9), per_page=2)

    with app.test_request_context():
        same_pages()
        moved = db.session.scalars(select_findings_of(walks[0])).first()
        moved.status = FindingStatus.FIXED
        db.session.get(Walk, walks[1]).district_id = district
        db.session.commit()
        assert db.session.get(Finding, moved.id).status == FindingStatus.FIXED
        same_pages()


def select_findings_of(walk_id):
    from sqlalchemy import select

    from app.models import Finding
    return select(Finding).where(Finding.walk_id == walk_id).order_by(Finding.id)


def test_the_facts_choose_no_list_they_cannot_answer(app, make):
    """A filter the facts do not carry, an order they do not hold, no district or category,
    or facts still being rebuilt: the list comes from the findings."""
    from app.extensions import db
    from app.findings import fact_list
    from app.reports import rollups

    district = make.district("Alby")
    with app.test_request_context():
        assert fact_list.applies(db.session, filters.FindingFilters(district_id=district))
        for other in ({"severity": "high"}, {"walk_id": 1}, {"assignee_id": -1},
                      {"confidential": "yes"}, {"sort": "due"}, {"responsible": "Hyresgäst"},
                      {"q": "lam\x1fpa"}):
            assert not fact_list.applies(
                db.session, filters.FindingFilters(district_id=district, **other)), other
        # A search: from the facts on PostgreSQL (their GIN index); SQLite has its FTS5 table.
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        assert fact_list.applies(db.session, filters.FindingFilters(
            district_id=district, q="lampa")) is postgresql
        assert fact_list.applies(db.session, filters.FindingFilters(q="lampa")) is postgresql
        # Too short for the texts (app.search.searches_texts): a number, a category, a place.
        assert fact_list.applies(db.session, filters.FindingFilters(
            district_id=district, q="la")) is postgresql
        assert not fact_list.applies(db.session, filters.FindingFilters(status="open"))
        rollups.mark_stale(db.session)
        db.session.commit()
        assert not fact_list.applies(db.session, filters.FindingFilters(district_id=district))


def test_a_search_from_the_facts_finds_what_the_findings_give(app, make, monkeypatch):
    """On PostgreSQL a search (within a district or not) is chosen from the facts' texts:
    the same pages as the findings' own search (capped_page), for a word in any of the three
    texts in any case, a street the buildings name, a category's name, a finding's number,
    % and _ taken literally, and never a word made of the end of one text and the start of
    the next; after a text is edited and a walk moves district, it follows."""
    from datetime import UTC, datetime, timedelta

    from app.extensions import db
    from app.findings import fact_list
    from app.models import Finding, Walk

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite searches its FTS5 table (test_search.py)")
    found = datetime.now(UTC) - timedelta(hours=1)
    alby, fittja = make.district("Alby"), make.district("Fittja")
    walker = make.user("walker")
    walks = [make.walk(alby, leader_id=walker), make.walk(fittja, leader_id=walker)]
    street = make.building(alby, address="Albyvägen 12")
    texts = [("Trasig lampa vid porten", None, None), ("Mörkt", "Hyresgäst LAMPA", None),
             ("Klotter", None, "byt lampa i veckan"), ("Rabatt 50% nere", None, None),
             ("a_b skylt", None, None), ("sten tras", "ig kant", None),
             ("Åska skadade taket", None, None), ("Nedskräpning", None, None)]
    ids = []
    for n in range(24):
        description, party, action = texts[n % len(texts)]
        ids.append(make.finding(walks[n % 2], walker, ("litter", "lighting")[n % 5 == 0],
                                description=description, responsible_party=party,
                                planned_action=action, building_id=street if n % 4 == 1 else None,
                                created_at=found + timedelta(minutes=n // 3)))
    words = ["lampa", "LAMPA", "albyväg", "belysning", "rabatt 50%", "a_b sky", "trasig",
             "åska", f"#{ids[5]}", f"00{ids[6]}", "saknas helt", "50%", "a_b", "xq"]

    def same_pages():
        for q in words:
            for combo in ({}, {"district_id": alby}, {"district_id": fittja, "sort": "oldest"},
                          {"district_id": alby, "status": "open"}):
                wanted = filters.FindingFilters(q=q, **combo)
                assert fact_list.applies(db.session, wanted), (q, combo)
                _same_pages_as_built(
                    monkeypatch, wanted,
                    lambda number, per_page, wanted=wanted: fact_list.fact_page(
                        db.session, wanted, page=number, per_page=per_page),
                    cap_setting="SEARCH_COUNT_CAP", caps=(2, 200), pages=(1, 2, 9),
                    per_page=2)

    with app.test_request_context():
        page_cache.clear()
        same_pages()
        # Not vacuous: the words find something, and the joined texts' seam finds nothing.
        found_ids = {q: [r.id for r in fact_list.fact_page(
            db.session, filters.FindingFilters(q=q), page=1, per_page=50).items]
            for q in ("lampa", "trasig", "rabatt 50%", "albyväg", "50%", f"#{ids[5]}")}
        assert len(found_ids["lampa"]) == 9 and len(found_ids["rabatt 50%"]) == 3
        assert found_ids["50%"] == [] and found_ids[f"#{ids[5]}"] == [ids[5]]
        assert all(db.session.get(Finding, i).description == "Trasig lampa vid porten"
                   for i in found_ids["trasig"])
        assert len(found_ids["albyväg"]) == 6
        edited = db.session.get(Finding, ids[7])
        edited.description = "Saknas helt: lampa"
        db.session.get(Walk, walks[1]).district_id = alby
        db.session.commit()
        same_pages()


@pytest.mark.parametrize("district", [False, True])  # PostgreSQL: from the index, or bounded
def test_a_markers_popup_shows_the_findings_first_photo(app, client, login, make, district):
    from app.extensions import db
    from app.models import Photo, PhotoKind

    login("manager")
    walker = make.user("walker")
    alby = make.district("Alby")
    walk = make.walk(alby, leader_id=walker)
    with_photo = make.finding(walk, walker, latitude=59.24, longitude=17.85)
    without = make.finding(walk, walker, latitude=59.25, longitude=17.86)
    with app.app_context():
        photos = [Photo(finding_id=with_photo, kind=PhotoKind.FINDING, storage_key=f"k{n}",
                        thumb_key=f"t{n}", width=10, height=10, bytes=10, sha256=f"{n}" * 64)
                  for n in range(2)]
        db.session.add_all(photos)
        db.session.commit()
        first = min(photo.id for photo in photos)
    query = f"&district={alby}" if district else ""
    answer = client.get(f"/findings/map?bbox=59.2,17.8,59.3,17.9{query}",
                        headers={"Accept": "application/json"})
    thumbs = {m["id"]: m["thumb"] for m in expand(answer.get_json()["points"])}
    assert thumbs[without] is None
    assert thumbs[with_photo] == f"/photos/{first}/thumb.jpg"
