"""A cache of per-file validation results, keyed on content, so re-validating reads only what changed.

An entry holds what one record file of raw/ yields when read and checked against its
model: its records, its file and schema problems, the bounds of its dates. It is keyed
on the sha256 of the file's bytes, the record kind, and a fingerprint of everything that
decides those results: this library's version and the source of the modules that read
and validate (the models' among them), the rules catalogue, and the versions of Python,
pydantic, PyYAML and edtf. Never on a file's name, size or modification time.

A cache holds data, never code: an entry is JSON (problems as mappings, each valid
record as the raw data it was read from, with its position), checked field by field on
read, and every record is validated against its model again (each date's bounds, stored beside it,
spare the EDTF parser), so nothing in the folder can construct an object or run code. A cache can never hide a problem: an entry is used only
if its header names exactly the key asked for, its payload matches the checksum stored
with it and every part of it has the shape and types a result has; anything else (a
missing, stale, truncated, corrupted, foreign or unexpected entry) is a miss, and the file
is read and validated again. Entries are written to a temporary file and moved into
place, so a reader never sees half an entry. Cross-record checks are never cached: they
run on the whole corpus every time.

The cache lives in the user's cache directory (``$NATO_CORPUS_CACHE/validate``, else the
platform's cache folder for nato-corpus), never inside raw/. A folder that other users
can write (or that another user owns) is not used, with a one-line warning on stderr; a
folder that cannot be made, read or written (a file in its place, a read-only or full
disk) only means that every file is validated afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..problems import Problem
    from ..records.models import Record

ENV = "NATO_CORPUS_CACHE"
MAGIC = b"nato-corpus validation cache 2 json\n"
#: an entry larger than this is not read (raw/ files are at most 32 MB; their results are smaller)
MAX_ENTRY_BYTES = 256 * 1024 * 1024


def default_dir() -> Path:
    """Where the validation cache lives: ``$NATO_CORPUS_CACHE/validate``, else the user cache."""
    base = os.environ.get(ENV)
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir("nato-corpus")
    return Path(base).expanduser() / "validate"


def fingerprint_of(modules: list[str]) -> str:
    """A digest of everything besides a file's bytes that decides its validation results.

    ``modules`` name the modules whose source decides them (the caller, which knows what
    it runs, hands them in, the models' among them); their files are found and hashed, not
    imported, so a run that needs no model never loads pydantic. To those are added this
    library's version, the versions of Python, pydantic, PyYAML and edtf and the rules
    catalogue. (The models' JSON Schemas are not: they follow from the models' source and
    pydantic's version.)
    """
    from dataclasses import asdict
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    import yaml

    from .. import problems
    from . import yamlread

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # a source tree that is not installed
            return "unknown"

    library, edtf_version = installed("nato-corpus"), installed("edtf")
    digest = hashlib.sha256()
    parts = {
        "library": library,
        "python": list(sys.version_info[:2]),
        "entry": MAGIC.decode("ascii"),
        "pydantic": installed("pydantic"),
        "pydantic_core": installed("pydantic-core"),
        "pyyaml": yaml.__version__,
        "reader": yamlread.reader_identity(),
        "edtf": edtf_version,
        "rules": [asdict(rule) for rule in problems.RULES.values()],
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    # the code that reads and validates a file, so an edited validator never meets old results
    for name in modules:
        spec = find_spec(name)
        if spec is None or spec.origin is None:
            raise ImportError(f"no module {name} to fingerprint")
        digest.update(Path(spec.origin).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def unsafe_reason(directory: Path) -> str | None:
    """Why ``directory`` must not hold a cache (other users can write it), or None when it may.

    A folder that does not exist yet is safe (it is made private); one owned by another
    user, or writable by its group or by others, is not: whoever can write there could
    plant results. Where the platform has no owners (Windows), only the mode is checked.
    """
    try:
        found = os.lstat(directory)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if not stat.S_ISDIR(found.st_mode):
        return None  # not a folder: unusable, and put() skips it quietly
    if hasattr(os, "getuid") and found.st_uid != os.getuid():
        return f"it belongs to another user (uid {found.st_uid})"
    if found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users can write it (mode {stat.S_IMODE(found.st_mode):o}); run `chmod go-w` on it"
    return None


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
        #: folders found safe so far; None once one was not (then the cache is off)
        self._safe: set[Path] | None = set()

    def _key(self, digest: str, kind: str) -> bytes:
        return f"{self.fingerprint} {kind} {digest}".encode("ascii")

    def _path(self, digest: str, kind: str) -> Path:
        return self._root / digest[:2] / f"{digest}.{kind}"

    def _usable(self, folder: Path) -> bool:
        """True while every folder from the cache's top down to ``folder`` is safe to use."""
        if self._safe is None:
            return False
        for step in (self.directory, self._root, folder):
            if step in self._safe:
                continue
            why = unsafe_reason(step)
            if why is not None:
                self._safe = None
                print(f"nato-corpus: warning: not using the validation cache {step}: {why}", file=sys.stderr)
                return False
            if step.is_dir():
                self._safe.add(step)
        return True

    def get(self, digest: str, kind: str) -> Any | None:
        """The result stored for a file's sha256 and kind, or None when there is no trustworthy entry."""
        payload = self.payload(digest, kind)
        if payload is None:
            return None
        try:
            return decode_result(kind, json.loads(payload))
        except Exception:
            return None

    def payload(self, digest: str, kind: str) -> bytes | None:
        """The bytes stored for a file's sha256 and kind, once header and checksum match, else None."""
        path = self._path(digest, kind)
        if not self._usable(path.parent):
            return None
        try:
            handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            with os.fdopen(handle, "rb") as stream:
                found = os.fstat(stream.fileno())
                if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_ENTRY_BYTES:
                    return None
                if hasattr(os, "getuid") and found.st_uid != os.getuid():
                    return None
                blob = stream.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        header = MAGIC + self._key(digest, kind) + b"\n"
        if not blob.startswith(header):
            return None
        checksum, _, payload = blob[len(header) :].partition(b"\n")
        if checksum != hashlib.sha256(payload).hexdigest().encode("ascii"):
            return None
        return payload

    def put(self, digest: str, kind: str, value: Any) -> None:
        """Store a result for a file's sha256 and kind; a cache that cannot be written is skipped."""
        try:
            payload = json.dumps(
                encode_result(value), ensure_ascii=False, allow_nan=False, separators=(",", ":")
            ).encode("utf-8")
        except (TypeError, ValueError):
            return  # a value JSON cannot hold exactly (NaN, a huge number): not cached
        self.store(digest, kind, payload)

    def store(self, digest: str, kind: str, payload: bytes) -> None:
        """Write an entry's bytes, under a temporary name then moved into place; skipped when it cannot."""
        path = self._path(digest, kind)
        try:
            if not self._usable(path.parent):
                return
            for folder in (self.directory, self._root, path.parent):
                folder.mkdir(mode=0o700, exist_ok=True, parents=folder is self.directory)
            if not self._usable(path.parent):
                return
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
        except OSError:
            return  # validation never fails because its cache cannot be written


@dataclass
class FileResult:
    """What one record file yields when read and checked against its model (what the cache keeps)."""

    #: file and schema problems, with their positions
    problems: list[Problem]
    #: (record, line, column, index in the file) of each record that passed its schema
    valid: list[tuple[Record, int, int, int]]
    #: (data, line, column, index) of each record that failed it: its id still exists
    invalid: list[tuple[dict, int, int, int]]
    #: the earliest and latest day of each date the valid records give
    bounds: dict[str, tuple]
    #: the raw data of each valid record, as read (what the cache keeps and validates again)
    data: list = field(default_factory=list, compare=False)


# --- a FileResult as plain data, and back -----------------------------------------------

_PROBLEM_TEXT = ("code", "message", "file", "record", "hint", "severity")
_PROBLEM_INT = ("line", "column")


def encode_result(result) -> dict:
    """A FileResult as JSON-ready data: problems as mappings, records as the raw data they came from."""
    from dataclasses import asdict

    return {
        "problems": [asdict(problem) for problem in result.problems],
        "valid": [
            [data, line, column, index]
            for data, (_, line, column, index) in zip(result.data, result.valid, strict=True)
        ],
        "invalid": [list(item) for item in result.invalid],
        "bounds": {value: [_iso(day) for day in found] for value, found in result.bounds.items()},
    }


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


def _bounds(plain: Any) -> dict[str, tuple]:
    import datetime as dt

    found = {}
    for value, pair in plain.items():
        early, late = (None if day is None else dt.date.fromisoformat(day) for day in pair)
        if early and late and late < early:
            raise ValueError("bounds that end before they start")
        found[value] = (early, late)
    return found


def _position(item: Any) -> tuple[int, int, int | None]:
    line, column, index = item
    if not (_is_int(line) and _is_int(column) and (index is None or _is_int(index))):
        raise ValueError("a position is not numbers")
    return line, column, index


def _is_int(value: Any) -> bool:
    return type(value) is int and value >= 0


def _problem(data: Any):
    from ..problems import RULES, Problem

    if not isinstance(data, dict) or set(data) != set(_PROBLEM_TEXT) | set(_PROBLEM_INT):
        raise ValueError("not a problem")
    if not all(data[name] is None or type(data[name]) is str for name in _PROBLEM_TEXT):
        raise ValueError("a problem's text is not text")
    if not all(data[name] is None or _is_int(data[name]) for name in _PROBLEM_INT):
        raise ValueError("a problem's position is not a number")
    rule = RULES.get(data["code"])
    if rule is None or rule.severity != data["severity"]:
        raise ValueError("not a problem of the catalogue")
    return Problem(**data)


def decode_result(kind: str, plain: Any):
    """The FileResult that ``encode_result`` wrote, every record validated against its model again.

    Raises (any exception) when ``plain`` is not exactly what encode_result writes: the
    caller treats that as a miss.
    """
    from ..records import dates
    from ..records.models import RECORD_TYPES

    if not isinstance(plain, dict) or set(plain) != {"problems", "valid", "invalid", "bounds"}:
        raise ValueError("not a validation result")
    model = RECORD_TYPES[kind][0]
    problems = [_problem(item) for item in plain["problems"]]
    stored = _bounds(plain["bounds"])
    valid, data = [], []
    with dates.known(stored):  # each date's bounds as stored: edtf need not parse it again
        for raw, *where in plain["valid"]:
            valid.append((model.model_validate(raw), *_position(where)))
            data.append(raw)
    invalid = [(raw, *_position(where)) for raw, *where in plain["invalid"]]
    found = {record.date for record, *_ in valid} if "date" in model.model_fields else set()
    if set(stored) != found:
        raise ValueError("bounds for other dates than the records give")
    return FileResult(problems, valid, invalid, stored, data)
