"""Delivery for production: hashed static URLs cached for a year, ETags, and compression.

`url_for("static", filename=…)` gets `?v=<first 12 hex of the file's SHA-256>` (templates
need no change). A request whose `v` matches the file on disk is answered with
`Cache-Control: public, max-age=31536000, immutable`: the browser never asks again, and a
deploy that changes the file changes its URL. Any other request for a static file (no `v`,
an old `v`) must revalidate (ETag), so a stale URL never pins an old file for a year.

Compression, two ways:
- Static CSS/JS/SVG are compressed here, once per process and file, at the highest level
  (brotli 11, gzip 9: a third smaller than Flask-Compress's per-request level for htmx) and
  kept in memory; our own JS and CSS are minified first (not under `flask run --debug`, or
  with STATIC_MINIFY off). The file's URL names its exact source bytes. This is
  "precompressed" without a build step or a second copy of static/ to keep in sync: the
  first request pays ~20 ms.
- Pages and JSON go through Flask-Compress per response (brotli 4 / gzip 6: fast enough to
  pay on every request, most of the gain).

Pages, JSON and /sw.js also get an ETag, so the service worker's revalidation costs a 304
when nothing changed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import threading

import brotli
import csscompressor
import jsmin
from flask import Flask, request
from flask_compress import Compress
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml",
})
REVALIDATED = frozenset({"text/html", "application/json", "text/javascript",
                         "application/manifest+json"})

compress = Compress()


def minified(filename: str, data: bytes) -> bytes:
    """Our own JS and CSS without comments and spacing (a quarter fewer bytes after brotli:
    the capture page's first visit 53 KB instead of 61 KB). The vendored files are minified
    by their authors. jsmin and csscompressor: small, long-kept minifiers without Node."""
    if filename.startswith("vendor/"):
        return data
    if filename.endswith(".js"):
        return jsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if filename.endswith(".css"):
        return csscompressor.compress(data.decode("utf-8")).encode("utf-8")
    return data


def _choose(accept_encoding: str) -> str | None:
    offered = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")
               if not part.strip().endswith(";q=0")}
    for algorithm in ("br", "gzip"):
        if algorithm in offered:
            return algorithm
    return None


class StaticFiles:
    """The static folder's files by content: their hash (re-read when a file changes on disk)
    and their compressed bodies, kept per process."""

    def __init__(self, app: Flask, *, minify: bool):
        self.app, self.minify = app, minify
        self.hashes: dict[str, tuple[tuple[int, int], str]] = {}
        self.compressed: dict[tuple[str, str, str], bytes] = {}
        self.lock = threading.Lock()

    def content_hash(self, filename: str) -> str | None:
        """The first 12 hex of the file's SHA-256; None if it is not a file of static/."""
        path = safe_join(self.app.static_folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        key = (info.st_mtime_ns, info.st_size)
        known = self.hashes.get(filename)
        if known is None or known[0] != key:
            with open(path, "rb") as fh:
                known = (key, hashlib.sha256(fh.read()).hexdigest()[:12])
            self.hashes[filename] = known
        return known[1]

    def compressed_body(self, filename: str, digest: str, algorithm: str, data: bytes) -> bytes:
        key = (filename, digest, algorithm)
        if key not in self.compressed:
            if self.minify:
                data = minified(filename, data)
            body = (brotli.compress(data, quality=11) if algorithm == "br"
                    else gzip.compress(data, compresslevel=9, mtime=0))
            with self.lock:
                self.compressed[key] = body
        return self.compressed[key]

    def hashed_url(self, endpoint: str, values: dict) -> None:
        """url_for("static", filename=…) with ?v=<hash>."""
        if endpoint == "static" and values.get("filename") and "v" not in values:
            digest = self.content_hash(values["filename"])
            if digest:
                values["v"] = digest

    def respond(self, response):
        """A static file: a year's cache for its hashed URL, else revalidate; compressed
        (and minified) once, with an ETag per encoding."""
        filename = (request.view_args or {}).get("filename", "")
        digest = self.content_hash(filename)
        version = request.args.get("v")
        hashed = bool(version) and version == digest
        response.headers["Cache-Control"] = IMMUTABLE if hashed else "no-cache"
        if response.mimetype not in COMPRESSIBLE or not digest:
            return response
        vary = response.headers.get("Vary")
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        algorithm = _choose(request.headers.get("Accept-Encoding", ""))
        if response.status_code != 200 or algorithm is None:
            return response
        response.direct_passthrough = False
        data = response.get_data()  # a small file, read whole (and closed)
        response.set_data(self.compressed_body(filename, digest, algorithm, data))
        response.headers["Content-Encoding"] = algorithm
        response.set_etag(f"{digest}-{algorithm}")
        response.make_conditional(request)
        return response


def _with_etag(response):
    """Pages, JSON and /sw.js: an ETag, so revalidating costs a 304 when nothing changed."""
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and response.mimetype in REVALIDATED and not response.is_streamed
            and "no-store" not in response.headers.get("Cache-Control", "")
            and not response.get_etag()[0]):
        # Flask-Compress suffixes the ETag with the encoding and answers If-None-Match
        # itself; make_conditional here serves clients that get it uncompressed.
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", sorted(COMPRESSIBLE))
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Streamed responses (none of ours is HTML/JSON) stay as they are.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    files = StaticFiles(app, minify=app.config.get("STATIC_MINIFY", not app.debug))
    app.extensions["static_hash"] = files.content_hash
    app.url_defaults(files.hashed_url)

    @app.after_request
    def delivery_headers(response):
        if request.endpoint == "static" and response.status_code in (200, 206, 304):
            return files.respond(response)
        return _with_etag(response)
