"""A large, realistic data set for measuring Trygg at scale (`flask seed-scale`).

Three years of walks and findings over many districts: most findings fixed and verified
within weeks, about a tenth still open, a few closed otherwise; each status change is an
event in the finding's timeline, with the same *_at stamps the workflow sets. Rows go in
with PostgreSQL's COPY, or SQLite's executemany in batches: the ORM would take hours for
a million findings.

The data is generated from a fixed seed, so two runs give the same figures. Everything is
tagged with district codes `SCALE-…`, so a second run can tell that it was already done.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.findings.catalog import ensure_defaults
from app.models import (
    Category,
    District,
    FindingStatus,
    PlaceType,
    Priority,
    Role,
    Severity,
)
from app.services.demo import FINDING_TEXTS, PLACE_FOR

SCALE_PASSWORD = "trygg-scale"
SCALE_MANAGER = "scale-manager@example.org"
SCALE_WALKER = "scale-walker@example.org"
CODE_PREFIX = "SCALE-"
YEARS = 3
FINDINGS_PER_WALK = 50
CONFIDENTIAL_SHARE = 0.03
BATCH = 10_000

STREETS = ["Krögarvägen", "Albyvägen", "Skarpbrunnavägen", "Hallundavägen", "Eriksbergsvägen",
           "Slottsvägen", "Forvägen", "Ekvägen", "Råbyvägen", "Storgatan", "Kyrkvägen",
           "Björkvägen", "Skolvägen", "Idrottsvägen", "Parkvägen"]
EXTRA_TEXTS = ["", "", " Upprepat problem.", " Boende har klagat.", " Särskilt på kvällen.",
               " Behöver åtgärdas snart.", " Barn passerar här dagligen."]

FINDING_COLUMNS = (
    "id", "uuid", "walk_id", "building_id", "place_type", "latitude", "longitude",
    "accuracy_m", "category_id", "severity", "unsafe_rating", "unsafe_for", "description",
    "confidential", "author_id", "created_at", "updated_at", "status", "assignee_id",
    "responsible_party", "planned_action", "priority_id", "due_date", "duplicate_of_id",
    "close_reason", "acknowledged_at", "assigned_at", "fixed_at", "verified_at", "closed_at",
    "version",
)
EVENT_COLUMNS = ("id", "finding_id", "actor_id", "created_at", "field", "from_value",
                 "to_value", "note")
WALK_COLUMNS = ("id", "district_id", "title", "route", "planned_start", "light_condition",
                "leader_id", "status", "started_at", "completed_at", "notes",
                "follow_up_of_id", "created_by_id", "created_at")


@dataclass
class ScaleSummary:
    districts: int
    buildings: int
    walks: int
    findings: int
    events: int
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.findings:,} findings, {self.events:,} events, {self.walks:,} walks, "
                f"{self.buildings:,} buildings, {self.districts:,} districts "
                f"in {self.seconds:.0f} s")


def already_seeded(session: Session) -> bool:
    return session.scalar(
        select(District.id).where(District.code.startswith(CODE_PREFIX)).limit(1)
    ) is not None


def _next_id(session: Session, table: str) -> int:
    return (session.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1


class _Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.raw = session.connection().connection.driver_connection

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        if self.dialect == "postgresql":
            with self.raw.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})")
        cursor = self.raw.cursor()
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
        return count

    def reset_sequences(self, tables: Iterable[str]) -> None:
        if self.dialect != "postgresql":
            return
        for table in tables:
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def _sqlite_value(value):
    # The format SQLAlchemy's SQLite DateTime writes and reads (always with microseconds).
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _naive(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def seed_scale(session: Session, *, findings: int, buildings: int, districts: int,
               now: datetime | None = None, seed: int = 11) -> ScaleSummary:
    """Add the scale data set to the database (flushes; the caller commits)."""
    import time as timer

    started = timer.monotonic()
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    ensure_defaults(session)
    categories = list(session.scalars(select(Category).order_by(Category.position)))
    priorities = list(session.scalars(select(Priority).order_by(Priority.days)))
    writer = _Writer(session)

    # Districts and buildings (ORM-sized, but inserted in bulk too).
    district_id0 = _next_id(session, "districts")
    district_rows = []
    centres = []
    for n in range(districts):
        district_rows.append((district_id0 + n, f"Skalområde {n + 1:03d}",
                              f"{CODE_PREFIX}{n + 1:03d}"))
        # Spread the districts over greater Stockholm, ~2 km apart.
        centres.append((59.20 + (n // 10) * 0.02, 17.80 + (n % 10) * 0.035))
    writer.write("districts", ("id", "name", "code"), district_rows)

    building_id0 = _next_id(session, "buildings")
    building_rows = []
    district_buildings: dict[int, list[tuple[int, float, float]]] = {}
    for n in range(buildings):
        d = n % districts
        lat = centres[d][0] + rnd.uniform(-0.008, 0.008)
        lon = centres[d][1] + rnd.uniform(-0.015, 0.015)
        building_id = building_id0 + n
        building_rows.append((building_id, f"S{n + 1:06d}",
                              f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}",
                              district_id0 + d, lat, lon))
        district_buildings.setdefault(district_id0 + d, []).append((building_id, lat, lon))
    writer.write("buildings", ("id", "code", "address", "district_id", "latitude",
                               "longitude"), building_rows)

    # People: one password hash for all (hashing a thousand would take minutes).
    password = generate_password_hash(SCALE_PASSWORD, method="pbkdf2:sha256:10000")
    user_id0 = _next_id(session, "users")
    people = ([(SCALE_MANAGER, "Skala Chef", Role.MANAGER),
               (SCALE_WALKER, "Skala Vandrare", Role.WALKER)]
              + [(f"scale-walker{n}@example.org", f"Vandrare {n}", Role.WALKER)
                 for n in range(max(2, districts * 2))]
              + [(f"scale-fixer{n}@example.org", f"Fixare {n}", Role.FIXER)
                 for n in range(max(2, districts // 2))]
              + [(f"scale-manager{n}@example.org", f"Chef {n}", Role.MANAGER)
                 for n in range(max(1, districts // 10))])
    created = _naive(now - timedelta(days=365 * YEARS + 30))
    user_rows = [(user_id0 + n, email, name, role.value, password, True, "sv", False,
                  created) for n, (email, name, role) in enumerate(people)]
    writer.write("users", ("id", "email", "name", "role", "password_hash", "active",
                           "language", "notify_email", "created_at"), user_rows)
    walkers = [row[0] for row in user_rows if row[3] == Role.WALKER.value]
    fixers = [row[0] for row in user_rows if row[3] == Role.FIXER.value]
    managers = [row[0] for row in user_rows if row[3] == Role.MANAGER.value]
    # The benchmark's walker belongs to two districts (the API lists their walks).
    bench_walker = user_id0 + 1
    writer.write("user_districts", ("user_id", "district_id"),
                 [(bench_walker, district_id0 + d) for d in range(min(2, districts))])

    # Walks spread evenly over the three years, most completed.
    walk_count = max(1, math.ceil(findings / FINDINGS_PER_WALK))
    walk_id0 = _next_id(session, "walks")
    span = timedelta(days=365 * YEARS)
    first = now - span
    walks = []
    for n in range(walk_count):
        d = rnd.randrange(districts)
        start = first + span * (n + rnd.random()) / walk_count
        start = start.replace(hour=rnd.choice([10, 13, 17, 19]), minute=0, second=0,
                              microsecond=0)
        walks.append((walk_id0 + n, district_id0 + d, start, rnd.choice(walkers)))
    # The last walk is going on now, led by the benchmark's walker, who posts findings to it.
    walk_id, _district, start, _leader = walks[-1]
    walks[-1] = (walk_id, district_id0, min(start, now - timedelta(hours=3)), bench_walker)

    def walk_rows() -> Iterator[tuple]:
        for walk_id, district_id, start, leader in walks:
            done = start + timedelta(hours=2)
            completed = done < now and walk_id != walks[-1][0]
            status = "completed" if completed else "planned"
            if walk_id == walks[-1][0]:
                status = "in_progress"
            yield (walk_id, district_id, f"Trygghetsvandring {walk_id}", "", _naive(start),
                   "dark" if start.hour >= 17 else "daylight", leader, status,
                   _naive(start) if status != "planned" else None,
                   _naive(done) if completed else None,
                   "", None, leader, _naive(start - timedelta(days=14)))

    writer.write("walks", WALK_COLUMNS, walk_rows())

    finding_id0 = _next_id(session, "findings")
    event_id0 = _next_id(session, "finding_events")
    finding_rows: list[tuple] = []
    event_rows: list[tuple] = []
    totals = {"findings": 0, "events": 0}
    next_event = [event_id0]

    def flush_rows() -> None:
        totals["findings"] += writer.write("findings", FINDING_COLUMNS, finding_rows)
        totals["events"] += writer.write("finding_events", EVENT_COLUMNS, event_rows)
        finding_rows.clear()
        event_rows.clear()

    def event(finding_id: int, actor: int | None, at: datetime, field: str, old, new,
              note: str = "") -> None:
        event_rows.append((next_event[0], finding_id, actor, _naive(at), field, old, new,
                           note))
        next_event[0] += 1

    severities = [s.value for s in Severity]
    weights = [3, 5, 2, 1]
    tags = ["children", "elderly", "women", "disabilities", "everyone"]
    for n in range(findings):
        finding_id = finding_id0 + n
        walk_id, district_id, start, leader = walks[n % walk_count]
        created = start + timedelta(minutes=rnd.uniform(1, 110))
        if created > now:
            created = now - timedelta(minutes=rnd.uniform(1, 600))
        category = categories[min(int(rnd.expovariate(0.35)), len(categories) - 1)]
        building_id, blat, blon = rnd.choice(district_buildings[district_id])
        lat = blat + rnd.uniform(-0.0003, 0.0003)
        lon = blon + rnd.uniform(-0.0005, 0.0005)
        texts = FINDING_TEXTS.get(category.slug) or ["Iakttagelse"]
        description = rnd.choice(texts) + rnd.choice(EXTRA_TEXTS)
        author = leader if rnd.random() < 0.6 else rnd.choice(walkers)
        state = _history(rnd, created, now, fixers, managers, priorities)
        for at, actor, field, old, new in state["events"]:
            event(finding_id, actor, at, field, old, new)
        finding_rows.append((
            finding_id, _uuid(rnd), walk_id, building_id,
            PLACE_FOR.get(category.slug, PlaceType.OTHER).value, lat, lon,
            round(rnd.uniform(3, 40), 1), category.id,
            rnd.choices(severities, weights)[0], rnd.randint(1, 3),
            json.dumps(rnd.sample(tags, rnd.randint(0, 2))), description,
            rnd.random() < CONFIDENTIAL_SHARE, author, _naive(created),
            _naive(state["updated_at"]), state["status"], state["assignee_id"],
            state["responsible_party"], state["planned_action"], state["priority_id"],
            state["due_date"], None, state["close_reason"],
            _naive(state["acknowledged_at"]), _naive(state["assigned_at"]),
            _naive(state["fixed_at"]), _naive(state["verified_at"]),
            _naive(state["closed_at"]), 1 + len(state["events"]),
        ))
        if len(finding_rows) >= BATCH:
            flush_rows()
    flush_rows()
    writer.reset_sequences(["districts", "buildings", "users", "walks", "findings",
                            "finding_events"])
    # Fresh statistics: before autovacuum gets to it, the planner would guess (measured:
    # 60 rows estimated for a search that matched 10,507, and a sort of all of them).
    session.execute(text("ANALYZE"))
    session.flush()
    return ScaleSummary(districts=districts, buildings=buildings, walks=walk_count,
                        findings=totals["findings"], events=totals["events"],
                        seconds=timer.monotonic() - started)


def _uuid(rnd: random.Random) -> str:
    value = rnd.getrandbits(128)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _history(rnd: random.Random, created: datetime, now: datetime, fixers, managers,
             priorities) -> dict:
    """What happened to a finding after it was found, up to `now`, with its events."""
    manager = rnd.choice(managers)
    state = {"status": FindingStatus.NEW.value, "assignee_id": None, "priority_id": None,
             "due_date": None, "responsible_party": "", "planned_action": "",
             "close_reason": "", "acknowledged_at": None, "assigned_at": None,
             "fixed_at": None, "verified_at": None, "closed_at": None,
             "updated_at": created, "events": []}

    def step(at: datetime, status: str, actor: int) -> bool:
        if at >= now:
            return False
        state["events"].append((at, actor, "status", state["status"], status))
        state["status"] = status
        state["updated_at"] = at
        return True

    at = created + timedelta(hours=rnd.uniform(2, 72))
    roll = rnd.random()
    # Half are acknowledged first; the others are assigned straight away.
    if roll < 0.04 or rnd.random() < 0.5:
        if not step(at, FindingStatus.ACKNOWLEDGED.value, manager):
            return state
    elif at >= now:
        return state
    state["acknowledged_at"] = at
    if roll < 0.04:  # closed without a fix
        at += timedelta(days=rnd.uniform(1, 20))
        closing = rnd.choice([FindingStatus.WONT_FIX.value, FindingStatus.NOT_OURS.value])
        if step(at, closing, manager):
            state["closed_at"] = at
            state["close_reason"] = "Ingen åtgärd" if closing == "wont_fix" else "Kommunen"
            if closing == "not_ours":
                state["responsible_party"] = "Kommunen"
        return state
    at += timedelta(days=rnd.uniform(0.5, 7))
    fixer = rnd.choice(fixers)
    if at >= now:
        return state
    priority = rnd.choice(priorities) if priorities else None
    state["events"].append((at, manager, "assignee", None, str(fixer)))
    state["assignee_id"] = fixer
    if priority is not None and rnd.random() < 0.3:
        state["events"].append((at, manager, "priority", None, str(priority.id)))
        state["priority_id"] = priority.id
        due = (at + timedelta(days=priority.days)).date()
        state["events"].append((at, manager, "due_date", None, due.isoformat()))
        state["due_date"] = due
    step(at, FindingStatus.ASSIGNED.value, manager)
    state["assigned_at"] = at
    if roll < 0.12:  # stays open for a long time
        return state
    at += timedelta(days=rnd.lognormvariate(2.3, 0.9))
    if rnd.random() < 0.3:  # some fixers mark the work started first
        if not step(at, FindingStatus.IN_PROGRESS.value, fixer):
            return state
        at += timedelta(days=rnd.uniform(0.1, 5))
    if not step(at, FindingStatus.FIXED.value, fixer):
        return state
    state["fixed_at"] = at
    if rnd.random() < 0.75:
        at += timedelta(days=rnd.uniform(1, 14))
        if step(at, FindingStatus.VERIFIED.value, manager):
            state["verified_at"] = state["closed_at"] = at
    return state


def counts(session: Session) -> dict[str, int]:
    """Rows per table of interest (for the command's report and the tests)."""
    from app.models import Building, Finding, FindingEvent, Walk

    return {
        "districts": session.scalar(select(func.count(District.id))),
        "buildings": session.scalar(select(func.count(Building.id))),
        "walks": session.scalar(select(func.count(Walk.id))),
        "findings": session.scalar(select(func.count(Finding.id))),
        "events": session.scalar(select(func.count(FindingEvent.id))),
    }
