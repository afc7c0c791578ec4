from app.extensions import db
from app.models import Building, District, Finding, Photo, User, Walk, WalkStatus
from app.seeding import demo
from app.timeutil import local_today, to_local


def test_seed_demo_via_cli_makes_districts_buildings_walks_and_photos_once(runner, app):
    """`make run`'s demo, seeded once through the CLI (with its photos) and read back."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "walker@example.org" in result.output and "trygg-demo" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert "already has data" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 4
        for name in ("Fittja", "Alby", "Norsborg"):
            district = db.session.scalar(db.select(District).where(District.name == name))
            n = db.session.scalar(
                db.select(db.func.count(Building.id)).where(Building.district_id == district.id))
            assert n >= 60
            # Buildings sit inside the district: within ~600 m of their centre.
            lat0, lon0 = next(c for d, _, c, _ in demo.DISTRICTS if d == name)
            for building in district.buildings:
                assert (abs(building.latitude - lat0) < 0.006
                        and abs(building.longitude - lon0) < 0.011)
        completed = db.session.scalars(
            db.select(Walk).where(Walk.status == WalkStatus.COMPLETED)).all()
        assert {w.light_condition.value for w in completed} == {"daylight", "dark"}
        assert db.session.scalar(db.select(db.func.count(Finding.id))) > 50
        assert db.session.scalar(db.select(db.func.count(Photo.id))) > 10
        today_walk = db.session.scalar(db.select(Walk).where(Walk.status == WalkStatus.PLANNED))
        assert today_walk.district.name == "Fittja"
        assert today_walk.leader.email == "walker@example.org"
        assert to_local(today_walk.planned_start).date() == local_today()


def test_demo_walker_logs_in_and_sees_todays_walk(client, seeded_demo):
    response = client.post("/login", data={"email": "walker@example.org",
                                           "password": "trygg-demo"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Trygghetsvandring Fittja kväll" in page


def test_demo_fixes_wait_for_verification_weeks_not_years(seeded_demo, app):
    """'To verify' in the demo holds a few recent fixes, not 22 fixed 7–8 years ago (issue
    21): every older fix was verified within three weeks."""
    from datetime import UTC, datetime, timedelta

    from app.models import FindingStatus

    with app.app_context():
        rows = db.session.execute(db.select(Finding.status, Finding.fixed_at,
                                            Finding.verified_at)
                                  .where(Finding.fixed_at.is_not(None))).all()
    now = datetime.now(UTC)

    def utc(moment):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    waiting = [now - utc(fixed) for status, fixed, _ in rows
               if status == FindingStatus.FIXED]
    assert 1 <= len(waiting) <= 8
    assert max(waiting) < timedelta(days=demo.DEMO_VERIFY_DAYS)
    lags = [utc(verified) - utc(fixed) for _, fixed, verified in rows if verified]
    assert len(lags) > 100 and max(lags) <= timedelta(days=demo.DEMO_VERIFY_DAYS)
