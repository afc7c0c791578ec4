"""Functions and filters the templates share."""

from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import (
    Flask,
    current_app,
    get_flashed_messages,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import htmx
from app.i18n import human_size, local_date, local_datetime, locale_code
from app.labels import UNSAFE_RATINGS, label
from app.models import UnsafeFor
from app.navigation import NAV_ITEMS, admin_menu, walk_url
from app.pictograms import category_pictogram
from app.policy import can, is_guest
from app.privacy import PHOTO_FLASH


def init_app(app: Flask) -> None:
    @app.context_processor
    def helpers():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "label": label,
            "locale": locale_code(),
            "unsafe_rating_label": lambda n: str(UNSAFE_RATINGS.get(n, n)),
            "url_with": url_with,
            "nav_items": nav_items,
            "admin_nav": lambda: admin_menu(current_user, request.path),
            "label_unsafe_for": lambda tag: label(UnsafeFor(tag)),
            "photo_flashes": photo_flashes,
            "added_by": added_by,
            "walk_url": lambda walk: walk_url(current_user, walk),
            "is_guest": is_guest(current_user),
            "outbox_html": outbox_html,
        }

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["fixed_url"] = fixed_url
    app.jinja_env.filters["num"] = number
    app.jinja_env.filters["local_dt"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["age"] = age
    app.jinja_env.filters["human_size"] = human_size
    app.jinja_env.filters["cat_name"] = lambda c: c.name(locale_code()) if c else ""
    app.jinja_env.filters["pictogram"] = pictogram_of
    app.jinja_env.filters["iso_date"] = lambda d: d.isoformat() if isinstance(d, date) else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.tests["photo_flash_here"] = photo_flash_here

    @app.after_request
    def vary_on_htmx(response):
        return htmx.add_vary(response)


def number(value, digits: int = 1, signed: bool = False) -> str:
    """A number the way the reader writes it (10,5 in Swedish); "–" for none."""
    if value is None:
        return "–"
    locale = get_locale()
    if locale is None:
        return format_decimal(value, format=_number_format(digits, signed))
    return _formatted(str(locale), type(value), value, digits, signed)


@lru_cache(maxsize=4096)
def _formatted(locale: str, kind: type, value, digits: int, signed: bool) -> str:
    """A number as formatted in a language, kept: the dashboards show the same few hundred
    counts, shares and medians again and again (~200 numbers per all-districts page, each
    ~20 µs through babel). `kind` keeps 1 and 1.0 apart, though they read the same."""
    return _number_pattern(digits, signed).apply(value, Locale.parse(locale))


def _number_format(digits: int, signed: bool) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return f"+{pattern};-{pattern}" if signed else pattern


@lru_cache(maxsize=32)
def _number_pattern(digits: int, signed: bool) -> NumberPattern:
    """The pattern parsed once (what format_decimal does on every call: ~15 µs a number, 182
    numbers on the all-districts dashboard)."""
    return parse_pattern(_number_format(digits, signed))


def age(value: datetime | None) -> str:
    """How long ago, in words ("3 days ago", "för 3 dagar sedan")."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_timedelta(value - datetime.now(UTC), add_direction=True, threshold=1.0)


def outbox_html() -> Markup:
    """pwa/_outbox.html, at the end of every page: rendered once per language and user in
    each process (its ~40 translated texts and JSON took ~0.6 ms of every page, the same
    each time). Not kept while debugging (a changed static file changes its URL)."""
    key = (locale_code(), current_user.id if current_user.is_authenticated else None)
    kept = current_app.extensions.setdefault("trygg_outbox_html", {})
    html = kept.get(key)
    if html is None:
        html = Markup(render_template("pwa/_outbox.html"))
        if not current_app.debug:
            if len(kept) >= 1024:
                kept.clear()
            kept[key] = html
    return html


def photo_flash_here(message: tuple[str, str]) -> bool:
    """A (category, text) flashed for one photo, on the page that shows it beside the photo
    (the finding's page); elsewhere it stays with the messages at the top."""
    return PHOTO_FLASH in message[0] and request.endpoint == "findings.show"


def photo_flashes(photo_id: int) -> list[tuple[str, str]]:
    """The (kind, text) messages flashed for this photo: "success", "error"…"""
    suffix = f"{PHOTO_FLASH}{photo_id}"
    return [(category.removesuffix(suffix), text)
            for category, text in get_flashed_messages(with_categories=True)
            if category.endswith(suffix)]


def added_by(finding) -> str:
    """Who added a finding, as the walk's list shows it: the account's name, or a guest's
    name and role ("Kim (Polis), gäst"); only the role once retention removed the name."""
    if finding.guest is not None:
        role = label(finding.guest.role)
        if finding.guest.name:
            return _("%(name)s (%(role)s), guest", name=finding.guest.name, role=role)
        return _("%(role)s, guest", role=role)
    return finding.author.name if finding.author is not None else ""


def nav_items():
    """The menu's destinations with whether this user may open each (asked per request)."""
    user = current_user._get_current_object()
    texts = _nav_texts(locale_code())
    return [
        (endpoint, text, can(user, action))
        for (endpoint, _text, action), text in zip(NAV_ITEMS, texts, strict=True)
    ]


@lru_cache(maxsize=16)
def _nav_texts(locale: str) -> tuple[Markup, ...]:
    """The menu's texts in a language, translated once per process (as the lazy texts render:
    unescaped, through their __html__)."""
    return tuple(Markup(text.__html__()) for _endpoint, text, _action in NAV_ITEMS)


# The layout's URLs that take no arguments (its scripts, stylesheet, icons and menu links),
# kept per process: url_for builds each in ~15 µs, ~30 of them on every page. The key holds
# what the URL depends on: the script root (the app mounted under a prefix) and, for a static
# file, its content hash (still checked per call, so a changed file gets a new URL).
_fixed_urls: dict[tuple, str] = {}


def fixed_url(endpoint: str) -> str:
    """url_for(endpoint) for an endpoint without arguments."""
    return _kept_url((endpoint,), lambda: url_for(endpoint))


def static_url(filename: str) -> str:
    """url_for('static', filename=filename), its ?v= hash included."""
    if not has_request_context():
        return url_for("static", filename=filename)
    return _kept_url((filename, current_app.extensions["static_hash"](filename)),
                     lambda: url_for("static", filename=filename))


def _kept_url(key: tuple, build) -> str:
    if not has_request_context():
        return build()
    key = (request.script_root, *key)
    url = _fixed_urls.get(key)
    if url is None:
        url = _fixed_urls[key] = build()
    return url


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def pictogram_of(category) -> str:
    """The pictogram's id for a category, or for a category's emoji alone (list rows)."""
    if isinstance(category, str):
        return category_pictogram("", category)
    return category_pictogram(category.slug, category.icon)
