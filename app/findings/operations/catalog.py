"""The lists an admin can edit, with the values Trygg starts with."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Category, MeasureType, Priority

DEFAULT_CATEGORIES = [
    # slug, Swedish, English, icon
    ("lighting", "Belysning", "Lighting", "💡"),
    ("vegetation", "Växtlighet skymmer sikten", "Vegetation blocking view", "🌳"),
    ("graffiti", "Klotter/skadegörelse", "Graffiti/vandalism", "🎨"),
    ("doors_locks", "Dörrar och lås", "Doors and locks", "🔒"),
    ("litter", "Nedskräpning", "Litter", "🗑️"),
    ("fire_safety", "Brandsäkerhet", "Fire safety", "🔥"),
    ("stairwell", "Trapphus/gemensamma utrymmen", "Stairwell/common space", "🏢"),
    ("traffic", "Trafik/gångvägar", "Traffic/walkways", "🚸"),
    ("playground", "Lekplats/gård", "Playground/courtyard", "🛝"),
    ("other", "Övrigt", "Other", "❓"),
]

DEFAULT_PRIORITIES = [
    ("Inom 24 timmar", "Within 24 hours", 1),
    ("Inom 1 vecka", "Within 1 week", 7),
    ("Inom 1 månad", "Within 1 month", 30),
]


DEFAULT_MEASURE_TYPES = [
    # slug, Swedish, English, unit sv, unit en, counts completed walks (the migration
    # i14_programme seeds the same list)
    ("safety_walk", "Trygghetsvandring", "Safety walk", "vandringar", "walks", True),
    ("guard_hours", "Ordningsvakter i centrum", "Security guard hours", "timmar", "hours", False),
    ("courtyard", "Gård öppnad för gemenskap", "Courtyard opened", "gårdar", "courtyards", False),
    ("fire_training", "Brandskyddsutbildning", "Fire-safety training held", "utbildningar",
     "trainings", False),
    ("neighbourhood_watch", "Grannsamverkan startad", "Neighbourhood-watch group started",
     "grupper", "groups", False),
    ("subletting", "Ärende om olovlig andrahandsuthyrning avslutat", "Subletting case closed",
     "ärenden", "cases", False),
    ("meeting_place", "Mötesplats/aktivitet", "Meeting place / activity", "aktiviteter",
     "activities", False),
]


def ensure_defaults(session: Session) -> None:
    """Add the default categories, priorities and measure types that are missing."""
    have = set(session.scalars(select(Category.slug)))
    for position, (slug, sv, en, icon) in enumerate(DEFAULT_CATEGORIES):
        if slug not in have:
            session.add(Category(slug=slug, name_sv=sv, name_en=en, icon=icon,
                                 position=position, active=True))
    have_days = set(session.scalars(select(Priority.days)))
    for position, (sv, en, days) in enumerate(DEFAULT_PRIORITIES):
        if days not in have_days:
            session.add(Priority(name_sv=sv, name_en=en, days=days, position=position))
    have_types = set(session.scalars(select(MeasureType.slug)))
    for position, (slug, sv, en, unit_sv, unit_en, walks) in enumerate(DEFAULT_MEASURE_TYPES):
        if slug not in have_types:
            session.add(MeasureType(slug=slug, name_sv=sv, name_en=en, unit_sv=unit_sv,
                                    unit_en=unit_en, counts_walks=walks, position=position,
                                    active=True))
    session.flush()
