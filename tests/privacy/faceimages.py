"""A face image the detector finds, drawn here: no photo of a real person in the repo.

CenterFace scores this drawing 0.64–0.76 at 100 px (and not at all at 128 or 150 px: the
network learnt real faces, so the size is tuned). Tests check the detector does find it
first, so a change of model or Pillow shows up as a clear failure, not a false pass.
"""

import io

from PIL import Image, ImageDraw, ImageFilter

FACE_SIZE = 100
FACE_PLACES = ((80, 150), (400, 120))


def drawn_face(size: int = 400) -> Image.Image:
    image = Image.new("RGB", (size, size), (120, 140, 160))
    draw = ImageDraw.Draw(image)
    s = size / 400

    def oval(box, fill):
        draw.ellipse([v * s for v in box], fill=fill)

    oval((110, 40, 290, 250), (60, 40, 30))  # hair
    draw.rectangle([170 * s, 300 * s, 230 * s, 400 * s], fill=(215, 170, 140))  # neck
    oval((120, 70, 280, 320), (225, 180, 150))  # face
    oval((110, 160, 135, 220), (215, 170, 140))  # ears
    oval((265, 160, 290, 220), (215, 170, 140))
    draw.rectangle([150 * s, 150 * s, 190 * s, 157 * s], fill=(70, 50, 40))  # brows
    draw.rectangle([210 * s, 150 * s, 250 * s, 157 * s], fill=(70, 50, 40))
    oval((152, 170, 188, 190), (250, 250, 250))  # eyes
    oval((212, 170, 248, 190), (250, 250, 250))
    oval((162, 171, 178, 189), (50, 35, 25))
    oval((222, 171, 238, 189), (50, 35, 25))
    draw.polygon([(200 * s, 190 * s), (188 * s, 240 * s), (212 * s, 240 * s)],
                 fill=(200, 150, 120))  # nose
    oval((172, 262, 228, 282), (170, 80, 80))  # mouth
    return image.filter(ImageFilter.GaussianBlur(2 * s))


def group_photo() -> Image.Image:
    """Two people in front of a green wall, 640×480."""
    scene = Image.new("RGB", (640, 480), (90, 110, 90))
    face = drawn_face().resize((FACE_SIZE, FACE_SIZE), Image.Resampling.LANCZOS)
    for place in FACE_PLACES:
        scene.paste(face, place)
    return scene


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def photo_with_small_face(portrait: Image.Image, features, height: int, size=(3000, 2000)):
    """A `size` JPEG of a wall with `portrait` in it, `height` px tall once the photo is
    stored at 1600 px, and where its `features` (eyes to mouth, as fractions of the
    portrait) lie on the stored photo: (left, top, right, bottom)."""
    factor = max(size) / 1600
    side = round(height * factor)
    scene = Image.new("RGB", size, (90, 110, 90))
    scene.paste(portrait.resize((side, side), Image.Resampling.LANCZOS), (1300, 900))
    left, top, right, bottom = features
    place = (1300 + left * side, 900 + top * side, 1300 + right * side, 900 + bottom * side)
    return encode(scene, "JPEG"), tuple(round(v / factor) for v in place)
