"""Run by tests/deploy/test_two_hosts.py in a process of its own (DATABASE_URL in the
environment): migrate the shared database and make the people and walks the load uses.
Prints their ids as JSON."""

import json
from datetime import UTC, datetime

from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.findings.operations.catalog import ensure_defaults
from app.models import Category, District, LightCondition, Role, User, Walk, WalkStatus

PASSWORD = "two-hosts-pass"
WALKERS = 4


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        ensure_defaults(db.session)
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        district = District(name="Fittja", code="FIT")
        db.session.add(district)
        people = {}
        for n in range(WALKERS):
            people[f"walker{n}@example.org"] = Role.WALKER
        people["manager@example.org"] = Role.MANAGER
        people["throttled@example.org"] = Role.WALKER
        users = {email: User(email=email, name=email.split("@")[0], role=role, active=True,
                             password_hash=hashed) for email, role in people.items()}
        db.session.add_all(users.values())
        db.session.flush()
        now = datetime.now(UTC)
        walks = {}
        for n in range(WALKERS):
            walk = Walk(district_id=district.id, title=f"Kväll {n}", planned_start=now,
                        light_condition=LightCondition("dark"), status=WalkStatus.IN_PROGRESS,
                        started_at=now, leader_id=users[f"walker{n}@example.org"].id)
            db.session.add(walk)
            db.session.flush()
            walks[f"walker{n}@example.org"] = walk.id
        category = db.session.scalar(db.select(Category.id).where(Category.slug == "lighting"))
        db.session.commit()
        print(json.dumps({"walks": walks, "category_id": category, "password": PASSWORD}))


if __name__ == "__main__":
    main()
