"""What "To verify" costs with many fixes waiting: the page's time and size per order, ten
cards a page, against the one long page it was (every waiting fix up to 100 at once).

    .venv/bin/python scripts/bench_verify_inbox.py [waiting fixes, default 2000]
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api_fuzz import make_app  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Category,
    Finding,
    FindingStatus,
    Role,
    Severity,
    User,
    Walk,
)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rnd = random.Random(21)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            walk = db.session.scalar(db.select(Walk))
            walker = db.session.scalar(db.select(User))
            category = db.session.scalar(db.select(Category))
            db.session.add(User(email="m@example.org", name="M", role=Role.MANAGER,
                                active=True, password_hash=generate_password_hash(
                                    "pw", method="pbkdf2:sha256:1000")))
            now = datetime.now(UTC)
            db.session.add_all(
                Finding(uuid=str(uuid.uuid4()), walk=walk, author=walker, category=category,
                        status=FindingStatus.FIXED, severity=rnd.choice(list(Severity)),
                        fixed_at=now - timedelta(days=rnd.uniform(0, 3000)),
                        due_date=(now + timedelta(days=rnd.randint(-400, 60))).date(),
                        description="Trasig lampa vid porten")
                for _ in range(count))
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "m@example.org", "password": "pw"})
        print(f"{count} fixes waiting, SQLite, one process:")
        for sort in ("newest", "waiting", "due", "severity"):
            for page in (1, count // 20):
                url = f"/inbox/verify?sort={sort}&page={page}"
                times = []
                for _ in range(15):
                    start = time.perf_counter()
                    body = client.get(url).get_data(as_text=True)
                    times.append((time.perf_counter() - start) * 1000)
                cards = len(re.findall(r'class="card inbox-card"', body))
                print(f"  {url:<40} {cards:>2} cards, {len(body) / 1024:5.1f} KiB, "
                      f"median {statistics.median(times):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
