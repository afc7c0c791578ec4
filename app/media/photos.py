"""The photo pipeline: check an upload, make the stored copy and its thumbnail, and read
what the camera knew (when, where) before all metadata is dropped from what is served.

Nothing here knows about requests, flashing or templates: the views turn `PhotoRejected`
into a form error and commit the session.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from numbers import Real
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without Little CMS: colours are converted naively.
    ImageCms = None  # type: ignore[assignment]

try:
    import pillow_heif
except ImportError:  # HEIC then fails as "not supported", like any unknown file.
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

from app.i18n import human_size
from app.media.detector import face_detector
from app.media.faces import FaceDetector, blur_faces, redact
from app.models import Finding, Photo, PhotoKind
from app.storage import delete_files

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage import Storage

MAX_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 80
THUMB_QUALITY = 75

# Camera clocks carry no zone unless OffsetTimeOriginal is written; walks happen here.
LOCAL_TZ = ZoneInfo("Europe/Stockholm")
# Reset camera clocks say 1970 or 2000; nothing older than this is a real finding photo.
EARLIEST_TAKEN_AT = datetime(1990, 1, 1, tzinfo=UTC)

# A second line of defence for any Image.open in the process (Pillow's default is 89 M,
# raising only at twice that). process_photo checks its own, usually lower, limit right
# after open. Pillow raises outright above 2 × this, so MAX_PHOTO_PIXELS above 128 M
# would need this raised too.
_PILLOW_PIXEL_LIMIT = 64_000_000
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > _PILLOW_PIXEL_LIMIT:
    Image.MAX_IMAGE_PIXELS = _PILLOW_PIXEL_LIMIT

Image.init()
# Only these parsers ever see an upload (MPO is opened by the JPEG plugin). HEIF is there
# only when pillow-heif is installed.
_FORMATS = tuple(f for f in ("JPEG", "PNG", "WEBP", "HEIF", "AVIF") if f in Image.OPEN)

# Videos share the ISO box format ("ftyp") with HEIC; only these brands are still images.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}

# What a decoder or parser raises on a damaged or hostile file.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")) if ImageCms else None


class PhotoRejected(Exception):
    """An upload that cannot become a photo; `message` is meant for the user."""

    field = "photos"

    def __init__(self, message: Any, reason: str) -> None:
        super().__init__(message)
        self.message = message
        # Stable and untranslated, for JSON clients, logs and tests.
        self.reason = reason


def _truncated() -> PhotoRejected:
    return PhotoRejected(
        _l(
            "The photo could not be read completely. The upload may have been interrupted "
            "— please try again."
        ),
        "truncated",
    )


def _unsupported() -> PhotoRejected:
    return PhotoRejected(
        _l("This file type is not supported. Use JPEG, PNG, WebP or HEIC."), "unsupported"
    )


def _too_large(max_bytes: int) -> PhotoRejected:
    return PhotoRejected(
        # The size in the reader's language when the message is shown ("15 MB", "500 kB").
        _l("The photo is too large (at most %(size)s).", size=LazyString(human_size, max_bytes)),
        "too_large",
    )


def _too_many_pixels(max_pixels: int) -> PhotoRejected:
    return PhotoRejected(
        _l(
            "The photo has too many pixels (at most %(mp)s megapixels).",
            mp=_number(max_pixels / 1_000_000),
        ),
        "too_many_pixels",
    )


def _blur_failed() -> PhotoRejected:
    return PhotoRejected(
        _l(
            "Faces in the photo could not be blurred, so it was not stored. "
            "Please try again later."
        ),
        "face_blur_failed",
    )


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


@dataclass
class ProcessedPhoto:
    image: bytes
    thumb: bytes
    width: int
    height: int
    bytes: int
    sha256: str
    taken_at: datetime | None = None
    gps_latitude: float | None = None
    gps_longitude: float | None = None
    # How many faces were blurred; None when no detector was given (blurring switched off).
    faces_blurred: int | None = None


def process_photo(
    data: bytes, *, max_bytes: int, max_pixels: int, detector: FaceDetector | None = None
) -> ProcessedPhoto:
    """Check an upload and make the stored JPEG and thumbnail from it.

    With a `detector`, every face it finds is blurred on the downscaled image, before
    anything is encoded: neither the stored photo nor its thumbnail ever has the face.
    Raises PhotoRejected for anything that is not a complete, reasonably sized photo, and
    when the detector fails (a photo whose faces could not be blurred is not stored).
    """
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise _truncated()
    # Pillow warns about corrupt EXIF, malformed MPO, oversized images and more; none of it
    # changes the outcome here (limits are checked explicitly), and a warnings filter set to
    # "error" elsewhere must not turn a usable photo into a crash. catch_warnings swaps
    # process-global state: fine for gunicorn's sync workers, not race-free in threads.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _process(data, max_pixels, detector)


def _process(data: bytes, max_pixels: int, detector: FaceDetector | None) -> ProcessedPhoto:
    try:
        im = Image.open(io.BytesIO(data), formats=_FORMATS)
    except Image.DecompressionBombError:
        raise _too_many_pixels(max_pixels) from None
    except _DECODE_ERRORS:
        raise (_truncated() if _has_known_signature(data) else _unsupported()) from None

    with im:
        raw_width, raw_height = im.size
        # Before anything is decoded: the header alone can claim billions of pixels.
        if raw_width <= 0 or raw_height <= 0 or raw_width * raw_height > max_pixels:
            raise _too_many_pixels(max_pixels)
        target = _fit((raw_width, raw_height), MAX_SIDE)
        if im.format in ("JPEG", "MPO"):
            # DCT scaling decodes at 1/2, 1/4 or 1/8 size: far less time and memory. The box
            # must have the image's aspect ratio, or one side blocks the reduction.
            im.draft("RGB", _draft_box((raw_width, raw_height), MAX_SIDE))
        try:
            im.load()
        except Image.DecompressionBombError:
            raise _too_many_pixels(max_pixels) from None
        except _DECODE_ERRORS:
            # Half a JPEG passes open() and verify(); only decoding notices.
            raise _truncated() from None

        orientation, taken_at, latitude, longitude = _read_metadata(im)
        icc_profile = im.info.get("icc_profile")
        try:
            image = _normalise(im, target, orientation, icc_profile)
        except _DECODE_ERRORS:
            raise _unsupported() from None
        faces = None
        if detector is not None:
            try:
                image, faces = blur_faces(image, detector)
            except Exception:
                # Fail safe: an unblurred photo is never the fallback.
                raise _blur_failed() from None
        # Still inside `with`: image may be im itself, and a closed image has no pixels.
        encoded = _encode(image, JPEG_QUALITY)
        thumb = image.copy()
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        encoded_thumb = _encode(thumb, THUMB_QUALITY)

    return ProcessedPhoto(
        image=encoded,
        thumb=encoded_thumb,
        width=image.width,
        height=image.height,
        bytes=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        taken_at=taken_at,
        gps_latitude=latitude,
        gps_longitude=longitude,
        faces_blurred=faces,
    )


# A rectangle masked by hand thinner than this on the stored photo is a slip of the finger
# (and JPEG's 8-pixel blocks would smear what little it covers). The page says it too.
MIN_REGION_PIXELS = 8


def redact_stored(data: bytes, regions: list[tuple[float, float, float, float]]) -> ProcessedPhoto:
    """A stored photo with each region (x, y, width, height as 0..1 fractions) filled solid.

    The input is a JPEG this pipeline wrote, never an upload. The result is a new image and
    thumbnail made from the redacted pixels: nothing of the old ones is reused.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as im:
            im.load()
            image = im.convert("RGB")
    boxes = []
    for x, y, w, h in regions:
        left, top = math.floor(x * image.width), math.floor(y * image.height)
        right = math.ceil((x + w) * image.width)
        bottom = math.ceil((y + h) * image.height)
        boxes.append((left, top, min(image.width, right), min(image.height, bottom)))
    image = redact(image, boxes)
    encoded = _encode(image, JPEG_QUALITY)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=encoded,
        thumb=_encode(thumb, THUMB_QUALITY),
        width=image.width,
        height=image.height,
        bytes=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
    )


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= longest:
        return width, height
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft_box(size: tuple[int, int], longest: int) -> tuple[int, int]:
    # Rounded down: a short side rounded up can halve the reduction JPEG draft picks.
    width, height = size
    scale = min(1.0, longest / max(width, height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _has_known_signature(data: bytes) -> bool:
    """True when the start looks like a format we take, so a failure means a cut-off upload."""
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def _normalise(
    im: Image.Image, target: tuple[int, int], orientation: int, icc_profile: bytes | None
) -> Image.Image:
    """Upright, at most `target`, 8-bit RGB on white, in sRGB."""
    image: Image.Image = im
    if image.mode in ("P", "PA"):
        # LANCZOS cannot work on palette indices; keep transparency for the flattening.
        keep_alpha = image.mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if keep_alpha else "RGB")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode.startswith("I"):
        # 16-bit greyscale: a plain convert would clip everything above 255 to white.
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        image = image.convert("RGB")

    # Shrinking before rotating turns the fewest pixels; target is in stored orientation.
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if orientation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[orientation])

    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        background.alpha_composite(image.convert("RGBA"))
        image = background.convert("RGB")
    return _to_srgb(image, icc_profile)


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    # The served copy carries no profile, so colours must already be sRGB: iPhone photos
    # are Display P3 and would look washed out if the profile were just dropped.
    if icc_profile and ImageCms is not None and _SRGB is not None:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            description = ImageCms.getProfileDescription(source) or ""
            if "srgb" not in description.lower().replace(" ", ""):
                converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: fall back to a plain conversion
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, quality: int) -> bytes:
    # Pillow copies a JPEG comment from .info into the output; nothing of the upload may
    # leak through. EXIF, XMP and ICC are only written when passed explicitly, which we never do.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


# --- metadata -------------------------------------------------------------------------


def _read_metadata(im: Image.Image) -> tuple[int, datetime | None, float | None, float | None]:
    """Orientation, time taken and GPS position; whatever is unreadable is left out."""
    # EXIF comes from phones, editors and attackers alike; its parser can raise almost
    # anything (TypeError, struct.error, ZeroDivisionError, ...). Losing metadata is
    # acceptable, losing the photo is not, hence the broad catches.
    try:
        exif = im.getexif()
    except Exception:
        return 1, None, None, None
    try:
        orientation = exif.get(ExifTags.Base.Orientation, 1)
        orientation = orientation if isinstance(orientation, int) else 1
    except Exception:
        orientation = 1
    try:
        taken_at = _taken_at(exif.get_ifd(ExifTags.IFD.Exif))
    except Exception:
        taken_at = None
    try:
        latitude, longitude = _gps_position(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:
        latitude = longitude = None
    return orientation, taken_at, latitude, longitude


_DATETIME_RE = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET_RE = re.compile(r"([+-])(\d{2}):(\d{2})")


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 \t\r\n") or None


def taken_at_from_text(text: str | None, offset: str | None = None) -> datetime | None:
    """DateTimeOriginal (and OffsetTimeOriginal) as the phone read them from a photo."""
    tags = {ExifTags.Base.DateTimeOriginal: text, ExifTags.Base.OffsetTimeOriginal: offset}
    return _taken_at(tags)


def _taken_at(exif_ifd: Any) -> datetime | None:
    text = _text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    match = _DATETIME_RE.match(text or "")
    if not match:
        return None
    try:
        naive = datetime(*(int(part) for part in match.groups()))
    except ValueError:  # 1999:99:99 and friends
        return None
    offset = _offset(_text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)))
    taken_at = naive.replace(tzinfo=offset or LOCAL_TZ).astimezone(UTC)
    # A clock set to the future (or to 1970) says nothing about when the photo was taken.
    if not EARLIEST_TAKEN_AT <= taken_at <= datetime.now(UTC) + timedelta(days=1):
        return None
    return taken_at


def _offset(text: str | None) -> timezone | None:
    match = _OFFSET_RE.fullmatch(text or "")
    if not match:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 14 or int(minutes) > 59:
        return None
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def _gps_position(gps: Any) -> tuple[float | None, float | None]:
    if not gps:
        return None, None
    # "V" marks a measurement the receiver itself calls void.
    if (_text(gps.get(ExifTags.GPS.GPSStatus)) or "").upper().startswith("V"):
        return None, None
    latitude = _coordinate(
        gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
    )
    longitude = _coordinate(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180
    )
    # 0,0 is what a phone without a fix writes, not a place in the Gulf of Guinea.
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, None
    return round(latitude, 7), round(longitude, 7)


def _coordinate(value: Any, ref: Any, positive: str, negative: str, limit: float) -> float | None:
    hemisphere = (_text(ref) or "")[:1].upper()
    # Without a reference the sign is a guess; a wrong hemisphere is worse than none.
    if hemisphere not in (positive, negative):
        return None
    if isinstance(value, Real):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 3:
        return None
    # IFDRational with a zero denominator converts to NaN.
    parts = [float(part) for part in value]
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    degrees = sum(part / factor for part, factor in zip(parts, (1, 60, 3600), strict=False))
    if degrees > limit:
        return None
    return -degrees if hemisphere == negative else degrees


# --- storing ----------------------------------------------------------------------------


def store_photo_files(storage: Storage, finding_id: int,
                      processed: ProcessedPhoto) -> tuple[str, str]:
    """Write a processed photo's two files; returns (storage_key, thumb_key). Done before the
    row's transaction when the caller can (the API's upload: no write lock while files are
    fsynced). If the second file fails, the first is deleted again."""
    return save_photo_pair(storage, f"photos/{finding_id}/{uuid.uuid4().hex}", processed)


def save_photo_pair(storage: Storage, stem: str,
                    processed: ProcessedPhoto) -> tuple[str, str]:
    """Write a processed photo as `<stem>.jpg` and `<stem>_thumb.jpg`; returns both keys. If
    the thumbnail fails, the photo is deleted again."""
    storage_key, thumb_key = f"{stem}.jpg", f"{stem}_thumb.jpg"
    storage.save(storage_key, processed.image, "image/jpeg")
    try:
        storage.save(thumb_key, processed.thumb, "image/jpeg")
    except BaseException:
        delete_files([storage_key], storage)
        raise
    return storage_key, thumb_key


def save_photo(
    session: Session,
    storage: Storage,
    *,
    finding: Finding,
    processed: ProcessedPhoto,
    kind: PhotoKind | str,
    uploaded_by_id: int | None = None,
    client_uuid: str | None = None,
    comment_id: int | None = None,
    stored: tuple[str, str] | None = None,
) -> Photo:
    """Save an already processed photo's files and add its Photo row (flushed, not committed).

    Processing comes first (process_photo) so a form with several photos can check them all
    before it saves any. Files already written by store_photo_files are passed as `stored`.
    If the row cannot be flushed, the saved files are deleted again and the database error is
    re-raised; the caller rolls back. Files of rows that a later commit fails to write are the
    caller's to delete (storage_key and thumb_key).
    """
    if stored is None:
        if finding.id is None:
            session.flush()  # the storage key needs the finding's id
        stored = store_photo_files(storage, finding.id, processed)
    storage_key, thumb_key = stored
    try:
        photo = Photo(
            finding=finding,
            kind=PhotoKind(kind),
            comment_id=comment_id,
            client_uuid=client_uuid,
            storage_key=storage_key,
            thumb_key=thumb_key,
            width=processed.width,
            height=processed.height,
            bytes=processed.bytes,
            sha256=processed.sha256,
            taken_at=processed.taken_at,
            gps_latitude=processed.gps_latitude,
            gps_longitude=processed.gps_longitude,
            uploaded_by_id=uploaded_by_id,
            faces_blurred=processed.faces_blurred,
        )
        session.add(photo)
        session.flush()
    except BaseException:
        delete_files([storage_key, thumb_key], storage)
        raise
    return photo


def process_upload(data: bytes) -> ProcessedPhoto:
    """`process_photo` with the limits and the face blurring the app is configured with."""
    return process_photo(
        data,
        max_bytes=current_app.config["MAX_PHOTO_BYTES"],
        max_pixels=current_app.config["MAX_PHOTO_PIXELS"],
        detector=face_detector(),
    )
