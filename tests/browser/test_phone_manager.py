"""Managers, fixers and admins on a phone (390×844, Swedish): no page scrolls sideways, axe-core
finds nothing serious, and the triage flow works from cards and the selection bar.

The pages come from the demo data (app/seeding/demo.py): three districts with Fittja first,
walks, findings with photos, survey results, mail in the outbox. `PHONE_PAGES` is the list to
extend when a branch adds a page: (role, path or a function of the seeded ids → path).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    DONE_STATUSES,
    Category,
    District,
    Finding,
    FindingStatus,
    OutboxMail,
    Priority,
    Role,
    User,
    Walk,
    WalkStatus,
)
from app.seeding import demo

WIDTH = 390

# The demo (~1.5 s of CPU to seed, with a photo on every sixth finding: 3.3 s with every
# second, 69 photos through the pipeline) is seeded once for the module's tests;
# the test that changes it (triage) comes last.
pytestmark = pytest.mark.committed(scope="module")


@dataclass
class Seeded:
    """Ids of things the detail pages need."""

    finding: int
    walk: int
    completed_walk: int
    category: int
    priority: int
    fixer_task: int
    mail: int
    fixer: int
    district: int


PHONE_PAGES: list[tuple[str, object]] = [
    # manager: the navigation, then the detail pages
    ("manager", "/"),
    ("manager", "/walks/mine"),
    ("manager", "/walks"),
    ("manager", "/findings"),
    ("manager", "/findings?district=1&status=open"),
    ("manager", "/findings/map"),
    ("manager", "/inbox/verify"),
    ("manager", "/inbox/new"),
    ("manager", "/reports"),
    ("manager", "/reports?period=range&from=2026-01-01&to=2026-06-30"),
    ("manager", "/reports/surveys"),
    ("manager", "/settings"),
    ("manager", lambda s: f"/findings/{s.finding}"),
    ("manager", lambda s: f"/walks/{s.walk}"),
    ("manager", lambda s: f"/walks/{s.completed_walk}"),
    # fixer
    ("fixer", "/tasks"),
    ("fixer", lambda s: f"/findings/{s.fixer_task}"),
    ("fixer", "/settings"),
    # admin
    ("admin", "/admin/categories"),
    ("admin", lambda s: f"/admin/categories/{s.category}"),
    ("admin", "/admin/priorities"),
    ("admin", lambda s: f"/admin/priorities/{s.priority}"),
    ("admin", "/admin/outbox"),
    ("admin", lambda s: f"/admin/outbox/{s.mail}"),
    ("admin", "/admin/targets"),
    ("admin", "/admin/surveys"),
    # issue 10: user administration and two-factor
    ("admin", "/admin/users"),
    ("admin", "/admin/users/invite"),
    ("admin", lambda s: f"/admin/users/{s.fixer}"),
    ("admin", "/admin/audit"),
    ("manager", "/settings/two-factor"),
    # issue 13: privacy
    ("manager", "/privacy"),
    # issue 14: the safety programme
    ("manager", "/measures"),
    ("manager", "/programme"),
    ("manager", lambda s: f"/programme/districts/{s.district}"),
    ("admin", "/admin/measure-types"),
    ("admin", "/admin/plans"),
]


def _seed(app) -> Seeded:
    with app.app_context():
        demo.seed(db.session, photos_every=6)
        db.session.commit()
        fixer = db.session.scalar(select(User).where(User.role == Role.FIXER))
        # The demo's fixer has finished everything: give them one open task to look at.
        open_one = db.session.scalar(select(Finding).where(
            Finding.status == FindingStatus.NEW, Finding.confidential.is_(False))
            .order_by(Finding.id))
        open_one.assignee_id = fixer.id
        open_one.status = FindingStatus.ASSIGNED
        # and one mail in the outbox, for its page
        db.session.add(OutboxMail(to_address="fixer@example.org", subject="Nytt uppdrag #1",
                                  body="Hej!\nDu har fått ett nytt uppdrag."))
        db.session.commit()
        task = db.session.scalar(
            select(Finding.id).where(Finding.assignee_id == fixer.id,
                                     Finding.status.not_in(list(DONE_STATUSES)),
                                     Finding.confidential.is_(False)).order_by(Finding.id))
        seeded = Seeded(
            finding=db.session.scalar(select(Finding.id).order_by(Finding.id)),
            walk=db.session.scalar(select(Walk.id).where(
                Walk.status == WalkStatus.IN_PROGRESS).order_by(Walk.id))
            or db.session.scalar(select(Walk.id).order_by(Walk.id)),
            completed_walk=db.session.scalar(select(Walk.id).where(
                Walk.status == WalkStatus.COMPLETED).order_by(Walk.id.desc())),
            category=db.session.scalar(select(Category.id).order_by(Category.id)),
            priority=db.session.scalar(select(Priority.id).order_by(Priority.id)),
            fixer_task=task,
            mail=db.session.scalar(select(OutboxMail.id).order_by(OutboxMail.id)),
            fixer=fixer.id,
            district=db.session.scalar(select(District.id).where(District.name == "Alby")),
        )
        db.session.remove()
    return seeded


@pytest.fixture(scope="module")
def seeded(app, committed_module) -> Seeded:
    return _seed(app)


def _log_in(page, role: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", f"{role}@example.org")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _swedish_phone(phone):
    page = phone(locale="sv-SE", service_workers="block")
    return page


def test_every_staff_page_fits_a_phone_and_passes_axe(app, phone, axe, seeded):
    problems: list[str] = []
    pages = {}
    for role, path in PHONE_PAGES:
        url = path(seeded) if callable(path) else path
        if url is None:
            continue
        if role not in pages:
            pages[role] = _swedish_phone(phone)
            _log_in(pages[role], role)
        page = pages[role]
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{role} {url}: HTTP {response.status}")
            continue
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "sv"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{role} {url}: scrollWidth {width} > {WIDTH}")
        header = page.evaluate("document.querySelector('header.topbar').offsetHeight")
        if header > 64:
            problems.append(f"{role} {url}: header {header} px high (wraps)")
        problems += [f"{role} {url}: {v}" for v in axe(page)]
    assert not problems, "\n".join(problems)


def test_menu_shows_each_roles_destinations(app, phone, seeded):
    expected = {
        "fixer": ["Mina uppdrag", "Inställningar"],
        "manager": ["Iakttagelser", "Att verifiera", "Nya", "Rapporter"],
        "admin": ["Administration", "Att verifiera"],
    }
    for role, names in expected.items():
        page = _swedish_phone(phone)
        _log_in(page, role)
        assert not page.locator(".menu-panel").is_visible()
        page.locator(".phone-menu > summary").click()
        menu = page.locator(".menu-panel")
        for name in names:
            assert menu.get_by_role("link", name=name, exact=True).is_visible(), (role, name)
        if role == "fixer":
            assert menu.get_by_role("link", name="Iakttagelser", exact=True).count() == 0


def test_filtering_on_a_phone_leaves_the_results_on_screen(app, phone, seeded):
    manager = _swedish_phone(phone)
    _log_in(manager, "manager")
    manager.goto("/findings")
    fold = manager.locator("#filter-fold")
    manager.locator("#filter-fold > summary").click()
    manager.select_option("#status", value="open")
    manager.wait_for_url(lambda url: "status=open" in url)
    # A change refreshes the results and leaves the form open for the next filter.
    assert fold.evaluate("el => el.open")
    manager.locator("#finding-filters").get_by_role("button", name="Filtrera").click()
    manager.wait_for_function("() => !document.getElementById('filter-fold').open")
    count = manager.locator(".result-count")
    box = count.bounding_box()
    assert count.is_visible() and 0 <= box["y"] <= manager.viewport_size["height"] - box["height"]
    assert "iakttagelser" in count.inner_text()


def test_the_pages_work_without_javascript(app, phone, seeded):
    """No script: the selection bar stays hidden and the plain bulk form does the work."""
    page = phone(locale="sv-SE", java_script_enabled=False, service_workers="block")
    _log_in(page, "manager")
    page.goto("/findings")
    assert not page.locator("#selection-bar").is_visible()
    assert page.locator("#bulk-actions").is_visible()
    page.locator(".phone-menu > summary").click()
    assert page.locator(".menu-panel").get_by_role("link", name="Att verifiera").is_visible()


def test_manager_triages_on_a_phone_and_verifies_the_fix(app, phone, seeded):
    with app.app_context():
        fixer_id = db.session.scalar(select(User.id).where(User.role == Role.FIXER))
        fittja = db.session.scalar(select(District.id).where(District.name == "Fittja"))
        db.session.remove()

    manager = _swedish_phone(phone)
    _log_in(manager, "manager")
    manager.goto("/findings?status=new")
    # The filters are folded: one line, and a button that opens them.
    assert not manager.locator("#finding-filters").is_visible()
    manager.locator("#filter-fold > summary").click()
    manager.select_option("#district", value=str(fittja))
    manager.wait_for_function(
        "() => document.querySelector('#filter-summary').textContent.includes('Fittja')")
    manager.wait_for_url(lambda url: f"district={fittja}" in url)
    manager.locator("#filter-fold > summary").click()

    cards = manager.locator("tr.finding-card")
    assert cards.count() >= 2
    assert cards.first.evaluate("el => getComputedStyle(el).display") == "grid"
    chosen = [int(cards.nth(i).get_attribute("id").removeprefix("row-")) for i in (0, 1)]
    bar = manager.locator("#selection-bar")
    assert not bar.is_visible()
    cards.nth(0).locator(".select-label").click()
    cards.nth(1).locator(".select-label").click()
    assert bar.is_visible() and "2 markerade" in bar.inner_text()
    assert manager.evaluate("document.documentElement.scrollWidth") <= WIDTH

    bar.get_by_role("link", name="Tilldela").click()
    manager.select_option("#bulk-assignee", value=str(fixer_id))
    manager.fill("#bulk-due", "2030-06-30")
    assert manager.evaluate("document.documentElement.scrollWidth") <= WIDTH
    manager.get_by_role("button", name="Tilldela markerade").click()
    manager.wait_for_load_state("load")
    assert "2 iakttagelser tilldelade." in manager.locator(".flashes").inner_text()

    with app.app_context():
        rows = db.session.scalars(select(Finding).where(Finding.id.in_(chosen))).all()
        assert {(f.assignee_id, f.due_date.isoformat()) for f in rows} == {
            (fixer_id, "2030-06-30")}
        # The demo has other tasks for the fixer: leave only these two assigned to them.
        for other in db.session.scalars(select(Finding).where(
                Finding.assignee_id == fixer_id, Finding.id.not_in(chosen))):
            other.assignee_id = None
        db.session.commit()
        db.session.remove()

    fixer = _swedish_phone(phone)
    _log_in(fixer, "fixer")
    fixer.goto("/tasks")
    tasks = fixer.locator("li.task.card")
    assert sorted(int(t.get_attribute("id").removeprefix("task-"))
                  for t in tasks.all()) == sorted(chosen)
    assert fixer.evaluate("document.documentElement.scrollWidth") <= WIDTH

    fixed = chosen[1]
    fixer.goto(f"/findings/{fixed}")
    fixer.fill("#fix-note", "Ny lampa")
    fixer.set_input_files("#fix-photo", files=[{
        "name": "efter.jpg", "mimeType": "image/jpeg",
        "buffer": demo.demo_image(7, "efter")}])
    fixer.locator("#fix button[type=submit]").click()
    fixer.wait_for_url(lambda url: url.endswith("/tasks"))

    # The fix just made is the first card (the demo's other fixes are older).
    manager.goto("/inbox/verify")
    first = manager.locator("li.inbox-card").first
    assert first.get_attribute("id") == f"inbox-{fixed}"
    assert first.locator(".photo-before img").is_visible()
    assert first.locator(".photo-after img").is_visible()
    for img in (first.locator(".photo-before img"), first.locator(".photo-after img")):
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")
    assert manager.evaluate("document.documentElement.scrollWidth") <= WIDTH
    first.get_by_role("button", name="Verifiera").click()
    manager.wait_for_url(lambda url: url.endswith("/inbox/verify"))
    assert manager.locator(f"#inbox-{fixed}").count() == 0
    with app.app_context():
        assert db.session.get(Finding, fixed).status == FindingStatus.VERIFIED
        db.session.remove()
