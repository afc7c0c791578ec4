"""Draw Trygg's app icons (PNG) with Pillow: `python scripts/make_icons.py`.

Plain icons fill the square; maskable ones keep the mark inside the central 80 % "safe
zone" on a full-bleed background, as Android crops them to a circle or squircle.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
TEAL = (11, 92, 107)
WHITE = (255, 255, 255)
YELLOW = (255, 216, 77)


def draw_mark(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """A house with a lit window: safe at home. `scale` is the share of the square used."""
    c = size / 2
    half = size * scale / 2
    left, right = c - half * 0.8, c + half * 0.8
    roof_top, eaves, bottom = c - half * 0.85, c - half * 0.15, c + half * 0.8
    draw.polygon([(c, roof_top), (right + half * 0.15, eaves), (left - half * 0.15, eaves)],
                 fill=WHITE)
    draw.rectangle([left, eaves - 1, right, bottom], fill=WHITE)
    w = half * 0.45
    draw.rectangle([c - w / 2, c + half * 0.05, c + w / 2, c + half * 0.05 + w], fill=YELLOW)


def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, shrink: smooth edges without antialiasing support in ImageDraw
    big = size * scale
    image = Image.new("RGB", (big, big), TEAL)
    draw = ImageDraw.Draw(image)
    if not maskable:
        image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.18, fill=TEAL)
    draw_mark(draw, big, 0.55 if maskable else 0.72)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    # iOS ignores transparency and rounds the corners itself.
    icon(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)
    # The tab icon: linked from every page (a few hundred bytes of a phone's first visit),
    # and /favicon.ico for browsers that ask for it anyway.
    small = icon(32, maskable=False)
    small.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(
        OUT / "favicon-32.png", optimize=True)
    small.save(OUT / "favicon.ico", format="ICO", sizes=[(32, 32)])
    print("icons written to", OUT)


if __name__ == "__main__":
    main()
