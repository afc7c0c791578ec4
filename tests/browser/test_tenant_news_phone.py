"""The link in the "Är det åtgärdat?" mail, opened on a phone (390×844) in Swedish and Arabic:
the status page asks the question in the report's language (whatever the phone's own),
passes axe-core, fits the screen, and the answer is taken (yes closes, no reopens)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.findings.operations.workflow import transition
from app.models import Finding, FindingStatus, OutboxMail, TenantReport, User
from app.storage import get_storage
from app.tenants import operations as tenant_ops
from app.triage import operations as triage_ops
from tests.browser.conftest import shot
from tests.browser.test_tenant_report_phone import _fits, _tenant_phone

QUESTION = {"sv": "Är det åtgärdat?", "ar": "هل تم إصلاحه؟"}
ANSWER = {"sv": ("Ja", "Skicka svar", "Tack för ditt svar."),
          "ar": ("لا", "أرسل الإجابة", "شكرًا على إجابتك.")}


def _fixed_report_mail(app, make, lang: str) -> tuple[str, int]:
    """A report in `lang` with an e-mail address, accepted and fixed: the mail's link."""
    district = make.district("Fittja")
    building_id = make.building(district, code=f"NEWS-{lang}", address="Fittjavägen 9")
    manager = make.user("manager", language="sv")
    category_id = make.category_id("lighting")
    with app.app_context():
        from app.models import Building

        building = db.session.get(Building, building_id)
        data = tenant_ops.ReportInput(
            category_id=category_id, place="entrance", time_of_day="evening",
            description="Lampan vid porten är trasig" if lang == "sv" else "المصباح مكسور",
            language=lang, contact_email="hyresgast@example.org")
        sent = tenant_ops.send_report(db.session, get_storage(), building, data,
                                      photo_upload=None, config=app.config)
        actor = db.session.get(User, manager)
        finding = triage_ops.accept(db.session, get_storage(), sent.report, actor,
                                    category_id=data.category_id, severity="medium")
        finding.assignee_id = manager
        transition(db.session, finding, actor=actor, to=FindingStatus.ASSIGNED)
        transition(db.session, finding, actor=actor, to=FindingStatus.FIXED)
        db.session.commit()
        mail = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc())).first()
        assert mail.subject.startswith(QUESTION[lang])
        return re.search(r"http://[^/\s]+(/t/status/\S+)", mail.body).group(1), finding.id


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_the_mails_link_asks_is_it_fixed_on_a_phone(chromium, live_server, app, make, axe,
                                                    lang):
    link, finding_id = _fixed_report_mail(app, make, lang)
    # The phone's own language is the other one: the link's ?lang= decides.
    context = _tenant_phone(chromium, live_server, "ar" if lang == "sv" else "sv")
    page = context.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert QUESTION[lang] in page.locator("form legend").inner_text()
    assert axe(page) == []
    _fits(page)
    shot(page, f"tenant-news-is-it-fixed-{lang}", full_page=True)

    choice, send, thanks = ANSWER[lang]
    page.get_by_text(choice, exact=True).click()
    if lang == "ar":
        page.locator("textarea").fill("ما زال المدخل مظلمًا")
    page.get_by_role("button", name=send).click()
    page.wait_for_load_state()
    assert thanks in page.locator("main").inner_text()
    shot(page, f"tenant-news-answered-{lang}", full_page=True)
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        report = db.session.scalar(select(TenantReport).where(
            TenantReport.finding_id == finding_id))
        if lang == "sv":
            assert report.confirmed_at is not None
        else:
            assert finding.status == FindingStatus.ASSIGNED
            assert report.reopen_note == "ما زال المدخل مظلمًا"
    context.close()
