"""A photo taken far from the walk (issue 21, point 8), in Chromium at 390×844 in Swedish: the
place line warns when the position from the photo is more than 500 m outside the district,
and the walker chooses where the finding goes. No "EXIF" on the walker's screens."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from sqlalchemy import select

from app.extensions import db
from app.models import Finding
from tests.browser.conftest import log_in
from tests.browser.test_capture import (  # noqa: F401 - no_tile_server: autouse fixture
    Taps,
    choose_photo,
    console_errors,
    no_tile_server,
    small_targets,
)
from tests.browser.test_offline_capture import (
    METRE_LAT,
    counts,
    open_form,
    setup_walk,  # noqa: F401 - the fixture
    wait_until,
)

HOME = (59.2472, 17.8610)  # the district's first building; the second is 150 m north
AWAY = HOME[0] + 2950 * METRE_LAT  # 2.8 km north of the district's northern building


def dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return (IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100))


def gps_jpeg(path: Path, lat: float, lon: float) -> Path:
    image = Image.new("RGB", (1200, 900), (60, 110, 90))
    for x in range(0, 1200, 40):
        image.paste((240, 240, 240), (x, 0, x + 8, 900))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    image.save(path, "JPEG", quality=90, exif=exif)
    return path


def saved_finding(app, walk):
    with app.app_context():
        finding = db.session.scalars(
            select(Finding).where(Finding.walk_id == walk).order_by(Finding.id.desc())).first()
        result = (finding.latitude, finding.longitude,
                  finding.position_source.value if finding.position_source else None)
        db.session.remove()
    return result


def test_a_photo_far_outside_the_district_is_questioned_and_the_walker_decides(
    phone, app, setup_walk, tmp_path, axe  # noqa: F811
):
    walk = setup_walk["walk"]
    # A poor fix (150 m): the server would take the photo's position over it unless told.
    page = phone(latitude=HOME[0], longitude=HOME[1], accuracy=150, locale="sv-SE",
                 service_workers="block")
    errors = console_errors(page)
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    open_form(page, walk)
    page.wait_for_function("() => document.querySelector('[name=latitude]').value !== ''")
    category = f"label:has(input[name=category_id][value='{setup_walk['category']}'])"
    photo = gps_jpeg(tmp_path / "gammal.jpg", AWAY, HOME[1])

    # 1. The walker keeps their own position: the photo's is not sent.
    choose_photo(page, taps, photo, label=".photo-pick")
    note = page.locator("form.finding-form .photo-position")
    note.wait_for()
    assert note.locator(".photo-position-text").inner_text() == (
        "Positionen från fotot ligger 2,8 km utanför området.")
    assert page.locator("details.where").get_attribute("open") is not None
    for name in ("Använd min position", "Använd positionen från fotot", "Välj byggnaden i listan"):
        assert note.get_by_role("button", name=name).count() == 1, name
    assert axe(page) == []
    assert small_targets(page, "form.finding-form .photo-position") == []
    assert "EXIF" not in page.locator("main").inner_text()
    taps(note.get_by_role("button", name="Använd min position"))
    assert note.is_hidden()
    taps(page.locator(category))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (1, 1), message="the first finding")
    lat, lon, source = saved_finding(app, walk)
    assert source == "device" and abs(lat - HOME[0]) < 0.0005

    # 2. The next finding goes where its photo was taken; the place line says so.
    choose_photo(page, taps, photo, label=".photo-pick")
    note.locator(".photo-position-choices").wait_for()
    taps(note.get_by_role("button", name="Använd positionen från fotot"))
    page.wait_for_function(
        "() => document.querySelector('.where-text').textContent.includes('position från fotot')")
    assert note.inner_text() == "Iakttagelsen placeras där fotot togs."
    taps(page.locator(category))
    taps(page.locator(".save-button"))
    wait_until(page, lambda: counts(app, walk) == (2, 2), message="the second finding")
    lat, lon, source = saved_finding(app, walk)
    assert source == "photo" and abs(lat - AWAY) < 0.0005
    # The form is ready for the next finding with the walker's own position again.
    assert note.is_hidden()
    page.wait_for_function("() => document.querySelector('[name=latitude]').value !== ''")
    assert errors == []


def test_a_photo_taken_in_the_district_is_not_questioned(
    phone, app, setup_walk, tmp_path  # noqa: F811
):
    walk = setup_walk["walk"]
    page = phone(latitude=HOME[0], longitude=HOME[1], locale="sv-SE", service_workers="block")
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    taps = Taps(page)
    open_form(page, walk)
    choose_photo(page, taps, gps_jpeg(tmp_path / "har.jpg", HOME[0] + 100 * METRE_LAT, HOME[1]),
                 label=".photo-pick")
    page.locator(".photo-tray img").wait_for()
    page.wait_for_timeout(500)  # the position is read and compared
    assert page.locator("form.finding-form .photo-position:not([hidden])").count() == 0
