"""Shared fixtures: the app on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set),
a rolled-back transaction per test, a client, a CLI runner, log-in helpers and small factories."""

import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, text
from sqlalchemy.orm import close_all_sessions

from app import create_app
from app.extensions import db, limiter
from app.findings.catalog import ensure_defaults
from app.models import (
    Building,
    Category,
    District,
    Finding,
    LightCondition,
    Role,
    User,
    Walk,
    WalkStatus,
)

TEST_PASSWORD = "correct-horse-battery"
SHARED_PHOTOS = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "photos"
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _database_uri(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'test.db'}"
    return os.environ["TEST_DATABASE_URL"]


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"app-{request.param}")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _database_uri(request.param, tmp),
            "UPLOAD_FOLDER": str(tmp / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SERVER_NAME": None,
            # Jobs run at once, inside enqueue(); tests/test_jobs.py runs them on Redis too.
            "JOBS_MODE": "sync",
            "EXPORT_FOLDER": str(tmp / "exports"),
        }
    )
    app.config["DB_KIND"] = request.param
    with app.app_context():
        if request.param == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade(revision="heads")
        db.session.remove()
    _reset(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _clear(app) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if app.config["DB_KIND"] == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


def _reset(app) -> None:
    """Back to the state every test starts from: no rows but the default lists."""
    with app.app_context():
        _clear(app)
        ensure_defaults(db.session)
        db.session.commit()
        db.session.remove()


class _ConnectionSession(Session):
    """Flask-SQLAlchemy's session picks the app's engine even when given a bind; this one
    runs everything on the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextmanager
def _sessions_on(connection):
    """Every `db.session` (one per app context, as in the app) runs on `connection`, and a
    commit or rollback in app code ends a SAVEPOINT, never the test's transaction."""
    original = db.session
    db.session = db._make_scoped_session({
        "bind": connection, "class_": _ConnectionSession,
        "join_transaction_mode": "create_savepoint",
    })
    try:
        yield
    finally:
        close_all_sessions()  # a session left open (an app context never popped) lets go
        db.session = original


_state = {"rolled_back": False}


@pytest.fixture(autouse=True)
def isolation(request, app):
    """Each test runs inside a transaction that is rolled back at its end (SQLite and
    PostgreSQL alike; sqlite_tuning makes SQLAlchemy emit BEGIN, so SAVEPOINTs work).

    Tests marked `committed` need their rows visible to other connections (a live server,
    threads, a backup, an export read on its own connection, an RQ worker): they commit for
    real, and the tables are emptied and the default lists put back after them."""
    limiter.reset()  # login throttling counters (in-memory in tests)
    _state["rolled_back"] = not request.node.get_closest_marker("committed")
    if not _state["rolled_back"]:
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
        try:
            yield
        finally:
            with app.app_context():
                db.session.remove()
            _reset(app)
        return
    if "seeded_demo" in request.fixturenames:
        connection = request.getfixturevalue("seeded_demo").connection
        transaction = connection.begin_nested()
    else:
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
        with app.app_context():
            connection = db.engine.connect()
        transaction = connection.begin()
    try:
        with _sessions_on(connection):
            yield
    finally:
        if transaction.is_active:
            transaction.rollback()
        if "seeded_demo" not in request.fixturenames:
            connection.close()


@dataclass
class Demo:
    connection: Connection
    districts: dict[str, int]  # name -> id


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests on the seeded demo run last on each database (the order stays otherwise), so
    the demo is seeded once and its transaction never stands in another test's way."""
    def key(item):
        database = getattr(item, "callspec", None) and item.callspec.params.get("app")
        return (DATABASES.index(database) if database in DATABASES else 0,
                "seeded_demo" in getattr(item, "fixturenames", ()))

    items.sort(key=key)


@pytest.fixture(scope="session")
def seeded_demo(app):
    """The demo data set (`flask seed-demo`, photos_every=1000), seeded once per database
    for tests that read it; what a test changes in it is rolled back after the test. Such
    tests run last (see above): the demo's transaction holds SQLite's write lock."""
    from app.services import demo as demo_data
    from app.storage import get_storage

    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        with _sessions_on(connection):
            demo_data.seed(db.session, get_storage(), photos_every=1000)
            db.session.commit()
            districts = dict(db.session.execute(db.select(District.name, District.id)).all())
    try:
        yield Demo(connection, districts)
    finally:
        transaction.rollback()
        connection.close()
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Small factories that commit (a SAVEPOINT inside the test's transaction), so the rows
    are visible to the client's requests."""

    def __init__(self, app):
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            obj_id = obj.id
            db.session.remove()
        return obj_id

    def district(self, name: str | None = None) -> int:
        n = self._next()
        return self._save(District(name=name or f"District {n}", code=f"D{n}"))

    def building(self, district_id: int, lat: float = 59.2472, lon: float = 17.8610,
                 code: str | None = None, address: str | None = None) -> int:
        n = self._next()
        return self._save(Building(code=code or f"B-{n}", address=address or f"Gatan {n}",
                                   district_id=district_id, latitude=lat, longitude=lon))

    def user(self, role: str = "walker", email: str | None = None, **kw) -> int:
        from werkzeug.security import generate_password_hash

        n = self._next()
        return self._save(User(
            email=email or f"{role}{n}@example.org", name=kw.pop("name", f"{role.title()} {n}"),
            role=Role(role), active=True,
            password_hash=generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000"),
            **kw,
        ))

    def walk(self, district_id: int | None = None, status: str = "in_progress",
             leader_id: int | None = None, planned_start: datetime | None = None,
             light: str = "daylight", title: str = "Kvällsvandring") -> int:
        district_id = district_id or self.district()
        now = datetime.now(UTC)
        return self._save(Walk(
            district_id=district_id, title=title,
            planned_start=planned_start or now, light_condition=LightCondition(light),
            leader_id=leader_id, status=WalkStatus(status),
            started_at=now if status != "planned" else None,
            completed_at=now + timedelta(hours=1) if status == "completed" else None,
        ))

    def category_id(self, slug: str = "lighting") -> int:
        with self.app.app_context():
            return db.session.scalar(db.select(Category.id).where(Category.slug == slug))

    def finding(self, walk_id: int, author_id: int, category: str = "lighting", **kw) -> int:
        return self._save(Finding(
            uuid=str(uuid.uuid4()), walk_id=walk_id, author_id=author_id,
            category_id=self.category_id(category), **kw,
        ))


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def login(client, make):
    """login("manager") creates a user with that role, logs the client in, returns its id."""

    def do_login(role: str = "walker", **kw) -> int:
        user_id = make.user(role, **kw)
        with client.application.app_context():
            email = db.session.get(User, user_id).email
        response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user_id

    return do_login


def export(client, url: str, *, expect: int = 200):
    """Export as a user does: the export link's page, its "Start export" button, the job's
    page, then the download link on it. Returns the download (or the first answer that is
    not `expect`)."""
    import html
    import re

    assert not _state["rolled_back"], (
        "the export job reads on its own connection: mark the test @pytest.mark.committed")
    page = client.get(url)
    if page.status_code != 200:
        return page
    text = page.get_data(as_text=True)
    form = text.split('action="/exports"')[1].split("</form>")[0]
    fields = [(html.unescape(n), html.unescape(v)) for n, v in
              re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)]
    from werkzeug.datastructures import MultiDict

    started = client.post("/exports", data=MultiDict(fields))
    assert started.status_code == 303, started.status_code
    status = client.get(started.headers["Location"])
    assert status.status_code == 200
    body = status.get_data(as_text=True)
    assert "/download" in body, body[body.find('id="export-status"'):][:800]
    link = re.search(r'href="(/exports/\d+/download)"', body).group(1)
    response = client.get(link)
    assert response.status_code == expect
    response.get_data()  # read it all, then let go of the file
    response.close()
    return response


def shared_photo(name: str) -> Path:
    path = SHARED_PHOTOS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (shared test data is absent in a user's clone)")
    return path
