"""Static files for production: content-hashed URLs cached for a year, and compression.

`url_for("static", filename=…)` gets `?v=<first 12 hex of the file's SHA-256>` (templates
need no change). A request whose `v` matches the file on disk is answered with
`Cache-Control: public, max-age=31536000, immutable`: the browser never asks again, and a
deploy that changes the file changes its URL. Any other request for a static file (no `v`,
an old `v`) must revalidate (ETag), so a stale URL never pins an old file for a year.

Compression is Flask-Compress: brotli (or gzip) for HTML, JSON, CSS and JavaScript, chosen
by the browser's Accept-Encoding. Precompressed files would save the CPU of compressing, but
need a build step and a static view of their own; with year-long caching each browser fetches
a static file once, so the compressed bytes of each file are kept in memory instead (the
cache below) and the cost is paid once per process and file.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading

from flask import Flask, Request, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"

compress = Compress()


class _StaticCompressedCache:
    """Flask-Compress's cache for static files only (dynamic pages are never cached)."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._data.get(key) if key.endswith("|static") else None

    def set(self, key: str, value: bytes) -> None:
        if key.endswith("|static"):
            with self._lock:
                self._data[key] = value


def _cache_key(req: Request) -> str:
    # Only static URLs whose hash matches the file are cached: the URL names the exact bytes.
    if req.endpoint == "static" and req.args.get("v"):
        content_hash = current_app.extensions["static_hash"]
        if req.args["v"] == content_hash((req.view_args or {}).get("filename", "")):
            return f"{req.full_path}|static"
    return f"{id(req)}|dynamic"


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/javascript",
        "application/json", "application/manifest+json", "image/svg+xml",
    ])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config.setdefault("COMPRESS_CACHE_BACKEND", _StaticCompressedCache)
    app.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
    compress.init_app(app)
    compressible = frozenset(app.config["COMPRESS_MIMETYPES"])

    hashes: dict[str, tuple[tuple[int, int], str]] = {}

    def content_hash(filename: str) -> str | None:
        path = safe_join(app.static_folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        key = (info.st_mtime_ns, info.st_size)
        known = hashes.get(filename)
        if known is None or known[0] != key:
            with open(path, "rb") as fh:
                known = (key, hashlib.sha256(fh.read()).hexdigest()[:12])
            hashes[filename] = known
        return known[1]

    app.extensions["static_hash"] = content_hash

    @app.url_defaults
    def hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") and "v" not in values:
            digest = content_hash(values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def static_cache_control(response):
        if request.endpoint == "static" and response.status_code in (200, 206, 304):
            version = request.args.get("v")
            filename = (request.view_args or {}).get("filename", "")
            if version and version == content_hash(filename):
                response.headers["Cache-Control"] = IMMUTABLE
            else:
                response.headers["Cache-Control"] = "no-cache"
            if (response.status_code == 200 and response.is_streamed
                    and response.mimetype in compressible):
                # Read the (small) file whole, so Flask-Compress compresses it once into its
                # cache, instead of per request as a stream whose file it never closes.
                response.direct_passthrough = False
                response.make_sequence()
        return response
