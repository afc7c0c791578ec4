"""Text search finds the same findings on both databases: on SQLite through the FTS5
trigram index (3 characters and more), on PostgreSQL through ILIKE (pg_trgm), and both
agree with a plain case-insensitive substring test done in Python, for Swedish text."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Finding
from app.search import (
    contains,
    dialect_name,
    finding_text_condition,
    searches_texts,
    uses_fts,
)

TEXTS = [
    ("Bil uppställd på gården sedan i våras", "Fastighetsskötsel Åby", ""),
    ("UPPSTÄLLD SKROTBIL VID GARAGET", "", "Bogsera bort"),
    ("Övergiven cykel i cykelrummet", "Gatukontoret", "Märk och flytta"),
    ("övergivna möbler i källardörren", "", "Forsla bort ÖVERGIVNA saker"),
    ("Trasig belysning vid entrén", "Elfirman Ljus & Kraft", "Byt armatur"),
    ("Klotter på väggen: \"Ärlig\" 100% tag_1", "", ""),
    ("Buskage skymmer sikten vid gångvägen", "Parkförvaltningen", "Beskär häcken"),
    ("Mörk passage under bron, ÅTERVINNINGSSTATIONEN", "", "Ny belysning"),
    ("Stängsel trasigt vid förskolan Ängen", "Skolförvaltningen", ""),
    ("Sned skylt", "", "Rät upp"),
]

WORDS = [
    "uppställd", "UPPSTÄLLD", "Uppställ", "ppstä", "övergiv", "ÖVERGIVNA", "Övergivna möbler",
    "källardörr", "rdörr", "gården", "GÅRDEN", "åter", "ÅTERVINNING", "ängen", "entrén",
    "ENTRÉN", "ljus & kraft", "\"ärlig\"", "100%", "tag_1", "g_1", "bort", "häck",
    "skötsel åby", "gatukontoret", "armatur", "vid", "ed", "å", "Ö", "ä", "xyz", "aå",
    "uppstalld", "overgiven", "ar", "n ", " vid ",
]


def _expected(text: str) -> set[int]:
    needle = text.strip().lower()
    return {fid for fid, fields in _rows().items()
            if any(needle in (field or "").lower() for field in fields)}


def _rows() -> dict[int, tuple]:
    return {f.id: (f.description, f.responsible_party, f.planned_action)
            for f in db.session.scalars(select(Finding))}


def _found(condition) -> set[int]:
    return set(db.session.scalars(select(Finding.id).where(condition)))


@pytest.fixture
def texts(app, make):
    walk = make.walk()
    author = make.user()
    return [make.finding(walk, author, description=d, responsible_party=r, planned_action=p)
            for d, r, p in TEXTS]


def test_text_search_matches_like_for_swedish_words(app, texts):
    with app.app_context():
        dialect = dialect_name(db.session)
        for word in WORDS:
            found = _found(finding_text_condition(word, dialect))
            like = _found(db.or_(*(contains(getattr(Finding, c), word, dialect)
                                   for c in ("description", "responsible_party",
                                             "planned_action"))))
            assert found == like == _expected(word), word
        # Both paths were exercised on SQLite.
        if dialect == "sqlite":
            assert uses_fts("uppställd", dialect) and not uses_fts("ed", dialect)


def test_search_follows_edits_and_deletes(app, texts):
    with app.app_context():
        dialect = dialect_name(db.session)
        finding = db.session.get(Finding, texts[-1])
        finding.description = "Nedfallen gren på GÅNGBANAN"
        db.session.commit()
        assert _found(finding_text_condition("gångbanan", dialect)) == {texts[-1]}
        assert _found(finding_text_condition("Sned skylt", dialect)) == set()
        db.session.delete(db.session.get(Finding, texts[2]))
        db.session.commit()
        assert _found(finding_text_condition("övergiv", dialect)) == {texts[3]}


def test_list_search_finds_swedish_text_in_any_case(client, login, texts):
    login("manager")
    for q, wanted in [("uppställd", {texts[0], texts[1]}), ("ÖVERGIV", {texts[2], texts[3]}),
                      ("ÅTERVINNING", {texts[7]}), ("Ängen", {texts[8]}), ("zzz", set())]:
        page = client.get("/findings", query_string={"q": q}).get_data(as_text=True)
        assert {int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)} == wanted, q


@pytest.mark.parametrize("q, texts", [
    ("ab", False), ("ä", False), ("%", False), ("%%%", False), ("a_b", False), ("12", False),
    ("a b c", False), ("  ö  ", False), ("åby", True), ("123", True), ("el-skåp", True),
    ("tag_1", True), ("AB 12 Öst", True),
])
def test_a_text_is_searched_in_the_texts_from_a_word_of_three_letters_or_digits(q, texts):
    assert searches_texts(q) is texts


def test_a_short_search_finds_numbers_categories_and_buildings_and_says_so(client, login,
                                                                           make):
    """One or two letters (or only signs) are not looked for in the findings' texts, which
    no index answers for them (~1 s at a million findings on PostgreSQL): a finding's
    number, a category and a building still are, and the list and the map say why the
    texts' matches are missing; from three letters the texts are searched as before."""
    login("manager")
    district = make.district()
    walk = make.walk(district)
    author = make.user("walker")
    in_text = make.finding(walk, author, description="Trasig XQ-skylt vid porten",
                           latitude=59.25, longitude=17.86)
    on_street = make.finding(walk, author, description="Mörk entré",
                             building_id=make.building(district, address="Xqgatan 4"),
                             latitude=59.25, longitude=17.86)
    make.finding(walk, author, description="Klotter på muren")

    def found(q: str, path: str = "/findings") -> tuple[set[int], str]:
        page = client.get(path, query_string={"q": q}).get_data(as_text=True)
        return {int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)}, page

    ids, page = found("xq")
    assert ids == {on_street}
    assert "”xq” söktes bara bland nummer, kategorier och byggnader" in page
    ids, page = found("%")
    assert ids == set() and "”%” söktes bara" in page
    assert found(f"#{in_text}")[0] == {in_text}
    assert found(str(in_text))[0] >= {in_text}
    ids, page = found("xq-skylt")
    assert ids == {in_text} and "söktes bara" not in page
    ids, page = found("XQG")  # three letters: the building's address, as before
    assert ids == {on_street} and "söktes bara" not in page
    map_page = client.get("/findings/map", query_string={"q": "xq"}).get_data(as_text=True)
    assert "”xq” söktes bara bland nummer" in map_page
    assert "söktes bara" not in client.get("/findings/map", query_string={"q": "xqg"}
                                           ).get_data(as_text=True)



def test_list_search_finds_buildings_by_address_and_code_after_a_rename(client, login, make,
                                                                        app):
    """The buildings a word names come from an index kept per state of the buildings: a
    renamed building is found by its new address, not its old one."""
    login("manager")
    district = make.district()
    walk = make.walk(district)
    author = make.user("walker")
    building = make.building(district, address="Tallstigen 4", code="TS-404")
    other = make.building(district, address="Björkvägen 9", code="BV-9")
    here = make.finding(walk, author, building_id=building)
    make.finding(walk, author, building_id=other)

    def found(q: str) -> set[int]:
        page = client.get("/findings", query_string={"q": q}).get_data(as_text=True)
        return {int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)}

    assert found("TALLSTIG") == {here}
    assert found("ts-40") == {here}
    with app.app_context():
        from app.models import Building
        db.session.get(Building, building).address = "Granstigen 4"
        db.session.commit()
    assert found("granstig") == {here}
    assert found("tallstig") == set()


def test_a_street_of_many_buildings_finds_the_same_findings_every_way(client, login, make,
                                                                     monkeypatch):
    """A word naming more buildings than the search gives as ids is matched on PostgreSQL
    with the buildings as one array, beyond that (and on SQLite) with a subquery: each way
    finds the findings at those buildings and those whose own text has the word, alone and
    within a district."""
    from app import page_cache, search

    login("manager")
    district, other = make.district("Alby"), make.district("Fittja")
    walks = {district: make.walk(district), other: make.walk(other)}
    author = make.user("walker")
    expected = {district: set(), other: set()}
    for n in range(6):
        where = (district, other)[n % 2]
        street = make.building(where, address=f"Skolvägen {n}", code=f"SK-{n}")
        elsewhere = make.building(where, address=f"Björkvägen {n}", code=f"BV-{n}")
        expected[where].add(make.finding(walks[where], author, building_id=street))
        make.finding(walks[where], author, building_id=elsewhere)
    expected[district].add(make.finding(walks[district], author,
                                        description="Trasig grind vid skolvägens lekplats"))

    def found(**args) -> set[int]:
        page = client.get("/findings", query_string={"q": "skolväg", **args})
        return {int(i) for i in re.findall(r'name="ids" value="(\d+)"',
                                           page.get_data(as_text=True))}

    everywhere = expected[district] | expected[other]
    for ids, array in ((500, 10_000), (2, 10_000), (2, 2)):  # ids, one array, subquery
        monkeypatch.setattr(search, "BUILDING_ID_LIMIT", ids)
        monkeypatch.setattr(search, "BUILDING_ARRAY_LIMIT", array)
        page_cache.clear()
        assert found() == everywhere, (ids, array)
        assert found(district=district) == expected[district], (ids, array)
        assert found(district=other, status="new") == expected[other], (ids, array)


def test_a_common_word_pages_newest_first_past_its_count(client, login, make, monkeypatch):
    """A word with more matches than the search counts: each page is chosen walking the
    findings newest (or oldest) first (on SQLite by the found-time index, named in the
    statement), and the pages follow one another without gaps or repeats, with a status
    filter too."""
    from datetime import UTC, datetime, timedelta

    from app.findings import filters

    monkeypatch.setattr(filters, "SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr("app.findings.listing.PER_PAGE", 2)
    login("manager")
    walk, author = make.walk(), make.user("walker")
    start = datetime.now(UTC) - timedelta(days=1)
    lamps = [make.finding(walk, author, description=f"Trasig lampa {n}",
                          created_at=start + timedelta(minutes=n // 2)) for n in range(7)]
    make.finding(walk, author, description="Klotter", created_at=start)

    def shown(**args) -> list[int]:
        page = client.get("/findings", query_string={"q": "lampa", **args})
        return [int(i) for i in re.findall(r'name="ids" value="(\d+)"',
                                           page.get_data(as_text=True))]

    newest = sorted(lamps, key=lambda i: (lamps.index(i) // 2, i), reverse=True)
    assert [i for n in (1, 2, 3, 4) for i in shown(page=n)] == newest
    assert [i for n in (1, 2, 3, 4) for i in shown(page=n, sort="oldest")] == newest[::-1]
    assert [i for n in (1, 2) for i in shown(page=n, status="new")] == newest[:4]
