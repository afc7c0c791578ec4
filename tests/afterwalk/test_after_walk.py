"""Owners (/admin/owners) and the "Efter vandringen" screen: every point of a completed walk
gets an owner and an answer or "no action" with a reason, an outside owner is sent the point
by e-mail with the photo and the position, their answer is recorded, and finishing the
meeting plans the re-walk with the open points as its checklist."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    AfterMeeting,
    Finding,
    FindingAnswer,
    FindingStatus,
    MailAttachment,
    OutboxMail,
    Owner,
    Walk,
)
from app.timeutil import local_today

DUE = (local_today() + timedelta(days=30)).isoformat()


def text(response) -> str:
    return response.get_data(as_text=True)


# --- owners --------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("admin", 200), ("manager", 404), ("walker", 404),
                                          ("fixer", 404)])
def test_only_admins_keep_the_owners_list(client, login, role, status):
    login(role, language="en")
    assert client.get("/admin/owners").status_code == status


def test_admin_adds_edits_and_retires_an_owner(client, login, app):
    login("admin", language="en")
    page = text(client.get("/admin/owners"))
    assert 'href="/admin/owners"' in page and 'aria-current="page"' in page  # the admin menu
    response = client.post("/admin/owners", data={
        "name": "SL", "kind": "transit", "email": "trygghet@sl.example"})
    assert response.status_code == 303
    page = text(client.get("/admin/owners"))
    assert "SL" in page and "Transit company" in page and "trygghet@sl.example" in page
    with app.app_context():
        owner_id = db.session.scalar(db.select(Owner.id).where(Owner.name == "SL"))
    response = client.post(f"/admin/owners/{owner_id}", data={
        "name": "SL Trafik", "kind": "transit", "email": "trygghet@sl.example"})
    assert response.status_code == 303
    client.post(f"/admin/owners/{owner_id}/active", data={"active": "0"})
    with app.app_context():
        owner = db.session.get(Owner, owner_id)
        assert (owner.name, owner.active) == ("SL Trafik", False)


def test_an_outside_owner_needs_an_email_and_nothing_typed_is_lost(client, login):
    login("admin", language="en")
    response = client.post("/admin/owners", data={"name": "Polisen Syd", "kind": "police",
                                                    "email": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Give an e-mail address" in page
    assert 'value="Polisen Syd"' in page
    response = client.post("/admin/owners", data={"name": "X", "kind": "police",
                                                    "email": "not-an-address"})
    assert response.status_code == 422 and "Give a whole e-mail address." in text(response)


def test_the_owners_page_in_swedish(client, login):
    login("admin", language="sv")
    page = text(client.get("/admin/owners"))
    assert "Ägare" in page and "Lägg till en ägare" in page


# --- the after-meeting ----------------------------------------------------------------------


def test_a_completed_walk_shows_as_not_finished_with_its_unanswered_count(client, login,
                                                                          walked):
    login("manager", language="en")
    page = text(client.get(f"/walks/{walked.walk}"))
    assert "Not finished" in page and "3 points have no answer yet." in page
    page = text(client.get(f"/walks/{walked.walk}/after"))
    assert "3 points have no answer yet." in page
    # Confidential points are answered too (the managers' meeting sees them).
    assert "Confidential" in page


@pytest.mark.parametrize("role", ["walker", "fixer"])
def test_only_managers_hold_the_after_meeting(client, login, walked, role):
    login(role, language="en")
    assert client.get(f"/walks/{walked.walk}/after").status_code in (403, 404)
    response = client.post(f"/walks/{walked.walk}/after/{walked.findings[0]}",
                           data={"owner_id": walked.ours, "action": "x", "due_date": DUE})
    assert response.status_code in (403, 404)


def test_a_walk_in_progress_has_no_after_meeting(client, login, make):
    login("manager", language="en")
    walk = make.walk(status="in_progress")
    assert client.get(f"/walks/{walk}/after").status_code == 403


def test_a_point_needs_an_owner_action_and_date_or_a_reason(client, login, walked):
    login("manager", language="en")
    url = f"/walks/{walked.walk}/after/{walked.findings[1]}"
    response = client.post(url, data={"owner_id": 0, "action": "Klipp buskarna",
                                      "due_date": DUE})
    assert response.status_code == 422
    page = text(response)
    assert "Choose who owns this point." in page and "Klipp buskarna" in page
    response = client.post(url, data={"owner_id": walked.ours, "action": "Klipp"})
    assert response.status_code == 422 and "Give a date by when" in text(response)
    response = client.post(url, data={"no_action": "y", "reason": ""})
    assert response.status_code == 422 and "Say why nothing will be done." in text(response)


def test_answering_steps_to_the_next_point_and_the_count_goes_down(client, login, walked, app):
    login("manager", language="en")
    lamp, bushes, _secret = walked.findings
    response = client.post(f"/walks/{walked.walk}/after/{lamp}", data={
        "owner_id": walked.ours, "action": "Byt armaturen", "due_date": DUE})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/walks/{walked.walk}/after/{bushes}")
    page = text(client.get(response.headers["Location"]))
    assert "2 points have no answer yet." in page and "Point 2 of 3" in page
    with app.app_context():
        finding = db.session.get(Finding, lamp)
        assert finding.responsible_party == "Bostadsbolaget"
        assert finding.planned_action == "Byt armaturen"
        assert finding.due_date == date.fromisoformat(DUE)
        # Our own points are not mailed.
        assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 0


def test_an_outside_owner_is_mailed_the_point_with_photo_and_position(client, login, walked,
                                                                       app):
    login("manager", language="en")
    lamp = walked.findings[0]
    response = client.post(f"/walks/{walked.walk}/after/{lamp}", data={
        "owner_id": walked.municipality, "action": "Ny gatubelysning", "due_date": DUE})
    assert response.status_code == 303
    with app.app_context():
        mail = db.session.scalars(db.select(OutboxMail)).one()
        assert mail.to_address == "gata@botkyrka.example"
        assert "Alby" in mail.subject
        assert "59.239100, 17.845200" in mail.body
        assert "openstreetmap.org/?mlat=59.239100&mlon=17.845200" in mail.body
        assert "Ny gatubelysning" in mail.body and "Trasig lampa vid porten" in mail.body
        assert "Lena" not in mail.body  # no walker's name goes outside
        attachment = db.session.scalars(db.select(MailAttachment)).one()
        assert attachment.content_type == "image/jpeg"
        assert attachment.data[:2] == b"\xff\xd8"
        assert b"Exif" not in attachment.data[:200]  # stored as processed: no EXIF block
        answer = db.session.scalar(db.select(FindingAnswer).where(
            FindingAnswer.finding_id == lamp))
        assert answer.mail_id == mail.id
    # Saved again for the same owner: not mailed twice.
    client.post(f"/walks/{walked.walk}/after/{lamp}", data={
        "owner_id": walked.municipality, "action": "Ny gatubelysning, två stolpar",
        "due_date": DUE})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 1
    page = text(client.get(f"/walks/{walked.walk}/after/{lamp}"))
    assert "Sent by e-mail to gata@botkyrka.example" in page
    response = client.post(f"/walks/{walked.walk}/after/{lamp}/reply",
                           data={"reply": "Vi byter stolparna i vecka 12."})
    assert response.status_code == 303
    page = text(client.get(f"/walks/{walked.walk}/after/{lamp}"))
    assert "Vi byter stolparna i vecka 12." in page


def test_a_confidential_point_is_never_mailed(client, login, walked, app):
    login("manager", language="en")
    secret = walked.findings[2]
    response = client.post(f"/walks/{walked.walk}/after/{secret}", data={
        "owner_id": walked.municipality, "action": "Samtal", "due_date": DUE})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 0


def test_sending_the_outbox_attaches_the_photo(app, walked, client, login, monkeypatch):
    """SMTP delivery sends the stored attachment as a MIME part."""
    import smtplib

    from app.mail import deliver_pending

    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def send_message(self, message):
            sent.append(message)

        def quit(self):
            pass

    login("manager", language="en")
    client.post(f"/walks/{walked.walk}/after/{walked.findings[0]}", data={
        "owner_id": walked.municipality, "action": "Ny belysning", "due_date": DUE})
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    with app.app_context():
        assert deliver_pending(db.session, {"MAIL_SERVER": "smtp.example"}) == (1, 0)
        db.session.commit()
    parts = [p for p in sent[0].iter_attachments()]
    assert [p.get_content_type() for p in parts] == ["image/jpeg"]
    assert parts[0].get_filename().endswith(".jpg")


def _answer_all(client, walked, *, no_action_for=()):
    for finding in walked.findings:
        if finding in no_action_for:
            data = {"no_action": "y", "reason": "Kommunens mark, redan åtgärdat"}
        else:
            data = {"owner_id": walked.ours, "action": "Åtgärda", "due_date": DUE}
        assert client.post(f"/walks/{walked.walk}/after/{finding}", data=data
                           ).status_code == 303


def test_the_meeting_cannot_finish_with_points_unanswered(client, login, walked, app):
    login("manager", language="en")
    response = client.post(f"/walks/{walked.walk}/after/finish",
                           data={"rewalk_date": DUE, "rewalk_time": "18:00"})
    assert response.status_code == 422
    assert "3 points have no answer yet." in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AfterMeeting.id))) == 0


def test_finishing_plans_the_rewalk_in_three_months_with_the_open_points(client, login,
                                                                        walked, app):
    login("manager", language="en")
    lamp, bushes, secret = walked.findings
    with app.app_context():
        db.session.get(Finding, bushes).status = FindingStatus.FIXED
        db.session.commit()
    _answer_all(client, walked, no_action_for=(secret,))
    page = text(client.get(f"/walks/{walked.walk}/after"))
    assert "Every point is answered." in page
    from dateutil.relativedelta import relativedelta
    assert f'value="{(local_today() + relativedelta(months=3)).isoformat()}"' in page
    rewalk_day = (local_today() + timedelta(days=80)).isoformat()  # edited
    response = client.post(f"/walks/{walked.walk}/after/finish",
                           data={"rewalk_date": rewalk_day, "rewalk_time": "19:30"})
    assert response.status_code == 303
    with app.app_context():
        meeting = db.session.scalars(db.select(AfterMeeting)).one()
        rewalk = db.session.get(Walk, meeting.rewalk_id)
        # Fixed and "no action" points are not re-checked: only the lamp is.
        assert [item.finding_id for item in rewalk.checklist] == [lamp]
        assert rewalk.follow_up_of_id == walked.walk
        assert str(rewalk.planned_start.astimezone().date()) <= rewalk_day
    page = text(client.get(response.headers["Location"]))
    assert "Trasig lampa vid porten" in page or "Lighting" in page  # the checklist
    page = text(client.get(f"/walks/{walked.walk}"))
    assert "Finished" in page and "Not finished" not in page
    assert client.post(f"/walks/{walked.walk}/after/finish",
                       data={"rewalk_date": rewalk_day, "rewalk_time": "19:30"}
                       ).status_code == 422  # once only


def test_the_walks_list_shows_which_walks_wait_for_answers(client, login, walked, make):
    login("manager", language="en")
    answered = make.walk(status="completed", title="Dagvandring Fittja")
    page = text(client.get("/walks"))
    assert page.count("points have no answer yet.") == 1  # only the walk with points left
    client.post(f"/walks/{walked.walk}/after/{walked.findings[0]}", data={
        "owner_id": walked.ours, "action": "Byt lampan", "due_date": DUE})
    assert "2 points have no answer yet." in text(client.get("/walks"))
    assert "Dagvandring Fittja" in text(client.get("/walks")) and answered


def test_the_outbox_shows_the_photo_sent_with_a_point(client, login, walked, app):
    login("manager", language="en")
    client.post(f"/walks/{walked.walk}/after/{walked.findings[0]}", data={
        "owner_id": walked.municipality, "action": "Ny belysning", "due_date": DUE})
    with app.app_context():
        mail_id = db.session.scalar(db.select(OutboxMail.id))
    login("admin", language="en")
    page = text(client.get(f"/admin/outbox/{mail_id}"))
    assert "Attachments" in page and f"trygg-{walked.findings[0]}-1.jpg" in page


def test_an_empty_owners_list_says_who_fills_it(client, login, make):
    walk = make.walk(status="completed")
    author = make.user("walker")
    finding = make.finding(walk, author)
    login("manager", language="en")
    page = text(client.get(f"/walks/{walk}/after/{finding}"))
    assert "The owners list is empty" in page


def test_retention_also_deletes_the_photo_mailed_to_the_owner(client, login, walked, app):
    """purge-expired deletes a closed point's photos; the copy attached to the owner's mail
    goes with them (the mail itself stays, as a record)."""
    from app.models import utcnow
    from app.privacy.operations import purge_expired

    login("manager", language="en")
    lamp = walked.findings[0]
    client.post(f"/walks/{walked.walk}/after/{lamp}", data={
        "owner_id": walked.municipality, "action": "Ny belysning", "due_date": DUE})
    with app.app_context():
        finding = db.session.get(Finding, lamp)
        closed = utcnow() - timedelta(days=800)
        finding.status = FindingStatus.VERIFIED
        finding.fixed_at = finding.verified_at = finding.closed_at = closed
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(MailAttachment.id))) == 1
        purge_expired(db.session, now=utcnow(), photo_months=24, text_months=None)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(MailAttachment.id))) == 0
        assert db.session.scalar(db.select(db.func.count(OutboxMail.id))) == 1
