"""Masking by hand, as acceptance found it (issue 21, point 8): a walker's own masking does
not answer a "not blurred" flag, a too-thin rectangle is called too small (not outside the
photo), a rectangle rounding past the edge is cut to it, and after saving the message and
the photo's line say what happened, beside the photo."""

import io

import pytest
from PIL import Image

from app.extensions import db
from app.models import Photo
from tests.conftest import TEST_PASSWORD
from tests.privacy import test_privacy_redact as redaction
from tests.privacy.test_privacy_redact import keys, redact, stored_photo

scene = redaction.scene  # the fixture: an author's in-progress walk, a finding, its photo

SV = {"Accept-Language": "sv-SE,sv;q=0.9"}


def log_in_as_author(client):
    client.post("/login", data={"email": "author@example.org", "password": TEST_PASSWORD})


def photo_card(html: str, photo_id: int) -> str:
    """The photo's card on the finding's page (its privacy line, messages, forms)."""
    start = html.index(f'id="photo-{photo_id}"')
    return html[start:html.index('class="card stack photo-privacy-item"', start + 1)
                if html.count('photo-privacy-item', start + 1) else len(html)]


def flagged(app, photo_id: int) -> bool:
    with app.app_context():
        return db.session.get(Photo, photo_id).blur_flagged_at is not None


def test_a_walker_masking_their_own_flagged_photo_leaves_the_flag_for_a_manager(
        app, client, login, scene):
    log_in_as_author(client)
    assert client.post(f"/photos/{scene['photo']}/flag").status_code == 303
    response = redact(client, scene["photo"], [[0.1, 0.1, 0.3, 0.3]])
    assert response.status_code == 303
    assert flagged(app, scene["photo"]), "only a manager's review clears the flag"
    page = client.get(response.headers["Location"], headers=SV).get_data(as_text=True)
    assert "En förvaltare kontrollerar ändå maskeringen" in page
    assert "En förvaltare har ombetts kontrollera maskeringen." in page
    # Nor may the walker remove the flag outright.
    assert client.post(f"/photos/{scene['photo']}/unflag").status_code == 403
    assert flagged(app, scene["photo"])
    client.post("/logout")

    login("manager", language="sv")
    assert f"#photo-{scene['photo']}" in client.get("/privacy").get_data(as_text=True)
    redact(client, scene["photo"], [[0.5, 0.5, 0.2, 0.2]])
    assert not flagged(app, scene["photo"]), "a manager's masking answers the flag"
    timeline = client.get(f"/findings/{scene['finding']}", headers=SV).get_data(as_text=True)
    assert "Flagga på foto borttagen" in timeline.split('id="timeline"')[1]


def test_a_manager_removes_the_flag(app, client, login, scene):
    login("walker")
    client.post(f"/photos/{scene['photo']}/flag")
    client.post("/logout")
    login("manager")
    assert client.post(f"/photos/{scene['photo']}/unflag").status_code == 303
    assert not flagged(app, scene["photo"])


@pytest.mark.parametrize("region", [[0.1, 0.1, 0.005, 0.3], [0.1, 0.1, 0.3, 0.004],
                                    [0.996, 0.2, 0.01, 0.2]])
def test_a_too_thin_rectangle_is_called_too_small_not_outside(app, client, login, scene,
                                                              region):
    login("manager", language="sv")
    old = keys(app, scene["photo"])
    response = redact(client, scene["photo"], [region])
    assert keys(app, scene["photo"]) == old
    page = client.get(response.headers["Location"], headers=SV).get_data(as_text=True)
    assert "för liten: minst 8 pixlar" in page
    assert "utanför fotot" not in page


@pytest.mark.parametrize("region,corner", [
    ([0.7, 0.7, 0.30005, 0.30005], "bottom-right"),   # four decimals rounded up at the edge
    ([-0.004, -0.003, 0.25, 0.25], "top-left"),       # a finger slightly past the corner
])
def test_a_rectangle_rounding_past_the_edge_is_cut_to_it_and_masked(app, client, login, scene,
                                                                    region, corner):
    login("manager", language="sv")
    old = keys(app, scene["photo"])
    response = redact(client, scene["photo"], [region])
    assert keys(app, scene["photo"]) != old, "the masking was saved"
    page = client.get(response.headers["Location"], headers=SV).get_data(as_text=True)
    assert "Fotot är maskerat" in page and "utanför" not in page
    served = client.get(f"/photos/{scene['photo']}/full.jpg")
    with Image.open(io.BytesIO(served.data)) as image:
        width, height = image.size
        w, h = int(0.2 * width), int(0.2 * height)
        box = ((width - w, height - h, width, height) if corner == "bottom-right"
               else (0, 0, w, h))
        low, high = image.convert("L").crop(box).getextrema()
        assert high - low <= 6, f"the {corner} corner is not masked ({low}..{high})"


def test_after_masking_the_message_and_the_photo_line_are_beside_the_photo(app, client, login,
                                                                           scene):
    login("manager", language="sv")
    second = stored_photo(app, scene["finding"])
    with app.app_context():  # checked for faces, none found (the tests run without the model)
        for photo_id in (scene["photo"], second):
            db.session.get(Photo, photo_id).faces_blurred = 0
        db.session.commit()
    before = client.get(f"/findings/{scene['finding']}", headers=SV).get_data(as_text=True)
    assert "inga ansikten hittades" in photo_card(before, scene["photo"])
    response = redact(client, scene["photo"], [[0.1, 0.1, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2]])
    assert response.headers["Location"].endswith(f"#photo-{scene['photo']}")
    page = client.get(response.headers["Location"], headers=SV).get_data(as_text=True)
    card = photo_card(page, scene["photo"])
    assert "Fotot är maskerat" in card, "the confirmation is in the photo's card"
    assert "maskerat för hand: 2 områden" in card
    assert "inga ansikten hittades" not in card
    # Not repeated at the top of the page, nor beside the other photo.
    assert "Fotot är maskerat" not in page.split('id="main"')[1].split("<header")[0]
    assert "Fotot är maskerat" not in photo_card(page, second)
    assert "inga ansikten hittades" in photo_card(page, second)
    # One region is singular; a second masking adds up; the message is shown once.
    second_page = client.get(redact(client, second, [[0.1, 0.1, 0.2, 0.2]])
                             .headers["Location"], headers=SV).get_data(as_text=True)
    assert "maskerat för hand: 1 område" in photo_card(second_page, second)
    assert "Fotot är maskerat" in photo_card(second_page, second)
    redact(client, scene["photo"], [[0.7, 0.1, 0.2, 0.2]])
    client.get(f"/findings/{scene['finding']}")
    page = client.get(f"/findings/{scene['finding']}", headers=SV).get_data(as_text=True)
    assert "maskerat för hand: 3 områden" in photo_card(page, scene["photo"])
    assert "Fotot är maskerat" not in page
