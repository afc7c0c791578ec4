"""Shared fixtures: the app on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set),
a rolled-back transaction per test, a client, a CLI runner, log-in helpers and small factories."""

import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.orm import close_all_sessions

from app import create_app, page_cache
from app.accounts.operations import start_session
from app.extensions import db, limiter
from app.findings.operations.catalog import ensure_defaults
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

# The browser tests (tests/browser/) need Debian's Chromium. Its old headless shell
# (apt-get install chromium-headless-shell; what Playwright itself runs headless tests in)
# is taken when it is there: the same engine, without the full browser's windowing, and
# ~35 % less CPU for the same tests (measured: 3 tests, 19 -> 12 CPU-s past pytest's start).
# Their summary line is written here: in a parallel run only this conftest is loaded by the
# process that reports.
CHROMIUM = next((path for path in ("/usr/lib/chromium/chromium-headless-shell",
                                   "/usr/bin/chromium") if os.path.exists(path)),
                "/usr/bin/chromium")
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
SKIP_REASON = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
_browser_ran: set[str] = set()


def pytest_runtest_logreport(report):
    if report.when == "call" and "tests/browser/" in report.nodeid:
        _browser_ran.add(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not HAVE_CHROMIUM:
        terminalreporter.write_line(f"Browser tests SKIPPED: {SKIP_REASON}", yellow=True, bold=True)
    else:
        terminalreporter.write_line(f"Browser tests: {len(_browser_ran)} ran", bold=True)


# `make test` runs the suite in parallel (pytest-xdist): each worker process has its own
# SQLite file (its own tmp dir), PostgreSQL database and Redis database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_number() -> int:
    return int(WORKER[2:]) if WORKER.startswith("gw") else 0


def _database_uri(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'test.db'}"
    url = make_url(os.environ["TEST_DATABASE_URL"])
    if not WORKER:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{WORKER}")
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": own.database}):
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def redis_test_url() -> str:
    """TEST_REDIS_URL's database, one further per xdist worker (16 by default in Redis)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) + worker_number()) % 16}"


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
            # Jobs run at once, inside enqueue(); tests/exports/test_export_jobs.py runs them
            # on Redis too.
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
    real, and the tables are emptied and the default lists put back after them; with
    `committed(scope="module")` once after their module (see `committed_module`)."""
    limiter.reset()  # login throttling counters (in-memory in tests)
    page_cache.clear()  # a rolled-back test's tokens come back in the next one
    _state["rolled_back"] = not request.node.get_closest_marker("committed")
    if any(m.kwargs.get("scope") == "module" for m in request.node.iter_markers("committed")):
        request.getfixturevalue("committed_module")
        try:
            yield
        finally:
            with app.app_context():
                db.session.remove()
        return
    if not _state["rolled_back"]:
        SharedRows.close_all()
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
        try:
            yield
        finally:
            with app.app_context():
                db.session.remove()
            _reset(app)
        return
    shared = _shared_fixture(request.module.__name__, request.fixturenames)
    SharedRows.close_all(but=shared)
    if shared:
        rows = request.getfixturevalue(shared)
        if isinstance(rows, Demo):
            rows.ensure_open()
        elif isinstance(rows, SharedRows) and not rows.is_open():
            pytest.fail(f"{shared} was closed before this test: its tests must run together")
        connection = rows.connection
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
        if not shared:
            connection.close()


@pytest.fixture(scope="module")
def committed_module(app):
    """For a module marked `pytestmark = pytest.mark.committed(scope="module")`: its tests
    commit for real and see what the module's earlier tests committed (rows and photo
    files), so a module-scoped fixture can make rows once for all of them (the demo for
    tests/browser/test_phone_manager.py: seeded once, not before each test). The tables are
    emptied and the default lists put back once, after the module; write the tests so that
    each passes whatever the module's earlier tests did."""
    SharedRows.close_all()
    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        _reset(app)
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)


# Fixtures whose rows stay in an open transaction that tests nest in: (module, name).
_SHARED = {("", "seeded_demo")}


def _shared_fixture(module: str, fixturenames) -> str | None:
    return next((name for name in fixturenames
                 if ("", name) in _SHARED or (module, name) in _SHARED), None)


def shared_rows(build):
    """A module-scoped fixture from `build(app, make) -> dict`: the rows are made once per
    module and database, in a transaction kept open; each test that uses the fixture runs
    in a SAVEPOINT inside it, rolled back after the test. For many tests (a role × route
    table) that would each make the same rows.

    Such tests run after their database's other tests, module by module (see below): on
    SQLite the open transaction holds the write lock, and pytest closes a module's fixtures
    when the next test is from another module."""

    @pytest.fixture(scope="module", name=build.__name__)
    def fixture(app):
        SharedRows.close_all()  # another module's, if a parallel worker ran its tests between
        with app.app_context():
            connection = db.engine.connect()
        connection.begin()
        rows = SharedRows()
        rows.name, rows.connection = build.__name__, connection
        SharedRows.open.append(rows)
        try:
            with _sessions_on(connection):
                rows.update(build(app, Factory(app, first=10_000)))
            yield rows
        finally:
            rows.close()

    _SHARED.add((build.__module__, build.__name__))
    return fixture


class SharedRows(dict):
    """Rows kept in an open transaction on `connection`; closed (rolled back) at the end of
    their module or, if earlier, before a test that does not use them: a module's tests on
    the seeded demo run after its tests on shared rows, and the demo needs the write lock."""

    open: list["SharedRows"] = []
    name: str
    connection: Connection

    def is_open(self) -> bool:
        return any(rows is self for rows in SharedRows.open)

    def close(self) -> None:
        if self.is_open():
            SharedRows.open = [rows for rows in SharedRows.open if rows is not self]
            self.connection.rollback()
            self.connection.close()

    @classmethod
    def close_all(cls, but: str | None = None) -> None:
        for rows in list(cls.open):
            if rows.name != but:
                rows.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests on shared rows, then tests on the seeded demo, run last on each database (the
    order stays otherwise), so the rows are made once and their transaction never stands
    in another test's way."""
    def key(item):
        database = getattr(item, "callspec", None) and item.callspec.params.get("app")
        names = getattr(item, "fixturenames", ())
        shared = _shared_fixture(getattr(item, "module", None) and item.module.__name__, names)
        return (DATABASES.index(database) if database in DATABASES else 0,
                "seeded_demo" in names, shared is not None)

    items.sort(key=key)
    # In a parallel run each group goes to one worker: the demo is seeded, and each module's
    # shared rows made, once per database rather than once per worker.
    for item in items:
        database, demo, shared = key(item)
        if demo or shared:
            group = "demo" if demo else item.module.__name__
            item.add_marker(pytest.mark.xdist_group(f"{group}-{DATABASES[database]}"))
    _name_xdist_groups(items)


def _name_xdist_groups(items) -> None:
    """--dist loadgroup sends a test to a worker by the "@group" its worker puts at the end
    of its nodeid. pytest-xdist 3.8 does that in its own pytest_collection_modifyitems by
    writing `item._nodeid`, which pytest 9 no longer reads (the id lives in `item._id`, a
    NodeId): the suffix went nowhere and every xdist_group was ignored. And its hook runs
    before the trylast one above, which adds the demo and shared-rows groups. So the suffix
    is written here, last, where pytest 9 keeps it."""
    if not items or not getattr(items[0].config.option, "loadgroup", False):
        return  # set on xdist workers only, with --dist loadgroup
    for item in items:
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                 for m in item.iter_markers("xdist_group")}
        if not names:
            continue
        nodeid = item.nodeid
        if nodeid.rfind("@") > nodeid.rfind("]"):  # xdist's rule: the suffix is after "]"
            nodeid = nodeid[:nodeid.rfind("@")]
        wanted = f"{nodeid}@{'_'.join(sorted(names))}"
        if item.nodeid == wanted:
            continue  # an older pytest, where xdist's own suffix holds
        if hasattr(item, "_id"):
            from _pytest.nodeid import NodeId  # pytest >= 9

            # The suffix goes into the last name, so that the id reads back as `wanted` even
            # where pytest rebuilds it from its parts (as params it would end in "]").
            old = item._id
            last = old.names[-1] + (f"[{old.params}]" if old.params is not None else "")
            item._id = NodeId(path=old.path, names=(*old.names[:-1], last + wanted[len(nodeid):]))
        else:
            item._nodeid = wanted
        if item.nodeid != wanted:
            raise pytest.UsageError(f"{item.nodeid}: its xdist group is not in its nodeid")


class Demo(SharedRows):
    """The demo data set in an open transaction, closed like shared rows when a test that
    does not use it comes (its transaction holds SQLite's write lock), and seeded again if
    a test that does comes after that. In a parallel run the demo's tests are one xdist
    group, run in one go on one worker: seeded once per worker that runs them."""

    name = "seeded_demo"

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.districts: dict[str, int] = {}  # name -> id

    def ensure_open(self) -> None:
        from app.seeding import demo as demo_data
        from app.storage import get_storage

        if self.is_open():
            return
        SharedRows.close_all()  # another's transaction would hold the write lock
        shutil.rmtree(self.app.config["UPLOAD_FOLDER"], ignore_errors=True)
        with self.app.app_context():
            self.connection = db.engine.connect()
            self.connection.begin()
            SharedRows.open.append(self)
            with _sessions_on(self.connection):
                demo_data.seed(db.session, get_storage(), photos_every=1000)
                db.session.commit()
                self.districts = dict(
                    db.session.execute(db.select(District.name, District.id)).all())

    def close(self) -> None:
        if self.is_open():
            super().close()
            shutil.rmtree(self.app.config["UPLOAD_FOLDER"], ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_demo(app):
    """The demo data set (`flask seed-demo`, photos_every=1000) for tests that read it,
    seeded once per database (see Demo); what a test changes in it is rolled back after the
    test. Such tests run last (see above)."""
    demo = Demo(app)
    demo.ensure_open()
    try:
        yield demo
    finally:
        demo.close()


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

    def __init__(self, app, first: int = 0):
        self.app = app
        self._n = first  # shared rows start further on: their names never clash
        self._categories: dict[str, int] = {}

    def _next(self) -> int:
        self._n += 1
        return self._n

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.flush()
            obj_id = obj.id  # read before the commit expires it (a SELECT per object)
            db.session.commit()
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
        if slug not in self._categories:
            with self.app.app_context():
                self._categories[slug] = db.session.scalar(
                    db.select(Category.id).where(Category.slug == slug))
        return self._categories[slug]

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
    """login("manager") creates a user with that role, logs the client in, returns its id.

    It starts a login session as the login form does and puts its token in the client's
    session cookie, without the form's round trip (the form itself is tested in
    test_auth.py and test_accounts.py)."""

    def do_login(role: str = "walker", **kw) -> int:
        user_id = make.user(role, **kw)
        _start_login(client, db.select(User).where(User.id == user_id))
        return user_id

    return do_login


def log_in_as(client, email: str) -> None:
    """The client is logged in as the user with this e-mail, as `login` does it: a login
    session started directly, its token in the session cookie (a login form round trip
    per test cost ~30 ms of rendering; the form has its own tests)."""
    _start_login(client, db.select(User).where(User.email == email))


def _start_login(client, query) -> None:
    with client.application.app_context():
        user = db.session.scalar(query)
        assert user is not None and user.active, f"no active user for {query}"
        token = start_session(db.session, user, device="test")
        db.session.commit()
    with client.session_transaction() as cookie:
        cookie.permanent = True
        cookie["_user_id"], cookie["_fresh"] = token, True


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


# --- an S3-compatible server (moto's standalone server, a real HTTP endpoint) --------------

S3_KEYS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret",
           "S3_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of an S3 server started for this test process (moto's ThreadedMotoServer:
    real HTTP, real signatures checked by boto3 on the way). Skips without `moto[server]`."""
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint: str, prefix: str = "trygg"):
    """A new, empty bucket on the test S3 server; its S3Storage under `prefix`."""
    from app.storage import S3Storage

    storage = S3Storage(f"trygg-{uuid.uuid4().hex[:12]}", prefix, endpoint_url=endpoint,
                        region=S3_KEYS["S3_REGION"], access_key=S3_KEYS["S3_ACCESS_KEY_ID"],
                        secret_key=S3_KEYS["S3_SECRET_ACCESS_KEY"])
    storage.client.create_bucket(Bucket=storage.bucket)
    return storage


@pytest.fixture
def bucket(s3_endpoint):
    return new_bucket(s3_endpoint)


@pytest.fixture
def s3_app(app, bucket):
    """The app storing its photos in `bucket` for this test (as with S3_BUCKET set)."""
    kept = app.extensions.get("trygg_storage")
    app.extensions["trygg_storage"] = bucket
    try:
        yield app
    finally:
        if kept is None:
            app.extensions.pop("trygg_storage", None)
        else:
            app.extensions["trygg_storage"] = kept
