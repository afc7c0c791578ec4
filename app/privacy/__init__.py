"""Privacy: manual redaction, "not blurred" flags, retention (faces are blurred on upload by
app.media)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__)

# A message flashed for one photo has the category "<kind>@photo-<id>": the finding's page
# shows it beside that photo (base.html leaves it out of the messages at the top).
PHOTO_FLASH = "@photo-"


from app.privacy import routes  # noqa: E402, F401
