from io import BytesIO

from flask import abort, current_app, request, send_file

from app.findings.serving import bp
from app.models import Photo
from app.policy import get_or_404
from app.storage import get_storage


@bp.get("/photos/<int:photo_id>/<any(full, thumb):variant>.jpg")
def serve(photo_id: int, variant: str):
    """A photo, only to those who may see its finding (others get 404, as if absent).

    Streamed from the store (a local file, or the bucket's object passed on as it arrives),
    never by a redirect to the store: the permission check above is made on every request."""
    photo = get_or_404(Photo, photo_id, "view_photo")
    key = photo.storage_key if variant == "full" else photo.thumb_key
    etag = f"{photo.sha256}-{variant}"
    if request.if_none_match.contains(etag):
        # Revalidation (each view, see no-cache below) costs no trip to the store.
        response = current_app.response_class(status=304)
        response.set_etag(etag)
    else:
        storage = get_storage()
        try:
            # A local photo (≤ 1600 px JPEG) is read whole, as before; a bucket's object is
            # passed on as it arrives, without holding it in memory first.
            stored = (BytesIO(storage.read(key)) if storage.path(key) is not None
                      else storage.open(key))
        except FileNotFoundError:
            abort(404)
        response = send_file(stored, mimetype="image/jpeg", conditional=True, etag=etag)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Revalidated every time (a cheap 304 by ETag): a photo masked by hand keeps its URL,
    # and a cached copy of the unmasked version must not be shown for another hour.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
