"""Machine translation of a tenant report for the staff who read it, through a
LibreTranslate-compatible service: POST <TRANSLATE_URL>/translate with
{q, source, target, format: "text", api_key} answers {translatedText}.

Only when TRANSLATE_URL is set, only on a manager's click, only the report's text (no
contact, no photo). Whatever goes wrong (no answer within TRANSLATE_TIMEOUT seconds, an
error status, an answer that is not one) is a TranslationFailed with a message for the page,
never an error page."""

from __future__ import annotations

from collections.abc import Mapping

import requests
from flask_babel import lazy_gettext as _l


class TranslationFailed(Exception):
    """The service gave no translation; str() is what the page says."""


def configured(config: Mapping) -> bool:
    return bool(config.get("TRANSLATE_URL"))


def endpoint(base_url: str) -> str:
    base_url = base_url.rstrip("/")
    return base_url if base_url.endswith("/translate") else f"{base_url}/translate"


def translate(text: str, *, source: str, target: str, config: Mapping) -> str:
    payload = {"q": text, "source": source, "target": target, "format": "text"}
    if config.get("TRANSLATE_API_KEY"):
        payload["api_key"] = config["TRANSLATE_API_KEY"]
    timeout = float(config.get("TRANSLATE_TIMEOUT") or 3)
    try:
        response = requests.post(endpoint(config["TRANSLATE_URL"]), json=payload,
                                 timeout=timeout)
    except requests.Timeout as error:
        raise TranslationFailed(str(_l(
            "The translation service did not answer within %(seconds)s seconds. "
            "Try again later.", seconds=f"{timeout:g}"))) from error
    except requests.RequestException as error:
        raise TranslationFailed(str(_l(
            "The translation service could not be reached. Try again later."))) from error
    if response.status_code != 200:
        raise TranslationFailed(str(_l(
            "The translation service could not translate this text (answer %(code)d).",
            code=response.status_code)))
    try:
        translated = response.json()["translatedText"]
    except (ValueError, KeyError, TypeError) as error:
        raise TranslationFailed(str(_l(
            "The translation service gave an answer Trygg cannot read."))) from error
    if not isinstance(translated, str) or not translated.strip():
        raise TranslationFailed(str(_l(
            "The translation service gave an answer Trygg cannot read.")))
    return translated
