"""Where uploaded files live.

Everything goes through `Storage` so that an object store can replace the local folder later
without touching the views or the photo pipeline. Keys are relative, slash-separated paths
such as ``photos/12/3f2a….jpg``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Protocol, runtime_checkable

from flask import current_app


@runtime_checkable
class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def path(self, key: str) -> str | None:
        """A local file path for `send_file`, or None when the store is remote."""
        ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files under one root folder, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.path.abspath(os.fspath(root))

    def __repr__(self) -> str:
        return f"<LocalStorage {self.root}>"

    def _resolve(self, key: str) -> str:
        if not isinstance(key, str) or not key or "\x00" in key or "\\" in key:
            raise ValueError(f"invalid storage key: {key!r}")
        parts = key.split("/")
        # An absolute key would make os.path.join drop the root; ".." would climb out of it.
        if key.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"invalid storage key: {key!r}")
        if os.path.isabs(key):
            raise ValueError(f"invalid storage key: {key!r}")
        full = os.path.join(self.root, *parts)
        # A symlink inside the root must not lead out of it either.
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(full)]) != real_root:
            raise ValueError(f"invalid storage key: {key!r}")
        return full

    def save(self, key: str, data: bytes) -> None:
        target = self._resolve(key)
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        # A reader (or a crash) must never see half a file: write beside the target, then
        # rename over it, which is atomic on the same filesystem. mkstemp's 0600 mode is
        # kept on purpose: photos of confidential findings are served only through the app.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                # The database row is committed right after; the file must survive a power cut.
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def read(self, key: str) -> bytes:
        with open(self._resolve(key), "rb") as fh:
            return fh.read()

    def path(self, key: str) -> str | None:
        return self._resolve(key)

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._resolve(key))

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._resolve(key))


def get_storage() -> Storage:
    """The storage of the current app, made once per app."""
    storage = current_app.extensions.get("trygg_storage")
    if storage is None:
        storage = LocalStorage(current_app.config["UPLOAD_FOLDER"])
        current_app.extensions["trygg_storage"] = storage
    return storage


def delete_files(keys, storage: Storage | None = None) -> None:
    """Delete stored files whose rows are gone (after a commit) or never came (after a failure).
    A file that can't be deleted is only a leftover; the error that brought us here matters more."""
    storage = storage or get_storage()
    for key in keys:
        with contextlib.suppress(OSError):
            storage.delete(key)


def commit_or_discard(session, keys) -> None:
    """Commit; if the commit fails, roll back, delete the files this attempt stored, re-raise.

    Files are written before the commit (the row must point at something); a failed commit
    must not leave them behind.
    """
    try:
        session.commit()
    except BaseException:
        session.rollback()
        delete_files(keys)
        raise
