"""A cache of per-file validation results, keyed on content, so re-validating reads only what changed.

An entry holds what one record file of raw/ yields when read and checked against its
model: its records, its file and schema problems, the bounds of its dates. It is keyed
on the sha256 of the file's bytes, the record kind, and a fingerprint of everything that
decides those results: this library's version and the source of the modules that read
and validate, the models' JSON Schemas, the rules catalogue, and the versions of Python,
pydantic, PyYAML and edtf. Never on a file's name, size or modification time.

A cache can never hide a problem: an entry is used only if its header names exactly the
key asked for and its payload matches the checksum stored with it; anything else (a
missing, stale, truncated or corrupted entry, or one that cannot be unpickled) is a miss,
and the file is read and validated again. Entries are written to a temporary file and
moved into place, so a reader never sees half an entry. Cross-record checks are never
cached: they run on the whole corpus every time.

The cache lives in the user's cache directory (``$NATO_CORPUS_CACHE/validate``, else the
platform's cache folder for nato-corpus), never inside raw/. Entries are pickles: like
any cache of Python objects, the directory must be writable only by its user.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

ENV = "NATO_CORPUS_CACHE"
MAGIC = b"nato-corpus validation cache 1\n"
_PROTOCOL = 5


def default_dir() -> Path:
    """Where the validation cache lives: ``$NATO_CORPUS_CACHE/validate``, else the user cache."""
    base = os.environ.get(ENV)
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir("nato-corpus")
    return Path(base).expanduser() / "validate"


def fingerprint_of(modules: list) -> str:
    """A digest of everything besides a file's bytes that decides its validation results.

    ``modules`` are the modules whose source decides them (the caller, which knows what
    it runs, hands them in); to those are added this library's version, the versions of
    Python, pydantic, PyYAML and edtf, the models' JSON Schemas and the rules catalogue.
    """
    from dataclasses import asdict
    from importlib.metadata import PackageNotFoundError, version

    import pydantic
    import pydantic_core
    import yaml

    from .. import __version__, problems
    from ..records.models import RECORD_TYPES, Corpus

    try:
        edtf_version = version("edtf")
    except PackageNotFoundError:
        edtf_version = "unknown"
    digest = hashlib.sha256()
    parts = {
        "library": __version__,
        "python": list(sys.version_info[:2]),
        "pickle": _PROTOCOL,
        "pydantic": pydantic.VERSION,
        "pydantic_core": pydantic_core.__version__,
        "pyyaml": yaml.__version__,
        "edtf": edtf_version,
        "schemas": [model.model_json_schema() for model in [*(m for m, _, _ in RECORD_TYPES.values()), Corpus]],
        "rules": [asdict(rule) for rule in problems.RULES.values()],
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    # the code that reads and validates a file, so an edited validator never meets old results
    for module in [*modules, sys.modules[__name__]]:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class Cache:
    """Per-file validation results in ``directory``, one entry per (content, kind).

    >>> cache = Cache("/tmp/nc-cache")  # doctest: +SKIP
    >>> cache.get(sha256, "quote") is None  # a miss: read and validate the file
    True
    """

    def __init__(self, directory: str | os.PathLike | None, fingerprint: str):
        #: the fingerprint this cache serves; entries under any other are never read
        self.fingerprint = fingerprint
        self.directory = Path(directory) if directory is not None else default_dir()
        self._root = self.directory / self.fingerprint[:16]

    def _key(self, digest: str, kind: str) -> bytes:
        return f"{self.fingerprint} {kind} {digest}".encode("ascii")

    def _path(self, digest: str, kind: str) -> Path:
        return self._root / digest[:2] / f"{digest}.{kind}"

    def get(self, digest: str, kind: str) -> Any | None:
        """The value stored for a file's sha256 and kind, or None when there is no trustworthy entry."""
        try:
            with open(self._path(digest, kind), "rb") as handle:
                blob = handle.read()
        except OSError:
            return None
        header = MAGIC + self._key(digest, kind) + b"\n"
        if not blob.startswith(header):
            return None
        checksum, _, payload = blob[len(header):].partition(b"\n")
        if checksum != hashlib.sha256(payload).hexdigest().encode("ascii"):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any unreadable entry is a miss, never an error
            return None

    def put(self, digest: str, kind: str, value: Any) -> None:
        """Store a value for a file's sha256 and kind; a cache that cannot be written is skipped."""
        path = self._path(digest, kind)
        try:
            payload = pickle.dumps(value, protocol=_PROTOCOL)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(MAGIC + self._key(digest, kind) + b"\n")
                    out.write(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n")
                    out.write(payload)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, pickle.PicklingError):
            return  # validation never fails because its cache cannot be written
