"""Demo data: Botkyrka's Fittja, Alby and Norsborg, with walks, findings and photos."""

import io
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.findings.operations import new_uuid
from app.findings.operations.catalog import ensure_defaults
from app.media import photos as photo_service
from app.models import (
    Building,
    Category,
    District,
    DistrictPlan,
    Finding,
    FindingEvent,
    FindingStatus,
    LightCondition,
    Measure,
    MeasureType,
    ParticipantRole,
    PhotoKind,
    PlaceType,
    PlanTarget,
    Priority,
    Role,
    Severity,
    SurveyResult,
    User,
    Walk,
    WalkParticipant,
    WalkStatus,
    WalkTarget,
)
from app.storage import get_storage
from app.timeutil import local_to_utc, local_today

DEMO_PASSWORD = "trygg-demo"
DEMO_USERS = [
    ("walker@example.org", "walker"),
    ("fixer@example.org", "fixer"),
    ("manager@example.org", "manager"),
    ("admin@example.org", "admin"),
]
_NAMES = {
    "walker": "Amina Walker",
    "fixer": "Fredrik Fixare",
    "manager": "Maria Manager",
    "admin": "Adam Admin",
}

# name, code, centre (lat, lon), streets
DISTRICTS = [
    ("Fittja", "FIT", (59.2472, 17.8610),
     ["Krögarvägen", "Värdshusvägen", "Forvägen", "Fittjavägen", "Slottsvägen"]),
    ("Alby", "ALB", (59.2392, 17.8455),
     ["Albyvägen", "Råbyvägen", "Eriksbergsvägen", "Hågelbyvägen", "Albygårdsvägen"]),
    ("Norsborg", "NOR", (59.2437, 17.8148),
     ["Skarpbrunnavägen", "Gamla vägen", "Ekvägen", "Hallundavägen", "Norsborgsvägen"]),
]
BUILDINGS_PER_DISTRICT = 64

# Yearly survey: share answering "very or fairly safe" (overall, evening), 2018–2025.
# 2018 → 2019: about +2.9 points across the three, more than +7 in Fittja, +5.7 for
# evenings in Alby.
SURVEY = {
    "Fittja": [(61.8, 48.0), (69.0, 53.1), (69.8, 54.0), (70.5, 55.2), (71.9, 56.0),
               (72.4, 57.3), (73.6, 58.8), (74.9, 60.1)],
    "Alby": [(65.0, 52.0), (66.0, 57.7), (67.1, 58.3), (67.9, 59.0), (69.0, 60.2),
             (70.2, 61.0), (71.0, 62.5), (72.3, 63.0)],
    "Norsborg": [(67.0, 55.0), (67.5, 55.9), (68.3, 56.4), (69.5, 57.0), (70.1, 58.2),
                 (71.4, 59.0), (72.8, 60.4), (73.9, 61.5)],
}

# The same people answer in each district in a year, so "the three together" is the plain mean
# of the districts: +2.9 for 2018 → 2019. Enough respondents that Fittja's +7.2 and Alby's
# evening +5.7 are larger than the sampling noise.
RESPONDENTS = [640, 650, 610, 600, 590, 620, 605, 615]
# In the stairwell, outdoors in the area, 2018–2025.
SURVEY_MORE = {
    name: [(round(safe - 9.4 + 0.3 * n, 1), round(safe - 4.6 + 0.2 * n, 1))
           for n, (safe, _evening) in enumerate(rows)]
    for name, rows in SURVEY.items()
}

# The 2019 programme and the 2020 plan (measure type slug → per district).
MEASURES_2019 = {
    "guard_hours": {"Fittja": 1920, "Alby": 480, "Norsborg": 240},
    "meeting_place": {"Fittja": 1},
    "subletting": {"Fittja": 41, "Alby": 38, "Norsborg": 28},  # 107 flats taken back
    "courtyard": {"Fittja": 3, "Alby": 2, "Norsborg": 2},
    "fire_training": {"Fittja": 3, "Alby": 2, "Norsborg": 1},
    "neighbourhood_watch": {"Alby": 1, "Norsborg": 2},
}
PLAN_2020 = {
    "courtyard": {"Fittja": 7, "Alby": 7, "Norsborg": 6},  # at least 20
    "fire_training": {"Fittja": 4, "Alby": 3, "Norsborg": 3},  # at least 10
    "guard_hours": {"Fittja": 1920},
    "neighbourhood_watch": {"Fittja": 1, "Alby": 1, "Norsborg": 1},
}
MEASURES_2020 = {
    "courtyard": {"Fittja": 6, "Alby": 4, "Norsborg": 5},
    "fire_training": {"Fittja": 4, "Alby": 2, "Norsborg": 3},
    "guard_hours": {"Fittja": 1760},
    "neighbourhood_watch": {"Alby": 1},
    "subletting": {"Fittja": 22, "Alby": 19, "Norsborg": 15},
}
MEASURE_NOTES = {
    "guard_hours": "Ordningsvakter baserade i centrum",
    "meeting_place": "Ny mötesplats där offentliga aktörer möts",
    "subletting": "Lägenheter återtagna efter olovlig andrahandsuthyrning",
    "courtyard": "Gården öppnad för gemenskap",
    "fire_training": "Kostnadsfri brandskyddsutbildning för hyresgäster",
    "neighbourhood_watch": "Stöd till grannsamverkan",
}

FINDING_TEXTS = {
    "lighting": ["Trasig lampa vid entrén", "Mörk gångväg, flera armaturer släckta"],
    "vegetation": ["Buskage skymmer gångvägen", "Häcken växer över cykelbanan"],
    "graffiti": ["Klotter på garageporten", "Krossad glasruta i busskuren"],
    "doors_locks": ["Entrédörren går inte i lås", "Källardörren står uppställd"],
    "litter": ["Mycket skräp vid återvinningen", "Grovsopor i cykelrummet"],
    "fire_safety": ["Barnvagnar och möbler i trapphuset", "Brandlarmet saknar lock"],
    "stairwell": ["Trasig belysning i trapphuset", "Tvättstugan upplevs otrygg"],
    "traffic": ["Bilar kör fort förbi lekplatsen", "Saknas övergångsställe vid skolan"],
    "playground": ["Trasig gunga", "Mörkt på innergården på kvällen"],
    "other": ["Okänd person sover i källaren", "Övergiven bil på parkeringen"],
}
PLACE_FOR = {
    "lighting": PlaceType.PATH, "vegetation": PlaceType.PATH, "graffiti": PlaceType.GARAGE,
    "doors_locks": PlaceType.ENTRANCE, "litter": PlaceType.COURTYARD,
    "fire_safety": PlaceType.STAIRWELL, "stairwell": PlaceType.STAIRWELL,
    "traffic": PlaceType.PARKING, "playground": PlaceType.PLAYGROUND, "other": PlaceType.BASEMENT,
}


def demo_image(seed: int, text: str) -> bytes:
    """A small generated 'photo': sky, ground, a building with windows, a lamp post."""
    rnd = random.Random(seed)
    width, height = 960, 720
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    evening = seed % 2 == 1
    for y in range(height // 2):
        shade = int(y / (height / 2) * 60)
        sky = (20 + shade, 30 + shade, 70 + shade) if evening else (120 + shade, 170 + shade, 230)
        draw.line([(0, y), (width, y)], fill=sky)
    ground = (70, 80, 70) if evening else (110, 140, 90)
    draw.rectangle([0, height // 2, width, height], fill=ground)
    x0 = rnd.randint(40, 300)
    draw.rectangle([x0, 150, x0 + 420, height // 2 + 80], fill=(150, 110, 90))
    for row in range(4):
        for col in range(6):
            lit = rnd.random() < (0.5 if evening else 0.1)
            draw.rectangle(
                [x0 + 20 + col * 66, 175 + row * 60, x0 + 60 + col * 66, 210 + row * 60],
                fill=(250, 220, 120) if lit else (60, 70, 90),
            )
    lamp_x = rnd.randint(600, 880)
    draw.rectangle([lamp_x, 220, lamp_x + 10, height - 60], fill=(40, 40, 40))
    draw.ellipse([lamp_x - 20, 200, lamp_x + 30, 240], fill=(90, 90, 90))
    draw.rectangle([20, height - 70, width - 20, height - 20], fill=(255, 255, 255))
    draw.text((34, height - 55), text[:80], fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _buildings(session: Session, district: District, centre, streets, rnd) -> list[Building]:
    lat0, lon0 = centre
    buildings = []
    for n in range(BUILDINGS_PER_DISTRICT):
        # Spread inside ~450 m of the centre, on a jittered spiral.
        angle = n * 2.399963 + rnd.uniform(-0.2, 0.2)
        radius_m = 40 + 410 * math.sqrt(n / BUILDINGS_PER_DISTRICT)
        dlat = radius_m * math.cos(angle) / 111_320
        dlon = radius_m * math.sin(angle) / (111_320 * math.cos(math.radians(lat0)))
        street = streets[n % len(streets)]
        building = Building(
            code=f"{district.code}-{n + 1:03d}",
            address=f"{street} {n // len(streets) * 2 + 1 + (n % 2)}",
            district=district,
            latitude=round(lat0 + dlat, 6),
            longitude=round(lon0 + dlon, 6),
        )
        session.add(building)
        buildings.append(building)
    return buildings


@dataclass
class _Demo:
    """What the seeding steps share: the catalogue, places and people made so far, the
    random numbers, and the counts the summary gives."""

    session: Session
    storage: Any
    rnd: random.Random
    today: date
    photos_every: int
    categories: dict[str, Category]
    priorities: list[Priority]
    districts: dict[str, District] = field(default_factory=dict)
    buildings: dict[str, list[Building]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    walks: int = 0
    findings: int = 0
    photos: int = 0


def seed(session: Session, upload_storage=None, *, today: date | None = None,
         photos_every: int = 3) -> str:
    """Create the demo data. Returns a one-line summary."""
    storage = upload_storage or get_storage()
    hash_method = current_app.config["PASSWORD_HASH_METHOD"]  # scrypt, except in tests
    rnd = random.Random(20181119)
    ensure_defaults(session)
    demo = _Demo(
        session=session, storage=storage, rnd=rnd, today=today or local_today(),
        photos_every=photos_every,
        categories={c.slug: c for c in session.scalars(select(Category))},
        priorities=list(session.scalars(select(Priority).order_by(Priority.days))),
    )
    _places(demo)
    _people(demo, hash_method)
    _surveys_and_targets(demo)
    _past_walks(demo)
    _lighting_to_assign(demo)
    _planned_walk(demo)
    _programme(demo)
    return (f"Demo data: {len(demo.districts)} districts, "
            f"{BUILDINGS_PER_DISTRICT * len(demo.districts)} buildings, {len(demo.users)} users, "
            f"{demo.walks} walks, {demo.findings} findings, {demo.photos} photos.")


def _places(demo: _Demo) -> None:
    for name, code, centre, streets in DISTRICTS:
        district = District(name=name, code=code)
        demo.session.add(district)
        demo.districts[name] = district
        demo.buildings[name] = _buildings(demo.session, district, centre, streets, demo.rnd)


def _people(demo: _Demo, hash_method: str) -> None:
    """One user per role; the walker belongs to Fittja, the others to every district."""
    for email, role in DEMO_USERS:
        user = User(
            email=email, name=_NAMES[role], role=Role(role), active=True,
            password_hash=generate_password_hash(DEMO_PASSWORD, method=hash_method),
            districts=(list(demo.districts.values()) if role != "walker"
                       else [demo.districts["Fittja"]]),
        )
        demo.session.add(user)
        demo.users[role] = user
    demo.session.flush()


def _surveys_and_targets(demo: _Demo) -> None:
    """The safety survey since 2018, and nine walks a year per district as the target."""
    for name, rows in SURVEY.items():
        for offset, (safe, evening) in enumerate(rows):
            stairwell, outdoors = SURVEY_MORE[name][offset]
            demo.session.add(SurveyResult(
                district=demo.districts[name], year=2018 + offset,
                respondents=RESPONDENTS[offset], safe_share=safe, evening_safe_share=evening,
                stairwell_safe_share=stairwell, outdoor_safe_share=outdoors,
            ))
    for year in sorted({2019, demo.today.year - 1, demo.today.year}):
        for district in demo.districts.values():
            demo.session.add(WalkTarget(district=district, year=year, target=9))


def _past_walks(demo: _Demo) -> None:
    """About 27 walks over the past year, day and evening, spread over the districts, each
    with three to seven findings; every `photos_every`-th finding has a photo."""
    rnd, users = demo.rnd, demo.users
    for n in range(27):
        district_name = ["Fittja", "Alby", "Norsborg"][n % 3]
        day = demo.today - timedelta(days=12 + n * 13 + rnd.randint(0, 5))
        evening = n % 2 == 0
        start = local_to_utc(day, time(18, 30) if evening else time(10, 0))
        walk = _completed_walk(
            demo.districts[district_name], start, evening,
            route="Samling vid centrum, runt gårdarna, garagen och gångtunneln.",
            leader=users["walker"] if n % 2 else users["manager"], created_by=users["manager"],
            participants=[
                ("Maria Manager", ParticipantRole.STAFF),
                ("Hyresgäst " + str(n + 1), ParticipantRole.TENANT),
                ("Kommunpolis", ParticipantRole.POLICE),
                ("Botkyrka kommun", ParticipantRole.MUNICIPALITY),
            ],
        )
        demo.session.add(walk)
        demo.walks += 1
        for k in range(rnd.randint(3, 7)):
            created = start + timedelta(minutes=10 + k * 12)
            finding = _past_finding(demo, walk, district_name, created, k)
            demo.session.add(finding)
            demo.findings += 1
            demo.session.flush()
            if demo.findings % demo.photos_every == 0:
                _add_photo(demo, finding, demo.findings)


def _past_finding(demo: _Demo, walk: Walk, district_name: str, created: datetime,
                  k: int) -> Finding:
    """The k-th finding of a past walk, moved along the workflow by its age."""
    rnd = demo.rnd
    slug = rnd.choice(list(FINDING_TEXTS))
    building = rnd.choice(demo.buildings[district_name])
    finding = Finding(
        uuid=new_uuid(), walk=walk, building=building, category=demo.categories[slug],
        place_type=PLACE_FOR[slug],
        latitude=building.latitude + rnd.uniform(-0.0001, 0.0001),
        longitude=building.longitude + rnd.uniform(-0.0002, 0.0002),
        accuracy_m=rnd.choice([5.0, 8.0, 12.0, 20.0]),
        severity=rnd.choice(list(Severity)),
        unsafe_rating=rnd.randint(1, 3),
        unsafe_for=rnd.sample(["children", "elderly", "women", "everyone"], k=1),
        description=rnd.choice(FINDING_TEXTS[slug]),
        confidential=(slug == "other" and k % 2 == 0),
        author=walk.leader, created_at=created, updated_at=created,
    )
    _demo_history(finding, created, demo.today, demo.users, demo.priorities, rnd)
    return finding


def _add_photo(demo: _Demo, finding: Finding, picture: int) -> None:
    """A drawn photo (number `picture`, the description written on it) through the pipeline."""
    processed = photo_service.process_photo(
        demo_image(picture, finding.description),
        max_bytes=15 * 1024 * 1024, max_pixels=40_000_000,
    )
    photo_service.save_photo(
        demo.session, demo.storage, finding=finding, processed=processed,
        kind=PhotoKind.FINDING, uploaded_by_id=finding.author_id,
    )
    demo.photos += 1


def _lighting_to_assign(demo: _Demo) -> None:
    """Four new lighting findings in Fittja, far apart: the remediation demo assigns them."""
    session = demo.session
    latest_fittja = session.scalars(
        select(Walk).where(Walk.district_id == demo.districts["Fittja"].id,
                           Walk.status == WalkStatus.COMPLETED)
        .order_by(Walk.planned_start.desc()).limit(1)
    ).one()
    for n, index in enumerate((5, 17, 29, 41)):
        building = demo.buildings["Fittja"][index]
        created = latest_fittja.started_at + timedelta(minutes=95 + n * 5)
        finding = Finding(
            uuid=new_uuid(), walk=latest_fittja, building=building,
            category=demo.categories["lighting"], place_type=PlaceType.PATH,
            latitude=building.latitude, longitude=building.longitude, accuracy_m=6.0,
            severity=Severity.HIGH, unsafe_rating=3, unsafe_for=["women", "elderly"],
            description=FINDING_TEXTS["lighting"][n % 2], author=latest_fittja.leader,
            created_at=created, updated_at=created,
        )
        session.add(finding)
        session.flush()
        demo.findings += 1
        _add_photo(demo, finding, 1000 + n)


def _planned_walk(demo: _Demo) -> None:
    """Tonight's walk in Fittja, planned."""
    demo.session.add(Walk(
        district=demo.districts["Fittja"],
        title="Trygghetsvandring Fittja kväll",
        route="Samling vid Fittja centrum kl 18. Krögarvägen, garagen, gångtunneln.",
        planned_start=local_to_utc(demo.today, time(18, 0)),
        light_condition=LightCondition.DARK,
        leader=demo.users["walker"], status=WalkStatus.PLANNED,
        created_by=demo.users["manager"],
        participants=[
            WalkParticipant(name="Amina Walker", role=ParticipantRole.STAFF),
            WalkParticipant(name="Hyresgästföreningen", role=ParticipantRole.TENANT),
            WalkParticipant(name="Kommunpolis", role=ParticipantRole.POLICE),
        ],
    ))
    demo.walks += 1
    demo.session.flush()


# Fixes older than this are verified in the demo; younger ones wait for the manager.
DEMO_VERIFY_DAYS = 21


def _demo_history(finding: Finding, created: datetime, today: date, users, priorities, rnd):
    """Move an older finding along the workflow, with its timeline."""
    age_days = (datetime.combine(today, time(12), tzinfo=UTC) - created).days
    roll = rnd.random()
    manager, fixer = users["manager"], users["fixer"]
    events = []

    def step(field, old, new, at, actor):
        events.append(FindingEvent(field=field, from_value=old, to_value=new, created_at=at,
                                   actor=actor, note=""))

    if roll < 0.15 and age_days < 60:
        return  # still new
    at = created + timedelta(days=1)
    finding.status, finding.acknowledged_at = FindingStatus.ACKNOWLEDGED, at
    step("status", "new", "acknowledged", at, manager)
    if roll < 0.25 and age_days < 90:
        finding.events = events
        return
    priority = rnd.choice(priorities)
    at = at + timedelta(days=1)
    fixed_at = at + timedelta(days=rnd.randint(1, max(2, priority.days * 2)))
    stays_open = (roll < 0.45 and age_days < 120) or fixed_at > datetime.now(UTC)
    # Open demo tasks belong to the manager, so the fixer's "My tasks" starts empty and
    # shows exactly what the manager assigns in the demo. A fixer may not see confidential
    # findings, so those stay with the manager too.
    owner = manager if stays_open or finding.confidential else fixer
    finding.status, finding.assigned_at = FindingStatus.ASSIGNED, at
    finding.assignee, finding.priority = owner, priority
    finding.responsible_party = "Fastighetsskötsel"
    finding.due_date = (at + timedelta(days=priority.days)).date()
    step("status", "acknowledged", "assigned", at, manager)
    step("assignee", None, str(owner.id), at, manager)
    if stays_open:
        finding.events = events
        return
    at = fixed_at
    finding.status, finding.fixed_at = FindingStatus.FIXED, at
    step("status", "assigned", "fixed", at, owner)
    # A manager checks a fix within days, a slow one within three weeks: only the fixes of
    # the last three weeks wait in "To verify", none fixed years ago. The slow delay comes
    # from the roll, not a new draw, so the rest of the demo stays as it was.
    delay = rnd.randint(1, 5) if roll < 0.9 else 6 + int(roll * 1000) % 15
    if at <= datetime.now(UTC) - timedelta(days=DEMO_VERIFY_DAYS):
        at = at + timedelta(days=delay)
        finding.status, finding.verified_at = FindingStatus.VERIFIED, at
        step("status", "fixed", "verified", at, manager)
    finding.events = events


def _programme(demo: _Demo) -> None:
    """The 2019 programme (27 walks, the measures) and the 2020 plan. Own random numbers, so
    the rest of the demo stays as it was."""
    types = {t.slug: t for t in demo.session.scalars(select(MeasureType))}
    _measures(demo, types)
    _plan_2020(demo, types)
    _walks_2019(demo, random.Random(2019))
    demo.session.flush()


def _measures(demo: _Demo, types: dict[str, MeasureType]) -> None:
    """The measures of 2019 and 2020: monthly for hours and cases, one by one otherwise."""
    for year, table in ((2019, MEASURES_2019), (2020, MEASURES_2020)):
        for slug, per_district in table.items():
            for name, total in per_district.items():
                parts = 12 if slug in ("guard_hours", "subletting") else total
                for n in range(parts):
                    share = total // parts + (1 if n < total % parts else 0)
                    if not share:
                        continue
                    month = 1 + n * 12 // parts
                    demo.session.add(Measure(
                        measure_type=types[slug], district=demo.districts[name],
                        done_on=date(year, month, 5 + (n * 7) % 20), amount=share,
                        note=MEASURE_NOTES[slug], recorded_by=demo.users["manager"],
                    ))


def _plan_2020(demo: _Demo, types: dict[str, MeasureType]) -> None:
    for name, district in demo.districts.items():
        plan = DistrictPlan(district=district, year=2020, survey_goal=78.0)
        for slug, per_district in PLAN_2020.items():
            if name in per_district:
                plan.targets.append(PlanTarget(measure_type=types[slug],
                                               target=per_district[name]))
        demo.session.add(plan)


def _walks_2019(demo: _Demo, rnd: random.Random) -> None:
    """27 walks in 2019, nine per district, all followed up long since."""
    manager = demo.users["manager"]
    for n in range(27):
        name = ["Fittja", "Alby", "Norsborg"][n % 3]
        evening = n % 2 == 0
        day = date(2019, 2, 4) + timedelta(days=n * 12 + rnd.randint(0, 4))
        start = local_to_utc(day, time(18, 30) if evening else time(10, 0))
        walk = _completed_walk(
            demo.districts[name], start, evening,
            route="Samling vid centrum, runt gårdarna och garagen.",
            leader=manager, created_by=manager,
            participants=[("Maria Manager", ParticipantRole.STAFF),
                          ("Hyresgästföreningen", ParticipantRole.TENANT)],
        )
        demo.session.add(walk)
        demo.walks += 1
        for k in range(rnd.randint(3, 6)):
            demo.session.add(_finding_2019(demo, rnd, walk, name, start, n, k))
            demo.findings += 1


def _finding_2019(demo: _Demo, rnd: random.Random, walk: Walk, name: str, start: datetime,
                  n: int, k: int) -> Finding:
    """The k-th finding of the n-th walk of 2019."""
    slug = rnd.choice(list(FINDING_TEXTS))
    # The first lamp of a district's first and fourth walks is the same one: it broke
    # again after it was fixed, a recurring place.
    if k == 0 and n // 3 in (0, 3):
        slug, building = "lighting", demo.buildings[name][7]
    else:
        building = rnd.choice(demo.buildings[name])
    created = start + timedelta(minutes=10 + k * 12)
    finding = Finding(
        uuid=new_uuid(), walk=walk, building=building, category=demo.categories[slug],
        place_type=PLACE_FOR[slug], latitude=building.latitude,
        longitude=building.longitude, accuracy_m=8.0,
        severity=rnd.choice(list(Severity)), unsafe_rating=rnd.randint(1, 3),
        unsafe_for=["everyone"], description=rnd.choice(FINDING_TEXTS[slug]),
        confidential=False, author=walk.leader, created_at=created, updated_at=created,
    )
    _demo_history(finding, created, demo.today, demo.users, demo.priorities, rnd)
    return finding


def _completed_walk(district, start, evening: bool, *, route: str, leader, created_by,
                    participants) -> Walk:
    """A walk of the demo's past: two hours from start, day or evening."""
    return Walk(
        district=district,
        title=f"Trygghetsvandring {district.name} {'kväll' if evening else 'dag'}",
        route=route, planned_start=start,
        light_condition=LightCondition.DARK if evening else LightCondition.DAYLIGHT,
        leader=leader, status=WalkStatus.COMPLETED, started_at=start,
        completed_at=start + timedelta(hours=2), created_by=created_by,
        participants=[WalkParticipant(name=name, role=role) for name, role in participants],
    )
