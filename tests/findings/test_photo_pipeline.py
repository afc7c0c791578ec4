"""The photo pipeline and the storage below it, without HTTP or a database.

The upload routes are tested elsewhere; here every file in shared/testdata/photos goes
through process_photo and must come out as its README table says.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFile, ImageOps, ImageStat
from PIL.TiffImagePlugin import IFDRational

from app.media.photos import (
    MAX_SIDE,
    THUMB_SIDE,
    PhotoRejected,
    ProcessedPhoto,
    process_photo,
    save_photo,
)
from app.models import Finding, Photo, PhotoKind
from app.storage import LocalStorage, get_storage
from tests.conftest import SHARED_PHOTOS

LIMITS = {"max_bytes": 15 * 1024 * 1024, "max_pixels": 40_000_000}
TESTDATA = SHARED_PHOTOS
ORIENTATION = ExifTags.Base.Orientation


@pytest.fixture(autouse=True)
def clean_db():
    """Overrides the shared conftest's autouse fixture: nothing here touches a database,
    so these tests neither wait for migrations nor break when the database does."""
    yield


# --- helpers --------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_exif(exif: Image.Exif, size: tuple[int, int] = (64, 48)) -> bytes:
    return encode(Image.new("RGB", size, "gray"), exif=exif.tobytes())


def opened(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean[0]


def assert_clean_jpeg(data: bytes) -> Image.Image:
    """The served copy: a plain RGB JPEG with nothing of the upload's metadata."""
    image = opened(data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert not image.getexif(), "EXIF left in the stored photo"
    leftovers = {"exif", "xmp", "photoshop", "icc_profile", "comment", "adobe"} & set(image.info)
    assert not leftovers, f"metadata left in the stored photo: {leftovers}"
    assert b"Exif\x00\x00" not in data
    assert b"http://ns.adobe.com/xap/1.0/" not in data
    assert b"Photoshop 3.0" not in data
    return image


def assert_processed(result: ProcessedPhoto) -> Image.Image:
    image = assert_clean_jpeg(result.image)
    assert (result.width, result.height) == image.size
    assert max(image.size) <= MAX_SIDE
    assert result.bytes == len(result.image)
    assert result.sha256 == hashlib.sha256(result.image).hexdigest()
    thumb = assert_clean_jpeg(result.thumb)
    assert max(thumb.size) <= THUMB_SIDE
    # Same shape as the photo (rounding aside), so an upright photo has an upright thumbnail.
    assert (thumb.width >= thumb.height) == (image.width >= image.height)
    return image


def rejected(data: bytes, **limits) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        process_photo(data, **{**LIMITS, **limits})
    assert info.value.field == "photos"
    assert str(info.value.message)
    return info.value


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding pixels fails the test: a photo whose header claims too many pixels is
    rejected from the header alone (decoding 60,000² pixels would take minutes and GBs)."""

    def load(self, *args, **kwargs):
        raise AssertionError(f"{self.format} {self.size} was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height but that carries no pixel data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def noisy_jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    noise = Image.effect_noise(size, 60)
    return encode(Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(0))), quality=90)


# --- orientation, size, metadata ------------------------------------------------------


def test_phone_photo_is_stored_upright_smaller_and_without_exif():
    # What a phone held upright writes: landscape sensor pixels plus Orientation 6.
    raw = Image.linear_gradient("L").resize((4032, 3024)).convert("RGB")
    ImageDraw.Draw(raw).rectangle((0, 0, 500, 500), fill="red")  # sensor's top-left corner
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[ExifTags.Base.Make] = "Phone"
    data = encode(raw, quality=90, exif=exif.tobytes())

    result = process_photo(data, **LIMITS)

    image = assert_processed(result)
    assert image.size == (1200, 1600)
    # Orientation 6 means "turn 90° clockwise to view": the sensor's top-left is top-right.
    red_corner = image.getpixel((image.width - 40, 40))
    assert red_corner[0] > 200 and red_corner[1] < 60 and red_corner[2] < 60
    expected = ImageOps.exif_transpose(opened(data)).resize(image.size)
    assert mean_difference(image, expected) < 4
    assert opened(result.thumb).size == (240, 320)


def test_small_photo_is_not_enlarged():
    result = process_photo(encode(Image.new("RGB", (300, 200), "navy")), **LIMITS)
    assert (result.width, result.height) == (300, 200)


def test_png_alpha_is_flattened_onto_white():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((100, 0, 199, 99), fill=(200, 0, 0, 255))

    stored = assert_processed(process_photo(encode(image, "PNG"), **LIMITS))

    assert stored.getpixel((20, 50)) == pytest.approx((255, 255, 255), abs=3)
    assert stored.getpixel((170, 50)) == pytest.approx((200, 0, 0), abs=6)


def test_palette_png_with_transparency_is_flattened_onto_white():
    image = Image.new("P", (64, 64), 1)
    image.putpalette([0, 0, 0, 0, 128, 0] + [0] * 762)
    image.info["transparency"] = 0
    ImageDraw.Draw(image).rectangle((0, 0, 31, 63), fill=0)

    stored = assert_processed(process_photo(encode(image, "PNG"), **LIMITS))

    assert stored.getpixel((10, 32)) == pytest.approx((255, 255, 255), abs=3)
    assert stored.getpixel((50, 32)) == pytest.approx((0, 128, 0), abs=6)


def test_16_bit_greyscale_png_is_scaled_not_clipped():
    image = Image.new("I;16", (64, 64), 32768)
    stored = assert_processed(process_photo(encode(image, "PNG"), **LIMITS))
    assert stored.getpixel((32, 32)) == pytest.approx((128, 128, 128), abs=3)


def test_cmyk_jpeg_is_stored_as_rgb():
    data = encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)))  # cyan-free: red
    stored = assert_processed(process_photo(data, **LIMITS))
    red, green, blue = stored.getpixel((32, 32))
    assert red > 200 and green < 60 and blue < 60


def test_all_metadata_is_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (59.0, 19.0, 45.0), 3: "E", 4: (18.0, 4.0, 7.0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        Image.new("RGB", (64, 48), "olive"),
        exif=exif.tobytes(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret/></x:xmpmeta>',
        comment=b"home address",
        icc_profile=srgb,
    )
    assert {"exif", "xmp", "comment", "icc_profile"} <= set(opened(data).info)

    result = process_photo(data, **LIMITS)

    assert_processed(result)
    assert b"home address" not in result.image and b"home address" not in result.thumb
    assert result.gps_latitude is not None  # read before it was dropped


def test_broken_colour_profile_is_ignored():
    data = encode(Image.new("RGB", (64, 48), "olive"), icc_profile=b"not a profile" * 10)
    stored = assert_processed(process_photo(data, **LIMITS))
    assert stored.getpixel((32, 24)) == pytest.approx((128, 128, 0), abs=6)


def test_mpo_first_frame_is_used():
    first, second = Image.new("RGB", (320, 240), "teal"), Image.new("RGB", (320, 240), "red")
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert opened(data).format == "MPO"

    stored = assert_processed(process_photo(data, **LIMITS))

    assert stored.getpixel((160, 120)) == pytest.approx((0, 128, 128), abs=6)


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF"])
def test_heif_and_avif_are_accepted_and_rotated_once(fmt):
    if fmt not in Image.SAVE:
        pytest.skip(f"no {fmt} encoder in this Pillow / pillow-heif build")
    image = Image.new("RGB", (64, 48), "blue")
    ImageDraw.Draw(image).rectangle((0, 0, 15, 15), fill="yellow")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    data = encode(image, fmt, quality=90, exif=exif.tobytes())

    stored = assert_processed(process_photo(data, **LIMITS))

    # The container's rotation is applied once, whichever layer (libheif or us) does it.
    assert stored.size == (48, 64)
    red, green, blue = stored.getpixel((stored.width - 4, 4))
    assert red > 180 and green > 180 and blue < 90


# --- EXIF time and position -----------------------------------------------------------


@pytest.mark.parametrize(
    ("gps", "expected"),
    [
        # Stockholm city hall: N/E positive.
        (
            {1: "N", 2: (59.0, 19.0, 38.4), 3: "E", 4: (18.0, 3.0, 16.2)},
            (59.3273333, 18.0545),
        ),
        # Sydney Opera House: S negative; rationals as cameras write them.
        (
            {
                1: "S",
                2: (IFDRational(33, 1), IFDRational(51, 1), IFDRational(2448, 100)),
                3: "E",
                4: (IFDRational(151, 1), IFDRational(12, 1), IFDRational(5508, 100)),
            },
            (-33.8568, 151.2153),
        ),
        # Statue of Liberty: W negative; decimal minutes, as some phones write them.
        ({1: "N", 2: (40.0, 41.352, 0.0), 3: "W", 4: (74.0, 2.67, 0.0)}, (40.6892, -74.0445)),
    ],
)
def test_gps_position_is_read_as_decimal_degrees(gps, expected):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = gps

    result = process_photo(jpeg_with_exif(exif), **LIMITS)

    assert result.gps_latitude == pytest.approx(expected[0], abs=1e-6)
    assert result.gps_longitude == pytest.approx(expected[1], abs=1e-6)


@pytest.mark.parametrize(
    "gps",
    [
        {},
        {1: "N", 2: (59.0, 19.0, 38.4)},  # no longitude
        {2: (59.0, 19.0, 38.4), 4: (18.0, 3.0, 16.2)},  # no hemispheres
        {1: "X", 2: (59.0, 19.0, 38.4), 3: "E", 4: (18.0, 3.0, 16.2)},
        {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (18.0, 0.0, 0.0)},  # beyond the pole
        {1: "N", 2: (59.0, 0.0, 0.0), 3: "E", 4: (181.0, 0.0, 0.0)},
        {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)},  # "no fix"
        {1: "N", 2: (IFDRational(59, 0), 0.0, 0.0), 3: "E", 4: (18.0, 0.0, 0.0)},
        {1: "N", 2: (59.0, 19.0, 38.4), 3: "E", 4: (18.0, 3.0, 16.2), 9: "V"},  # void
    ],
    ids=[
        "empty",
        "no-longitude",
        "no-refs",
        "bad-ref",
        "lat-range",
        "lon-range",
        "null-island",
        "zero-denominator",
        "void",
    ],
)
def test_unusable_gps_is_ignored(gps):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = gps

    result = process_photo(jpeg_with_exif(exif), **LIMITS)

    assert (result.gps_latitude, result.gps_longitude) == (None, None)


@pytest.mark.parametrize(
    ("original", "offset", "expected"),
    [
        ("2024:06:15 21:30:00", None, datetime(2024, 6, 15, 19, 30, tzinfo=UTC)),  # CEST
        ("2024:01:15 21:30:00", None, datetime(2024, 1, 15, 20, 30, tzinfo=UTC)),  # CET
        ("2024:06:15 21:30:00", "+09:00", datetime(2024, 6, 15, 12, 30, tzinfo=UTC)),
        ("2024:06:15 21:30:00\x00", "garbage", datetime(2024, 6, 15, 19, 30, tzinfo=UTC)),
        ("1999:99:99 99:99:99", None, None),
        ("0000:00:00 00:00:00", None, None),
        ("    :  :     :  :  ", None, None),
        ("2099:09:29 10:10:10", None, None),  # a camera clock set to the future
        ("1970:01:01 00:00:00", None, None),  # a reset camera clock
    ],
)
def test_taken_at_comes_from_date_time_original(original, offset, expected):
    exif = Image.Exif()
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: original}
    if offset:
        exif[ExifTags.IFD.Exif][ExifTags.Base.OffsetTimeOriginal] = offset
    data = jpeg_with_exif(exif)

    taken_at = process_photo(data, **LIMITS).taken_at

    assert taken_at == expected
    if taken_at is not None:
        assert taken_at.utcoffset().total_seconds() == 0


def test_photo_without_exif_has_no_time_or_position():
    result = process_photo(encode(Image.new("RGB", (32, 32))), **LIMITS)
    assert (result.taken_at, result.gps_latitude, result.gps_longitude) == (None, None, None)


# --- rejections -----------------------------------------------------------------------


def test_truncated_jpeg_asks_to_try_again():
    data = noisy_jpeg()
    error = rejected(data[: len(data) // 2])
    assert error.reason == "truncated"
    assert "try again" in str(error.message)


def test_empty_upload_is_treated_as_interrupted():
    assert rejected(b"").reason == "truncated"


@pytest.mark.parametrize(
    "fmt",
    [
        "JPEG",
        "PNG",
        "WEBP",
        pytest.param(
            "HEIF", marks=pytest.mark.skipif("HEIF" not in Image.SAVE, reason="no HEIF encoder")
        ),
    ],
)
def test_cut_off_header_of_a_known_format_asks_to_try_again(fmt):
    data = encode(Image.effect_noise((64, 48), 40).convert("RGB"), fmt)
    assert rejected(data[:30]).reason == "truncated"


def test_file_above_max_bytes_is_rejected_before_decoding():
    data = noisy_jpeg()
    assert rejected(data, max_bytes=len(data) - 1).reason == "too_large"
    # Size comes first: an oversized non-image is "too large", not "unsupported".
    assert rejected(b"x" * 1001, max_bytes=1000).reason == "too_large"


def test_too_large_message_names_the_configured_limit():
    with pytest.raises(PhotoRejected) as info:
        process_photo(b"x" * (15 * 1024 * 1024 + 1), **LIMITS)
    assert info.value.reason == "too_large"
    assert str(info.value.message) == "The photo is too large (at most 15\u00a0MB)."


def test_photo_with_too_many_pixels_is_rejected():
    error = rejected(noisy_jpeg((640, 480)), max_pixels=640 * 480 - 1)
    assert error.reason == "too_many_pixels"
    assert "0.3 megapixels" in str(error.message)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 6000),  # above MAX_PHOTO_PIXELS, below Pillow's own limit
        (9000, 8000),  # where Pillow warns (DecompressionBombWarning)
        (60000, 60000),  # where Pillow raises (DecompressionBombError)
    ],
)
def test_header_claiming_huge_dimensions_is_rejected_without_decoding(width, height,
                                                                    no_decoding):
    error = rejected(png_header_only(width, height))
    assert error.reason == "too_many_pixels"
    assert "40 megapixels" in str(error.message)


def test_gif_claiming_65535_squared_pixels_is_rejected_quickly(no_decoding):
    header = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0)
    data = header + b"\x00" * 6 + b",\x00\x00\x00\x00" + struct.pack("<HH", 65535, 65535) + b"\x00;"
    error = rejected(data)
    assert error.reason in {"unsupported", "too_many_pixels"}


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, this is not a photo.\n" * 20,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        encode(Image.new("RGB", (32, 32)), "BMP"),
        encode(Image.new("RGB", (32, 32)), "TIFF"),
        encode(Image.new("RGB", (32, 32)), "GIF"),
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
    ],
    ids=["text", "pdf", "svg", "bmp", "tiff", "gif", "mp4"],
)
def test_other_file_types_are_not_supported(data):
    error = rejected(data)
    assert error.reason == "unsupported"
    assert str(error.message) == "This file type is not supported. Use JPEG, PNG, WebP or HEIC."


# --- storage --------------------------------------------------------------------------


def test_local_storage_round_trip(tmp_path):
    storage = LocalStorage(tmp_path / "uploads")

    storage.save("photos/1/a.jpg", b"first")
    storage.save("photos/1/a.jpg", b"second")

    assert storage.read("photos/1/a.jpg") == b"second"
    assert storage.exists("photos/1/a.jpg")
    assert Path(storage.path("photos/1/a.jpg")).read_bytes() == b"second"
    # Written via a temporary file that is renamed, never left behind.
    assert [p.name for p in (tmp_path / "uploads" / "photos" / "1").iterdir()] == ["a.jpg"]
    storage.delete("photos/1/a.jpg")
    storage.delete("photos/1/a.jpg")  # deleting twice is fine
    assert not storage.exists("photos/1/a.jpg")


@pytest.mark.parametrize(
    "key", ["", "../outside.jpg", "photos/../../outside.jpg", "/etc/passwd", "a//b", "a\\b", "./a"]
)
def test_local_storage_refuses_keys_that_leave_its_folder(tmp_path, key):
    storage = LocalStorage(tmp_path / "uploads")
    with pytest.raises(ValueError):
        storage.save(key, b"x")
    with pytest.raises(ValueError):
        storage.path(key)
    assert not (tmp_path / "outside.jpg").exists()


def test_local_storage_refuses_symlinks_out_of_its_folder(tmp_path):
    root = tmp_path / "uploads"
    root.mkdir()
    (root / "escape").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        LocalStorage(root).save("escape/outside.jpg", b"x")


def test_get_storage_is_made_once_per_app(tmp_path):
    app = Flask(__name__)
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, LocalStorage)
        assert storage.root == str(tmp_path)
        assert get_storage() is storage


# --- save_photo -----------------------------------------------------------------------


class FakeSession:
    """Just what save_photo may touch; it must never commit."""

    def __init__(self, flush_error: Exception | None = None) -> None:
        self.added: list[object] = []
        self.flushes = 0
        self.flush_error = flush_error

    def add(self, obj: object) -> None:
        self.added.append(obj)

    def flush(self) -> None:
        self.flushes += 1
        if self.flush_error:
            raise self.flush_error


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_save_photo_saves_files_and_adds_a_flushed_row(tmp_path):
    storage, session, finding = LocalStorage(tmp_path), FakeSession(), Finding(id=7)
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (59.0, 19.0, 38.4), 3: "E", 4: (18.0, 3.0, 16.2)}
    data = jpeg_with_exif(exif, size=(2000, 1000))

    photo = save_photo(
        session,
        storage,
        finding=finding,
        processed=process_photo(data, **LIMITS),
        kind="after",
        uploaded_by_id=3,
        client_uuid="0b6c2f7e-0000-4000-8000-000000000001",
    )

    assert isinstance(photo, Photo)
    assert session.added == [photo] and session.flushes == 1
    assert photo.finding is finding and photo in finding.photos
    assert photo.kind is PhotoKind.AFTER
    assert (photo.uploaded_by_id, photo.client_uuid) == (3, "0b6c2f7e-0000-4000-8000-000000000001")
    assert re.fullmatch(r"photos/7/[0-9a-f]{32}\.jpg", photo.storage_key)
    assert photo.thumb_key == photo.storage_key.removesuffix(".jpg") + "_thumb.jpg"
    image = storage.read(photo.storage_key)
    assert (photo.width, photo.height, photo.bytes) == (1600, 800, len(image))
    assert photo.sha256 == hashlib.sha256(image).hexdigest()
    assert max(opened(storage.read(photo.thumb_key)).size) == THUMB_SIDE
    assert photo.gps_latitude == pytest.approx(59.3273333)
    assert stored_files(tmp_path) == sorted([photo.storage_key, photo.thumb_key])


def test_save_photo_removes_its_files_when_the_row_cannot_be_flushed(tmp_path):
    session = FakeSession(flush_error=RuntimeError("UNIQUE constraint failed"))

    with pytest.raises(RuntimeError, match="UNIQUE"):
        save_photo(
            session,
            LocalStorage(tmp_path),
            finding=Finding(id=7),
            processed=process_photo(encode(Image.new("RGB", (64, 48))), **LIMITS),
            kind=PhotoKind.FINDING,
        )

    assert stored_files(tmp_path) == []


def test_save_photo_stores_an_already_processed_photo(tmp_path):
    # A form with several photos processes them all first and saves only when all pass.
    storage, session = LocalStorage(tmp_path), FakeSession()
    processed = process_photo(encode(Image.new("RGB", (64, 48))), **LIMITS)

    photo = save_photo(
        session, storage, finding=Finding(id=9), processed=processed, kind=PhotoKind.COMMENT
    )

    assert session.added == [photo] and session.flushes == 1
    assert storage.read(photo.storage_key) == processed.image
    assert storage.read(photo.thumb_key) == processed.thumb
    assert photo.storage_key.startswith("photos/9/")


# --- the shared real-world files ------------------------------------------------------

# What shared/testdata/photos/README.md asks for, file by file.
ACCEPTED = "accepted"
EXPECTED = {
    "hopper_orientation_3.jpg": ACCEPTED,
    "hopper_orientation_6.jpg": ACCEPTED,
    "hopper_orientation_8.jpg": ACCEPTED,
    "empty_gps_ifd.jpg": ACCEPTED,
    "exif_gps.jpg": ACCEPTED,
    "exif_gps_typeerror.jpg": ACCEPTED,
    "flower.jpg": ACCEPTED,
    "iptc.jpg": ACCEPTED,
    "pil_sample_cmyk.jpg": ACCEPTED,
    "hopper_16bit_qtables.jpg": ACCEPTED,
    "hopper.png": ACCEPTED,
    "hopper.webp": ACCEPTED,
    "truncated_jpeg.jpg": "truncated",
    "decompression_bomb.gif": "rejected",
}
DOCUMENTS = {".md", ".txt"}


def shared_photos() -> list:
    if not TESTDATA.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{TESTDATA} is absent"))]
    files = sorted(p for p in TESTDATA.iterdir() if p.suffix.lower() not in DOCUMENTS)
    return [pytest.param(p, id=p.name) for p in files]


@pytest.mark.skipif(not TESTDATA.is_dir(), reason=f"{TESTDATA} is absent")
def test_every_file_named_in_the_readme_is_there():
    assert sorted(EXPECTED) == sorted(
        p.name for p in TESTDATA.iterdir() if p.suffix.lower() not in DOCUMENTS
    )


@pytest.mark.parametrize("path", shared_photos())
def test_shared_photo(path):
    expected = EXPECTED.get(path.name)
    assert expected, f"{path.name} is new: add what README.md says about it to EXPECTED"
    data = path.read_bytes()

    start = time.perf_counter()
    if expected != ACCEPTED:
        error = rejected(data)
        assert time.perf_counter() - start < 0.5
        if expected == "truncated":
            assert error.reason == "truncated"
            assert "try again" in str(error.message)
        return

    result = process_photo(data, **LIMITS)
    stored = assert_processed(result)
    with Image.open(path) as raw:
        raw_size = raw.size
        raw_orientation = raw.getexif().get(ORIENTATION, 1)

    if raw_orientation in (5, 6, 7, 8):
        assert stored.size == raw_size[::-1]
    else:
        assert stored.size == raw_size
    if path.name.startswith("hopper_orientation_"):
        # Upright means: looks like hopper.png, which the raw sensor pixels do not.
        upright = opened(process_photo((TESTDATA / "hopper.png").read_bytes(), **LIMITS).image)
        assert mean_difference(stored, upright) < 15
        assert mean_difference(opened(data), upright) > 40
    if path.name == "empty_gps_ifd.jpg":
        assert result.taken_at == datetime(2020, 7, 27, 12, 46, 48, tzinfo=UTC)
    if path.name in {"empty_gps_ifd.jpg", "exif_gps.jpg", "exif_gps_typeerror.jpg"}:
        assert (result.gps_latitude, result.gps_longitude) == (None, None)
    if path.name == "exif_gps.jpg":
        assert result.taken_at is None  # it claims 2099
