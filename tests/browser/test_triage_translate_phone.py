"""A manager reads an Arabic tenant report translated on a phone: with a translation service
set, "Översätt" (htmx, through CSRF as in production) puts the Swedish text under the
original, marked machine-translated, without leaving the page; axe-core finds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Building, TenantReport
from app.storage import get_storage
from app.tenants import operations as tenant_ops
from tests.browser.conftest import log_in, shot
from tests.tenants.test_translate import FakeTranslator, translator  # noqa: F401 (fixture)


@pytest.fixture
def service(app, translator, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "TRANSLATE_URL", translator)
    monkeypatch.setattr(FakeTranslator, "mode", "ok")
    FakeTranslator.received.clear()
    return translator


def test_a_manager_translates_a_report_on_a_phone(phone, app, make, axe, service):
    district = make.district("Fittja")
    building_id = make.building(district, code="TR-1", address="Fittjavägen 11")
    manager = make.user("manager", language="sv")
    category_id = make.category_id("lighting")
    with app.app_context():
        data = tenant_ops.ReportInput(
            category_id=category_id, place="entrance", time_of_day="night",
            description="المصباح عند المدخل مكسور منذ أسبوع", language="ar")
        tenant_ops.send_report(db.session, get_storage(), db.session.get(Building, building_id),
                               data, photo_upload=None, config=app.config)
        db.session.commit()
        report_id = db.session.scalar(select(TenantReport.id))

    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto(f"/tenant-reports/{report_id}")
    page.get_by_role("button", name="Översätt").click()
    translated = page.locator(f"#translation-{report_id} p[lang=sv]")
    assert "[sv] The lamp is broken" in translated.inner_text()
    assert page.url.endswith(f"/tenant-reports/{report_id}")  # swapped in place
    assert "Maskinöversatt från arabiska" in page.locator(f"#translation-{report_id}").inner_text()
    assert page.get_by_role("button", name="Översätt").count() == 0
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "triage-report-translated", full_page=True)
    assert len(FakeTranslator.received) == 1
