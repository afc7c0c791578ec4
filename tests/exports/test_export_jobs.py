"""Exports as background jobs: complete files with their row count, progress, failure and
retry, who may download, clean-up, the RQ path on Redis, and mail sent by a job."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.exports import operations as ops
from app.exports import writers as export_service
from app.extensions import db
from app.models import Category, ExportJob, ExportStatus, Finding, Role, User, utcnow
from tests.conftest import export, redis_test_url

# An export reads on its own connection (and a worker in its own process): committed rows.
pytestmark = pytest.mark.committed

# Its own Redis database, emptied before and after each test that uses it.
REDIS_TEST_URL = redis_test_url()


def _bulk_findings(app, walk_id: int, author_id: int, n: int, *, confidential_every=0) -> None:
    with app.app_context():
        category_id = db.session.scalar(select(Category.id).where(Category.slug == "litter"))
        created = datetime(2025, 6, 1, 12, tzinfo=UTC)
        db.session.execute(insert(Finding), [
            {"uuid": str(uuid.uuid4()), "walk_id": walk_id, "author_id": author_id,
             "category_id": category_id, "created_at": created,
             "description": f"Skräp nr {i}; \"citat\"\nrad två",
             "confidential": bool(confidential_every and i % confidential_every == 0)}
            for i in range(n)
        ])
        db.session.commit()


def _start(client, url="/exports/findings.csv"):
    page = client.get(url).get_data(as_text=True)
    form = page.split('action="/exports"')[1].split("</form>")[0]
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    from werkzeug.datastructures import MultiDict

    response = client.post("/exports", data=MultiDict(fields))
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_csv_is_complete_and_its_name_says_how_many_rows(app, client, login, make,
                                                          monkeypatch):
    monkeypatch.setattr(ops, "PROGRESS_EVERY", 500)  # progress written a few times on the way
    login("manager")
    walk = make.walk(status="completed")
    _bulk_findings(app, walk, make.user("walker"), 2345)
    response = export(client, "/exports/findings.csv")
    name = re.search(r'filename="?([^";]+)"?', response.headers["Content-Disposition"]).group(1)
    count = int(re.search(r"-(\d+)-rows\.csv$", name).group(1))
    data_rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")),
                                    delimiter=";"))
    assert count == len(data_rows) == 2345
    assert response.headers["X-Row-Count"] == "2345"
    assert data_rows[-1]["description"] == "Skräp nr 2344; \"citat\"\nrad två"
    assert response.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        assert (job.status, job.rows_total, job.rows_done) == (ExportStatus.DONE, 2345, 2345)
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Ready: 2345 rows." in page or "Klart: 2345 rader." in page
    assert name in page


def test_the_file_lives_in_the_export_folder_and_the_repository_ignores_it(app, client,
                                                                          login, make):
    login("manager")
    make.finding(make.walk(), make.user("walker"))
    export(client, "/exports/findings.xlsx")
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        path = ops.file_path(job)
    assert path.is_file() and path.parent == Path(app.config["EXPORT_FOLDER"])
    assert path.name == f"{job.token}.xlsx"  # named by the random token, not the id
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()
    assert "instance/" in ignored.split()


def _job(app, user_id, **kw) -> int:
    with app.app_context():
        job = ExportJob(token=uuid.uuid4().hex, user_id=user_id, kind="findings",
                        file_format="csv", params="[]", locale="sv", **kw)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_progress_is_a_fragment_htmx_polls_and_a_page_that_refreshes_itself(app, client,
                                                                           login):
    user = login("manager")
    job_id = _job(app, user, status=ExportStatus.RUNNING, rows_total=1000, rows_done=500)
    fragment = client.get(f"/exports/{job_id}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text
    assert 'hx-trigger="every 1s"' in text
    assert "500 of 1000 rows written" in text or "500 av 1000 rader skrivna" in text
    assert 'value="50"' in text
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    # Without JavaScript: the page refreshes itself, and a link does the same.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert f'href="/exports/{job_id}"' in page


def test_a_failed_export_says_so_and_can_be_tried_again(app, client, login, make,
                                                       monkeypatch):
    login("manager")
    make.finding(make.walk(), make.user("walker"), description="Trasig lampa")

    def broken(*args, **kwargs):
        yield b"\xef\xbb\xbfid\r\n"
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_service, "csv_stream", broken)
    job_id = _start(client)
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "The export failed" in page or "Exporten misslyckades" in page
    assert "/download" not in page
    assert 'hx-trigger' not in page  # nothing left to wait for
    assert client.get(f"/exports/{job_id}/download").status_code == 404
    with app.app_context():
        assert not any(Path(app.config["EXPORT_FOLDER"]).glob("*.part"))

    monkeypatch.undo()
    retry = client.post(f"/exports/{job_id}/again")
    assert retry.status_code == 303
    new_id = int(retry.headers["Location"].rsplit("/", 1)[1])
    assert new_id != job_id
    download = client.get(f"/exports/{new_id}/download")
    assert "Trasig lampa" in download.get_data(as_text=True)
    download.close()


def test_an_export_whose_worker_died_is_shown_as_stopped(app, client, login):
    user = login("manager")
    job_id = _job(app, user, status=ExportStatus.RUNNING, rows_total=10, rows_done=5,
                  updated_at=utcnow() - timedelta(hours=1))
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "stopped before it was finished" in page or "avbröts innan" in page
    assert f'action="/exports/{job_id}/again"' in page
    assert "http-equiv" not in page


def test_only_who_started_it_downloads_it_while_they_still_may(app, client, login, make):
    owner = login("manager")
    make.finding(make.walk(), make.user("walker"), description="Hemligt", confidential=True)
    response = export(client, "/exports/findings.csv")
    assert "Hemligt" in response.get_data(as_text=True)
    with app.app_context():
        job_id = db.session.scalar(select(ExportJob.id))

    other = app.test_client()
    other_id = make.user("manager")
    with app.app_context():
        email = db.session.get(User, other_id).email
    other.post("/login", data={"email": email, "password": "correct-horse-battery"})
    assert other.get(f"/exports/{job_id}").status_code == 404
    assert other.get(f"/exports/{job_id}/download").status_code == 404

    with app.app_context():  # the owner is no longer a manager
        db.session.get(User, owner).role = Role.FIXER
        db.session.commit()
    assert client.get(f"/exports/{job_id}/download").status_code == 404
    assert client.get(f"/exports/{job_id}").status_code == 404


@pytest.mark.parametrize("role", ["walker", "fixer"])
def test_who_may_not_export_cannot_start_one(client, login, role):
    login(role)
    assert client.post("/exports", data={"kind": "findings", "file_format": "csv"}
                       ).status_code == 404


def test_old_exports_are_deleted_with_their_files(app, client, login, make):
    user = login("manager")
    make.finding(make.walk(), make.user("walker"))
    old_id = _job(app, user, status=ExportStatus.DONE, row_count=1,
                  created_at=utcnow() - timedelta(hours=25))
    with app.app_context():
        old = db.session.get(ExportJob, old_id)
        folder = Path(app.config["EXPORT_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        old_file = ops.file_path(old)
        old_file.write_text("id\r\n1\r\n")
    export(client, "/exports/findings.csv")
    assert not old_file.exists()
    with app.app_context():
        jobs = db.session.scalars(select(ExportJob)).all()
        assert [(j.token, j.status) for j in jobs] == [(jobs[0].token, ExportStatus.DONE)]
        assert jobs[0].token != old.token and jobs[0].created_at > utcnow() - timedelta(hours=1)


def test_confidential_rows_follow_the_right_when_the_export_started(app, ctx, make):
    walk = make.walk()
    author = make.user("walker")
    make.finding(walk, author, description="Öppet")
    make.finding(walk, author, description="Hemligt", confidential=True)
    manager = db.session.get(User, make.user("manager"))
    from werkzeug.datastructures import MultiDict

    job = ops.start_export(db.session, user=manager, kind="findings", file_format="csv",
                           args=MultiDict(), locale="sv")
    assert job.include_confidential
    job.include_confidential = False  # as for someone who may not see them
    db.session.commit()
    ops.run_export(job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    text = ops.file_path(job).read_text(encoding="utf-8-sig")
    assert "Öppet" in text and "Hemligt" not in text and job.row_count == 1


# --- the same on Redis with an RQ worker -------------------------------------------------------


@pytest.fixture
def redis_jobs(app, monkeypatch):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    yield connection
    connection.flushdb()
    connection.close()


def _work(app, connection) -> None:
    """What `flask worker --burst` does, without forking (the test process keeps running)."""
    from app import jobs

    with app.app_context():
        jobs.worker(app, connection=connection, fork=False).work(burst=True)


def test_an_export_through_redis_and_a_worker(app, client, login, make, redis_jobs):
    login("manager")
    walk = make.walk(status="completed")
    _bulk_findings(app, walk, make.user("walker"), 1500)
    job_id = _start(client)
    waiting = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "Waiting to start" in waiting or "Väntar på att börja" in waiting
    assert client.get(f"/exports/{job_id}/download").status_code == 404

    _work(app, redis_jobs)
    response = client.get(f"/exports/{job_id}/download")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    response.close()
    assert len(rows) - 1 == 1500
    assert "-1500-rows.csv" in response.headers["Content-Disposition"]


def test_assignment_mail_is_sent_by_the_worker_not_the_request(app, client, make,
                                                               monkeypatch, redis_jobs):
    import smtplib

    from app.models import OutboxMail

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout=None):
            pass

        def starttls(self):
            pass

        def send_message(self, message):
            sent.append(message["To"])

        def quit(self):
            pass

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    fixer = make.user("fixer", email="fixer@example.org")
    manager = make.user("manager")
    finding = make.finding(make.walk(status="completed"), make.user("walker"))
    with app.app_context():
        email = db.session.get(User, manager).email
    client.post("/login", data={"email": email, "password": "correct-horse-battery"})
    response = client.post(f"/findings/{finding}/assign",
                           data={"assignee_id": str(fixer), "version": "1"})
    assert response.status_code == 303
    assert sent == []  # the request only wrote the outbox row
    with app.app_context():
        mail = db.session.scalar(select(OutboxMail))
        assert mail.to_address == "fixer@example.org" and mail.sent_at is None

    _work(app, redis_jobs)
    assert sent == ["fixer@example.org"]
    with app.app_context():
        assert db.session.scalar(select(OutboxMail)).sent_at is not None


def test_when_redis_is_down_the_export_says_it_failed(app, client, login, make, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    login("manager")
    make.finding(make.walk(), make.user("walker"))
    job_id = _start(client)
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "The export failed" in page or "Exporten misslyckades" in page
    assert f'action="/exports/{job_id}/again"' in page


def test_reminders_are_a_job_when_redis_is_configured(runner, redis_jobs):
    from app import jobs

    result = runner.invoke(args=["send-reminders"])
    assert "enqueued" in result.output
    with runner.app.app_context():
        assert jobs.queue(runner.app).count == 1


def test_without_redis_jobs_run_in_a_thread(app, client, login, make, monkeypatch):
    """`make run` without REDIS_URL: the page comes back at once, the file a moment later."""
    import time

    monkeypatch.setitem(app.config, "JOBS_MODE", "thread")
    login("manager")
    make.finding(make.walk(), make.user("walker"), description="Trasig lampa")
    job_id = _start(client)
    for _ in range(100):
        with app.app_context():
            status = db.session.scalar(select(ExportJob.status).where(ExportJob.id == job_id))
        if status == ExportStatus.DONE:
            break
        time.sleep(0.05)
    response = client.get(f"/exports/{job_id}/download")
    assert "Trasig lampa" in response.get_data(as_text=True)
    response.close()


def test_the_worker_command_needs_redis(runner, monkeypatch, app):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output

