"""The release format, written once: names, index, hashes, safe paths, how a folder verifies.

A release folder (``dist/<version>/``, a mirror's copy, the download cache's copy) holds::

    datapackage.json          the descriptor: every table and file with its sha256 and size
    data/<table>.parquet      one Parquet file per table
    README.md, timeline.svg   files for people, pinned in the descriptor's ``x_files``

and the folder above it holds ``index.json``, which pins each version's descriptor by
sha256. Build writes this format; check, download and load read it through this module
and never through each other.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..records.versions import is_version, version_key

__all__ = [
    "CARD",
    "DATA",
    "DESCRIPTOR",
    "INDEX",
    "PARQUET_MEDIATYPE",
    "PARQUET_OPTIONS",
    "TIMELINE",
    "Entry",
    "FormatError",
    "entries",
    "file_problem",
    "is_version",
    "json_bytes",
    "read_index",
    "safe_path",
    "sha256_bytes",
    "sha256_file",
    "verify_folder",
    "version_key",
    "with_version",
    "write_atomic",
]

INDEX = "index.json"
DESCRIPTOR = "datapackage.json"
CARD = "README.md"
TIMELINE = "timeline.svg"
DATA = "data"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
#: fixed writer settings: the bytes depend on the rows and these, nothing else
PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1_000_000,
    "data_page_size": 1 << 20,
    "data_page_version": "1.0",
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": False,
    "use_compliant_nested_type": True,
}
#: the most an index or a descriptor may weigh: nothing pins their size, so it is capped. A
#: descriptor lists every file of its release (about 200 bytes each, a site page per record):
#: about 31 MB for 100,000 quotations, so the cap leaves room for some 800,000; a build refuses
#: to write a descriptor beyond it, so that no release is made that its readers refuse
METADATA_CAP = 256 * 2**20
#: the deepest JSON an index or descriptor may nest (Python's parser would recurse further)
MAX_JSON_DEPTH = 64

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: a relative path of plain names (none starting with a dot), as ``safe_path`` would return it
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")
_CHUNK = 1 << 20


class FormatError(ValueError):
    """A release file (index, descriptor) that does not follow the format; says what is wrong."""


@dataclass(frozen=True)
class Entry:
    """One file a descriptor pins: its path inside the release, sha256 and size in bytes."""

    path: str
    sha256: str
    size: int


def sha256_bytes(data: bytes) -> str:
    """The sha256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def json_bytes(value: Any, *, sort_keys: bool = False) -> bytes:
    """JSON as the release writes it: two-space indent, UTF-8, a final newline."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    return (text + "\n").encode("utf-8")


def loads(data: bytes, what: str) -> Any:
    """Parse JSON from outside (an index, a descriptor): bounded in size and depth."""
    if len(data) > METADATA_CAP:
        raise FormatError(f"{what} is {len(data):,} bytes, more than the {METADATA_CAP:,} allowed")
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH:
        _check_depth(data, what)  # only JSON with that many brackets at all can nest that deep
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormatError(f"{what} is not valid UTF-8 JSON ({exc})") from None


_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'"[]{}')
_DEPTH_STEP = dict.fromkeys(b"[{", 1) | dict.fromkeys(b"]}", -1)


def _check_depth(data: bytes, what: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH before the recursive parser sees it.

    Counted at C speed over the brackets outside strings: every escape (a backslash and the
    byte after it) is dropped first, then everything but quotes and brackets; what is
    between a quote and the next one is a string's.
    """
    if b"\\" in data:
        data = _without_escapes(data)
    structure = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")  # most strings hold no bracket
    brackets = b"".join(structure.split(b'"')[::2]) if b'"' in structure else structure
    if max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > MAX_JSON_DEPTH:
        raise FormatError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")


def _without_escapes(data: bytes) -> bytes:
    """``data`` with each backslash escape (the backslash and the byte it escapes) removed."""
    pieces = data.split(b"\\")
    kept = [pieces[0]]
    escaping = True  # whether the backslash before the next piece starts an escape
    for piece in pieces[1:]:
        if not escaping:  # that backslash was itself escaped (and is gone): keep the piece
            kept.append(piece)
            escaping = True
        elif piece:
            kept.append(piece[1:])
        else:  # it escapes the next backslash
            escaping = False
    return b"".join(kept)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def safe_path(path: object) -> str:
    """``path`` as a relative POSIX path inside a release; FormatError if it could escape it.

    >>> safe_path("data/quotes.parquet")
    'data/quotes.parquet'
    """
    if isinstance(path, str) and _PLAIN_PATH.fullmatch(path) and path != DESCRIPTOR:
        return path  # the common case, decided at once: nothing in it to normalise or refuse
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        raise FormatError(f"the file path {path!r} is not a relative path")
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or _SCHEME.match(path) or str(pure) == DESCRIPTOR:
        raise FormatError(f"the file path {path!r} points outside the release")
    return str(pure)


def entries(descriptor: object) -> list[Entry]:
    """The files a descriptor pins: every resource and every ``x_files`` entry."""
    if not isinstance(descriptor, dict):
        raise FormatError("datapackage.json is not a JSON object")
    found: list[Entry] = []
    for kind in ("resources", "x_files"):
        items = descriptor.get(kind) or []
        if not isinstance(items, list):
            raise FormatError(f"datapackage.json's {kind} is not a list")
        for item in items:
            if not isinstance(item, dict):
                raise FormatError(f"datapackage.json has a {kind} entry that is not an object")
            path = item.get("path")
            digest = item.get("hash") if kind == "resources" else item.get("sha256", item.get("hash"))
            text = digest.lower().removeprefix("sha256:") if isinstance(digest, str) else ""
            if not _HEX64.fullmatch(text):
                raise FormatError(f"datapackage.json pins no sha256 for {path!r} (found {digest!r})")
            size = item.get("x_bytes", item.get("bytes"))
            if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 2**53:
                raise FormatError(f"datapackage.json pins no byte count (x_bytes) for {path!r} (found {size!r})")
            found.append(Entry(safe_path(path), text, size))
    return found


def regular_file(folder: Path, relative: str) -> Path | None:
    """The file at ``relative`` inside ``folder`` if it is a regular file that stays inside it.

    Pipes, devices, sockets and links that lead out of the folder are not files of a
    release: reading them could hang or never end.
    """
    path = folder / relative
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        if not stat.S_ISLNK(os.lstat(path).st_mode):  # the file itself is no link: its folder decides
            return path if _inside(str(path.parent), str(folder)) else None
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return None
    return path if inside else None


@functools.lru_cache(maxsize=4096)
def _inside(directory: str, folder: str) -> bool:
    """Whether ``directory`` (followed through any links) lies inside ``folder``.

    Cached per folder of a release, so checking its thousands of files resolves each
    folder once; a release being read is not rearranged underneath its reader.
    """
    return Path(directory).resolve().is_relative_to(Path(folder).resolve())


def file_problem(folder: Path, entry: Entry) -> str | None:
    """What is wrong with one pinned file of a release folder, or None when it verifies."""
    path = regular_file(folder, entry.path)
    if path is None:
        return f"{entry.path} is missing (or is not a regular file inside the release)"
    try:
        size = path.stat().st_size
        if size != entry.size:
            return f"{entry.path} has {size} bytes, the descriptor says {entry.size}"
        actual = sha256_file(path)
    except OSError as exc:
        return f"{entry.path} cannot be read ({exc.strerror or exc})"
    if actual != entry.sha256:
        return f"{entry.path} has sha256 {actual}, the descriptor says {entry.sha256}"
    return None


def read_descriptor(folder: Path) -> tuple[dict, str]:
    """A release folder's descriptor and its sha256; FormatError when missing or malformed."""
    path = regular_file(folder, DESCRIPTOR)
    if path is None:
        raise FormatError(f"{DESCRIPTOR} is missing")
    try:
        with open(path, "rb") as handle:
            data = handle.read(METADATA_CAP + 1)
    except OSError as exc:
        raise FormatError(f"{DESCRIPTOR} cannot be read ({exc.strerror or exc})") from None
    descriptor = loads(data, DESCRIPTOR)
    if not isinstance(descriptor, dict):
        raise FormatError(f"{DESCRIPTOR} is not a JSON object")
    return descriptor, sha256_bytes(data)


def verify_folder(
    folder: str | os.PathLike, *, descriptor_sha256: str | None = None, version: str | None = None
) -> str | None:
    """Check a release folder byte for byte; None when it verifies, else what is wrong.

    The descriptor must match ``descriptor_sha256`` when one is given and declare
    ``version`` when one is given; every file it pins must be a regular file inside the
    folder with its sha256 and size. This is the one way a folder is verified.
    """
    folder = Path(folder)
    try:
        descriptor, actual = read_descriptor(folder)
        if descriptor_sha256 is not None and actual != descriptor_sha256:
            return f"{DESCRIPTOR} has sha256 {actual}, but the index pins {descriptor_sha256}"
        if version is not None and descriptor.get("version") != version:
            return f"{DESCRIPTOR} declares version {descriptor.get('version')!r}, not {version}"
        pinned = entries(descriptor)
    except FormatError as exc:
        return str(exc)
    for entry in pinned:
        problem = file_problem(folder, entry)
        if problem is not None:
            return problem
    return None


# --- the index ------------------------------------------------------------------------


def empty_index() -> dict:
    """An index with no version yet."""
    return {"name": "nato-corpus", "latest": None, "versions": {}}


def parse_index(data: bytes, what: str = INDEX) -> dict:
    """An index from its bytes, checked: versions map to a 64-hex descriptor pin."""
    index = loads(data, what)
    if not isinstance(index, dict):
        raise FormatError(f"{what} is not a JSON object")
    versions = index.get("versions", {})
    if not isinstance(versions, dict):
        raise FormatError(f"{what}: 'versions' is not an object")
    for version, entry in versions.items():
        if not is_version(version):
            raise FormatError(f"{what} lists {version!r}, which is not a version like 1.0.0")
        pin = entry.get("descriptor_sha256") if isinstance(entry, dict) else None
        if not isinstance(pin, str) or not _HEX64.fullmatch(pin):
            raise FormatError(f"{what}: version {version} has no descriptor_sha256 of 64 hex digits")
    latest = index.get("latest")
    if latest is not None and (not isinstance(latest, str) or latest not in versions):
        raise FormatError(f"{what}: latest = {latest!r} is not one of its versions")
    return {"name": index.get("name") or "nato-corpus", "latest": latest, "versions": versions}


def read_index(folder: str | os.PathLike) -> dict:
    """The index of a folder of releases (an empty index when there is none)."""
    path = Path(folder) / INDEX
    if not path.exists():
        return empty_index()
    if regular_file(Path(folder), INDEX) is None:
        raise FormatError(f"{path.as_posix()} is not a regular file")
    with open(path, "rb") as handle:
        return parse_index(handle.read(METADATA_CAP + 1), path.as_posix())


def pin(index: dict, version: str) -> str | None:
    """The descriptor sha256 an index pins for ``version``, or None."""
    entry = index["versions"].get(version)
    return entry["descriptor_sha256"] if entry else None


def with_version(index: dict, version: str, descriptor_sha256: str) -> dict:
    """The index with ``version`` added (an entry, once written, is never changed)."""
    versions = dict(index["versions"])
    versions.setdefault(version, {"descriptor_sha256": descriptor_sha256, "path": f"{version}/{DESCRIPTOR}"})
    return {"name": index.get("name") or "nato-corpus", "latest": max(versions, key=version_key), "versions": versions}


def write_index(folder: str | os.PathLike, index: dict) -> None:
    """Replace a folder's index in one step."""
    write_atomic(Path(folder) / INDEX, json_bytes(index, sort_keys=True))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file beside it, then rename)."""
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def released_versions(dist_dir: str | os.PathLike) -> list[str]:
    """Versions released in a folder of releases (in its index or present as folders), oldest first."""
    dist = Path(dist_dir)
    found = set(read_index(dist)["versions"]) if dist.is_dir() else set()
    if dist.is_dir():
        found.update(p.name for p in dist.iterdir() if is_version(p.name) and (p / DESCRIPTOR).is_file())
    return sorted(found, key=version_key)
