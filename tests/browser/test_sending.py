"""Sending behind the capture form (issue 21, points 3 and 4), in Chromium at 390×844 in
Swedish: "Spara" never waits for the network; a stalled upload is given up and sent again
later, exactly once; a busy server's Retry-After is honoured; progress shows on the capture
screen and in the walk's list; a finding with a refused photo is listed once, says so, and
shows the phone's thumbnail (offline too, once sent)."""

from __future__ import annotations

import json
import re

from tests.browser.conftest import log_in
from tests.browser.test_capture import (  # noqa: F401 - no_tile_server: autouse fixture
    Taps,
    choose_photo,
    console_errors,
    no_tile_server,
)
from tests.browser.test_offline_capture import (
    counts,
    open_form,
    setup_walk,  # noqa: F401 - the fixture
    wait_for_worker,
    wait_until,
    write_jpeg,
)

PHOTO_UPLOADS = re.compile(r"/api/v1/findings/\d+/photos$")
FINDING_POSTS = re.compile(r"/api/v1/walks/\d+/findings$")

# Seconds, not minutes: a stall is given up after 1.5 s, a failed try waits 0.3–1 s.
QUICK = """() => Object.assign(TryggOutbox.config,
  {timeoutMs: 4000, stallMs: 1500, backoffMinMs: 300, backoffMaxMs: 1000})"""


def usable(page) -> bool:
    """The capture form is the walker's again: Save enabled, the last finding cleared."""
    return page.evaluate("""() => {
      const form = document.querySelector('form[data-outbox-walk]');
      return !form.querySelector('button[type=submit]').disabled &&
        !form.querySelector('input[name=category_id]:checked') &&
        !document.querySelector('.photo-tray img');
    }""")


def test_next_finding_saves_at_once_on_a_stalled_link_and_the_first_arrives_once(
    phone, app, setup_walk, tmp_path, axe  # noqa: F811
):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    stalled = {"on": True, "uploads": 0}
    held = []

    def stall(route):
        # The server gets the photo and stores it; its answer never comes back.
        stalled["uploads"] += 1
        if stalled["on"]:
            route.fetch()
            held.append(route)
        else:
            route.continue_()

    page.route(PHOTO_UPLOADS, stall)
    page.goto(f"/walks/{walk}")
    page.evaluate(QUICK)
    taps = Taps(page)
    open_form(page, walk)
    category = f"label:has(input[name=category_id][value='{setup_walk['category']}'])"

    choose_photo(page, taps, write_jpeg(tmp_path / "port.jpg", size=(1200, 900)))
    page.locator("textarea[name=description]").fill("Porten står öppen")
    taps(page.locator(category))
    taps(page.locator(".save-button"))
    # Saved on the phone: the form is free while the upload hangs.
    wait_until(page, lambda: usable(page), message="the form usable again")
    wait_until(page, lambda: stalled["uploads"] >= 1, message="the upload to start")
    assert "Sparad i telefonen" in page.locator(".save-toast").inner_text()

    # The next finding, while the first one's photo gets no answer.
    page.locator("textarea[name=description]").fill("Lampan vid cykelstället är trasig")
    taps(page.locator(category))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: usable(page), message="the form usable after the second save")
    wait_until(page, lambda: counts(app, walk) == (2, 1), message="both findings, the photo")

    # The walker sees it is still on its way: a line under Save, a bar in the walk's row.
    line = page.locator(".save-bar .send-line")
    line.wait_for()
    assert re.search(r"Skickar|nytt försök om \d+ s", line.inner_text())
    page.wait_for_function(
        "() => document.querySelectorAll('#findings progress[data-photo]').length === 1")
    page.wait_for_function("() => document.querySelectorAll('#findings > li').length === 2")
    assert "1 väntar" not in page.locator("#findings-h").inner_text()  # listed once
    assert axe(page) == []

    # The link comes back: the photo is sent again (its answer was lost) and stored once.
    stalled["on"] = False
    page.locator("#outbox-badge").wait_for(state="hidden", timeout=20_000)
    assert stalled["uploads"] >= 2
    assert counts(app, walk) == (2, 1)
    page.evaluate("TryggOutbox.sendAll(true)")
    page.wait_for_timeout(500)
    assert counts(app, walk) == (2, 1)
    assert page.evaluate("TryggOutbox.items().then(items => items.length)") == 0
    assert line.is_hidden()
    page.unroute_all(behavior="ignoreErrors")
    assert [e for e in errors if "Failed to load resource" not in e] == []


def test_a_busy_server_is_asked_again_after_its_retry_after(
    phone, app, setup_walk, tmp_path  # noqa: F811
):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    log_in(page, app, setup_walk["walker"])
    tries = []

    def busy_once(route):
        tries.append(page.evaluate("Date.now()"))
        if len(tries) == 1:
            route.fulfill(status=503, headers={"Retry-After": "2"}, content_type="application/json",
                          body=json.dumps({"code": "busy", "message": "Upptagen", "field": None}))
        else:
            route.continue_()

    page.route(FINDING_POSTS, busy_once)
    page.goto(f"/walks/{walk}")
    page.evaluate(QUICK)  # back-off alone would try again after 0.3–1 s
    open_form(page, walk)
    page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])").click()
    page.locator(".save-button").click()
    page.wait_for_function(
        "() => /nytt försök om [12] s/.test("
        "document.querySelector('.save-bar .send-line').textContent)")
    wait_until(page, lambda: counts(app, walk) == (1, 0), message="the finding after the wait")
    assert len(tries) == 2
    assert tries[1] - tries[0] >= 1900


def test_a_partly_refused_finding_is_listed_once_with_what_to_do(
    phone, app, make, setup_walk, tmp_path, axe  # noqa: F811
):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))
    bad = tmp_path / "lampa.jpg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')
    # The refused photo first: the phone's thumbnail comes from the one it can show.
    choose_photo(page, taps, bad, label=".photo-pick")
    choose_photo(page, taps, write_jpeg(tmp_path / "bra.jpg", size=(800, 600)))
    taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
    taps(page.locator(".save-button"))

    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the finding and the good photo")
    row = page.locator("#findings > li")
    row.locator(".queued-extra .queued-problem").wait_for()
    assert row.count() == 1
    assert page.locator("#queued-findings li").count() == 0
    assert page.locator("#findings-h").inner_text() == "Iakttagelser (1)"
    assert row.locator(".badge.queued-failed").inner_text() == "1 foto nekat"
    assert page.locator("#outbox-badge .outbox-count").inner_text() == "1 foto nekat"
    problem = row.locator(".queued-problem").inner_text()
    assert "Iakttagelsen sparad — foto 1 kunde inte tas emot:" in problem and "lampa.jpg" in problem
    for name in ("Försök igen", "Byt foto", "Ta bort fotot ur iakttagelsen"):
        assert row.get_by_text(name, exact=True).count() == 1, name
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    broken = page.evaluate("""() => [...document.querySelectorAll('main img')]
      .filter(i => i.getClientRects().length && !i.naturalWidth).map(i => i.outerHTML)""")
    assert broken == []
    assert axe(page) == []

    # Another phone on the walk sends a finding: the live list (polled every 4 s) is
    # replaced, and the refused photo's notice stays on its finding's new row.
    make.finding(walk, setup_walk["walker"], description="Trasig lampa")
    page.locator("#findings > li").nth(1).wait_for(timeout=15_000)
    row = page.locator("#findings > li", has=page.locator(".queued-extra"))
    assert row.locator(".badge.queued-failed").inner_text() == "1 foto nekat"
    assert row.get_by_text("Ta bort fotot ur iakttagelsen", exact=True).count() == 1

    taps(row.locator("[data-action=drop-photo]"))
    page.locator("#all-sent").wait_for()
    assert page.locator("#findings .queued-extra").count() == 0
    assert page.locator("#outbox-badge").is_hidden()
    assert counts(app, walk) == (2, 1)
    assert [e for e in errors if "422" not in e] == []  # the refused photo's answer


def test_the_toast_names_the_finding_once_with_one_tick(phone, app, setup_walk):  # noqa: F811
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    open_form(page, walk)
    page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])").click()
    page.locator(".save-button").click()
    page.wait_for_function(
        "() => document.querySelector('.save-toast').textContent.startsWith('Sparad — #')")
    shown = page.evaluate("""() => {
      const toast = document.querySelector('.save-toast');
      return getComputedStyle(toast, '::before').content + toast.textContent;
    }""")
    assert shown.count("✓") == 1, shown


def test_a_sent_findings_thumbnail_shows_offline(phone, app, setup_walk, tmp_path):  # noqa: F811
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE")
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    wait_for_worker(page, walk)
    taps = Taps(page)
    open_form(page, walk)
    choose_photo(page, taps, write_jpeg(tmp_path / "mur.jpg", size=(1200, 900)))
    taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the finding with its photo")
    page.locator("#outbox-badge").wait_for(state="hidden")

    page.reload()  # the walker opens the walk again while online: the page is kept with it
    page.locator("#findings img.thumb").wait_for()
    page.context.set_offline(True)
    page.reload()
    thumb = page.locator("#findings img.thumb")
    thumb.wait_for()
    page.wait_for_function("() => document.querySelector('#findings img.thumb').complete")
    kind = page.evaluate("""async () => {
      const img = document.querySelector('#findings img.thumb');
      const response = await fetch(img.src);
      return [img.naturalWidth, response.headers.get('Content-Type')];
    }""")
    assert kind[0] > 0 and kind[1] == "image/jpeg", kind
