"""Language and time zone: the user's setting, else the session's choice, else the browser.

The tenant pages (blueprint "tenants", /t/…) choose from more languages and without an
account: ?lang= in the link, else the choice kept in the session, else the phone's language.
"""

import math
from datetime import date, datetime
from functools import lru_cache

from babel import Locale, dates
from babel.numbers import format_decimal
from flask import current_app, has_app_context, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

TENANT_BLUEPRINT = "tenants"
TENANT_LANGUAGE_KEY = "tenant_lang"  # apart from staff's "lang": choosing Arabic on a
# tenant page must not turn a staff member's screens into a language they have no catalog for


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, mail digests: callers use force_locale()
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.blueprint == TENANT_BLUEPRINT:
        return tenant_locale()
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def tenant_locale() -> str:
    languages = current_app.config["TENANT_LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    chosen = session.get(TENANT_LANGUAGE_KEY)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def remember_tenant_language() -> None:
    """A language chosen with ?lang= stays for the next pages (the switcher's links)."""
    asked = request.args.get("lang")
    if asked in current_app.config["TENANT_LANGUAGES"]:
        session[TENANT_LANGUAGE_KEY] = asked


def text_direction() -> str:
    """"rtl" for Arabic, else "ltr": the `dir` of the page."""
    return Locale.parse(locale_code()).text_direction


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def locale_code() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


# English readers get day, month name and a 24-hour clock ("1 Dec 2026, 18:00"): the
# default English short form ("12/1/26, 6:00 PM") reads as 12 January to most of Europe.
_EN_DATETIME = "d MMM y, HH:mm"
_EN_DATE = "d MMM y"
_SHORT = ("short", "medium")


def local_datetime(value: datetime | None, fmt: str = "short") -> str:
    """A UTC timestamp shown in Europe/Stockholm in the user's language."""
    if value is None:
        return ""
    locale = get_locale()
    if locale is None:  # outside a request: flask-babel's defaults
        english = locale_code().startswith("en")
        return format_datetime(value, _EN_DATETIME if english and fmt in _SHORT else fmt)
    # babel's own call, as flask-babel's format_datetime makes it (no date_formats are
    # configured) without its lookups per call: ~8 of ~20 µs, 25 times a list page
    return dates.format_datetime(value, _EN_DATETIME if locale.language == "en" and fmt in _SHORT
                                 else fmt, tzinfo=get_timezone(), locale=locale)


def local_date(value: date | None, fmt: str = "medium") -> str:
    """A calendar day in the user's language; unambiguous in English ("1 Dec 2026")."""
    if value is None:
        return ""
    locale = get_locale()
    if locale is None or isinstance(value, datetime):  # flask-babel's defaults, rebasing
        english = locale_code().startswith("en")
        return format_date(value, _EN_DATE if english and fmt in _SHORT else fmt)
    return _formatted_date(value, _EN_DATE if locale.language == "en" and fmt in _SHORT else fmt,
                           locale)


@lru_cache(maxsize=4096)
def _formatted_date(value: date, fmt: str, locale: Locale) -> str:
    """A day as babel writes it in a language, kept: a list page shows the same few due
    dates again and again."""
    return dates.format_date(value, fmt, locale=locale)


def human_size(size: int) -> str:
    """A size as people read it in their language: "500 kB", "1,5 MB", never "0 MB" (a limit
    of 100,000 bytes said "högst 0 MB"). Rounded down, so a stated limit never promises more
    than it lets through; kB, MB and GB of 1,024."""
    if size >= 1024 ** 3:
        value, unit = math.floor(size / 1024 ** 3 * 10) / 10, "GB"
    elif size >= 1024 * 1024:
        value, unit = math.floor(size / (1024 * 1024) * 10) / 10, "MB"
    elif size >= 1024:
        value, unit = size // 1024, "kB"
    else:
        # A no-break space: the number and its unit stay on one line.
        return _("%(num)s bytes", num=max(size, 0)).replace(" ", "\u00a0")
    locale = locale_code() if has_app_context() else "en"
    return f"{format_decimal(value, format='#,##0.#', locale=locale)}\u00a0{unit}"


def bound_gettext():
    """The templates' gettext (`_`) with this request's translations looked up once, for a
    template rendered with it as `gettext`: flask-babel's looks them up on every string
    through the request context (the one-district dashboard's body: ~130 strings). Does
    what Jinja's newstyle gettext does with flask-babel's: escaped when autoescaping,
    always %-formatted."""
    ugettext = get_translations().ugettext

    @pass_context
    def gettext(context, string: str, **variables):
        translated = ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return gettext
