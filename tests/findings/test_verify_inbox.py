"""'To verify' (issue 21, point 6): the fix just made is on top of page 1, not card 23 of 24
under fixes that have waited for years; the order a manager picks is kept for the session;
ten cards a page."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Finding, FindingStatus, Severity
from tests.conftest import TEST_PASSWORD

SV = {"Accept-Language": "sv-SE,sv;q=0.9"}


def cards(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="card inbox-card" id="inbox-(\d+)"', html)]


@pytest.fixture
def waiting(app, make):
    """22 fixes waiting since 2019 (as the old demo had them), then one that a fixer marks
    as fixed through the page, now."""
    author = make.user("walker")
    fixer = make.user("fixer", email="fixare@example.org")
    walk = make.walk(make.district("Fittja"), leader_id=author)
    old = [make.finding(walk, author, status=FindingStatus.FIXED, assignee_id=fixer,
                        fixed_at=datetime(2019, 3, 1, tzinfo=UTC) + timedelta(days=n),
                        severity=Severity.URGENT if n == 5 else Severity.LOW,
                        due_date=(datetime(2019, 3, 1) + timedelta(days=40 - n)).date())
           for n in range(22)]
    fresh = make.finding(walk, author, status=FindingStatus.IN_PROGRESS, assignee_id=fixer)
    return {"old": old, "fresh": fresh, "fixer": fixer}


def fix_now(client, app, finding_id: int) -> None:
    client.post("/login", data={"email": "fixare@example.org", "password": TEST_PASSWORD})
    with app.app_context():
        version = db.session.get(Finding, finding_id).version
    response = client.post(f"/findings/{finding_id}/fixed",
                           data={"version": str(version), "note": "Ny lampa"})
    assert response.status_code == 303
    client.post("/logout")


def test_a_finding_fixed_just_now_is_first_on_page_one(client, app, login, waiting):
    fix_now(client, app, waiting["fresh"])
    login("manager", language="sv")
    html = client.get("/inbox/verify", headers=SV).get_data(as_text=True)
    shown = cards(html)
    assert shown[0] == waiting["fresh"], "the fix just made comes first"
    assert len(shown) == 10
    assert "Sida 1 av 3" in html and 'href="/inbox/verify?page=2"' in html
    # The rest, newest fix first, over pages 2 and 3, each card once.
    rest = cards(client.get("/inbox/verify?page=2", headers=SV).get_data(as_text=True))
    last = cards(client.get("/inbox/verify?page=3", headers=SV).get_data(as_text=True))
    assert len(rest) == 10 and len(last) == 3
    assert shown[1:] + rest + last == waiting["old"][::-1]
    # Past the last page (its last card was just verified): the last page, not an empty one.
    assert cards(client.get("/inbox/verify?page=9").get_data(as_text=True)) == last


def test_the_order_a_manager_picks_is_kept_for_the_session(client, app, login, waiting):
    fix_now(client, app, waiting["fresh"])
    login("manager", language="sv")
    html = client.get("/inbox/verify?sort=waiting", headers=SV).get_data(as_text=True)
    assert cards(html)[0] == waiting["old"][0], "the longest waiting first"
    # Back later without asking: the same order, and the form says which.
    html = client.get("/inbox/verify", headers=SV).get_data(as_text=True)
    assert cards(html)[0] == waiting["old"][0]
    assert '<option value="waiting" selected>Längst väntande först</option>' in html
    # Page links keep it; so does coming back after verifying a card on page 2.
    page_two = client.get("/inbox/verify?page=2", headers=SV).get_data(as_text=True)
    assert cards(page_two)[0] == waiting["old"][10]
    target = waiting["old"][10]
    with app.app_context():
        version = db.session.get(Finding, target).version
    back = re.search(r'name="next" value="([^"]+)"', page_two).group(1)
    response = client.post(f"/findings/{target}/status",
                           data={"to": "verified", "version": version, "next": back})
    assert response.headers["Location"].endswith("/inbox/verify?page=2")
    assert cards(client.get("/inbox/verify?page=2").get_data(as_text=True))[0] == \
        waiting["old"][11]

    html = client.get("/inbox/verify?sort=severity", headers=SV).get_data(as_text=True)
    assert cards(html)[0] == waiting["old"][5], "the urgent one first"
    html = client.get("/inbox/verify?sort=due", headers=SV).get_data(as_text=True)
    assert cards(html)[0] == waiting["old"][21], "the earliest due date first"
    # Nonsense is not remembered: the last choice stays.
    html = client.get("/inbox/verify?sort=x", headers=SV).get_data(as_text=True)
    assert cards(html)[0] == waiting["old"][21]
    client.post("/logout")
    # Another login (a new session) starts with the newest fix first again.
    login("manager", language="sv")
    assert cards(client.get("/inbox/verify").get_data(as_text=True))[0] == waiting["fresh"]
