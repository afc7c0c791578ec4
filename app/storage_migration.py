"""Copy the photo files from one store to another (`flask storage-migrate`): the local folder
to a bucket when a second app host comes, or back.

Only files named by photo rows are copied (orphans left by a crash stay behind). Each copy is
read back from the target and its SHA-256 compared with the source's before it counts; a
file already in the target with the same SHA-256 is skipped, so an interrupted run is simply
run again and goes on where it stopped. The source is never changed: switch S3_BUCKET (or
unset it) once a run reports nothing left to copy, run it once more after the switch for
what was written meanwhile, then remove the old files.

No Flask in here: the CLI command passes the stores and the keys in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.storage import Storage


@dataclass
class Migrated:
    copied: int = 0
    already_there: int = 0
    missing: list[str] = field(default_factory=list)  # named by a row, not in the source
    damaged: list[str] = field(default_factory=list)  # read back different from the source


def migrate(source: Storage, target: Storage, keys: Iterable[str],
            progress: Callable[[int], None] | None = None) -> Migrated:
    result = Migrated()
    for n, key in enumerate(keys, 1):
        try:
            data = source.read(key)
        except FileNotFoundError:
            result.missing.append(key)
            continue
        digest = hashlib.sha256(data).hexdigest()
        there = target.sha256(key)
        if there == digest:
            result.already_there += 1
        else:
            if there is not None:  # something else under this key: replace it
                target.delete(key)
            target.save(key, data)
            try:
                copied = hashlib.sha256(target.read(key)).hexdigest()
            except FileNotFoundError:
                copied = None
            if copied == digest:
                result.copied += 1
            else:
                result.damaged.append(key)
        if progress is not None and n % 100 == 0:
            progress(n)
    return result
