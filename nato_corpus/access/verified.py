"""The download cache's record of releases that verified, so that they are not hashed again.

When a downloaded release verifies, two records go into ``<cache>/.verified/``:

* ``<version>.json``: the size and modification time (ns) of the descriptor and of every
  file it pins, with the descriptor's sha256. ``download()`` returns a cached copy
  without hashing it when its files still show exactly these.
* ``<version>.tables.json``: the same for the descriptor and the tables alone, with the
  descriptor's ``resources``. ``load()`` reads one table of a cached release from this
  small record (a release holds ~15,000 files and a descriptor of megabytes at 10k
  records) when the descriptor and that table are unchanged since they verified.

Either record that is missing, malformed or differs from the files means "verify again".
This module imports nothing heavy: a cold ``load()`` goes through it.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from .. import errors
from ..release import layout
from . import bundled

CACHE_ENV = "NATO_CORPUS_CACHE"
#: the folder of the cache that holds the records
MARKERS = ".verified"


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the download cache directory: ``cache_dir``, else ``NATO_CORPUS_CACHE``, else
    the platform's cache folder for "nato-corpus" (``pooch.os_cache``).

    Example::

        >>> from nato_corpus.downloads import cache_root
        >>> cache_root("/tmp/nc-cache")
        PosixPath('/tmp/nc-cache')
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("nato-corpus"))


def signature(folder: Path) -> dict | None:
    """(size, mtime) of the descriptor and of every file it pins, or None when one is unusable."""
    try:
        descriptor, sha = layout.read_descriptor(folder)
        names = [layout.DESCRIPTOR, *(e.path for e in layout.entries(descriptor))]
        files = {}
        for name in names:
            path = layout.regular_file(folder, name)
            if path is None:
                return None
            stat = path.stat()
            files[name] = [stat.st_size, stat.st_mtime_ns]
    except (OSError, layout.FormatError):
        return None
    return {"descriptor_sha256": sha, "files": files}


def mark(folder: Path) -> None:
    """Record a folder that has just verified, reading its files' sizes and times from disk."""
    found = signature(folder)
    if found is not None:
        record(folder, found)


def record(folder: Path, found: dict, resources: list | None = None) -> None:
    """Write both records of a verified folder from its ``signature`` and its descriptor's
    ``resources`` (read from the folder when not given); never fails."""
    with contextlib.suppress(OSError, layout.FormatError):
        if resources is None:
            resources = layout.read_descriptor(folder)[0].get("resources") or []
        resources = [r for r in resources if isinstance(r, dict)]
        tables = {layout.DESCRIPTOR, *(str(r.get("path")) for r in resources)}
        head = {
            "descriptor_sha256": found["descriptor_sha256"],
            "files": {name: found["files"][name] for name in sorted(tables) if name in found["files"]},
            "resources": resources,
        }
        (folder.parent / MARKERS).mkdir(exist_ok=True)
        _write(folder.parent / MARKERS / f"{folder.name}.json", found)  # first: a head alone is never newer
        _write(folder.parent / MARKERS / f"{folder.name}.tables.json", head)


def still_verified(folder: Path, pin: str | None) -> bool:
    """True when the folder's record matches its files as they stand (and the pin, if any)."""
    recorded = _read(folder.parent, f"{folder.name}.json")
    if recorded is None:
        return False
    current = signature(folder)
    if current is None or recorded != current or (pin is not None and current["descriptor_sha256"] != pin):
        return False
    if not (folder.parent / MARKERS / f"{folder.name}.tables.json").is_file():
        record(folder, current)  # recorded before the tables' record existed
    return True


def cached_table_release(version: str, files: tuple[str, ...]) -> tuple[Path, dict] | None:
    """The cached copy of ``version`` and its descriptor's resources, when its descriptor and
    ``files`` are unchanged since the release verified (else None: verify it in full).

    The descriptor itself is not read: its size, time and pinned sha256 are those recorded,
    and so are its ``resources`` (returned as ``{"resources": [...], "version": version}``).
    """
    try:
        folder = cache_root() / version
        recorded = _read(folder.parent, f"{version}.tables.json")
        if recorded is None:
            return None
        for name in (layout.DESCRIPTOR, *files):
            path = layout.regular_file(folder, name)
            if path is None:
                return None
            found = path.stat()
            if recorded["files"].get(name) != [found.st_size, found.st_mtime_ns]:
                return None
        pin = bundled.pin(version)
        resources = recorded["resources"]
        if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
            return None
    except (OSError, KeyError, TypeError, AttributeError, errors.NatoCorpusError, layout.FormatError):
        return None
    if pin is not None and recorded.get("descriptor_sha256") != pin:
        return None
    return folder, {"resources": resources, "version": version}


def _write(path: Path, value: dict) -> None:
    """Compact JSON: the full record lists every file of a release."""
    layout.write_atomic(path, json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n")


def _read(cache: Path, name: str) -> dict | None:
    """A record of the cache, or None when it is missing, not a regular file or not a JSON object."""
    marker = layout.regular_file(cache, f"{MARKERS}/{name}")
    if marker is None:
        return None
    try:
        value = layout.loads(marker.read_bytes(), marker.name)
    except (OSError, layout.FormatError):
        return None
    return value if isinstance(value, dict) else None
