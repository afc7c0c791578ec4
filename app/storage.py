"""Where uploaded files live: a local folder (the default) or an S3-compatible bucket.

Everything goes through `Storage`, so the views and the photo pipeline never know which.
Keys are relative, slash-separated paths such as ``photos/12/3f2a….jpg``; every key is
written once (a new photo or a masked copy gets a new key) and deleted after the commit
that let go of its row.

The bucket is chosen by S3_BUCKET (docs/deploy.md): several app hosts then share the photos.
Photos in a bucket are still served through the app (`findings/serving`), streamed, after
the same permission check as local files: a presigned URL would be a bearer token that
keeps working for its lifetime after a logout, a lost permission or a masking, and the
bucket would have to be reachable from every phone.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, Protocol, runtime_checkable

from flask import current_app


class StorageError(OSError):
    """The store could not be reached or refused an operation (an OSError, as a full disk
    is for local files)."""


@runtime_checkable
class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str | None = None) -> None: ...

    def read(self, key: str) -> bytes: ...

    def save_file(self, key: str, path: str | os.PathLike[str], content_type: str) -> None:
        """Store a (large) finished file from disk, read in parts, never whole."""
        ...

    def open(self, key: str) -> BinaryIO:
        """The stored bytes as a stream (FileNotFoundError when there is no such file)."""
        ...

    def path(self, key: str) -> str | None:
        """A local file path for `send_file`, or None when the store is remote."""
        ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def stored_keys(self) -> Iterator[str]:
        """Every stored key (not half-written temporary files)."""
        ...

    def sha256(self, key: str) -> str | None:
        """The SHA-256 of what is stored under `key` as the store recorded it, or None when
        there is no such file."""
        ...

    def check(self) -> None:
        """Raise unless the store can be reached (readiness)."""
        ...


def check_key(key: str) -> list[str]:
    """The key's parts, or ValueError for anything the app does not write (absolute, "..",
    empty parts, backslashes, NUL)."""
    if not isinstance(key, str) or not key or "\x00" in key or "\\" in key:
        raise ValueError(f"invalid storage key: {key!r}")
    parts = key.split("/")
    # An absolute key would make os.path.join drop the root; ".." would climb out of it.
    if key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"invalid storage key: {key!r}")
    return parts


def content_type_of(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"



class LocalStorage:
    """Files under one root folder, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.path.abspath(os.fspath(root))

    def __repr__(self) -> str:
        return f"<LocalStorage {self.root}>"

    def _resolve(self, key: str) -> str:
        parts = check_key(key)
        if os.path.isabs(key):
            raise ValueError(f"invalid storage key: {key!r}")
        full = os.path.join(self.root, *parts)
        # A symlink inside the root must not lead out of it either.
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(full)]) != real_root:
            raise ValueError(f"invalid storage key: {key!r}")
        return full

    def save(self, key: str, data: bytes, content_type: str | None = None) -> None:
        # The type follows from the key's extension when the file is served.
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

    def save_file(self, key: str, path: str | os.PathLike[str], content_type: str) -> None:
        target = self._resolve(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = f"{target}.part"
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)

    def open(self, key: str) -> BinaryIO:
        return open(self._resolve(key), "rb")  # noqa: SIM115 (the caller closes it)

    def path(self, key: str) -> str | None:
        return self._resolve(key)

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._resolve(key))

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._resolve(key))

    def stored_keys(self) -> Iterator[str]:
        if not os.path.isdir(self.root):
            return
        for folder, dirs, names in os.walk(self.root):
            dirs.sort()
            relative = os.path.relpath(folder, self.root)
            for name in sorted(names):
                if not name.startswith(".tmp-"):
                    yield name if relative == "." else f"{relative}/{name}".replace(os.sep, "/")

    def sha256(self, key: str) -> str | None:
        try:
            with open(self._resolve(key), "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def check(self) -> None:
        os.makedirs(self.root, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"{self.root} is not writable")


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage …) under a prefix.

    Each object is written once (If-None-Match: *), with its content type, its SHA-256 in
    the metadata and as the request's checksum (the server refuses a body that arrived
    damaged). Reads stream; a missing object is FileNotFoundError as on disk; anything
    else the client raises becomes StorageError (an OSError, which delete_files tolerates
    after a commit).
    """

    def __init__(self, bucket: str, prefix: str = "", *, client=None,
                 endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None,
                 write_once: bool = True) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.write_once = write_once
        if client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            client = boto3.client(
                "s3", endpoint_url=endpoint_url or None, region_name=region or None,
                aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
                config=BotoConfig(
                    # Path-style URLs work with every S3-compatible server and any bucket name.
                    s3={"addressing_style": "path"},
                    connect_timeout=5, read_timeout=30,
                    retries={"max_attempts": 3, "mode": "standard"},
                    # One client serves all of a worker's threads.
                    max_pool_connections=20,
                ),
            )
        self.client = client

    def __repr__(self) -> str:
        return f"<S3Storage s3://{self.bucket}/{self.prefix}>"

    def _key(self, key: str) -> str:
        check_key(key)
        return self.prefix + key

    @contextlib.contextmanager
    def _errors(self, key: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from error
            raise StorageError(f"s3://{self.bucket}/{self.prefix}{key}: {code or error}"
                               ) from error
        except BotoCoreError as error:
            raise StorageError(f"s3://{self.bucket}/{self.prefix}{key}: {error}") from error

    def save(self, key: str, data: bytes, content_type: str | None = None, *,
             overwrite: bool = False) -> None:
        digest = hashlib.sha256(data)
        extra = {"IfNoneMatch": "*"} if self.write_once and not overwrite else {}
        with self._errors(key):
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data,
                ContentType=content_type or content_type_of(key),
                Metadata={"sha256": digest.hexdigest()},
                ChecksumSHA256=base64.b64encode(digest.digest()).decode(), **extra,
            )

    def save_file(self, key: str, path: str | os.PathLike[str], content_type: str) -> None:
        # boto3's transfer manager: a multipart upload for a large file, parts read in turn.
        with self._errors(key):
            self.client.upload_file(os.fspath(path), self.bucket, self._key(key),
                                    ExtraArgs={"ContentType": content_type})

    def read(self, key: str) -> bytes:
        with self.open(key) as body, self._errors(key):
            return body.read()

    def open(self, key: str) -> BinaryIO:
        with self._errors(key):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]

    def path(self, key: str) -> str | None:
        return None

    def delete(self, key: str) -> None:
        with self._errors(key):  # deleting what is not there is no error in S3
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def _head(self, key: str) -> dict | None:
        try:
            with self._errors(key):
                return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def stored_keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        with self._errors(""):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", ()):
                    yield item["Key"][len(self.prefix):]

    def sha256(self, key: str) -> str | None:
        head = self._head(key)
        return None if head is None else head.get("Metadata", {}).get("sha256")

    def check(self) -> None:
        try:
            with self._errors(""):
                self.client.head_bucket(Bucket=self.bucket)
        except FileNotFoundError as missing:
            raise StorageError(f"no bucket {self.bucket!r}") from missing


def s3_from_config(config) -> S3Storage:
    return S3Storage(
        config["S3_BUCKET"], config.get("S3_PREFIX") or "",
        endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
        access_key=config.get("S3_ACCESS_KEY_ID"), secret_key=config.get("S3_SECRET_ACCESS_KEY"),
        write_once=config.get("S3_WRITE_ONCE", True),
    )


def storage_from_config(config) -> Storage:
    """The bucket when S3_BUCKET is set, else the local folder."""
    if config.get("S3_BUCKET"):
        return s3_from_config(config)
    return LocalStorage(config["UPLOAD_FOLDER"])


def get_storage() -> Storage:
    """The storage of the current app, made once per app."""
    storage = current_app.extensions.get("trygg_storage")
    if storage is None:
        storage = storage_from_config(current_app.config)
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
