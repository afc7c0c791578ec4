"""The pictograms of static/icons/pictograms.svg, by what they stand for.

Drawn as lines in currentColor rather than emoji: phones and Debian's Chromium without an
emoji font showed every tile as an empty box, and an emoji's colours ignore dark and forced
colour themes. A category keeps its emoji (`Category.icon`, an admin's choice); its
pictogram comes from its slug, else from its emoji, else the generic one.
"""

from __future__ import annotations

from app.models import TenantPlace, TimeOfDay

GENERIC = "warning"

# The categories Trygg starts with (findings/operations/catalog.py).
CATEGORY_PICTOGRAMS = {
    "lighting": "lamp",
    "vegetation": "tree",
    "graffiti": "spray",
    "doors_locks": "lock",
    "litter": "bin",
    "fire_safety": "fire",
    "stairwell": "stairs",
    "traffic": "road",
    "playground": "swing",
    "other": "other",
}
# The emoji an admin is likely to give a category of their own.
EMOJI_PICTOGRAMS = {
    "💡": "lamp", "🔦": "lamp", "🕯": "lamp",
    "🌳": "tree", "🌲": "tree", "🌿": "tree", "🌱": "tree", "🪴": "tree",
    "🎨": "spray", "🖌": "spray", "✏": "spray", "🔨": "spray",
    "🔒": "lock", "🔐": "lock", "🔑": "lock", "🗝": "lock",
    "🚪": "door",
    "🗑": "bin", "🚮": "bin",
    "🔥": "fire", "🧯": "fire",
    "🏢": "stairs", "🪜": "stairs",
    "🚸": "road", "🚶": "road", "🛣": "road", "🚦": "road", "🚲": "road",
    "🛝": "swing", "🎠": "swing",
    "🚗": "car", "🚙": "car", "🅿": "car",
    "📦": "box",
    "🏠": "building", "🏘": "building",
    "❓": "other", "❔": "other", "…": "other",
    "⚠": "warning",
}

PLACE_PICTOGRAMS = {
    TenantPlace.ENTRANCE: "door",
    TenantPlace.STAIRWELL: "stairs",
    TenantPlace.BASEMENT: "box",
    TenantPlace.COURTYARD: "bench",
    TenantPlace.OUTSIDE: "building",
}
TIME_PICTOGRAMS = {TimeOfDay.DAY: "sun", TimeOfDay.EVENING: "sunset", TimeOfDay.NIGHT: "moon"}


def category_pictogram(slug: str, emoji: str | None = None) -> str:
    """The pictogram's id for a category: by slug, by emoji (with or without the emoji
    presentation selector), or the generic warning sign."""
    if slug in CATEGORY_PICTOGRAMS:
        return CATEGORY_PICTOGRAMS[slug]
    bare = (emoji or "").replace("\ufe0f", "").strip()
    return EMOJI_PICTOGRAMS.get(bare, GENERIC)
