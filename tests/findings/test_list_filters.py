"""Issue 22: the findings list at a million findings. A search within a district finds that
district's findings (the district is asked for by its walks, the page chosen from the
matching ids), every page in the newest-first order; a count past its cap says so."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.findings import filters as lists


def listed_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'name="ids" value="(\d+)"', page)]


@pytest.fixture
def two_districts(login, make):
    """Fittja (two walks) and Alby, each with lamps and a bench; a manager logged in."""
    author = make.user("walker")
    here = {"latitude": 59.2472, "longitude": 17.8610}
    fittja, alby = make.district("Fittja"), make.district("Alby")
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    walks = {"fittja": [make.walk(fittja, status="completed"),
                        make.walk(fittja, status="completed")],
             "alby": [make.walk(alby, status="completed")]}
    made = {"fittja": [], "alby": [], "bench": []}
    for n in range(30):  # Fittja's lamps, a minute apart, over both walks
        made["fittja"].append(make.finding(
            walks["fittja"][n % 2], author, description=f"Trasig lampa nr {n}",
            created_at=start + timedelta(minutes=n), **here))
    for n in range(3):
        made["alby"].append(make.finding(walks["alby"][0], author,
                                         description="Trasig lampa vid porten",
                                         created_at=start + timedelta(minutes=n), **here))
    made["bench"].append(make.finding(walks["fittja"][0], author, "vegetation",
                                      description="Buskage vid bänken", **here))
    login("manager")
    return {"in_fittja": fittja, "in_alby": alby, **made}


def test_a_search_within_a_district_finds_its_findings_newest_first(client, two_districts):
    d = two_districts
    page = client.get("/findings", query_string={"q": "lampa", "district": d["in_alby"]})
    assert sorted(listed_ids(page.get_data(as_text=True))) == sorted(d["alby"])

    newest_first = list(reversed(d["fittja"]))
    first = client.get("/findings", query_string={"q": "LAMPA", "district": d["in_fittja"]})
    text = first.get_data(as_text=True)
    assert listed_ids(text) == newest_first[:25]
    assert "30 iakttagelser" in text
    second = client.get("/findings", query_string={"q": "lampa", "district": d["in_fittja"],
                                                    "page": 2})
    assert listed_ids(second.get_data(as_text=True)) == newest_first[25:]
    # Oldest first: the same findings, the other way round.
    oldest = client.get("/findings", query_string={"q": "lampa", "district": d["in_fittja"],
                                                    "sort": "oldest"})
    assert listed_ids(oldest.get_data(as_text=True)) == d["fittja"][:25]


def test_a_district_with_other_filters_and_no_search(client, two_districts):
    d = two_districts
    page = client.get("/findings", query_string={"district": d["in_fittja"],
                                                 "category": _category(client, "vegetation")})
    assert listed_ids(page.get_data(as_text=True)) == d["bench"]
    nothing = client.get("/findings", query_string={"district": d["in_alby"], "q": "bänken"})
    assert listed_ids(nothing.get_data(as_text=True)) == []


def _category(client, slug: str) -> int:
    from app.extensions import db
    from app.models import Category

    with client.application.app_context():
        return db.session.scalar(db.select(Category.id).where(Category.slug == slug))


def test_a_count_past_its_cap_says_more_than(client, two_districts, monkeypatch):
    d = two_districts
    monkeypatch.setattr(lists, "COUNT_CAP", 20)
    text = client.get("/findings", query_string={"district": d["in_fittja"]}).get_data(
        as_text=True)
    assert "Fler än 20 iakttagelser" in text
    assert len(listed_ids(text)) == 25  # the page is full although the count stops at 20
    # The pages go on past the cap, each the next 25 newest (the bench was found today).
    newest_first = d["bench"] + list(reversed(d["fittja"]))
    assert listed_ids(text) == newest_first[:25]
    second = client.get("/findings", query_string={"district": d["in_fittja"], "page": 2})
    assert listed_ids(second.get_data(as_text=True)) == newest_first[25:]


def test_the_map_answer_keeps_to_the_district_and_the_box(client, two_districts):
    d = two_districts
    box = "59.24,17.85,59.25,17.87"
    response = client.get("/findings/map", query_string={"district": d["in_alby"], "q": "lampa",
                                                         "bbox": box},
                          headers={"Accept": "application/json"})
    assert sorted(row[0] for row in response.get_json()["points"]["rows"]) == d["alby"]
    elsewhere = client.get("/findings/map", query_string={"bbox": "59.30,17.85,59.31,17.87"},
                           headers={"Accept": "application/json"})
    assert elsewhere.get_json()["points"]["rows"] == []


@pytest.mark.parametrize("probe", [0, 5, 4000])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_district_search_past_its_cap_pages_through_every_match(client, two_districts,
                                                                   make, monkeypatch, sort,
                                                                   probe):
    """A search within a district is counted and paged from one read of its matching ids
    (filters.district_search_page): every page in order, also where findings were found
    at the same moment (the higher id first when newest), the count capped. On PostgreSQL
    a common word's first pages come from the district's newest (oldest) findings
    (`probe` of them; 5 hold too few matches: read as for any word); 0: never. (On
    PostgreSQL such a search is chosen from the facts' texts, fact_list, unless they cannot
    answer it: the same pages then, below.)"""
    from app import page_cache
    from app.findings import fact_list

    d = two_districts
    from_texts = [False]
    searchable = fact_list._searchable
    monkeypatch.setattr(fact_list, "_searchable",
                        lambda *args: from_texts[0] and searchable(*args))
    walk = make.walk(d["in_fittja"], status="completed")
    same_moment = datetime(2026, 3, 1, 12, 10, tzinfo=UTC)
    twins = [make.finding(walk, make.user("walker"), description="Lampa igen",
                          created_at=same_moment) for _ in range(3)]
    monkeypatch.setattr(lists, "SEARCH_COUNT_CAP", 10)
    monkeypatch.setattr("app.findings.listing.PER_PAGE", 4)
    monkeypatch.setattr(lists, "COMMON_SHARE", 0 if probe else 2)  # every word, or none
    monkeypatch.setattr(lists, "DISTRICT_PROBE", probe)
    probed = []
    first = lists._common_word_first

    def looked(*args, **kwargs):
        ids = first(*args, **kwargs)
        probed.append(bool(ids))
        return ids

    monkeypatch.setattr(lists, "_common_word_first", looked)
    from_facts = []  # whether district_search_page answered
    real = lists.district_search_page

    def counted(*args, **kwargs):
        page = real(*args, **kwargs)
        from_facts.append(page is not None)
        return page

    monkeypatch.setattr(lists, "district_search_page", counted)
    everything = sorted(
        [(f, n) for n, f in enumerate(d["fittja"])] + [(t, 10) for t in twins],
        key=lambda item: (item[1], item[0]))  # created minute n; the twins at minute 10
    expected = [i for i, _ in everything]
    if sort == "newest":
        expected.reverse()

    def shown() -> list[int]:
        ids = []
        for number in range(1, 10):
            text = client.get("/findings", query_string={
                "q": "lampa", "district": d["in_fittja"], "sort": sort,
                "page": number}).get_data(as_text=True)
            assert "Fler än 10 iakttagelser" in text
            ids += listed_ids(text)
        return ids

    assert shown() == expected
    assert from_facts == [True] * 9
    from app.extensions import db

    with client.application.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
    assert probed == [probe == 4000 and on_postgresql] * 2  # pages 1-2 (the cap's 10)
    from_texts[0] = True
    from_facts.clear()
    page_cache.clear()
    assert shown() == expected
    assert from_facts == ([] if on_postgresql else [True] * 9)
    # Below the cap the count is exact, and a page past the end is the last page.
    few = client.get("/findings", query_string={"q": "igen", "district": d["in_fittja"],
                                                 "sort": sort, "page": 5}).get_data(
        as_text=True)
    assert "3 iakttagelser" in few
    assert listed_ids(few) == (twins[::-1] if sort == "newest" else twins)
