"""A large, realistic data set for measuring Trygg at scale (`flask seed-scale`).

Three years of walks and findings over many districts: most findings fixed and verified
within weeks, about a tenth still open, a few closed otherwise; each status change is an
event in the finding's timeline, with the same *_at stamps the workflow sets. Rows go in
with PostgreSQL's COPY, or SQLite's executemany in batches: the ORM would take hours for
a million findings. On PostgreSQL the findings' and events' indexes and keys are dropped
while their rows go in and made again after (app.bulk): copied into ~25 indexes row by row,
1 M findings and 4.8 M events took 1,060 s at load 11-25, with the indexes made after 443 s
at load 13-24 (docs/performance.md has the whole seed).

The data is generated from a fixed seed, so two runs give the same figures. Everything is
tagged with district codes `SCALE-…`, so a second run can tell that it was already done.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.bulk import indexes_dropped
from app.findings.operations.catalog import ensure_defaults
from app.models import (
    Building,
    Category,
    District,
    Finding,
    FindingEvent,
    FindingStatus,
    PlaceType,
    Priority,
    Role,
    Severity,
    Walk,
)
from app.seeding.demo import FINDING_TEXTS, PLACE_FOR

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
    steps: dict[str, float] = dataclass_field(default_factory=dict)  # seconds per step

    def __str__(self) -> str:
        steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.steps.items())
        return (f"{self.findings:,} findings, {self.events:,} events, {self.walks:,} walks, "
                f"{self.buildings:,} buildings, {self.districts:,} districts "
                f"in {self.seconds:.0f} s" + (f" ({steps})" if steps else ""))


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


@dataclass
class _People:
    """The scale users by role (ids), and the benchmark's walker."""

    walkers: list[int]
    fixers: list[int]
    managers: list[int]
    bench_walker: int


# One walk: (id, district id, planned start, leader id).
_Walk = tuple[int, int, datetime, int]


def seed_scale(session: Session, *, findings: int, buildings: int, districts: int,
               now: datetime | None = None, seed: int = 11) -> ScaleSummary:
    """Add the scale data set to the database (flushes; the caller commits)."""
    started = time.monotonic()
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    ensure_defaults(session)
    categories = list(session.scalars(select(Category).order_by(Category.position)))
    priorities = list(session.scalars(select(Priority).order_by(Priority.days)))
    writer = _Writer(session)

    district_ids, centres = _write_districts(session, writer, districts)
    district_buildings = _write_buildings(session, writer, rnd, buildings, district_ids,
                                          centres)
    people = _write_people(session, writer, now, district_ids)
    walks = _plan_walks(session, rnd, now, findings, district_ids, people)
    writer.write("walks", WALK_COLUMNS, _walk_rows(walks, now))
    steps = {"places, people, walks": time.monotonic() - started}
    # PostgreSQL: ~4.8 M rows into tables with ~25 indexes and ~10 keys (app.bulk).
    with indexes_dropped(session, ["findings", "finding_events"]):
        mark = time.monotonic()
        written = _write_findings(session, writer, rnd, now, findings, walks, categories,
                                  priorities, district_buildings, people)
        steps["findings and events"] = time.monotonic() - mark
        mark = time.monotonic()
    steps["indexes and keys"] = time.monotonic() - mark
    mark = time.monotonic()
    writer.reset_sequences(["districts", "buildings", "users", "walks", "findings",
                            "finding_events"])
    # Fresh statistics: before autovacuum gets to it, the planner would guess (measured:
    # 60 rows estimated for a search that matched 10,507, and a sort of all of them).
    session.execute(text("ANALYZE"))
    session.flush()
    steps["ANALYZE"] = time.monotonic() - mark
    return ScaleSummary(districts=districts, buildings=buildings, walks=len(walks),
                        findings=written["findings"], events=written["events"],
                        seconds=time.monotonic() - started, steps=steps)


def _write_districts(session: Session, writer: _Writer,
                     districts: int) -> tuple[list[int], list[tuple[float, float]]]:
    """The districts' ids and their centres, spread over greater Stockholm ~2 km apart."""
    district_id0 = _next_id(session, "districts")
    ids = [district_id0 + n for n in range(districts)]
    centres = [(59.20 + (n // 10) * 0.02, 17.80 + (n % 10) * 0.035) for n in range(districts)]
    writer.write("districts", ("id", "name", "code"),
                 [(ids[n], f"Skalområde {n + 1:03d}", f"{CODE_PREFIX}{n + 1:03d}")
                  for n in range(districts)])
    return ids, centres


def _write_buildings(session: Session, writer: _Writer, rnd: random.Random, buildings: int,
                     district_ids: list[int], centres: list[tuple[float, float]]
                     ) -> dict[int, list[tuple[int, float, float]]]:
    """Buildings dealt round the districts; (id, lat, lon) of each, per district id."""
    building_id0 = _next_id(session, "buildings")
    rows = []
    per_district: dict[int, list[tuple[int, float, float]]] = {}
    for n in range(buildings):
        d = n % len(district_ids)
        lat = centres[d][0] + rnd.uniform(-0.008, 0.008)
        lon = centres[d][1] + rnd.uniform(-0.015, 0.015)
        building_id = building_id0 + n
        rows.append((building_id, f"S{n + 1:06d}", f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}",
                     district_ids[d], lat, lon))
        per_district.setdefault(district_ids[d], []).append((building_id, lat, lon))
    writer.write("buildings", ("id", "code", "address", "district_id", "latitude",
                               "longitude"), rows)
    return per_district


def _write_people(session: Session, writer: _Writer, now: datetime,
                  district_ids: list[int]) -> _People:
    """Walkers, fixers and managers; one password hash for all (a thousand take minutes)."""
    districts = len(district_ids)
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
    rows = [(user_id0 + n, email, name, role.value, password, True, "sv", False, created)
            for n, (email, name, role) in enumerate(people)]
    writer.write("users", ("id", "email", "name", "role", "password_hash", "active",
                           "language", "notify_email", "created_at"), rows)
    # The benchmark's walker belongs to two districts (the API lists their walks).
    bench_walker = user_id0 + 1
    writer.write("user_districts", ("user_id", "district_id"),
                 [(bench_walker, district_ids[d]) for d in range(min(2, districts))])
    return _People(
        walkers=[row[0] for row in rows if row[3] == Role.WALKER.value],
        fixers=[row[0] for row in rows if row[3] == Role.FIXER.value],
        managers=[row[0] for row in rows if row[3] == Role.MANAGER.value],
        bench_walker=bench_walker,
    )


def _plan_walks(session: Session, rnd: random.Random, now: datetime, findings: int,
                district_ids: list[int], people: _People) -> list[_Walk]:
    """Walks spread evenly over the three years; the last one is going on now."""
    walk_count = max(1, math.ceil(findings / FINDINGS_PER_WALK))
    walk_id0 = _next_id(session, "walks")
    span = timedelta(days=365 * YEARS)
    first = now - span
    walks = []
    for n in range(walk_count):
        d = rnd.randrange(len(district_ids))
        start = first + span * (n + rnd.random()) / walk_count
        start = start.replace(hour=rnd.choice([10, 13, 17, 19]), minute=0, second=0,
                              microsecond=0)
        walks.append((walk_id0 + n, district_ids[d], start, rnd.choice(people.walkers)))
    # Led by the benchmark's walker, who posts findings to it.
    walk_id, _district, start, _leader = walks[-1]
    walks[-1] = (walk_id, district_ids[0], min(start, now - timedelta(hours=3)),
                 people.bench_walker)
    return walks


def _walk_rows(walks: list[_Walk], now: datetime) -> Iterator[tuple]:
    """The walks as rows: past ones completed, the last one in progress."""
    last_id = walks[-1][0]
    for walk_id, district_id, start, leader in walks:
        done = start + timedelta(hours=2)
        completed = done < now and walk_id != last_id
        status = "completed" if completed else "planned"
        if walk_id == last_id:
            status = "in_progress"
        yield (walk_id, district_id, f"Trygghetsvandring {walk_id}", "", _naive(start),
               "dark" if start.hour >= 17 else "daylight", leader, status,
               _naive(start) if status != "planned" else None,
               _naive(done) if completed else None,
               "", None, leader, _naive(start - timedelta(days=14)))


def _write_findings(session: Session, writer: _Writer, rnd: random.Random, now: datetime,
                    findings: int, walks: list[_Walk], categories, priorities,
                    district_buildings: dict[int, list[tuple[int, float, float]]],
                    people: _People) -> dict[str, int]:
    """The findings and their timelines, written BATCH findings at a time."""
    finding_id0 = _next_id(session, "findings")
    next_event = _next_id(session, "finding_events")
    finding_rows: list[tuple] = []
    event_rows: list[tuple] = []
    written = {"findings": 0, "events": 0}

    def write_batch() -> None:
        written["findings"] += writer.write("findings", FINDING_COLUMNS, finding_rows)
        written["events"] += writer.write("finding_events", EVENT_COLUMNS, event_rows)
        finding_rows.clear()
        event_rows.clear()

    for n in range(findings):
        finding_id = finding_id0 + n
        row, history = _finding_row(rnd, now, finding_id, walks[n % len(walks)], categories,
                                    priorities, district_buildings, people)
        for at, actor, field, old, new in history:
            event_rows.append((next_event, finding_id, actor, _naive(at), field, old, new, ""))
            next_event += 1
        finding_rows.append(row)
        if len(finding_rows) >= BATCH:
            write_batch()
    write_batch()
    return written


_SEVERITIES = [s.value for s in Severity]
_SEVERITY_WEIGHTS = [3, 5, 2, 1]
_UNSAFE_FOR = ["children", "elderly", "women", "disabilities", "everyone"]


def _finding_row(rnd: random.Random, now: datetime, finding_id: int, walk: _Walk,
                 categories, priorities,
                 district_buildings: dict[int, list[tuple[int, float, float]]],
                 people: _People) -> tuple[tuple, list[tuple]]:
    """One finding found on `walk`, as a row, and the events of its history."""
    walk_id, district_id, start, leader = walk
    created = start + timedelta(minutes=rnd.uniform(1, 110))
    if created > now:
        created = now - timedelta(minutes=rnd.uniform(1, 600))
    category = categories[min(int(rnd.expovariate(0.35)), len(categories) - 1)]
    building_id, blat, blon = rnd.choice(district_buildings[district_id])
    lat = blat + rnd.uniform(-0.0003, 0.0003)
    lon = blon + rnd.uniform(-0.0005, 0.0005)
    texts = FINDING_TEXTS.get(category.slug) or ["Iakttagelse"]
    description = rnd.choice(texts) + rnd.choice(EXTRA_TEXTS)
    author = leader if rnd.random() < 0.6 else rnd.choice(people.walkers)
    state = _history(rnd, created, now, people.fixers, people.managers, priorities)
    row = (
        finding_id, _uuid(rnd), walk_id, building_id,
        PLACE_FOR.get(category.slug, PlaceType.OTHER).value, lat, lon,
        round(rnd.uniform(3, 40), 1), category.id,
        rnd.choices(_SEVERITIES, _SEVERITY_WEIGHTS)[0], rnd.randint(1, 3),
        json.dumps(rnd.sample(_UNSAFE_FOR, rnd.randint(0, 2))), description,
        rnd.random() < CONFIDENTIAL_SHARE, author, _naive(created),
        _naive(state["updated_at"]), state["status"], state["assignee_id"],
        state["responsible_party"], state["planned_action"], state["priority_id"],
        state["due_date"], None, state["close_reason"],
        _naive(state["acknowledged_at"]), _naive(state["assigned_at"]),
        _naive(state["fixed_at"]), _naive(state["verified_at"]),
        _naive(state["closed_at"]), 1 + len(state["events"]),
    )
    return row, state["events"]


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
    step = _stepper(state, now)
    at = created + timedelta(hours=rnd.uniform(2, 72))
    roll = rnd.random()
    # Half are acknowledged first; the others are assigned straight away.
    if roll < 0.04 or rnd.random() < 0.5:
        if not step(at, FindingStatus.ACKNOWLEDGED.value, manager):
            return state
    elif at >= now:
        return state
    state["acknowledged_at"] = at
    if roll < 0.04:
        _close_unfixed(rnd, state, step, at, manager)
        return state
    at += timedelta(days=rnd.uniform(0.5, 7))
    fixer = rnd.choice(fixers)
    if at >= now:
        return state
    _assign(rnd, state, at, manager, fixer, priorities)
    step(at, FindingStatus.ASSIGNED.value, manager)
    state["assigned_at"] = at
    if roll < 0.12:  # stays open for a long time
        return state
    _fix_and_verify(rnd, state, step, at, manager, fixer)
    return state


def _stepper(state: dict, now: datetime) -> Callable[[datetime, str, int], bool]:
    """A status change recorded in `state` if it happened before `now`."""

    def step(at: datetime, status: str, actor: int) -> bool:
        if at >= now:
            return False
        state["events"].append((at, actor, "status", state["status"], status))
        state["status"] = status
        state["updated_at"] = at
        return True

    return step


def _close_unfixed(rnd: random.Random, state: dict, step, at: datetime, manager: int) -> None:
    """Closed without a fix: nothing to do, or not the housing company's."""
    at += timedelta(days=rnd.uniform(1, 20))
    closing = rnd.choice([FindingStatus.WONT_FIX.value, FindingStatus.NOT_OURS.value])
    if step(at, closing, manager):
        state["closed_at"] = at
        state["close_reason"] = "Ingen åtgärd" if closing == "wont_fix" else "Kommunen"
        if closing == "not_ours":
            state["responsible_party"] = "Kommunen"


def _assign(rnd: random.Random, state: dict, at: datetime, manager: int, fixer: int,
            priorities) -> None:
    """The fixer, and for some a priority and the due date it gives."""
    priority = rnd.choice(priorities) if priorities else None
    state["events"].append((at, manager, "assignee", None, str(fixer)))
    state["assignee_id"] = fixer
    if priority is not None and rnd.random() < 0.3:
        state["events"].append((at, manager, "priority", None, str(priority.id)))
        state["priority_id"] = priority.id
        due = (at + timedelta(days=priority.days)).date()
        state["events"].append((at, manager, "due_date", None, due.isoformat()))
        state["due_date"] = due


def _fix_and_verify(rnd: random.Random, state: dict, step, at: datetime, manager: int,
                    fixer: int) -> None:
    """Fixed after a lognormal number of days (some started first); most fixes verified."""
    at += timedelta(days=rnd.lognormvariate(2.3, 0.9))
    if rnd.random() < 0.3:  # some fixers mark the work started first
        if not step(at, FindingStatus.IN_PROGRESS.value, fixer):
            return
        at += timedelta(days=rnd.uniform(0.1, 5))
    if not step(at, FindingStatus.FIXED.value, fixer):
        return
    state["fixed_at"] = at
    if rnd.random() < 0.75:
        at += timedelta(days=rnd.uniform(1, 14))
        if step(at, FindingStatus.VERIFIED.value, manager):
            state["verified_at"] = state["closed_at"] = at


def counts(session: Session) -> dict[str, int]:
    """Rows per table of interest (for the command's report and the tests)."""
    return {
        "districts": session.scalar(select(func.count(District.id))),
        "buildings": session.scalar(select(func.count(Building.id))),
        "walks": session.scalar(select(func.count(Walk.id))),
        "findings": session.scalar(select(func.count(Finding.id))),
        "events": session.scalar(select(func.count(FindingEvent.id))),
    }
