"""A manager masks two rectangles on a phone (390×844, touch) and the stored photo changes."""

import io

from PIL import Image

from app.extensions import db
from app.models import FindingEvent, Photo
from app.storage import get_storage
from tests.browser.conftest import log_in, shot
from tests.privacy.test_privacy_redact import stored_photo

RECTS = [((0.10, 0.10), (0.40, 0.35)), ((0.55, 0.50), (0.90, 0.85))]


def touch_drag(cdp, start, end, steps=8):
    def point(x, y):
        return [{"x": x, "y": y, "radiusX": 4, "radiusY": 4, "force": 1, "id": 1}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point(*start)})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": point(x, y)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_manager_masks_two_rectangles_with_a_finger(app, make, phone):
    author = make.user("walker")
    manager = make.user("manager", language="sv")
    walk = make.walk(leader_id=author)
    finding = make.finding(walk, author, description="Bil med synlig skylt")
    photo_id = stored_photo(app, finding)
    with app.app_context():
        old_keys = [db.session.get(Photo, photo_id).storage_key,
                    db.session.get(Photo, photo_id).thumb_key]

    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto(f"/findings/{finding}")
    page.locator(f"#photo-{photo_id} summary").click()
    image = page.locator(f"#photo-{photo_id} .redact-stage img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    box = image.bounding_box()
    assert box["width"] <= 390

    cdp = page.context.new_cdp_session(page)
    for (x1, y1), (x2, y2) in RECTS:
        touch_drag(cdp,
                   (box["x"] + x1 * box["width"], box["y"] + y1 * box["height"]),
                   (box["x"] + x2 * box["width"], box["y"] + y2 * box["height"]))
    assert page.locator(f"#photo-{photo_id} .redact-rect").count() == 2
    assert "Rektanglar: 2" in page.locator(f"#photo-{photo_id} .redact-count").inner_text()
    shot(page, "redact-drawn")

    page.locator(f"#photo-{photo_id} .redact-form button[type=submit]").click()
    page.wait_for_selector(".flash-success")
    assert "Fotot är maskerat" in page.locator(".flash-success").inner_text()
    shot(page, "redact-saved", full_page=True)

    served = page.request.get(f"/photos/{photo_id}/full.jpg")
    assert served.status == 200
    with Image.open(io.BytesIO(served.body())) as stored:
        grey = stored.convert("L")
        width, height = stored.size
        for (x1, y1), (x2, y2) in RECTS:
            # A margin inside what was drawn: finger positions round to CSS pixels.
            inner = (int(x1 * width) + 6, int(y1 * height) + 6,
                     int(x2 * width) - 6, int(y2 * height) - 6)
            low, high = grey.crop(inner).getextrema()
            assert high - low <= 6, f"{inner} not uniform: {low}..{high}"

    with app.app_context():
        storage = get_storage()
        assert not any(storage.exists(key) for key in old_keys)
        event = db.session.scalar(db.select(FindingEvent).where(
            FindingEvent.finding_id == finding, FindingEvent.field == "photo_redacted"))
        assert event is not None and event.actor_id == manager and event.to_value == "2"
    timeline = page.locator("#timeline").inner_text()
    assert "Foto maskerat för hand" in timeline and "2 områden" in timeline


def test_after_masking_on_a_phone_the_message_and_the_photo_line_are_in_view(app, make, phone,
                                                                           axe):
    """Issue 21: the confirmation was at the top of the page while the page opened at the
    photo, and the photo still said "inga ansikten hittades"."""
    author = make.user("walker")
    manager = make.user("manager", language="sv")
    walk = make.walk(leader_id=author)
    finding = make.finding(walk, author, description="Bil med synlig skylt")
    photo_id = stored_photo(app, finding)
    with app.app_context():  # checked for faces, none found (the tests run without the model)
        db.session.get(Photo, photo_id).faces_blurred = 0
        db.session.commit()

    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto(f"/findings/{finding}")
    card = page.locator(f"#photo-{photo_id}")
    assert "inga ansikten hittades" in card.locator(".photo-privacy-status").inner_text()
    card.locator("summary").click()
    image = card.locator(".redact-stage img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    box = image.bounding_box()
    cdp = page.context.new_cdp_session(page)

    # Thinner than 8 pixels of the stored photo: said at once, nothing drawn.
    natural = image.evaluate("img => img.naturalWidth")
    scale = box["width"] / natural
    # Wider than a tap (1 % of the photo), thinner than 8 pixels of the stored photo.
    dx = 7.2 * scale
    assert 0.01 * natural < dx / scale < 8
    x, y = round(box["x"] + 0.3 * box["width"]), round(box["y"] + 0.3 * box["height"])
    touch_drag(cdp, (x, y), (x + dx, y + 60))
    error = card.locator(".redact-error")
    assert error.is_visible() and "för liten: minst 8 pixlar" in error.inner_text()
    assert card.locator(".redact-rect").count() == 0

    for (x1, y1), (x2, y2) in RECTS:
        touch_drag(cdp,
                   (box["x"] + x1 * box["width"], box["y"] + y1 * box["height"]),
                   (box["x"] + x2 * box["width"], box["y"] + y2 * box["height"]))
    assert card.locator(".redact-rect").count() == 2
    assert error.is_hidden()
    card.locator(".redact-form button[type=submit]").click()
    page.wait_for_url(lambda url: url.endswith(f"#photo-{photo_id}"))
    page.wait_for_load_state("load")

    message = page.locator(f"#photo-{photo_id} .photo-flash")
    assert "Fotot är maskerat" in message.inner_text()
    top = message.bounding_box()["y"]
    assert top >= 0 and top + message.bounding_box()["height"] <= 844, \
        f"the confirmation is off screen (at y = {top:.0f} px)"
    status = page.locator(f"#photo-{photo_id} .photo-privacy-status")
    assert "maskerat för hand: 2 områden" in status.inner_text()
    assert "inga ansikten hittades" not in status.inner_text()
    assert status.bounding_box()["y"] >= 0
    assert page.locator(".flashes").count() == 0, "not repeated at the top"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "redact-saved-in-view")
    assert axe(page) == []
