"""Staging folders: where a download puts its files until every one verifies, and their cleanup.

A download stages into ``<cache>/.tmp-<version>-<pid>-<random>/`` and moves the release
into place only when it is complete. A download that is killed leaves its folder behind;
the next download removes such folders, and only those whose process no longer runs or
whose deadline has long passed.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

#: the prefix of the folders a download stages its files in, inside the cache
STAGING = ".tmp-"


def remove_stale_staging(cache: Path, older_than: float) -> list[str]:
    """Remove staging folders that killed downloads left in ``cache``; return their names.

    A folder is stale when the process named in it (``.tmp-<version>-<pid>-...``) no longer
    runs, or when it is older than ``older_than`` seconds (its download's deadline has
    passed, whoever made it). A download still running is left alone.
    """
    removed = []
    try:
        found = [p for p in cache.iterdir() if p.name.startswith(STAGING)]
    except OSError:
        return removed
    now = time.time()
    for path in found:
        try:
            info = path.lstat()
        except OSError:
            continue
        if not path.is_dir() or path.is_symlink():
            continue
        if now - info.st_mtime > older_than or not _running(_staging_pid(path.name)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _staging_pid(name: str) -> int | None:
    parts = name[len(STAGING) :].split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


def _running(pid: int | None) -> bool:
    """Whether process ``pid`` runs; True when it cannot be told (no pid, or not POSIX)."""
    if pid is None or os.name != "posix":
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True
