"""Staff read a tenant report machine-translated (issue 25), only when a LibreTranslate-
compatible service is set (TRANSLATE_URL): a "Translate" button (htmx, or a plain form)
under a text written in another language than the reader's; the translation under the
original, marked machine-translated; a slow or broken service gives a message, never an
error page. The service here is a small HTTP server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.tenants.test_triage import _report, _send, _staff_client

HTMX = {"HX-Request": "true"}


class FakeTranslator(BaseHTTPRequestHandler):
    mode = "ok"
    received: list[dict] = []
    # "slow" answers (with a translation) only once this is set or 20 s have passed: a
    # Trygg that waited past its timeout would show that translation, not the message.
    released = threading.Event()

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeTranslator.received.append({"path": self.path, **body})
        if self.mode == "slow":
            FakeTranslator.released.wait(20)
        if self.mode == "error":
            self._answer(400, {"error": "ar is not supported"})
        elif self.mode == "garbage":
            self._answer(200, "<html>proxy login</html>", raw=True)
        else:
            self._answer(200, {"translatedText": f"[{body['target']}] The lamp is broken"})

    def _answer(self, status, payload, raw=False):
        data = payload.encode() if raw else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # "slow": Trygg stopped waiting, as it should

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def translator():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTranslator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def service(app, translator, monkeypatch):
    """TRANSLATE_URL set to the fake service for one test."""
    monkeypatch.setitem(app.config, "TRANSLATE_URL", translator)
    monkeypatch.setitem(app.config, "TRANSLATE_API_KEY", "k-123")
    monkeypatch.setattr(FakeTranslator, "mode", "ok")
    FakeTranslator.received.clear()
    FakeTranslator.released.clear()
    yield translator
    FakeTranslator.released.set()  # a "slow" answer still pending goes out now


def _arabic_report(client, app, make) -> int:
    path = _send(client, make, description="المصباح مكسور")  # sent from the Arabic page
    return _report(app, path, lambda r: r.id)


def test_no_service_no_button(client, app, make, building):
    assert not app.config["TRANSLATE_URL"]
    report_id = _arabic_report(client, app, make)
    staff, _manager = _staff_client(app, make)
    assert "Översätt" not in staff.get(f"/tenant-reports/{report_id}").get_data(as_text=True)
    assert "Översätt" not in staff.get("/tenant-reports").get_data(as_text=True)
    assert staff.post(f"/tenant-reports/{report_id}/translate").status_code == 404


def test_the_button_translates_under_the_original(client, app, make, building, service):
    report_id = _arabic_report(client, app, make)
    staff, _manager = _staff_client(app, make)
    page = staff.get(f"/tenant-reports/{report_id}").get_data(as_text=True)
    assert "Översätt" in page and f'hx-post="/tenant-reports/{report_id}/translate"' in page
    assert f'hx-post="/tenant-reports/{report_id}/translate"' in staff.get(
        "/tenant-reports").get_data(as_text=True)  # in the inbox too

    fragment = staff.post(f"/tenant-reports/{report_id}/translate", headers=HTMX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    text = fragment.get_data(as_text=True)
    assert "[sv] The lamp is broken" in text
    assert "Maskinöversatt från arabiska" in text
    assert "<html" not in text  # only the fragment
    (sent,) = FakeTranslator.received
    assert sent == {"path": "/translate", "q": "المصباح مكسور", "source": "ar",
                    "target": "sv", "format": "text", "api_key": "k-123"}

    # Without JavaScript the form gives the report's page, original and translation.
    page = staff.post(f"/tenant-reports/{report_id}/translate").get_data(as_text=True)
    assert "المصباح مكسور" in page and "[sv] The lamp is broken" in page
    assert "<h1>" in page  # the whole page


def test_no_button_for_a_report_in_the_readers_language(client, app, make, building,
                                                        service):
    response = client.post("/t/FIT-007?lang=sv", data={
        "report-category": make.category_id("lighting"), "report-place": "entrance",
        "report-time_of_day": "day", "report-description": "Lampan är trasig"})
    path = response.headers["Location"].split("?")[0]
    report_id = _report(app, path, lambda r: r.id)
    staff, _manager = _staff_client(app, make)
    assert "Översätt" not in staff.get(f"/tenant-reports/{report_id}").get_data(as_text=True)
    assert staff.post(f"/tenant-reports/{report_id}/translate").status_code == 404
    # A manager who reads English gets the button for the same report.
    from app.extensions import db
    from app.models import User
    from tests.conftest import _start_login

    english = app.test_client()
    _start_login(english, db.select(User).where(
        User.id == make.user("manager", language="en")))
    page = english.get(f"/tenant-reports/{report_id}").get_data(as_text=True)
    assert ">Translate</button>" in page
    fragment = english.post(f"/tenant-reports/{report_id}/translate", headers=HTMX)
    assert "[en] The lamp is broken" in fragment.get_data(as_text=True)
    assert "Machine-translated from Swedish" in fragment.get_data(as_text=True)


@pytest.mark.parametrize("mode, says", [
    ("slow", "svarade inte inom 0.5 sekunder"),
    ("error", "kunde inte översätta texten (svar 400)"),
    ("garbage", "ett svar som Trygg inte kan läsa"),
])
def test_a_failing_service_gives_a_message_not_an_error_page(client, app, make, building,
                                                             service, monkeypatch, mode,
                                                             says):
    monkeypatch.setattr(FakeTranslator, "mode", mode)
    monkeypatch.setitem(app.config, "TRANSLATE_TIMEOUT", 0.5)
    report_id = _arabic_report(client, app, make)
    staff, _manager = _staff_client(app, make)
    fragment = staff.post(f"/tenant-reports/{report_id}/translate", headers=HTMX)
    assert fragment.status_code == 200
    assert FakeTranslator.received  # the service was asked
    text = fragment.get_data(as_text=True)
    assert says in text and 'role="alert"' in text
    assert "Översätt" in text  # try again
    assert "The lamp is broken" not in text


def test_a_service_that_is_down_gives_a_message(client, app, make, building, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSLATE_URL", "http://127.0.0.1:9")  # nothing there
    report_id = _arabic_report(client, app, make)
    staff, _manager = _staff_client(app, make)
    page = staff.post(f"/tenant-reports/{report_id}/translate")
    assert page.status_code == 200
    assert "Det gick inte att nå översättningstjänsten" in page.get_data(as_text=True)


def test_the_timeout_is_three_seconds_unless_set():
    from app.config import Config

    assert Config.TRANSLATE_TIMEOUT == 3 and Config.TRANSLATE_URL == ""


def test_fixers_cannot_translate(client, app, make, building, service):
    report_id = _arabic_report(client, app, make)
    fixer, _user = _staff_client(app, make, role="fixer")
    assert fixer.post(f"/tenant-reports/{report_id}/translate").status_code == 404
    assert FakeTranslator.received == []
