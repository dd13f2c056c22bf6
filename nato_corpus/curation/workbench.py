"""The curator's workbench: add a capture, list its unrecorded quotations, find a span.

- ``add_capture(raw_dir, file, ...)`` copies a page into ``raw/captures/`` byte for byte
  and writes its capture record. It is the one function of ``curation`` that writes
  raw/, and it writes atomically: a temporary file beside the target, then a rename that
  never replaces an existing file.
- ``unrecorded(raw_dir, captures)`` lists the runs of words in quotation marks (see
  ``quoting``) that no recorded occurrence covers; ``skeletons_yaml`` turns them into
  quote records to complete, whose undecided fields fail validation until filled.
- ``find_span(raw_dir, capture, words)`` gives every [start, end) of the words in a
  capture, or raises ``NotFound`` with the closest text, as the validator shows it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import NatoCorpusError, UsageError
from ..records.models import SLUG, Capture
from . import quoting

#: the value that marks what a curator must still decide; it fails validation where it stands
TODO = "TODO"
_STEM = re.compile(rf"^{SLUG}$")
_NUMBERED = re.compile(r"^(\d{3})_")
HEADER = (
    "# Capture record for {file} (the text file beside this one, kept byte for byte).\n"
    "# Written by `nato-corpus capture add`; offsets are Python str indices into the decoded\n"
    "# capture text, half-open [start, end). Replace every 'unknown' you can, split the one\n"
    "# segment into headline, main text, posts, comments and furniture.\n\n"
)


class NotFound(NatoCorpusError):
    """Words that are not in a capture; ``closest`` holds what the capture has instead."""

    def __init__(self, message: str, closest: str = ""):
        super().__init__(message)
        self.closest = closest


@dataclass
class CaptureAdded:
    """What ``add_capture`` wrote, and what the curator fills in next."""

    text_path: Path
    record_path: Path
    record: dict
    todo: list[str]


# --------------------------------------------------------------------------- capture add


def add_capture(
    raw_dir: str | os.PathLike,
    file: str | os.PathLike,
    *,
    url: str | None = None,
    captured: str | None = None,
    site: str | None = None,
    name: str | None = None,
) -> CaptureAdded:
    """Copy ``file`` into ``raw_dir/captures/`` byte for byte and write its capture record.

    The one curation function that writes raw/: the text and the record are each written
    to a temporary file beside their place and renamed into it, never over an existing
    file. The stem is ``NNN_<16 hex of the sha256>`` (NNN: the next capture number), or
    ``name``. Refuses (``UsageError``, nothing written) a file that is not UTF-8, a name
    already taken, the same bytes already present under another name, or a ``url`` or
    ``captured`` date the capture record does not accept.
    """
    raw = Path(raw_dir)
    folder = raw / "captures"
    if not raw.is_dir():
        raise UsageError(f"{raw.as_posix()} is not a directory; pass the raw/ directory of a corpus (--raw)")
    source = Path(file)
    if not source.is_file():
        raise UsageError(f"{source.as_posix()}: no such file; give the captured page as a text file")
    data = source.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{source.as_posix()} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "raw/ keeps UTF-8 captures only: convert a copy to UTF-8 and say so in the record's notes"
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    existing = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    for other in existing:
        if hashlib.sha256(other.read_bytes()).hexdigest() == digest:
            raise UsageError(
                f"{source.as_posix()} has the same bytes (sha256 {digest}) as {other.as_posix()}, "
                f"already in the corpus as capture:{other.stem.lower()}; record new quotations against that capture"
            )
    stem = _stem(name, digest, existing)
    text_path, record_path = folder / f"{stem}.txt", folder / f"{stem}.yaml"
    for path in (text_path, record_path):
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path.as_posix()} already exists; choose another name with --name")
    record = _record(stem, data, text, digest, url=url, captured=captured, site=site)
    body = HEADER.format(file=text_path.name) + yaml.safe_dump(
        [record], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    folder.mkdir(parents=True, exist_ok=True)
    _write_new(text_path, data)
    try:
        _write_new(record_path, body.encode("utf-8"))
    except BaseException:
        text_path.unlink()
        raise
    todo = [
        f"{record_path.as_posix()}: check title (the first line of the page), fill in what is 'unknown' "
        "(site, page_url, captured, obtained, rights), and split the one segment into headline, "
        "main_text, post, comment and furniture ranges (`nato-corpus span` gives offsets)",
        f"raw/documents/captured-pages.yaml: add a document for each item the page holds, with capture: capture:{stem}",
        f"nato-corpus quotes unrecorded {stem} --format yaml >> raw/quotes/{stem}.yaml: then fill in every TODO",
        "nato-corpus validate: repeat until it says clean",
    ]
    return CaptureAdded(text_path, record_path, record, todo)


def _stem(name: str | None, digest: str, existing: list[Path]) -> str:
    if name is not None:
        stem = name.removesuffix(".txt")
        if not _STEM.match(stem):
            raise UsageError(
                f"--name {name!r}: a capture's name is lower-case letters and digits, words joined by "
                "single '-', '_' or '.' (like 005_spiegel-copy); its id is 'capture:' and the name"
            )
        return stem
    numbers = [int(m.group(1)) for path in existing if (m := _NUMBERED.match(path.name))]
    return f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"


def _record(stem: str, data: bytes, text: str, digest: str, *, url, captured, site) -> dict:
    title = next((line.strip() for line in text.splitlines() if line.strip()), "unknown")
    record = {
        "id": f"capture:{stem}",
        "file": f"{stem}.txt",
        "sha256": digest,
        "bytes": len(data),
        "characters": len(text),
        "title": title[:200],
        "site": site or "unknown",
        "page_url": url or "unknown",
        "captured": captured or "unknown",
        "obtained": "unknown",
        "rights": "unknown",
        "segments": [
            {"kind": "main_text", "start": 0, "end": len(text), "note": "The whole page: to be split into its parts."}
        ],
    }
    try:
        Capture.model_validate(record)
    except ValidationError as exc:
        from .messages import plain_reason

        first: dict = {}  # a union field (a URL or 'unknown') fails once per branch: its first reason
        for error in exc.errors(include_url=False):
            first.setdefault(error["loc"][0], error)
        reasons = "; ".join(f"{name}: {plain_reason(error)}" for name, error in first.items())
        raise UsageError(f"the capture record would not be valid ({reasons}); nothing was written") from None
    return record


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path``: a temporary file, then a link that never replaces."""
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails when path exists: never replaces a file
        except FileExistsError:
            raise UsageError(f"{path.as_posix()} already exists; choose another name with --name") from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise UsageError(f"{path.as_posix()} already exists; choose another name with --name") from None
            os.rename(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------- captures


@dataclass(frozen=True)
class CaptureText:
    id: str
    file: str
    text: str


def capture_texts(raw_dir: str | os.PathLike) -> dict[str, CaptureText]:
    """Every UTF-8 capture of raw/captures/ by id ('capture:' and its lower-case stem)."""
    folder = Path(raw_dir) / "captures"
    found = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the validator reports it
        capture_id = f"capture:{path.stem.lower()}"
        found[capture_id] = CaptureText(capture_id, path.name, text)
    return found


def pick(texts: dict[str, CaptureText], names: list[str] | None) -> list[CaptureText]:
    """The captures ``names`` give (an id, a stem, a file name or a stem's unique start; all when empty)."""
    if not names:
        return list(texts.values())
    picked = []
    for name in names:
        stem = Path(name).name.removesuffix(".txt").removeprefix("capture:").lower()
        found = texts.get(f"capture:{stem}")
        if found is None:  # a number or the start of a stem, when it names one capture
            starting = [t for i, t in texts.items() if i.startswith(f"capture:{stem}")] if stem else []
            found = starting[0] if len(starting) == 1 else None
        if found is None:
            known = ", ".join(t.file.removesuffix(".txt") for t in texts.values()) or "none"
            raise UsageError(f"{name!r}: no such capture in raw/captures/ (captures: {known})")
        picked.append(found)
    return picked


# --------------------------------------------------------------------------- quotes unrecorded


@dataclass(frozen=True)
class Unrecorded:
    """A run of words in quotation marks that no recorded occurrence covers."""

    capture: str
    start: int
    end: int
    text: str
    line: int
    depth: int

    def to_dict(self) -> dict:
        return {
            "capture": self.capture,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "line": self.line,
            "depth": self.depth,
        }


def unrecorded(raw_dir: str | os.PathLike, captures: list[str] | None = None) -> list[Unrecorded]:
    """Every quoted run of the captures (all when None) that no quote record's occurrence covers.

    Occurrences count from the quote records that pass their schema (run
    ``nato-corpus validate`` to see the others).
    """
    from .validate import check_raw

    texts = capture_texts(raw_dir)
    chosen = pick(texts, captures)
    checked = check_raw(raw_dir)
    spans: dict[str, list[tuple[int, int]]] = {}
    for quote in checked.records.get("quote", []):
        for occurrence in quote.occurrences:
            spans.setdefault(occurrence.capture, []).append((occurrence.start, occurrence.end))
    found = []
    for capture in chosen:
        recorded = spans.get(capture.id, [])
        for run in quoting.quoted_runs(capture.text):
            if not quoting.recorded(run, recorded):
                line = capture.text.count("\n", 0, run.start) + 1
                found.append(Unrecorded(capture.id, run.start, run.end, run.text, line, run.depth))
    return found


def skeletons_yaml(items: list[Unrecorded], raw_dir: str | os.PathLike) -> str:
    """Quote records to complete for ``items``: text and span filled in, every decision a TODO.

    A TODO fails validation where it stands (an id, a date, a choice), and an empty
    rationale fails too, so nothing half-decided validates clean. The carrying document is
    filled in when exactly one document is held by the capture.
    """
    from .validate import check_raw

    holders: dict[str, list[str]] = {}
    for document in check_raw(raw_dir).records.get("document", []):
        if document.capture:
            holders.setdefault(document.capture, []).append(document.id)
    records = []
    for item in items:
        carriers = holders.get(item.capture, [])
        stem = item.capture.removeprefix("capture:")
        records.append(
            {
                "id": f"quote:{TODO}-{stem[:3]}-{item.start}",
                "text": item.text,
                "speaker": TODO,
                "date": TODO,
                "document": TODO,
                "occurrences": [
                    {
                        "capture": item.capture,
                        "start": item.start,
                        "end": item.end,
                        "document": carriers[0] if len(carriers) == 1 else TODO,
                    }
                ],
                "language": TODO,
                "translated": TODO,
                "relays": TODO,
                "form": TODO,
                "credibility": {"grade": TODO, "rationale": ""},
            }
        )
    if not records:
        return ""
    head = (
        "# Quote records to complete (from `nato-corpus quotes unrecorded --format yaml`).\n"
        "# Replace every TODO and write each rationale; a fragment leaves out the comma or full\n"
        "# stop inside its closing mark: shorten text and end together (`nato-corpus span`).\n"
    )
    return head + yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


# --------------------------------------------------------------------------- span


def find_span(raw_dir: str | os.PathLike, capture: str, words: str) -> list[tuple[int, int]]:
    """Every [start, end) of ``words`` in the capture, in order; overlapping matches included.

    Raises ``NotFound`` (with the closest text, as the validator shows it) when there is
    none, and ``UsageError`` for an unknown capture or empty words.
    """
    if not words:
        raise UsageError("give the words to find (the exact text, as the capture has it)")
    (found,) = pick(capture_texts(raw_dir), [capture])
    text, spans = found.text, []
    at = text.find(words)
    while at != -1:
        spans.append((at, at + len(words)))
        at = text.find(words, at + 1)
    if spans:
        return spans
    from .nearest import closest_text

    ratio, offset, closest = closest_text(text, words, -1)  # no recorded span to start from
    line = text.count("\n", 0, offset) + 1
    raise NotFound(
        f"{words!r} is not in {found.id}; closest text (line {line}, offset {offset}, {ratio:.0%} alike): "
        f"{closest!r}. Copy the words exactly as the capture has them (typographic quotes, "
        "non-breaking spaces and all)",
        closest,
    )
