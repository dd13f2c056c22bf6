"""Read raw/ into plain records that remember the file, line and column they came from.

Layout of raw/ (anything else is reported as ``unexpected-file``)::

    raw/corpus.yaml               one mapping: name, title, version, licence, ...
    raw/captures/<stem>.txt       a capture, byte for byte as received
    raw/captures/<stem>.yaml      its capture record (a list holding one mapping)
    raw/actors/*.yaml             lists of actor records
    raw/documents/*.yaml          lists of document records
    raw/events/*.yaml             lists of event records
    raw/quotes/*.yaml             lists of quote records
    README.md anywhere, dotfiles  ignored

YAML is read from libyaml's event stream (PyYAML's C parser), so every key and
value keeps its line and column, duplicate keys are caught (YAML itself would keep
the last silently), and aliases, tags and deep nesting are refused before they can
expand, construct objects or exhaust the stack. Plain scalars resolve as YAML 1.1
does, except that timestamps stay strings (dates are EDTF text) and that the forms
YAML 1.1 and 1.2 read differently are refused (see :mod:`.scalars`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..records.kinds import KINDS
from .yamlread import Refused, _parse, parse_yaml

MAX_FILE_BYTES = 32 * 1024 * 1024
FOLDERS = {folder: kind for kind, (folder, _) in KINDS.items()}
CORPUS_FILE = "corpus.yaml"

Path_ = tuple  # a path into a record: keys and list indices, as pydantic's error locations


@dataclass(slots=True)
class Entry:
    """One record as written in raw/: its data and where each part of it stands.

    Only the record's own line and column are kept while reading; the position of every
    key and value inside it is found again from the file when a problem needs it (a
    second parse of that one file, checked against ``digest``), so a clean corpus never
    pays for positions.
    """

    kind: str
    #: the parsed mapping; None once validation has turned it into a record
    data: Any
    file: str
    line: int
    column: int
    #: where the record stands in its file's list (None: the file's only mapping)
    index: int | None = None
    #: sha256 of the file's bytes as read, so positions are never taken from a changed file
    digest: str | None = None
    #: path inside the record -> (line, column) of the value, 1-based (filled on first use)
    values: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    #: path inside the record -> (line, column) of the key, 1-based (filled on first use)
    keys: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def where(self, path: Path_ = (), *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at ``path``, or of the nearest parent."""
        if self.values is None or self.keys is None:
            found = _record_positions(self.file, self.digest, self.index)
            self.values, self.keys = found or ({(): (self.line, self.column)}, {})
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            sub = tuple(path[:cut])
            if sub in table:
                return table[sub]
            if sub in self.values:
                return self.values[sub]
        return self.line, self.column


@dataclass
class CaptureFile:
    """A capture text file: its bytes' hash and size and its decoded text."""

    name: str
    file: str
    sha256: str
    size: int
    text: str | None  # None when not UTF-8


@lru_cache(maxsize=4)
def _file_positions(file: str, digest: str | None) -> tuple[tuple[dict, dict], dict[int, tuple[dict, dict]]] | None:
    """Positions of every value and key of a file, whole and split by top-level item (one
    pass, never items x positions), if the file still holds the bytes validated."""
    try:
        content = Path(file).read_bytes()
        if digest is not None and hashlib.sha256(content).hexdigest() != digest:
            return None
        _, values, keys, _ = _parse(content.decode("utf-8"), file, positions=True)
    except (OSError, UnicodeDecodeError, Refused):
        return None
    items: dict[int, tuple[dict, dict]] = {}
    for table, position in ((values, 0), (keys, 1)):
        for path, mark in table.items():
            if path and isinstance(path[0], int):
                items.setdefault(path[0], ({}, {}))[position][path[1:]] = mark
    return (values, keys), items


def _record_positions(file: str, digest: str | None, index: int | None) -> tuple[dict, dict] | None:
    found = _file_positions(file, digest)
    if found is None:
        return None
    whole, items = found
    return whole if index is None else items.get(index)


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Refused(
            Problem.of(
                "not-utf8",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                file=file,
                line=line,
                column=column,
            )
        ) from None


#: how a file of raw/ is opened: read only, never waiting on a pipe, not inherited by children
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _check_regular(info: os.stat_result, shown: str) -> None:
    if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
        raise Refused(Problem.of("unexpected-file", "not a regular file (a pipe, socket or device)", file=shown))


def read_file(path: str | os.PathLike, shown: str, regular: bool = False) -> bytes:
    """Read a file of raw/ within the size limit. Raises Refused.

    ``regular``: the folder's listing said it is a regular file (``Source.regular``), so it
    is opened without being looked up first; anything else is looked up and never opened
    unless it is a regular file. Either way it is opened without waiting (a file swapped
    for a pipe meanwhile cannot block) and checked again once open.
    """
    try:
        if not regular:
            _check_regular(os.stat(path), shown)
        descriptor = os.open(path, _READ)
        try:
            info = os.fstat(descriptor)
            _check_regular(info, shown)
            size = info.st_size
            if size > MAX_FILE_BYTES:
                raise Refused(
                    Problem.of(
                        "file-too-large",
                        f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                        file=shown,
                    )
                )
            data = os.read(descriptor, size + 1)  # one byte more than fstat said, to see a file that grew
            if len(data) > size:
                while len(data) <= MAX_FILE_BYTES and (more := os.read(descriptor, MAX_FILE_BYTES + 1 - len(data))):
                    data += more
            return data
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise Refused(Problem.of("unreadable-file", f"cannot read: {exc.strerror or exc}", file=shown)) from None


def _split_records(
    kind: str, data: Any, items: list, root: tuple[int, int], shown: str, digest: str | None
) -> tuple[list[Entry], list[Problem]]:
    if data is None:
        return [], [Problem.of("empty-file", "the file holds no records", file=shown, line=1)]
    if not isinstance(data, list):
        return [], [
            Problem.of(
                "file-structure",
                f"expected a list of {kind} records (lines starting '- '), found a {type(data).__name__}",
                file=shown,
                line=root[0],
                column=root[1],
            )
        ]
    entries: list[Entry] = []
    problems: list[Problem] = []
    if not data:
        problems.append(Problem.of("empty-file", "the file holds an empty list", file=shown, line=1))
    for index, (item, (line, column)) in enumerate(zip(data, items, strict=False)):
        if not isinstance(item, dict):
            problems.append(
                Problem.of(
                    "file-structure",
                    f"item {index + 1} is a {type(item).__name__}, expected a mapping of fields",
                    file=shown,
                    line=line,
                    column=column,
                )
            )
            continue
        entries.append(Entry(kind, item, shown, line, column, index, digest))
    return entries, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _walk(root: str, parts: tuple[str, ...] = ()):
    """(entry, relative parts) of the files under root in a fixed order, names sorted and
    each folder's files before its subfolders, without following directory links."""
    with os.scandir(os.path.join(root, *parts)) as found:
        entries = sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)
    folders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry.name)
        else:
            yield entry, parts + (entry.name,)
    for name in folders:
        yield from _walk(root, parts + (name,))


@dataclass(slots=True)
class Source:
    """A file of raw/ to read, and what it holds."""

    path: str
    shown: str
    #: "corpus" (raw/corpus.yaml), "text" (a capture's text) or the kind of the records it lists
    role: str
    #: the folder's listing says it is a regular file, not a link (read_file need not look it up)
    regular: bool = False


def scan(root: str | os.PathLike) -> tuple[list[Source], list[Problem]]:
    """The files of raw/ in a fixed order, and the problems of files raw/ does not use."""
    root = Path(root)
    base = root.as_posix()
    prefix = "" if base == "." else base if base.endswith("/") else base + "/"
    sources: list[Source] = []
    problems: list[Problem] = []
    for entry, relative in _walk(str(root)):
        shown = prefix + "/".join(relative)
        regular = entry.is_file(follow_symlinks=False)  # from the listing: no lookup on most systems
        if entry.is_symlink():
            if not _inside(Path(entry.path), root):
                problems.append(
                    Problem.of("symlink-outside", f"links to {os.readlink(entry.path)!r}, outside {base}/", file=shown)
                )
                continue
            if relative[-1] != "README.md" and os.path.isdir(entry.path):  # a link to a folder inside: not followed
                problems.append(
                    Problem.of("unexpected-file", "a link to a directory; folders are not linked", file=shown)
                )
                continue
        if relative[-1] == "README.md":
            continue
        if relative == (CORPUS_FILE,):
            sources.append(Source(entry.path, shown, "corpus", regular))
        elif len(relative) == 2 and relative[0] in FOLDERS and relative[1].endswith(".yaml"):
            sources.append(Source(entry.path, shown, FOLDERS[relative[0]], regular))
        elif len(relative) == 2 and relative[0] == "captures" and relative[1].endswith(".txt"):
            sources.append(Source(entry.path, shown, "text", regular))
        else:
            problems.append(
                Problem.of(
                    "unexpected-file", f"{'/'.join(relative)} is not a place or type of file raw/ uses", file=shown
                )
            )
    if not any(source.role == "corpus" for source in sources):
        missing = (root / CORPUS_FILE).as_posix()
        problems.append(Problem.of("missing-corpus-file", f"{missing} is missing", file=missing))
    return sources, problems


def read_records(kind: str, content: bytes, shown: str, digest: str | None = None) -> tuple[list[Entry], list[Problem]]:
    """The records of one raw/<type>/*.yaml file, and its file-level problems."""
    try:
        text = _decode(content, shown)
        data, _, _, items = _parse(text, shown, positions=False)
        root = (1, 1)
        if data is not None and not isinstance(data, list):  # a wrong shape: say where it starts
            root = parse_yaml(text, shown)[1].get((), root)
    except Refused as refused:
        return [], [refused.problem]
    return _split_records(kind, data, items, root, shown, digest)


def read_corpus(content: bytes, shown: str) -> tuple[Entry | None, list[Problem]]:
    """raw/corpus.yaml as one entry (with its positions), and its file-level problems."""
    try:
        data, values, keys = parse_yaml(_decode(content, shown), shown)
    except Refused as refused:
        return None, [refused.problem]
    if not isinstance(data, dict):
        return None, [Problem.of("file-structure", "raw/corpus.yaml must hold one mapping", file=shown, line=1)]
    return Entry("corpus", data, shown, 1, 1, values=values, keys=keys), []


def read_capture(source: Source, content: bytes, digest: str) -> tuple[CaptureFile, list[Problem]]:
    """A capture's text file: hash, size and text (None, with a problem, when not UTF-8)."""
    try:
        text, problems = _decode(content, source.shown), []
    except Refused as refused:
        text, problems = None, [refused.problem]
    return CaptureFile(
        name=os.path.basename(source.path), file=source.shown, sha256=digest, size=len(content), text=text
    ), problems
