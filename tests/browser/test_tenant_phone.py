"""The tenant pages on a phone (390×844), in all five languages: axe-core finds no serious
or critical violation, nothing is wider than the screen, and Arabic is laid out right to
left (the brand at the right edge, the text starting at the right)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot

LANGUAGES = ("sv", "en", "ar", "so", "fi")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accessibility_statement_on_a_phone(phone, axe, lang):
    page = phone()
    page.goto(f"/t/tillganglighet?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe(page) == []
    _fits(page)
    shot(page, f"tenant-accessibility-{lang}", full_page=True)


def test_arabic_is_mirrored(phone):
    page = phone()
    page.goto("/t/tillganglighet?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand = page.locator(".t-brand").bounding_box()
    heading = page.locator("h1").bounding_box()
    # Right to left: the brand sits at the right edge, the heading ends at the right margin.
    assert brand["x"] + brand["width"] > 390 - 30
    assert heading["x"] + heading["width"] > 390 - 30
    page.goto("/t/tillganglighet?lang=sv")
    brand = page.locator(".t-brand").bounding_box()
    assert brand["x"] < 30
