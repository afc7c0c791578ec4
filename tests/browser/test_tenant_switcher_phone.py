"""Issue 25's language switcher on a 390×844 phone: one compact line at the top of every
tenant page (the current language, named in itself, opens the list), not five links
wrapping over two lines (~130 px); it still switches, by touch and by keyboard, and works
without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot

LANGUAGES = ("sv", "en", "ar", "so", "fi")
NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية", "so": "Soomaali", "fi": "Suomi"}
WIDTH, HEIGHT = 390, 844


def _tenant_phone(chromium, live_server, lang: str, **options):
    context = chromium.new_context(
        base_url=live_server, viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2, is_mobile=True, has_touch=True, locale=lang,
        extra_http_headers={"Accept-Language": f"{lang},en;q=0.5"}, **options)
    context.set_default_timeout(20_000)
    return context


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_switcher_is_one_line_and_switches(chromium, live_server, make, axe, lang):
    district = make.district()
    make.building(district, code=f"SPR-{lang}", address="Språkvägen 1")
    context = _tenant_phone(chromium, live_server, lang)
    page = context.new_page()
    page.goto(f"/t/SPR-{lang}")
    header = page.locator("header.t-top").bounding_box()
    assert header["height"] <= 64, header  # was ~130 px: five links over two lines
    summary = page.locator(".t-langs summary")
    box = summary.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] <= header["height"]
    # The brand and the switcher share the line.
    brand = page.locator(".t-brand").bounding_box()
    assert abs((brand["y"] + brand["height"] / 2) - (box["y"] + box["height"] / 2)) < 4
    assert summary.inner_text().strip() == NAMES[lang]
    assert summary.locator("span").get_attribute("lang") == lang
    assert page.locator(".t-langs ul").is_hidden()
    other = "ar" if lang != "ar" else "sv"
    summary.tap()
    links = page.locator(".t-langs a")
    assert links.count() == 5
    for link in links.all():
        assert link.is_visible()
        code = link.get_attribute("hreflang")
        assert link.get_attribute("lang") == code and link.inner_text() == NAMES[code]
        assert link.bounding_box()["height"] >= 44
        assert link.bounding_box()["x"] >= 0
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= WIDTH
    assert page.locator(".t-langs a[aria-current=true]").get_attribute("hreflang") == lang
    assert axe(page) == []
    shot(page, f"tenant-switcher-{lang}-open")
    page.locator(f".t-langs a[hreflang={other}]").tap()
    page.wait_for_url(f"**lang={other}")
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator(".t-langs summary").inner_text().strip() == NAMES[other]
    context.close()


def test_the_switcher_by_keyboard_and_without_javascript(chromium, live_server, make):
    district = make.district()
    make.building(district, code="SPR-KEY", address="Tangentvägen 1")
    context = _tenant_phone(chromium, live_server, "sv", java_script_enabled=False)
    page = context.new_page()
    page.goto("/t/SPR-KEY")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator(".t-langs details").get_attribute("open") is not None
    page.keyboard.press("Tab")  # Svenska, the current one
    page.keyboard.press("Tab")  # English
    assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "en"
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
