"""The tenant pages speak five languages, chosen by link, session or the phone; staff pages
keep Swedish and English (issue 25)."""

import re

import pytest
from babel.messages.pofile import read_po

from tests.test_i18n import ROOT

TENANT_LANGUAGES = ("sv", "en", "ar", "so", "fi")


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("lang, direction, heading", [
    ("sv", "ltr", "Tillgänglighetsredogörelse"),
    ("en", "ltr", "Accessibility statement"),
    ("ar", "rtl", "بيان إمكانية الوصول"),
    ("so", "ltr", "Warbixin ku saabsan helitaanka"),
    ("fi", "ltr", "Saavutettavuusseloste"),
])
def test_statement_in_each_language_with_its_direction(client, lang, direction, heading):
    page = client.get(f"/t/tillganglighet?lang={lang}").get_data(as_text=True)
    assert _html_tag(page) == f'<html lang="{lang}" dir="{direction}">'
    assert f"<h1>{heading}</h1>" in page


def test_phone_language_is_the_default_and_a_choice_is_kept(client):
    page = client.get("/t/tillganglighet", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
    assert 'lang="fi"' in _html_tag(page.get_data(as_text=True))
    client.get("/t/tillganglighet?lang=ar")
    # The switcher's choice wins over the phone's language on the next page.
    page = client.get("/t/tillganglighet", headers={"Accept-Language": "fi"})
    assert _html_tag(page.get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_unknown_language_falls_back_to_swedish(client):
    page = client.get("/t/tillganglighet?lang=xx", headers={"Accept-Language": "de"})
    assert _html_tag(page.get_data(as_text=True)) == '<html lang="sv" dir="ltr">'


def test_staff_pages_stay_swedish_or_english(client):
    client.get("/t/tillganglighet?lang=ar")
    login = client.get("/login", headers={"Accept-Language": "ar,fi;q=0.8,en;q=0.5"})
    assert 'lang="en"' in _html_tag(login.get_data(as_text=True))
    assert client.get("/login?lang=ar").get_data(as_text=True).count('dir="rtl"') == 0


def test_switcher_links_every_language_and_marks_the_current_one(client):
    page = client.get("/t/tillganglighet?lang=so").get_data(as_text=True)
    for lang in TENANT_LANGUAGES:
        assert f'href="/t/tillganglighet?lang={lang}" lang="{lang}"' in page
    assert re.search(r'lang="so" hreflang="so"\s+aria-current="true">Soomaali<', page)
    # No staff navigation on a tenant page.
    assert "/logout" not in page and 'class="mainnav"' not in page


def test_tenant_strings_are_translated_in_every_tenant_language(app):
    """Every message in the tenant templates and app/tenants has a translation in ar, so, fi
    (and sv): a page never falls back to English halfway through."""
    from babel.messages.extract import extract_from_dir

    wanted = set()
    for folder in ("templates/tenants", "app/tenants"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(ROOT / folder), method_map=[("**.py", "python"), ("**.html", "jinja2"),
                                         ("**.txt", "jinja2")],
                keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
                          "ngettext": (1, 2)}):
            wanted.add(message if isinstance(message, str) else message[0])
    assert len(wanted) > 10
    for lang in ("sv", "ar", "so", "fi"):
        with (ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f)
        missing = sorted(m for m in wanted if m not in catalog or not catalog[m].string)
        assert missing == [], f"{lang}: {missing[:5]}"
