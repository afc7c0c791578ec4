"""/t/tillganglighet: the accessibility statement; /t/<code>: a building's tenant page."""

from __future__ import annotations

from datetime import date

from flask import render_template

from app.i18n import text_direction
from app.tenants import bp

# The languages of the switcher, each named in itself.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية", "so": "Soomaali",
                  "fi": "Suomi"}
# When the tenant pages were last checked (axe-core at 390 × 844 in every language); the
# statement says so and must be updated with the next check.
ACCESSIBILITY_TESTED = date(2026, 12, 6)


@bp.context_processor
def tenant_page_helpers():
    return {"text_direction": text_direction, "tenant_languages": LANGUAGE_NAMES}


@bp.get("/tillganglighet")
def accessibility():
    return render_template("tenants/accessibility.html", tested=ACCESSIBILITY_TESTED)
