"""Every page on a phone (390×844, Swedish), as the role that uses it: nothing scrolls sideways
(neither the page nor any box inside it: tables become cards or stacked rows) and every link
or button a user taps is at least 44 px tall.

Issue 21 point 5: /reports "Områden jämförda" was 1,404 px wide in a 356 px box, the survey
table 1,611 px, the district analysis four tables of 467–877 px; card titles were 20–24 px
tall, district links 18 px, back links 20 px. `LAYOUT_PAGES` is the list to extend when a
branch adds a page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import User, Walk, WalkStatus
from tests.browser.conftest import shot
from tests.browser.test_phone_manager import PHONE_PAGES, _log_in, _seed

WIDTH = 390
TAP = 44

# (role, path or a function of the seeded ids → path), on top of test_phone_manager's pages.
LAYOUT_PAGES: list[tuple[str, object]] = PHONE_PAGES + [
    ("manager", "/reports?period=all"),
    ("manager", "/programme?year=2025"),
    ("manager", lambda s: f"/programme/districts/{s.district}?year=2025"),
    ("manager", "/walks/new"),
    ("manager", "walker-walk/edit"),
    ("manager", lambda s: f"/findings/{s.finding}/edit"),
    ("manager", "/measures"),
    ("admin", "/admin/categories/new"),
    ("admin", "/admin/priorities/new"),
    ("admin", lambda s: f"/programme/districts/{s.district}"),
    ("walker", "/"),
    ("walker", "/walks/mine"),
    ("walker", "walker-walk"),
    ("walker", "walker-walk/findings/new"),
    ("walker", "/settings"),
]

# Every box that may scroll: its content wider than the box is a table (or a menu) that
# scrolls sideways under the user's thumb.
_SIDEWAYS_BOXES = """() => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const inner = el.querySelector('table[id]');
      const what = inner ? inner.id : el.getAttribute('aria-label')
        || (el.getAttribute('aria-labelledby')
            && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent.trim());
      out.push(`${name(el)}${what ? ' (' + what + ')' : ''}: `
               + `${el.scrollWidth} px in a ${el.clientWidth} px box`);
    }
  }
  return out;
}"""

# Links and buttons a user taps, under 44 px tall. A link inside a sentence is sized by its
# line (WCAG 2.5.8 exempts it); one that stands alone — a card title, a district in a table,
# a back link, a menu item — is a target of its own.
_SMALL_TARGETS = """(tap) => {
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  const inSentence = (el) => {
    if (!getComputedStyle(el).display.startsWith('inline')
        || getComputedStyle(el).display === 'inline-flex'
        || getComputedStyle(el).display === 'inline-block') return false;
    const block = blockOf(el);
    if (!block) return false;
    let other = '';
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child === el) continue;
        if (child.nodeType === Node.TEXT_NODE) other += child.textContent;
        else if (child.nodeType === Node.ELEMENT_NODE && child.tagName !== 'A') walk(child);
      }
    };
    walk(block);
    return other.replace(/[\\s()\\[\\]·,.:;–—-]/g, '').length >= 12;
  };
  const out = [], seen = new Map();
  for (const el of document.querySelectorAll('a[href], button, summary')) {
    if (el.closest('.leaflet-container, .skip-link, [hidden]')) continue;
    // Out of sight: inside a box clipped to a pixel (the header row of a table shown as cards).
    let clipped = false;
    for (let up = el.parentElement; up && !clipped; up = up.parentElement) {
      const r = up.getBoundingClientRect();
      clipped = getComputedStyle(up).overflow === 'hidden' && (r.width <= 1 || r.height <= 1);
    }
    if (clipped) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'absolute' && box.width <= 1) continue;
    if (box.height >= tap - 0.5 || inSentence(el)) continue;
    const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    const where = [el.parentElement, el].map(n => n.tagName.toLowerCase()
      + (n.classList.length ? '.' + [...n.classList].join('.') : '')).join(' > ');
    const key = `${where} ${box.height.toFixed(0)} px tall`;
    if (!seen.has(key)) { seen.set(key, 0); out.push([key, text.slice(0, 40)]); }
    seen.set(key, seen.get(key) + 1);
  }
  return out.map(([key, text]) => `${key}: "${text}"`
    + (seen.get(key) > 1 ? ` and ${seen.get(key) - 1} more` : ''));
}"""


def _open_everything(page) -> None:
    """Folded parts (the numbers under each chart, "more filters") measured open too."""
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")


def _problems_on(page, label: str) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{label}: the page is {width} px wide")
    problems += [f"{label}: {p}" for p in page.evaluate(_SIDEWAYS_BOXES)]
    problems += [f"{label}: {p}" for p in page.evaluate(_SMALL_TARGETS, TAP)]
    return problems


def _walker_walk(app) -> int:
    """The demo walker's planned walk, started: the walker's own pages (capture among them)."""
    with app.app_context():
        walker = db.session.scalar(select(User.id).where(User.email == "walker@example.org"))
        walk = db.session.scalar(select(Walk).where(
            Walk.leader_id == walker, Walk.status == WalkStatus.PLANNED).order_by(Walk.id))
        walk.status = WalkStatus.IN_PROGRESS
        walk.started_at = datetime.now(UTC)
        db.session.commit()
        walk_id = walk.id
        db.session.remove()
    return walk_id


def test_no_box_scrolls_sideways_and_every_target_is_44_px_on_a_phone(app, phone, axe):
    seeded = _seed(app)
    walker_walk = _walker_walk(app)
    pages = {}
    problems: list[str] = []
    for number, (role, path) in enumerate(LAYOUT_PAGES):
        url = path(seeded) if callable(path) else path
        url = url.replace("walker-walk", f"/walks/{walker_walk}", 1)
        if role not in pages:
            pages[role] = phone(locale="sv-SE", service_workers="block")
            _log_in(pages[role], role)
        page = pages[role]
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{role} {url}: HTTP {response.status}")
            continue
        page.wait_for_load_state("load")
        _open_everything(page)
        problems += _problems_on(page, f"{role} {url}")
        if number >= len(PHONE_PAGES):  # test_phone_manager runs axe on its own pages
            problems += [f"{role} {url}: {v}" for v in axe(page)]
        shot(page, f"{role}{url}".replace("/", "_").replace("?", "_").replace("&", "_"),
             full_page=True)
    assert not problems, "\n".join(problems)
