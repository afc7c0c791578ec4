"""`flask seed-scale`: a realistic large data set, here at a small size."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    DONE_STATUSES,
    Building,
    District,
    Finding,
    FindingEvent,
    FindingStatus,
    User,
    Walk,
)
from app.seeding import scale


def test_seed_scale_makes_three_years_of_realistic_findings(app, runner):
    result = runner.invoke(args=["seed-scale", "--findings", "2000", "--buildings", "60",
                                 "--districts", "4"])
    assert result.exit_code == 0, result.output
    assert "2,000 findings" in result.output

    with app.app_context():
        session = db.session
        assert session.scalar(select(func.count(District.id))) == 4
        assert session.scalar(select(func.count(Building.id))) == 60
        assert session.scalar(select(func.count(Walk.id))) == 40
        assert session.scalar(select(func.count(Finding.id))) == 2000

        # Every finding's building lies in its walk's district.
        mismatched = session.scalar(
            select(func.count(Finding.id))
            .join(Walk, Walk.id == Finding.walk_id)
            .join(Building, Building.id == Finding.building_id)
            .where(Building.district_id != Walk.district_id))
        assert mismatched == 0

        # Spread over three years, none in the future.
        first, last = session.execute(
            select(func.min(Finding.created_at), func.max(Finding.created_at))).one()
        now = datetime.now(UTC)
        assert last <= now
        assert now - first > timedelta(days=3 * 365 - 40)

        # About a tenth still open; most of the rest fixed or verified.
        statuses = dict(session.execute(
            select(Finding.status, func.count(Finding.id)).group_by(Finding.status)).all())
        open_count = sum(n for s, n in statuses.items() if s not in DONE_STATUSES)
        assert 0.05 * 2000 <= open_count <= 0.2 * 2000, statuses
        fixed = statuses.get(FindingStatus.FIXED, 0) + statuses.get(FindingStatus.VERIFIED, 0)
        assert fixed > 0.7 * 2000

        # Confidential ones exist, but few.
        confidential = session.scalar(
            select(func.count(Finding.id)).where(Finding.confidential))
        assert 10 <= confidential <= 150

        # Status history as events, ending in the finding's status; fixed ones have fixed_at.
        events = session.scalar(select(func.count(FindingEvent.id)))
        assert events > 3 * 2000
        sample = session.scalars(
            select(Finding).where(Finding.status == FindingStatus.VERIFIED).limit(5)).all()
        for finding in sample:
            status_events = [e for e in finding.events if e.field == "status"]
            assert status_events[-1].to_value == "verified"
            assert finding.fixed_at is not None and finding.fixed_at >= finding.created_at
            assert finding.assignee is not None and finding.assignee.role.value == "fixer"

        # The accounts the benchmark logs in with.
        manager = session.scalar(select(User).where(User.email == scale.SCALE_MANAGER))
        assert manager is not None and manager.role.value == "manager"

        # New rows get fresh ids after the bulk load (sequences were moved on).
        district = District(name="Efter", code="AFTER")
        session.add(district)
        session.flush()
        assert district.id > 4
        session.rollback()

    again = runner.invoke(args=["seed-scale", "--findings", "10", "--buildings", "4",
                                "--districts", "4"])
    assert again.exit_code == 0
    assert "already there" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Finding.id))) == 2000


def test_seeded_findings_show_on_the_manager_pages(app, runner, client):
    runner.invoke(args=["seed-scale", "--findings", "300", "--buildings", "10",
                        "--districts", "2"])
    response = client.post("/login", data={"email": scale.SCALE_MANAGER,
                                           "password": scale.SCALE_PASSWORD})
    assert response.status_code == 303
    assert client.get("/findings").status_code == 200
    assert client.get("/reports").status_code == 200
    with app.app_context():
        finding_id = db.session.scalar(select(Finding.id).limit(1))
    assert client.get(f"/findings/{finding_id}").status_code == 200
