"""flask purge-expired: photos of findings closed > PHOTO_RETENTION_MONTHS ago are deleted."""

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from app import periods
from app.extensions import db
from app.media.photos import process_photo, save_photo
from app.models import Comment, Finding, FindingStatus, Photo, PhotoKind
from app.privacy.queries import months_before
from app.reports import dashboard
from app.storage import get_storage

NOW = datetime.now(UTC)


def add_photo(finding: Finding, kind=PhotoKind.FINDING, comment_id=None) -> Photo:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(out, "JPEG")
    return save_photo(db.session, get_storage(), finding=finding, kind=kind,
                      comment_id=comment_id,
                      processed=process_photo(out.getvalue(), max_bytes=10**7,
                                              max_pixels=10**7))


@pytest.fixture
def aged(app, make):
    """Findings closed 25 and 23 months ago, and one never closed, each with photos."""
    author = make.user("walker")
    manager = make.user("manager")
    walk = make.walk(status="completed", leader_id=author)
    ids = {}
    for name, months, status in [("old", 25, FindingStatus.VERIFIED),
                                 ("wontfix", 26, FindingStatus.WONT_FIX),
                                 ("recent", 23, FindingStatus.VERIFIED),
                                 ("open", None, FindingStatus.ASSIGNED)]:
        closed = months_before(NOW, months) if months else None
        created = months_before(NOW, (months or 30) + 2)
        ids[name] = make.finding(
            walk, author, description=f"Trasig lampa ({name})", latitude=59.25,
            longitude=17.86, status=status, created_at=created,
            fixed_at=closed, verified_at=closed if status == FindingStatus.VERIFIED else None,
            closed_at=closed,
        )
    with app.app_context():
        for name, finding_id in ids.items():
            finding = db.session.get(Finding, finding_id)
            add_photo(finding)
            if name == "old":
                add_photo(finding, PhotoKind.AFTER)
                comment = Comment(finding=finding, author_id=manager, body="Lagad")
                db.session.add(comment)
                db.session.flush()
                add_photo(finding, PhotoKind.COMMENT, comment_id=comment.id)
        db.session.commit()
    return ids


def photo_files(app, finding_id):
    with app.app_context():
        photos = db.session.scalars(db.select(Photo).where(Photo.finding_id == finding_id)).all()
        storage = get_storage()
        keys = [k for p in photos for k in (p.storage_key, p.thumb_key)]
        return len(photos), [k for k in keys if storage.exists(k)]


def report_numbers():
    """Every number the dashboard shows for the last four years, objects as their ids."""
    period = periods.period_from_args({
        "period": "range", "from": (date.today() - timedelta(days=1460)).isoformat(),
        "to": date.today().isoformat()})

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if hasattr(value, "id") and hasattr(value, "__table__"):
            return value.id
        return value

    return plain(dashboard.dashboard(db.session, periods.Filters(period)))


def test_dry_run_lists_then_purge_deletes_only_expired(app, runner, aged, client, login):
    with app.app_context():
        numbers_before = report_numbers()
    before = {name: photo_files(app, fid) for name, fid in aged.items()}
    assert before["old"][0] == 3 and len(before["old"][1]) == 6

    dry = runner.invoke(args=["purge-expired", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"#{aged['old']}" in dry.output and f"#{aged['wontfix']}" in dry.output
    assert f"#{aged['recent']}" not in dry.output and f"#{aged['open']}" not in dry.output
    assert "Would delete 4 photo(s) of 2 finding(s)" in dry.output
    assert {name: photo_files(app, fid) for name, fid in aged.items()} == before

    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert "Deleted 4 photo(s) of 2 finding(s)" in result.output
    for name in ("old", "wontfix"):
        assert photo_files(app, aged[name]) == (0, []), name
        assert not any(get_storage_exists(app, k) for k in before[name][1])
    for name in ("recent", "open"):
        assert photo_files(app, aged[name]) == before[name], name

    with app.app_context():
        finding = db.session.get(Finding, aged["old"])
        assert finding.description == "Trasig lampa (old)"
        assert (finding.latitude, finding.longitude) == (59.25, 17.86)
        assert finding.category is not None and finding.photos_purged_at is not None
        assert report_numbers() == numbers_before

    login("manager", language="sv")
    page = client.get(f"/findings/{aged['old']}").get_data(as_text=True)
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    assert f"Foton raderade enligt gallringsregel {today}" in page
    assert "Trasig lampa (old)" in page

    again = runner.invoke(args=["purge-expired"])
    assert "Deleted 0 photo(s) of 0 finding(s)" in again.output


def get_storage_exists(app, key):
    with app.app_context():
        return get_storage().exists(key)


def test_confidential_text_is_purged_only_when_configured(app, runner, make, client, login):
    author = make.user("walker")
    walk = make.walk(status="completed", leader_id=author)
    closed = months_before(NOW, 13)
    secret = make.finding(walk, author, confidential=True, description="Namn på grannen",
                          status=FindingStatus.WONT_FIX, closed_at=closed,
                          close_reason="Ej vår")
    public = make.finding(walk, author, description="Mörk gång",
                          status=FindingStatus.WONT_FIX, closed_at=closed, close_reason="Ej vår")
    runner.invoke(args=["purge-expired"])
    with app.app_context():
        assert db.session.get(Finding, secret).description == "Namn på grannen"
    login("manager", language="sv")

    def searched(word: str) -> str:
        return client.get("/findings", query_string={"q": word}).get_data(as_text=True)

    assert f'name="ids" value="{secret}"' in searched("grannen")
    app.config["CONFIDENTIAL_TEXT_RETENTION_MONTHS"] = 12
    try:
        result = runner.invoke(args=["purge-expired"])
    finally:
        app.config["CONFIDENTIAL_TEXT_RETENTION_MONTHS"] = None
    assert f"#{secret}: confidential text" in result.output
    with app.app_context():
        assert db.session.get(Finding, secret).description == ""
        assert db.session.get(Finding, secret).text_purged_at is not None
        assert db.session.get(Finding, public).description == "Mörk gång"
    page = client.get(f"/findings/{secret}").get_data(as_text=True)
    assert "Beskrivningen raderad enligt gallringsregel" in page
    # Nor is the purged text found by a search (PostgreSQL searches the facts' copy of it).
    assert f'name="ids" value="{secret}"' not in searched("grannen")
    assert f'name="ids" value="{public}"' in searched("mörk gång")


@pytest.mark.parametrize("moment,months,expected", [
    (datetime(2026, 12, 1, 3, tzinfo=UTC), 24, datetime(2024, 12, 1, 3, tzinfo=UTC)),
    (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
])
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected
