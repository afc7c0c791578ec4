"""What checking the API's answers against their schemas costs (spectree validates every
response with the pydantic models of app/api/schemas.py): a walk page with N findings, the
whole request against the validation of its body alone.

    .venv/bin/python scripts/bench_api_schemas.py [findings, default 300]
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api_fuzz import make_app  # noqa: E402

from app.api import schemas as api  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Category, Finding, User, Walk  # noqa: E402


def timed(call, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            walk = db.session.scalar(db.select(Walk))
            walker = db.session.scalar(db.select(User))
            category = db.session.scalar(db.select(Category))
            db.session.add_all(
                Finding(uuid=str(uuid.uuid4()), walk=walk, author=walker, category=category,
                        description="Trasig lampa vid porten " * 4, latitude=59.2,
                        longitude=17.8, accuracy_m=8)
                for _ in range(count)
            )
            db.session.commit()
            walk_id = walk.id
        client = app.test_client()
        client.post("/login", data={"email": "w@example.org", "password": "pw"})
        url = f"/api/v1/walks/{walk_id}"
        body = client.get(url).get_data()
        repeat = 20
        whole = timed(lambda: client.get(url), repeat)
        check = timed(lambda: api.WalkWithFindings.model_validate_json(body), repeat)
        print(f"GET {url} with {count + 1} findings, {len(body) / 1024:.0f} KiB: "
              f"{whole:.1f} ms per request, of which response validation {check:.2f} ms "
              f"({check / whole:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
