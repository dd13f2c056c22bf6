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
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..records.models import RECORD_TYPES
from ..problems import Problem
from . import scalars

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
FOLDERS = {folder: kind for kind, (_, folder, _) in RECORD_TYPES.items()}
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


@dataclass
class RawCorpus:
    root: Path
    entries: list[Entry] = field(default_factory=list)
    corpus: Entry | None = None
    captures: dict[str, CaptureFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}
_STANDARD = {_STR, _TIMESTAMP, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!", *_SCALARS}
#: YAML 1.1's implicit types of plain scalars, by first character (PyYAML's Resolver)
_IMPLICIT = scalars.IMPLICIT
_NO_KEY = object()
#: short plain scalars (keys, ids, codes, numbers) as read before: they repeat, so one copy each
_SHORT_PLAIN: dict[str, Any] = {}
_SHORT = 80
_SHORT_KEPT = 200_000

#: a plain (unquoted) scalar as raw/ reads it: YAML 1.1, timestamps as text, ambiguous forms
#: refused (raises scalars.Refused)
_plain = scalars.plain


def _short_plain(value: str) -> Any:
    found = _plain(value) if value[:1] in _IMPLICIT else sys.intern(value)
    if len(_SHORT_PLAIN) < _SHORT_KEPT:
        _SHORT_PLAIN[value] = found
    return found


def _tagged(tag: str, value: str, event) -> Any:
    """A scalar with an explicit standard tag (!!int 3, !!str 3); the value is read as a plain
    scalar first, so a tag never lets through a form raw/ refuses unquoted."""
    if tag in (_STR, _TIMESTAMP, "!"):
        return value
    constructor = _SCALARS.get(tag)
    try:
        if constructor is None:
            raise ValueError(tag)
        _plain(value)
        found = constructor(yaml.ScalarNode(tag, value))
        scalars.check_float(value, found)  # !!float 1e400
        return found
    except scalars.Refused as refused:
        raise _refuse(refused.code, refused.message, event) from None
    except (ValueError, KeyError, TypeError):
        raise _refuse(
            "yaml-unsupported", f"{value!r} is not a valid {tag.rsplit(':', 1)[-1]}; write a plain value", event
        ) from None


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _refuse(code: str, message: str, event) -> _Refused:
    line, column = _mark(event)
    return _Refused(Problem.of(code, message, line=line, column=column))


def parse_yaml(text: str, file: str) -> tuple[Any, dict, dict]:
    """Parse one YAML document into Python values and the positions of every value and key.

    Returns (data, values, keys) where values/keys map a path (tuple of keys and
    indices from the top) to (line, column). Raises _Refused with a Problem.
    """
    data, values, keys, _ = _parse(text, file, positions=True)
    return data, values, keys


def _parse(text: str, file: str, positions: bool) -> tuple[Any, dict | None, dict | None, list]:
    """The one event loop behind every YAML read: libyaml's events, assembled here.

    Returns (data, values, keys, items): ``items`` holds the (line, column) of each item
    of a top-level list (the records); ``values`` and ``keys`` are None unless
    ``positions``. A refusal found without positions is found again with them, so its
    message can say where the first of two duplicate keys stands.
    """
    try:
        return _events(text, positions)
    except _Refused as refused:
        if not positions:
            return _parse(text, file, positions=True)
        problem = refused.problem
        raise _Refused(Problem.of(problem.code, problem.message, file=file, line=problem.line, column=problem.column)) from None
    except yaml.MarkedYAMLError as exc:
        deep = _flow_depth_beyond(text, MAX_DEPTH - 1)  # the document's own top level is one
        if deep is not None:  # libyaml may stop deep nesting before our own count does
            raise _Refused(
                Problem.of("yaml-unsupported", f"nesting deeper than {MAX_DEPTH} levels", file=file, line=deep[0], column=deep[1])
            ) from None
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "tab character" in message:
            message += " (indent with spaces: YAML does not allow tabs for indentation)"
        raise _Refused(
            Problem.of(
                "yaml-syntax",
                message or "not valid YAML",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        raise _Refused(Problem.of("yaml-syntax", str(exc).splitlines()[0], file=file, line=line)) from None


def _flow_depth_beyond(text: str, limit: int) -> tuple[int, int] | None:
    """The (line, column) where brackets ([ {) outside quotes first nest deeper than ``limit``.

    Our own count, independent of libyaml's messages: used only once libyaml has refused
    the file, to say that nesting (not a typo) is the reason.
    """
    depth, line, column, quote = 0, 1, 0, ""
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def _events(text: str, positions: bool) -> tuple[Any, dict | None, dict | None, list]:
    values: dict | None = {} if positions else None
    keys: dict | None = {} if positions else None
    items: list[tuple[int, int]] = []
    # the open container, whether it is a mapping, the key waiting for its value, its path
    container: Any = None
    is_map = False
    key: Any = _NO_KEY
    path: tuple = ()
    stack: list[tuple] = []  # the enclosing frames
    root: Any = None
    documents = 0
    get_event = yaml.CSafeLoader(text).get_event
    while (event := get_event()) is not None:
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            tag = event.tag
            value = event.value
            if tag is None or tag == "!":
                if event.implicit[0] and not event.style:  # plain: maybe a number, a boolean, null
                    try:
                        if len(value) < _SHORT:
                            known = _SHORT_PLAIN.get(value, _NO_KEY)
                            value = _short_plain(value) if known is _NO_KEY else known
                        elif value[:1] in _IMPLICIT:
                            value = _plain(value)
                    except scalars.Refused as refused:
                        raise _refuse(refused.code, refused.message, event) from None
            elif tag in _STANDARD:
                value = _tagged(tag, value, event)
            else:
                raise _refuse("yaml-unsupported", f"tag {tag!r} is not allowed; write a plain value", event)
            opened = False
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag and event.tag not in _STANDARD:
                raise _refuse("yaml-unsupported", f"tag {event.tag!r} is not allowed; write a plain value", event)
            if len(stack) >= MAX_DEPTH:
                raise _refuse("yaml-unsupported", f"nesting deeper than {MAX_DEPTH} levels", event)
            value = {} if kind is yaml.MappingStartEvent else []
            opened = True
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            container, is_map, key, path = stack.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise _refuse("yaml-unsupported", f"alias *{event.anchor} is not allowed; write the value out", event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _refuse("yaml-syntax", "more than one YAML document ('---') in one file", event)
            continue
        else:
            continue
        # put the value in its place
        if not stack:
            root, child = value, None
            if positions:
                values[()] = _mark(event)
        elif is_map:
            if key is _NO_KEY:  # this value is a key
                if opened:
                    raise _refuse("yaml-unsupported", "a key must be a plain value, not a list or mapping", event)
                if not isinstance(value, str):
                    value = str(value) if value is not None else "null"
                if value in container:
                    first = keys.get(path + (value,), ("?", "?")) if positions else ("?", "?")
                    raise _refuse(
                        "yaml-duplicate-key", f"key {value!r} appears twice in one mapping (first at line {first[0]})", event
                    )
                key = value
                if positions:
                    keys[path + (value,)] = _mark(event)
                continue
            container[key] = value
            child, key = key, _NO_KEY
        else:
            child = len(container)
            container.append(value)
            if len(stack) == 1:  # an item of the top-level list: a record
                items.append(_mark(event))
        if positions and child is not None:
            values[path + (child,)] = _mark(event)
        if opened:
            stack.append((container, is_map, key, path))
            container, is_map, key = value, kind is yaml.MappingStartEvent, _NO_KEY
            if positions and child is not None:
                path = path + (child,)
    return root, values, keys, items


@lru_cache(maxsize=4)
def _file_positions(file: str, digest: str | None) -> tuple[tuple[dict, dict], dict[int, tuple[dict, dict]]] | None:
    """Positions of every value and key of a file, whole and split by top-level item (one
    pass, never items x positions), if the file still holds the bytes validated."""
    try:
        content = Path(file).read_bytes()
        if digest is not None and hashlib.sha256(content).hexdigest() != digest:
            return None
        _, values, keys, _ = _parse(content.decode("utf-8"), file, positions=True)
    except (OSError, UnicodeDecodeError, _Refused):
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
        raise _Refused(
            Problem.of(
                "not-utf8",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                file=file,
                line=line,
                column=column,
            )
        ) from None


def read_file(path: str | os.PathLike, shown: str) -> bytes:
    """Read a file of raw/ within the size limit. Raises _Refused."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise _Refused(Problem.of("unexpected-file", "not a regular file (a pipe, socket or device)", file=shown))
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise _Refused(
                Problem.of(
                    "file-too-large",
                    f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                    file=shown,
                )
            )
        with open(path, "rb", buffering=0) as handle:
            data = handle.read(size + 1)  # one byte more than stat said, to see a file that grew
            if len(data) > size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
            return data
    except OSError as exc:
        raise _Refused(Problem.of("unreadable-file", f"cannot read: {exc.strerror or exc}", file=shown)) from None


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
    for index, (item, (line, column)) in enumerate(zip(data, items)):
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


def scan(root: str | os.PathLike) -> tuple[list[Source], list[Problem]]:
    """The files of raw/ in a fixed order, and the problems of files raw/ does not use."""
    root = Path(root)
    base = root.as_posix()
    prefix = "" if base == "." else base if base.endswith("/") else base + "/"
    sources: list[Source] = []
    problems: list[Problem] = []
    for entry, relative in _walk(str(root)):
        shown = prefix + "/".join(relative)
        if entry.is_symlink():
            if not _inside(Path(entry.path), root):
                problems.append(
                    Problem.of("symlink-outside", f"links to {os.readlink(entry.path)!r}, outside {base}/", file=shown)
                )
                continue
            if relative[-1] != "README.md" and os.path.isdir(entry.path):  # a link to a folder inside: not followed
                problems.append(Problem.of("unexpected-file", "a link to a directory; folders are not linked", file=shown))
                continue
        if relative[-1] == "README.md":
            continue
        if relative == (CORPUS_FILE,):
            sources.append(Source(entry.path, shown, "corpus"))
        elif len(relative) == 2 and relative[0] in FOLDERS and relative[1].endswith(".yaml"):
            sources.append(Source(entry.path, shown, FOLDERS[relative[0]]))
        elif len(relative) == 2 and relative[0] == "captures" and relative[1].endswith(".txt"):
            sources.append(Source(entry.path, shown, "text"))
        else:
            problems.append(
                Problem.of("unexpected-file", f"{'/'.join(relative)} is not a place or type of file raw/ uses", file=shown)
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
    except _Refused as refused:
        return [], [refused.problem]
    return _split_records(kind, data, items, root, shown, digest)


def read_corpus(content: bytes, shown: str) -> tuple[Entry | None, list[Problem]]:
    """raw/corpus.yaml as one entry (with its positions), and its file-level problems."""
    try:
        data, values, keys = parse_yaml(_decode(content, shown), shown)
    except _Refused as refused:
        return None, [refused.problem]
    if not isinstance(data, dict):
        return None, [Problem.of("file-structure", "raw/corpus.yaml must hold one mapping", file=shown, line=1)]
    return Entry("corpus", data, shown, 1, 1, values=values, keys=keys), []


def read_capture(source: Source, content: bytes, digest: str) -> tuple[CaptureFile, list[Problem]]:
    """A capture's text file: hash, size and text (None, with a problem, when not UTF-8)."""
    try:
        text, problems = _decode(content, source.shown), []
    except _Refused as refused:
        text, problems = None, [refused.problem]
    return CaptureFile(name=os.path.basename(source.path), file=source.shown, sha256=digest, size=len(content), text=text), problems


def read(root: str | os.PathLike) -> RawCorpus:
    """Read every file of raw/ into entries, capture files and file-level problems.

    Never raises for bad content: every problem becomes a Problem. The caller checks
    that ``root`` is a directory.
    """
    raw = RawCorpus(root=Path(root))
    sources, raw.problems = scan(root)
    for source in sources:
        try:
            content = read_file(source.path, source.shown)
        except _Refused as refused:
            raw.problems.append(refused.problem)
            continue
        raw.files.append(source.shown)
        digest = hashlib.sha256(content).hexdigest()
        if source.role == "corpus":
            raw.corpus, problems = read_corpus(content, source.shown)
        elif source.role == "text":
            capture, problems = read_capture(source, content, digest)
            raw.captures[capture.name] = capture
        else:
            entries, problems = read_records(source.role, content, source.shown, digest)
            raw.entries.extend(entries)
        raw.problems.extend(problems)
    return raw
