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
does, except that timestamps stay strings (dates are EDTF text).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .models import RECORD_TYPES
from .problems import Problem

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
FOLDERS = {folder: kind for kind, (_, folder, _) in RECORD_TYPES.items()}
CORPUS_FILE = "corpus.yaml"

Path_ = tuple  # a path into a record: keys and list indices, as pydantic's error locations


@dataclass
class Entry:
    """One record as written in raw/: its data and where each part of it stands."""

    kind: str
    data: Any
    file: str
    line: int
    column: int
    #: path inside the record -> (line, column) of the value, 1-based
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: path inside the record -> (line, column) of the key, 1-based
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_ = (), *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at ``path``, or of the nearest parent."""
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


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
_STANDARD = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!", *_SCALARS}


def _scalar(event) -> Any:
    if event.tag and event.tag != "!":
        tag = event.tag
    elif event.implicit[0] and not event.style:
        tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
    else:
        tag = "tag:yaml.org,2002:str"
    if tag in _PLAIN_TAGS:
        return event.value
    return _SCALARS[tag](yaml.ScalarNode(tag, event.value))


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def parse_yaml(text: str, file: str) -> tuple[Any, dict, dict]:
    """Parse one YAML document into Python values and the positions of every value and key.

    Returns (data, values, keys) where values/keys map a path (tuple of keys and
    indices from the top) to (line, column). Raises _Refused with a Problem.
    """
    values: dict[tuple, tuple[int, int]] = {}
    keys: dict[tuple, tuple[int, int]] = {}
    stack: list[list] = []  # frames: [container, path, pending_key, is_map]
    root: Any = None
    have_root = False
    documents = 0

    def refuse(code: str, message: str, event) -> _Refused:
        line, column = _mark(event)
        return _Refused(Problem.of(code, message, file=file, line=line, column=column))

    def place(value: Any, event) -> tuple | None:
        """Put a value into the current container; return its path (None for a key)."""
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            values[()] = _mark(event)
            return ()
        frame = stack[-1]
        container, path, pending, is_map = frame
        if is_map:
            if pending is None:  # this value is a key
                if isinstance(value, (dict, list)):
                    raise refuse("yaml-unsupported", "a key must be a plain value, not a list or mapping", event)
                if not isinstance(value, str):
                    value = str(value) if value is not None else "null"
                if value in container:
                    first = keys.get(path + (value,), ("?", "?"))
                    raise refuse(
                        "yaml-duplicate-key",
                        f"key {value!r} appears twice in one mapping (first at line {first[0]})",
                        event,
                    )
                frame[2] = value
                keys[path + (value,)] = _mark(event)
                return None
            container[pending] = value
            frame[2] = None
            child = path + (pending,)
        else:
            child = path + (len(container),)
            container.append(value)
        values[child] = _mark(event)
        return child

    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            name = type(event).__name__
            if name == "ScalarEvent":
                if event.tag and event.tag not in _STANDARD and event.tag != "tag:yaml.org,2002:timestamp":
                    raise refuse("yaml-unsupported", f"tag {event.tag!r} is not allowed; write a plain value", event)
                place(_scalar(event), event)
            elif name in ("MappingStartEvent", "SequenceStartEvent"):
                if event.tag and event.tag not in _STANDARD:
                    raise refuse("yaml-unsupported", f"tag {event.tag!r} is not allowed; write a plain value", event)
                if len(stack) >= MAX_DEPTH:
                    raise refuse("yaml-unsupported", f"nesting deeper than {MAX_DEPTH} levels", event)
                is_map = name == "MappingStartEvent"
                container: Any = {} if is_map else []
                path = place(container, event)
                if path is None:
                    raise refuse("yaml-unsupported", "a key must be a plain value, not a list or mapping", event)
                stack.append([container, path, None, is_map])
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                stack.pop()
            elif name == "AliasEvent":
                raise refuse("yaml-unsupported", f"alias *{event.anchor} is not allowed; write the value out", event)
            elif name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise refuse("yaml-syntax", "more than one YAML document ('---') in one file", event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
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
    if not have_root:
        root = None
    return root, values, keys


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


def read_file(path: Path, shown: str) -> bytes:
    """Read a file of raw/ within the size limit. Raises _Refused."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Refused(
                Problem.of(
                    "file-too-large",
                    f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                    file=shown,
                )
            )
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _Refused(Problem.of("unreadable-file", f"cannot read: {exc.strerror or exc}", file=shown)) from None


def _split_records(kind: str, data: Any, values: dict, keys: dict, shown: str, raw: RawCorpus) -> None:
    if data is None:
        raw.problems.append(Problem.of("empty-file", "the file holds no records", file=shown, line=1))
        return
    if not isinstance(data, list):
        line, column = values.get((), (1, 1))
        raw.problems.append(
            Problem.of(
                "file-structure",
                f"expected a list of {kind} records (lines starting '- '), found a {type(data).__name__}",
                file=shown,
                line=line,
                column=column,
            )
        )
        return
    if not data:
        raw.problems.append(Problem.of("empty-file", "the file holds an empty list", file=shown, line=1))
    # one pass over the positions, grouped by record (never records x positions)
    item_values: dict[int, dict] = {index: {} for index in range(len(data))}
    item_keys: dict[int, dict] = {index: {} for index in range(len(data))}
    for path, mark in values.items():
        if path:
            item_values[path[0]][path[1:]] = mark
    for path, mark in keys.items():
        item_keys[path[0]][path[1:]] = mark
    for index, item in enumerate(data):
        line, column = item_values[index][()]
        if not isinstance(item, dict):
            raw.problems.append(
                Problem.of(
                    "file-structure",
                    f"item {index + 1} is a {type(item).__name__}, expected a mapping of fields",
                    file=shown,
                    line=line,
                    column=column,
                )
            )
            continue
        raw.entries.append(
            Entry(
                kind=kind,
                data=item,
                file=shown,
                line=line,
                column=column,
                values=item_values[index],
                keys=item_keys[index],
            )
        )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _walk(root: Path):
    """Files under root in a fixed order, without following directory links."""
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for sub in list(subdirs):
            if os.path.islink(os.path.join(directory, sub)):
                subdirs.remove(sub)
                yield Path(directory, sub)
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory, name)


def read(root: str | os.PathLike) -> RawCorpus:
    """Read every file of raw/ into entries, capture files and file-level problems.

    Never raises for bad content: every problem becomes a Problem. The caller checks
    that ``root`` is a directory.
    """
    root = Path(root)
    raw = RawCorpus(root=root)
    seen_corpus = False
    for path in _walk(root):
        shown = path.as_posix()
        relative = path.relative_to(root).parts
        if path.is_symlink() and not _inside(path, root):
            raw.problems.append(
                Problem.of("symlink-outside", f"links to {os.readlink(path)!r}, outside {root.as_posix()}/", file=shown)
            )
            continue
        if relative[-1] == "README.md":
            continue
        if path.is_dir():  # a link to a directory inside the tree: not followed
            raw.problems.append(Problem.of("unexpected-file", "a link to a directory; folders are not linked", file=shown))
            continue
        try:
            if relative == (CORPUS_FILE,):
                seen_corpus = True
                data, values, keys = parse_yaml(_decode(read_file(path, shown), shown), shown)
                raw.files.append(shown)
                if not isinstance(data, dict):
                    raw.problems.append(
                        Problem.of("file-structure", "raw/corpus.yaml must hold one mapping", file=shown, line=1)
                    )
                else:
                    raw.corpus = Entry("corpus", data, shown, 1, 1, values, keys)
                continue
            if len(relative) == 2 and relative[0] in FOLDERS:
                kind = FOLDERS[relative[0]]
                if relative[1].endswith(".yaml"):
                    data, values, keys = parse_yaml(_decode(read_file(path, shown), shown), shown)
                    raw.files.append(shown)
                    _split_records(kind, data, values, keys, shown, raw)
                    continue
                if kind == "capture" and relative[1].endswith(".txt"):
                    content = read_file(path, shown)
                    raw.files.append(shown)
                    try:
                        text = _decode(content, shown)
                    except _Refused as refused:
                        raw.problems.append(refused.problem)
                        text = None
                    raw.captures[relative[1]] = CaptureFile(
                        name=relative[1],
                        file=shown,
                        sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content),
                        text=text,
                    )
                    continue
            raw.problems.append(
                Problem.of("unexpected-file", f"{'/'.join(relative)} is not a place or type of file raw/ uses", file=shown)
            )
        except _Refused as refused:
            raw.problems.append(refused.problem)
    if not seen_corpus:
        raw.problems.append(
            Problem.of("missing-corpus-file", f"{(root / CORPUS_FILE).as_posix()} is missing", file=(root / CORPUS_FILE).as_posix())
        )
    return raw
