"""Run schemathesis against /api/v1/openapi.json through the app's WSGI interface, logged in
as a walker with a walk, buildings and a finding to aim at. Every answer is checked: no server
error, status code, content type and body as the document says, and input the document calls
invalid refused with a 4xx (negative_data_rejection; not for the photo upload, whose EXIF
fields are lenient on purpose). Reports any failure.

    .venv/bin/python scripts/api_fuzz.py [examples per operation, default 150]

Uses a throw-away SQLite database; CSRF is off (it is tested separately), so the generated
POSTs reach the validation code.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.findings.operations.catalog import ensure_defaults  # noqa: E402
from app.models import (  # noqa: E402
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


def make_app(tmp: Path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "fuzz",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'fuzz.db'}",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        ensure_defaults(db.session)
        district = District(name="Fittja", code="FIT")
        walker = User(email="w@example.org", name="W", role=Role.WALKER, active=True,
                      password_hash=generate_password_hash("pw", method="pbkdf2:sha256:1000"),
                      districts=[district])
        db.session.add_all([district, walker])
        db.session.flush()
        db.session.add(Building(code="B1", address="Krögarvägen 3", district=district,
                                latitude=59.2472, longitude=17.861))
        walk = Walk(district=district, title="Fuzz", planned_start=datetime.now(UTC),
                    light_condition=LightCondition.DAYLIGHT, leader=walker,
                    status=WalkStatus.IN_PROGRESS, started_at=datetime.now(UTC))
        db.session.add(walk)
        db.session.flush()
        category = db.session.scalar(db.select(Category))
        db.session.add(Finding(uuid="6f1c1b36-0000-4000-8000-000000000001", walk=walk,
                               author=walker, category=category))
        db.session.commit()
    return app


def _summary(error: BaseException) -> str:
    """The failed checks' names and the lines that say why, not the whole report."""
    lines = [line.strip() for line in str(error).splitlines()]
    keep = [line for line in lines
            if line.startswith(("- ST", "Received", "Documented", "Invalid component", "`{"))]
    return " | ".join(keep)[:700] or lines[0][:300]


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Input the document calls invalid must be refused (4xx). Not for the photo upload: its
# EXIF fields are lenient on purpose (an unusable value is ignored, the photo is kept).
LENIENT = {"POST /findings/{finding_id}/photos"}


def fuzz(operation, cookie: str, examples: int, failures: list[tuple[int, str]]) -> Counter:
    seen = {"n": 0}
    checks = CHECKS if operation.label in LENIENT else [*CHECKS, negative_data_rejection]
    statuses: Counter = Counter()

    # Valid and invalid input alike (negative cases break the schema on purpose).
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        seen["n"] += 1
        # Every other request aims at rows that exist, so the validation code is reached.
        if seen["n"] % 2 == 0:
            for name in case.path_parameters or {}:
                case.path_parameters[name] = 1
        # As a cookie, not a Cookie header: the WSGI client drops that header, and every
        # request would be an (unchecked) 401. Uncompressed: the WSGI client does not decode
        # the gzip/brotli bodies that Flask-Compress sends to clients that accept them.
        response = case.call(cookies={"session": cookie},
                             headers={"Accept-Encoding": "identity"})
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as error:  # schemathesis' FailureGroup
            failures.append((response.status_code,
                             f"{operation.label}: {response.status_code} for "
                             f"{case.path_parameters} {case.query} {case.body!r:.200}\n"
                             "      " + _summary(error)))

    run()
    return statuses


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        client = app.test_client()
        assert client.post("/login", data={"email": "w@example.org", "password": "pw"}
                           ).status_code == 303
        cookie = client.get_cookie("session").value
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        # The session cookie is set by this script on every call, so a generated (invalid)
        # one would never be sent; leave it out of generation.
        schema.config.generation.update(with_security_parameters=False)
        failures: list[tuple[int, str]] = []
        total = 0
        for result in schema.get_all_operations():
            statuses = fuzz(result.ok(), cookie, examples, failures)
            total += sum(statuses.values())
            answers = ", ".join(f"{n}×{status}" for status, n in sorted(statuses.items()))
            print(f"{result.ok().label}: {answers}")
        server_errors = sum(status >= 500 for status, _ in failures)
        print(f"{total} requests, {len(failures)} failed checks, {server_errors} server errors")
        for _, failure in failures[:20]:
            print("  ", failure)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
