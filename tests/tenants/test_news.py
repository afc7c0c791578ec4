"""The tenant is told by mail when it matters (issue 25): "Is it fixed?" when the finding the
report follows is fixed, the reason when it is declined; in the report's language, with a
link that opens the status page where the answer is given. Only with an e-mail address that
is not purged, once per event."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.findings.operations.workflow import transition
from app.models import Finding, FindingStatus, OutboxMail, TenantReport, User, utcnow
from app.tenants.operations import purge_contacts
from tests.tenants.test_triage import _report, _staff_client, _status_text


def _mails(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(m.to_address, m.subject, m.body) for m in db.session.scalars(
            select(OutboxMail).order_by(OutboxMail.id))]


def _link(body: str) -> str:
    """The status page's path (with its ?lang=) in a mail."""
    return re.search(r"http://[^/\s]+(/t/status/\S+)", body).group(1)


def _move(app, finding_id: int, actor_id: int, to: FindingStatus, **kwargs) -> None:
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        transition(db.session, finding, actor=db.session.get(User, actor_id), to=to, **kwargs)
        db.session.commit()


def _fix(app, finding_id: int, actor_id: int) -> None:
    """Assigned (to the manager) when it is not, then fixed."""
    with app.app_context():
        finding, actor = db.session.get(Finding, finding_id), db.session.get(User, actor_id)
        if finding.status in (FindingStatus.NEW, FindingStatus.ACKNOWLEDGED):
            finding.assignee_id = actor_id
            transition(db.session, finding, actor=actor, to=FindingStatus.ASSIGNED)
        transition(db.session, finding, actor=actor, to=FindingStatus.FIXED)
        db.session.commit()


def _accepted(client, app, make, lang="sv", **contact) -> tuple[str, int, int]:
    """A report sent in `lang` and accepted by a manager: its status path, finding, manager."""
    response = client.post(f"/t/FIT-007?lang={lang}", data={
        f"report-{k}": v for k, v in {
            "category": make.category_id("lighting"), "place": "entrance",
            "time_of_day": "evening", "description": "Lampan är trasig", **contact}.items()})
    assert response.status_code == 303
    path = response.headers["Location"].split("?")[0]
    staff_client, manager = _staff_client(app, make)
    report_id = _report(app, path, lambda r: r.id)
    assert staff_client.post(f"/tenant-reports/{report_id}/accept", data={
        "category_id": make.category_id("lighting"), "severity": "medium"}).status_code == 303
    return path, _report(app, path, lambda r: r.finding_id), manager


@pytest.mark.parametrize("lang, subject, question", [
    ("sv", "Är det åtgärdat? Fittjavägen 7", "Svara ja eller nej"),
    ("ar", "هل تم إصلاحه؟ Fittjavägen 7", "أجب بنعم أو لا"),
    ("fi", "Onko se korjattu? Fittjavägen 7", "Vastaa kyllä tai ei"),
])
def test_fixed_asks_by_mail_in_the_reports_language_and_the_link_answers(
        client, make, building, app, lang, subject, question):
    path, finding_id, manager = _accepted(client, app, make, lang,
                                          contact_email="hyresgast@example.org")
    assert len(_mails(app)) == 1  # the status link, right after sending
    _fix(app, finding_id, manager)

    (_first, (to, mail_subject, body)) = _mails(app)
    assert to == "hyresgast@example.org"
    assert mail_subject == subject and question in body
    link = _link(body)
    assert link.endswith(f"?lang={lang}")
    assert link.split("?")[0] != path  # a link of its own: the first one was never stored

    # The mail's link opens the status page in the report's language, asking the question.
    tenant = app.test_client()  # another browser: the mail opened on the phone
    page = tenant.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert f'lang="{lang}"' in text and 'name="answer"' in text
    # "Yes" through the mail's link closes the report.
    answer = tenant.post(link.split("?")[0], data={"answer": "yes"})
    assert answer.status_code == 303
    assert _report(app, path, lambda r: r.confirmed_at is not None and r.closed_at is not None)
    # The first link still opens the same report.
    assert "The report is closed" in _status_text(client, path)


def test_no_reopens_and_only_the_next_fix_asks_again(client, make, building, app):
    path, finding_id, manager = _accepted(client, app, make, "en",
                                          contact_email="t@example.org")
    _fix(app, finding_id, manager)
    asked = _mails(app)[-1]
    assert asked[1] == "Is it fixed? Fittjavägen 7"
    link = _link(asked[2]).split("?")[0]

    # "No" with a note, through the mail's link: the finding is open again.
    assert client.post(link, data={"answer": "no", "note": "Still dark"}).status_code == 303
    with app.app_context():
        assert db.session.get(Finding, finding_id).status == FindingStatus.ASSIGNED
    assert len(_mails(app)) == 2  # a reopen tells the tenant nothing new by mail
    page = client.get(link + "?lang=en").get_data(as_text=True)
    assert "You told us it is not fixed yet. We are looking at it again." in page
    assert "Still dark" in page

    # Fixed again: asked again, with a new link; then verified: not asked a third time.
    _fix(app, finding_id, manager)
    mails = _mails(app)
    assert len(mails) == 3 and mails[-1][1] == "Is it fixed? Fittjavägen 7"
    newest = _link(mails[-1][2])
    assert newest.split("?")[0] != link
    assert 'name="answer"' in client.get(newest).get_data(as_text=True)
    _move(app, finding_id, manager, FindingStatus.VERIFIED)
    assert len(_mails(app)) == 3


def test_a_staff_reopen_and_new_fix_asks_again_a_verification_does_not(client, make,
                                                                      building, app):
    _path, finding_id, manager = _accepted(client, app, make, "sv",
                                           contact_email="t@example.org")
    _fix(app, finding_id, manager)
    _move(app, finding_id, manager, FindingStatus.VERIFIED)
    assert len(_mails(app)) == 2
    _move(app, finding_id, manager, FindingStatus.ACKNOWLEDGED, reason="Trasig igen")
    _fix(app, finding_id, manager)
    assert [subject for _to, subject, _body in _mails(app)].count(
        "Är det åtgärdat? Fittjavägen 7") == 2


def test_no_mail_without_an_email_address(client, make, building, app):
    _path, finding_id, manager = _accepted(client, app, make, "sv",
                                           contact_phone="070-123 45 67")
    _fix(app, finding_id, manager)
    _move(app, finding_id, manager, FindingStatus.ACKNOWLEDGED, reason="Nej")
    _move(app, finding_id, manager, FindingStatus.WONT_FIX, reason="Nej")
    # A phone number gets no message: Trygg has no SMS provider (as for the status link).
    assert _mails(app) == []


def test_no_mail_after_the_address_is_purged(client, make, building, app):
    path, finding_id, manager = _accepted(client, app, make, "sv",
                                          contact_email="t@example.org")
    _move(app, finding_id, manager, FindingStatus.WONT_FIX, reason="Vi bygger om")
    assert len(_mails(app)) == 2  # told it is declined
    with app.app_context():
        purged = purge_contacts(db.session, now=utcnow() + timedelta(days=31), days=30)
        db.session.commit()
    assert purged == 1 and _mails(app) == []  # the mail went with the address
    _move(app, finding_id, manager, FindingStatus.ACKNOWLEDGED, reason="Ändrat beslut")
    _fix(app, finding_id, manager)
    assert _mails(app) == []
    assert _report(app, path, lambda r: r.contact_email) == ""


def test_declined_at_triage_mails_the_reason_in_the_reports_language(client, make,
                                                                     building, app):
    response = client.post("/t/FIT-007?lang=so", data={
        "report-category": make.category_id("lighting"), "report-place": "entrance",
        "report-time_of_day": "night", "report-contact_email": "t@example.org"})
    path = response.headers["Location"].split("?")[0]
    staff_client, _manager = _staff_client(app, make)
    report_id = _report(app, path, lambda r: r.id)
    assert staff_client.post(f"/tenant-reports/{report_id}/decline",
                             data={"reason": "fault_report"}).status_code == 303
    (_first, (to, subject, body)) = _mails(app)
    assert subject == "Warbixintaada waa la diiday: Fittjavägen 7"
    # The reason as the status page gives it, in Somali.
    with app.app_context():
        from flask_babel import force_locale

        from app.models import DeclineReason
        from app.tenants.forms import DECLINE_WORDS

        with force_locale("so"):
            reason = str(DECLINE_WORDS[DeclineReason.FAULT_REPORT])
    assert reason in body
    page = client.get(_link(body))
    assert page.status_code == 200 and reason in page.get_data(as_text=True)


def test_a_finding_closed_without_a_fix_mails_the_reason_once_per_decision(client, make,
                                                                           building, app):
    _path, finding_id, manager = _accepted(client, app, make, "en",
                                           contact_email="t@example.org")
    _move(app, finding_id, manager, FindingStatus.NOT_OURS, referred_to="municipality")
    mails = _mails(app)
    assert len(mails) == 2 and mails[-1][1] == "Your report is declined: Fittjavägen 7"
    assert "for example the municipality" in mails[-1][2]
    _move(app, finding_id, manager, FindingStatus.ACKNOWLEDGED, reason="Our land after all")
    _move(app, finding_id, manager, FindingStatus.WONT_FIX, reason="Too costly")
    mails = _mails(app)
    assert len(mails) == 3 and "We have decided not to change this." in mails[-1][2]


def test_a_report_on_a_duplicate_is_asked_when_the_original_is_fixed(client, make,
                                                                     building, app):
    _path, finding_id, manager = _accepted(client, app, make, "en",
                                           contact_email="t@example.org")
    original = make.finding(make.walk(), manager)
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        transition(db.session, finding, actor=db.session.get(User, manager),
                   to=FindingStatus.DUPLICATE, duplicate_of=db.session.get(Finding, original))
        db.session.commit()
    assert len(_mails(app)) == 1
    _fix(app, original, manager)
    mails = _mails(app)
    assert len(mails) == 2 and mails[-1][1] == "Is it fixed? Fittjavägen 7"


def test_the_report_rows_say_what_was_mailed(client, make, building, app):
    path, finding_id, manager = _accepted(client, app, make, "en",
                                          contact_email="t@example.org")
    _fix(app, finding_id, manager)
    with app.app_context():
        report = db.session.scalar(select(TenantReport).where(
            TenantReport.finding_id == finding_id))
        assert report.asked_fixed_at is not None and report.told_declined_at is None
        assert report.mail_token_hash and report.mail_token_hash != report.token_hash
    assert path


def test_marking_a_finding_a_duplicate_of_a_fixed_one_asks_at_once(client, make, building,
                                                                  app):
    _path, finding_id, manager = _accepted(client, app, make, "en",
                                           contact_email="t@example.org")
    original = make.finding(make.walk(), manager)
    _fix(app, original, manager)
    assert len(_mails(app)) == 1  # the original has no report of its own
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        transition(db.session, finding, actor=db.session.get(User, manager),
                   to=FindingStatus.DUPLICATE, duplicate_of=db.session.get(Finding, original))
        db.session.commit()
    mails = _mails(app)
    assert len(mails) == 2 and mails[-1][1] == "Is it fixed? Fittjavägen 7"
    # Verifying the original asks nothing more.
    _move(app, original, manager, FindingStatus.VERIFIED)
    assert len(_mails(app)) == 2
