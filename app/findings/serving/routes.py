from io import BytesIO

from flask import abort, send_file

from app.findings.serving import bp
from app.models import Photo
from app.policy import get_or_404
from app.storage import get_storage


@bp.get("/photos/<int:photo_id>/<any(full, thumb):variant>.jpg")
def serve(photo_id: int, variant: str):
    """A photo, only to those who may see its finding (others get 404, as if absent)."""
    photo = get_or_404(Photo, photo_id, "view_photo")
    key = photo.storage_key if variant == "full" else photo.thumb_key
    storage = get_storage()
    if not storage.exists(key):
        abort(404)
    # Photos are small (≤ 1600 px JPEG): reading them whole works for any storage backend.
    response = send_file(
        BytesIO(storage.read(key)), mimetype="image/jpeg", conditional=True,
        etag=f"{photo.sha256}-{variant}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Revalidated every time (a cheap 304 by ETag): a photo masked by hand keeps its URL,
    # and a cached copy of the unmasked version must not be shown for another hour.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
