"""Capture on the phone (issue 8), as a new walker tries it in Chromium at 390×844 in Swedish:
four taps to a saved finding, nothing lost on a refused save, findings waiting offline in the
walk's list, the camera's position and time kept, a refused photo that keeps its finding,
accessibility and 44 px targets, no console errors."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import select

from app.extensions import db
from app.models import Finding
from app.storage import get_storage
from tests.browser.conftest import expect_chooser, log_in
from tests.browser.test_offline_capture import (
    METRE_LAT,
    counts,
    wait_for_worker,
    wait_until,
    write_jpeg,
)
from tests.conftest import SHARED_PHOTOS

TAP = 44


@pytest.fixture(autouse=True)
def no_tile_server(app):
    """This machine has no internet: the maps run without a background, as offline."""
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    yield
    app.config["MAP_TILE_URL"] = before


@pytest.fixture
def setup_walk(make):
    district = make.district("Fittja")
    home = make.building(district, lat=59.2472, lon=17.8610, address="Krögarvägen 3")
    make.building(district, lat=59.2472 + 150 * METRE_LAT, lon=17.8610, address="Forvägen 9")
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker, title="Kvällsvandring Fittja")
    return {"walker": walker, "walk": walk, "building": home, "category": make.category_id()}


class Taps:
    """Every tap the walker makes goes through here: counted, and each target checked to be
    at least 44×44 px and not covered by anything else where the finger lands."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def __call__(self, locator):
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box and box["width"] >= TAP and box["height"] >= TAP, f"small target: {box}"
        assert_not_covered(locator)
        self.count += 1
        locator.tap()


def assert_not_covered(locator):
    covered = locator.evaluate(
        """el => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          const ok = hit && (el === hit || el.contains(hit) || (el.control && el.control === hit));
          return ok ? null : (hit ? hit.outerHTML.slice(0, 120) : 'nothing');
        }"""
    )
    assert covered is None, f"covered by {covered}"


def in_viewport(locator) -> bool:
    return locator.evaluate(
        """el => { const r = el.getBoundingClientRect();
                   return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
    )


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def small_targets(page, scope="main") -> list[str]:
    """Visible controls a walker taps that are under 44 px in either direction."""
    return page.evaluate(
        """(scope) => {
          const root = document.querySelector(scope) || document;
          const seen = [];
          const targets = 'a[href], button, summary, label.btn, fieldset.chips label, select, ' +
            'textarea, input:not([type=hidden]):not(.photo-input):not([type=radio])' +
            ':not([type=checkbox])';
          root.querySelectorAll(targets).forEach(el => {
            const r = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (!r.width || !r.height || style.visibility === 'hidden') return;
            if (el.closest('[hidden]') || el.closest('.skip-link')) return;
            if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return;
            const name = (el.textContent || el.name || '').trim().slice(0, 30);
            const size = `${Math.round(r.width)}×${Math.round(r.height)}`;
            const tag = el.tagName.toLowerCase();
            if (r.width < 44 || r.height < 44) seen.push(`${tag} "${name}" ${size}`);
          });
          return seen;
        }""",
        scope,
    )


def choose_photo(page, taps, path, label=".photo-take"):
    with expect_chooser(page) as chooser:
        taps(page.locator(f"form.finding-form {label}"))
    chooser.value.set_files(str(path))


def orientation6_gps_jpeg(path: Path) -> Path:
    """A 12 MP phone photo held upright: stored 4032×3024 with Orientation 6, GPS and time."""
    image = Image.new("RGB", (4032, 3024), (40, 90, 160))
    for x in range(0, 4032, 64):
        image.paste((250, 250, 250), (x, 0, x + 16, 3024))
    image.paste((220, 30, 30), (0, 0, 400, 400))  # top-left as stored: top-right when upright
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({
        1: "N", 2: (IFDRational(59), IFDRational(14), IFDRational(531, 10)),
        3: "E", 4: (IFDRational(17), IFDRational(51), IFDRational(402, 10)),
        16: "T", 17: IFDRational(2715, 10),
    })
    exif.get_ifd(0x8769)[0x9003] = "2026:11:30 17:05:12"
    image.save(path, "JPEG", quality=92, exif=exif)
    return path


def test_walk_page_to_saved_finding_in_four_taps_with_the_confirmation_on_screen(
    phone, app, setup_walk, tmp_path
):
    walk = setup_walk["walk"]
    page = phone(latitude=59.2472 + 10 * METRE_LAT, longitude=17.8610, locale="sv-SE",
                 service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)

    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))                 # 1
    page.locator("form.finding-form .photo-take").wait_for()
    choose_photo(page, taps, write_jpeg(tmp_path / "lampa.jpg"))                        # 2
    page.locator(".photo-tray img").wait_for()
    assert "1 foto" in page.locator(".save-button").inner_text()
    # The category tiles are on the first screen with the photo buttons.
    tile = page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])")
    assert in_viewport(tile)
    taps(tile)                                                                          # 3
    taps(page.locator(".save-button"))                                                  # 4
    assert taps.count <= 4

    toast = page.locator(".save-toast")
    page.wait_for_function(
        "() => document.querySelector('.save-toast').textContent.startsWith('Sparad — #')")
    assert in_viewport(toast)
    page.locator("#findings li img.thumb").wait_for()
    assert page.locator("#finding-count").inner_text() == "1"
    with app.app_context():
        finding = db.session.scalar(select(Finding))
        assert f"#{finding.id}" in toast.inner_text()
        assert finding.category_id == setup_walk["category"]
        assert len(finding.photos) == 1
        assert finding.position_source.value == "device"
        db.session.remove()
    # Ready for the next one: focus at the start of capture, the tray empty.
    assert page.evaluate("document.activeElement.id") == "capture-h"
    assert page.locator(".photo-tray img").count() == 0
    page.locator("#all-sent").wait_for()
    assert errors == []


def test_save_without_a_category_keeps_the_photo_and_the_text_and_focuses_the_error(
    phone, app, setup_walk, tmp_path
):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))
    choose_photo(page, taps, write_jpeg(tmp_path / "a.jpg"))
    page.locator("textarea[name=description]").fill("Mörk port vid nummer 3")
    taps(page.locator(".save-button"))

    fieldset = page.locator("#category-choices")
    error = fieldset.locator(".error")
    error.wait_for()
    assert error.inner_text().strip().endswith("Välj en kategori.")
    assert in_viewport(error)
    assert page.evaluate("document.activeElement.name") == "category_id"
    alert = page.locator("form.finding-form [role=alert]").inner_text()
    assert alert.strip() == "Välj en kategori."
    assert page.locator(".photo-tray img").count() == 1
    assert page.locator("textarea[name=description]").input_value() == "Mörk port vid nummer 3"
    assert counts(app, walk) == (0, 0)

    # Choosing the category and saving again sends the same photo.
    taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
    assert fieldset.locator(".error").count() == 0
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the finding with its photo")
    assert errors == []


def test_offline_two_findings_wait_in_the_walk_list_and_are_sent_once(
    phone, app, setup_walk, tmp_path
):
    walk = setup_walk["walk"]
    page = phone(latitude=59.2472 + 10 * METRE_LAT, longitude=17.8610, locale="sv-SE")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    wait_for_worker(page, walk)
    taps = Taps(page)

    page.context.set_offline(True)
    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))
    for number, (name, text) in enumerate([("a.jpg", "Källardörren står öppen"),
                                           ("b.jpg", "Lampa trasig i garaget")], start=1):
        choose_photo(page, taps, write_jpeg(tmp_path / name, color=(30 * number, 90, 160)))
        page.locator("textarea[name=description]").fill(text)
        taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
        taps(page.locator(".save-button"))
        page.wait_for_function(
            f"() => document.querySelectorAll('#queued-findings li').length === {number}")
        # The waiting badge is in the header: the Save control stays free.
        assert_not_covered(page.locator(".save-button"))
        assert "skickas när" in page.locator(".save-toast").inner_text()

    queued = page.locator("#queued-findings li")
    assert queued.count() == 2
    for i in range(2):
        assert queued.nth(i).locator("img.queued-thumb").count() == 1
        assert queued.nth(i).locator(".badge").inner_text() == "Väntar"
        assert page.evaluate(
            "(i) => document.querySelectorAll('#queued-findings img.queued-thumb')[i].naturalWidth",
            i,
        ) > 0
    assert "2 väntar" in page.locator("#findings-h").inner_text()
    assert page.locator("#all-sent").is_hidden()
    assert counts(app, walk) == (0, 0)

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, lambda: counts(app, walk) == (2, 2), message="both findings with photos")
    page.locator("#all-sent").wait_for()
    assert page.locator("#all-sent").inner_text() == "Allt skickat ✓"
    assert page.locator("#queued-findings li").count() == 0
    page.wait_for_function("() => document.querySelectorAll('#findings > li').length === 2")
    page.evaluate("TryggOutbox.sendAll()")
    assert counts(app, walk) == (2, 2)
    assert errors == []


def test_camera_position_and_time_survive_the_downscale(phone, app, setup_walk, tmp_path):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    page.context.clear_permissions()  # no browser location: denied
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))
    photo = orientation6_gps_jpeg(tmp_path / "IMG_4032.jpg")
    # Over 2,048 px: the phone redraws it on a canvas, and that copy carries no EXIF at all.
    with Image.open(photo) as original:
        assert original.size == (4032, 3024)
    choose_photo(page, taps, photo, label=".photo-pick")
    taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the finding with its photo")

    with app.app_context():
        finding = db.session.scalar(select(Finding))
        assert finding.latitude == pytest.approx(59 + 14 / 60 + 53.1 / 3600, abs=1e-6)
        assert finding.longitude == pytest.approx(17 + 51 / 60 + 40.2 / 3600, abs=1e-6)
        assert finding.position_source.value == "photo"
        [stored] = finding.photos
        assert stored.taken_at == datetime(2026, 11, 30, 16, 5, 12, tzinfo=UTC)  # 17:05 CET
        assert stored.gps_direction == pytest.approx(271.5)
        data = get_storage().read(stored.storage_key)
        finding_id = finding.id
        db.session.remove()
    with Image.open(io.BytesIO(data)) as served:
        assert served.height > served.width  # upright
        assert not served.getexif() and "exif" not in served.info and "xmp" not in served.info
        # The red corner, top-left as stored sideways, is top-right when upright.
        assert served.getpixel((served.width - 5, 5))[0] > 150
    assert errors == []
    page.goto(f"/findings/{finding_id}")  # (its map asks for tiles this machine cannot reach)
    assert "position från fotot" in page.locator("main").inner_text()


@pytest.mark.skipif(
    not (SHARED_PHOTOS / "exif_gps.jpg").exists(), reason="shared test photos absent"
)
def test_a_photo_with_garbage_gps_is_kept_without_a_position(phone, app, setup_walk):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    page.context.clear_permissions()
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    taps(page.locator("#finding-form-slot a[href$='/findings/new']"))
    choose_photo(page, taps, SHARED_PHOTOS / "exif_gps.jpg", label=".photo-pick")
    taps(page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])"))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the finding with its photo")
    with app.app_context():
        finding = db.session.scalar(select(Finding))
        assert finding.latitude is None and finding.position_source is None
        db.session.remove()


def test_walk_page_and_capture_screen_pass_axe_and_have_44px_targets(
    phone, app, setup_walk, make, axe
):
    walk = setup_walk["walk"]
    make.finding(walk, setup_walk["walker"], description="Trasig lampa")
    page = phone(locale="sv-SE", service_workers="block")
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    page.locator("details.card > summary").wait_for()
    assert axe(page) == []
    assert small_targets(page) == []
    page.locator("#finding-form-slot a[href$='/findings/new']").click()
    page.locator("#capture-h").wait_for()
    page.wait_for_timeout(300)
    assert axe(page) == []
    assert small_targets(page) == []
    page.locator("details.where > summary").click()
    assert small_targets(page, "form.finding-form") == []
    # A finding's own page: the map-app link is big enough too.
    with app.app_context():
        finding_id = db.session.scalar(select(Finding.id))
        db.session.remove()
    page.goto(f"/findings/{finding_id}")
    link = page.locator("a[href^='geo:']")
    if link.count():
        box = link.bounding_box()
        assert box["height"] >= TAP


def test_offline_duplicate_check_stays_silent(phone, app, setup_walk):
    walk = setup_walk["walk"]
    page = phone(locale="sv-SE", service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    page.locator("#finding-form-slot a[href$='/findings/new']").click()
    page.locator("#capture-h").wait_for()
    page.locator("#near-buildings .building-choice").first.wait_for(state="attached")
    page.context.set_offline(True)  # the signal goes while the capture screen is open
    page.locator(f"label:has(input[name=category_id][value='{setup_walk['category']}'])").click()
    page.wait_for_function(
        "() => document.querySelector('#possible-duplicates').textContent.includes('kontrolleras')")
    assert re.search(r"Ingen uppkoppling", page.locator("#possible-duplicates").inner_text())
    assert errors == []


def test_walk_map_shows_buildings_this_walks_findings_open_ones_and_the_walker(
    phone, app, setup_walk, make
):
    walk = setup_walk["walk"]
    walker = setup_walk["walker"]
    with app.app_context():
        from app.models import Walk as WalkModel
        district_id = db.session.get(WalkModel, walk).district_id
        db.session.remove()
    earlier = make.walk(district_id, status="completed", leader_id=walker)
    make.finding(earlier, walker, building_id=setup_walk["building"], latitude=59.2472,
                 longitude=17.8610)
    make.finding(walk, walker, latitude=59.24725, longitude=17.86105)
    page = phone(latitude=59.2473, longitude=17.8611, locale="sv-SE", service_workers="block")
    errors = console_errors(page)
    log_in(page, app, walker)
    page.goto(f"/walks/{walk}")
    # The district's buildings (one with an earlier walk's open finding) as the map's own
    # markers; this walk's findings as its live layer (static/js/live.js, redrawn as the
    # walk's list changes).
    page.wait_for_function("() => document.getElementById('walk-map').dataset.markers === '2'")
    page.wait_for_function(
        "() => document.getElementById('walk-map').dataset.liveMarkers === '1'")
    page.wait_for_function("() => document.getElementById('walk-map').dataset.walker === '1'")
    points = page.evaluate("JSON.parse(document.getElementById('walk-map-data').textContent)")
    live = page.evaluate(
        "JSON.parse(document.querySelector('#live-findings .live-points').textContent)")
    assert sorted(p["status"] for p in points + live) == ["building", "new", "open_elsewhere"]
    zoom = page.locator("#walk-map .leaflet-control-zoom-in")
    box = zoom.bounding_box()
    assert box["width"] >= TAP and box["height"] >= TAP
    assert errors == []


def test_the_photo_buttons_and_categories_show_drawn_pictograms(phone, app, setup_walk):
    """Not emoji: Debian's Chromium and phones without an emoji font showed empty boxes."""
    page = phone(locale="sv-SE")
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{setup_walk['walk']}/findings/new")
    drawn = page.evaluate("""() => [...document.querySelectorAll(
        '#photo-field label svg.pict, #category-choices .icon svg.pict')]
        .map(svg => [svg.getBoundingClientRect().width,
                     svg.querySelector('use').getBBox().width])""")
    assert len(drawn) == 2 + 10
    assert all(width >= 20 and symbol > 8 for width, symbol in drawn), drawn
    text = page.locator("#photo-field .photo-buttons").inner_text()
    assert not re.search("[\U0001f000-\U0001faff]", text + page.locator(
        "#category-choices").inner_text())
