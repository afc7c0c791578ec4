"""The one admin menu (app/navigation.py): every admin page opens from it and marks itself."""

import re

import pytest

from app.navigation import ADMIN_ITEMS


def _menu(html: str) -> list[tuple[str, bool]]:
    nav = html.split('class="row admin-nav"')[1].split("</nav>")[0]
    return [(href, "aria-current" in rest)
            for href, rest in re.findall(r'<a [^>]*href="([^"]+)"([^>]*)>', nav)]


def test_every_admin_page_opens_from_the_menu_and_marks_itself(client, login):
    login("admin")
    menu = _menu(client.get("/admin/users").get_data(as_text=True))
    assert len(menu) == len(ADMIN_ITEMS)
    for href, _current in menu:
        page = client.get(href)
        assert page.status_code == 200, href
        assert [h for h, current in _menu(page.get_data(as_text=True)) if current] == [href]


@pytest.mark.parametrize(("page", "marked"), [
    ("/admin/users/invite", "/admin/users"),
    ("/admin/categories/new", "/admin/categories"),
    ("/admin/priorities/new", "/admin/priorities"),
])
def test_a_page_under_an_admin_page_marks_that_one(client, login, page, marked):
    login("admin")
    html = client.get(page).get_data(as_text=True)
    assert [href for href, current in _menu(html) if current] == [marked]
