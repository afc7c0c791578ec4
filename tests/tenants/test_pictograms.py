"""The tenant page's pictograms (issue 25): drawn symbols from one sprite, not emoji; every
category finds one, an admin's own by its emoji or the generic one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.findings.operations.catalog import DEFAULT_CATEGORIES
from app.models import Category
from app.pictograms import (
    CATEGORY_PICTOGRAMS,
    EMOJI_PICTOGRAMS,
    GENERIC,
    PLACE_PICTOGRAMS,
    TIME_PICTOGRAMS,
    category_pictogram,
)

SPRITE = Path(__file__).resolve().parents[2] / "static" / "icons" / "pictograms.svg"
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")


def _symbols() -> set[str]:
    return set(re.findall(r'<symbol id="([\w-]+)" viewBox="0 0 24 24"', SPRITE.read_text()))


def test_every_pictogram_named_is_drawn_in_the_sprite():
    named = ({GENERIC, "camera", "pin", "yes", "no", "image"} | set(CATEGORY_PICTOGRAMS.values())
             | set(EMOJI_PICTOGRAMS.values()) | set(PLACE_PICTOGRAMS.values())
             | set(TIME_PICTOGRAMS.values()))
    assert named <= _symbols()
    # Lines in the text's colour: no fixed colour a dark or forced-colour theme can't change.
    assert not re.search(r'(fill|stroke)="#', SPRITE.read_text())


@pytest.mark.parametrize(("slug", "emoji", "name"), [
    ("lighting", "💡", "lamp"),
    ("doors_locks", "🔒", "lock"),
    ("parking", "🅿️", "car"),  # an admin's category: by its emoji, selector or not
    ("parking2", "🅿", "car"),
    ("elevator", "🛗", GENERIC),
    ("blank", "", GENERIC),
])
def test_a_category_finds_its_pictogram(slug, emoji, name):
    assert category_pictogram(slug, emoji) == name


def test_every_starting_category_has_its_own_pictogram():
    names = [category_pictogram(slug, icon) for slug, _sv, _en, icon in DEFAULT_CATEGORIES]
    assert GENERIC not in names and len(set(names)) == len(names)


def test_the_page_draws_symbols_not_emoji(client, make, building):
    make._save(Category(slug="parking", name_sv="Parkering", name_en="Parking", icon="🚗",
                        position=99))
    page = client.get("/t/FIT-007?lang=ar").get_data(as_text=True)
    uses = re.findall(r'<use href="/static/icons/pictograms\.svg(?:\?v=\w+)?#([\w-]+)">', page)
    assert {"lamp", "lock", "door", "moon", "camera", "car"} <= set(uses)
    form = page[page.index("<form"):page.index("</form>")]
    assert not EMOJI.search(form)
