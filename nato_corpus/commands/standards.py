"""Command-line pairs for the standards commands, for the `nato-corpus` parser to wire in.

Each pair is `add_<name>_parser(subparsers)` (adds the sub-command, sets `func`) and
`cmd_<name>(args) -> int` (0 ok, 1 problems found, 2 wrong call: raised as UsageError and
turned into a message by the CLI's edge).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:  # pyarrow loads when a command reads a release, not with the parser
    import pyarrow as pa

EXIT_OK, EXIT_PROBLEMS = 0, 1


def read_release(release: str | None) -> tuple[dict[str, pa.Table], dict, Path]:
    """(tables, descriptor, folder) of a release folder, or of the bundled latest release."""
    import pyarrow.parquet as pq

    if release is None:
        from ..access.load import release_path

        folder = release_path()
    else:
        folder = Path(release)
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.is_file():
        raise UsageError(f"{folder}: not a release folder (no datapackage.json); give dist/<version>")
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor.get("resources", []):
        tables[resource["name"]] = pq.read_table(folder / resource["path"])
    return tables, descriptor, folder


def read_captures(tables: dict[str, pa.Table], raw: str | Path) -> dict[str, str]:
    """Capture id -> text, read byte for byte from <raw>/captures/<file>; only those present."""
    folder = Path(raw) / "captures"
    texts = {}
    for row in tables["captures"].to_pylist():
        path = folder / row["file"]
        if path.is_file():
            texts[row["id"]] = path.read_bytes().decode("utf-8")
    return texts


def _add(subparsers, name: str, func) -> argparse.ArgumentParser:
    doc = func.__doc__ or ""
    sub = subparsers.add_parser(
        name, help=doc.splitlines()[0], description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub.set_defaults(func=func)
    return sub


def _release_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--release", default=None, help="a release folder (default: the bundled latest release)")


# --- verify-capture ------------------------------------------------------------------


def cmd_verify_capture(args) -> int:
    """Check a copy of a capture: which capture it is, byte identity, and where each quotation is.

    Each quotation is reported as found (same span), moved (new span in the copy) or
    missing. Exit 0 when the copy is identified and no quotation is missing, else 1.

    Examples:
      nato-corpus verify-capture copy.txt
      nato-corpus verify-capture copy.txt --release dist/1.0.0 --raw raw --format json
    """
    from ..release.standards.verify import anchors_from_annotations, verify_capture

    tables, _, folder = read_release(args.release)
    captures = read_captures(tables, args.raw)
    if captures:
        found = anchors_for(tables, captures)
    elif (folder / "annotations.jsonld").is_file():
        found = anchors_from_annotations((folder / "annotations.jsonld").read_bytes())
    else:
        raise UsageError(
            f"no capture texts in {args.raw}/captures and no annotations.jsonld in {folder}: "
            "run from a checkout with raw/, or pass --raw or a --release that has annotations.jsonld"
        )
    result = verify_capture(args.file, tables, found)
    if args.format == "json":
        from dataclasses import asdict

        print(json.dumps(asdict(result) | {"ok": result.ok}, indent=2, sort_keys=True))
    else:
        print(result.to_text())
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def anchors_for(tables: dict[str, pa.Table], captures: dict[str, str]):
    """Anchors for the captures whose texts are at hand (the others are skipped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..release.standards.annotations import anchors

    occurrences = tables["quote_occurrences"]
    keep = occurrences.filter(pc.is_in(occurrences["capture"], value_set=pa.array(sorted(captures), pa.string())))
    return anchors({**tables, "quote_occurrences": keep}, captures)


def add_verify_capture_parser(subparsers) -> argparse.ArgumentParser:
    """Add `verify-capture FILE` to a sub-parser set."""
    sub = _add(subparsers, "verify-capture", cmd_verify_capture)
    sub.add_argument("file", help="a copy of a capture (a text file)")
    _release_option(sub)
    sub.add_argument("--raw", default="raw", help="raw/ folder with the original captures (default: raw)")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    return sub


# --- lineage -------------------------------------------------------------------------


def cmd_lineage(args) -> int:
    """Print a quotation's relay chain: its document, each relay, and the capture it was found in.

    Examples:
      nato-corpus lineage quote:burns-note-publicly-embarrassed-him
      nato-corpus lineage quote:kohl-last-dinosaur --format json
    """
    from ..release.standards.lineage import format_lineage, lineage

    tables, _, _ = read_release(args.release)
    steps = lineage(tables, args.id)
    print(json.dumps(steps, indent=2, ensure_ascii=False) if args.format == "json" else format_lineage(steps))
    return EXIT_OK


def add_lineage_parser(subparsers) -> argparse.ArgumentParser:
    """Add `lineage ID` to a sub-parser set."""
    sub = _add(subparsers, "lineage", cmd_lineage)
    sub.add_argument("id", help="a quotation id, e.g. quote:kohl-last-dinosaur")
    _release_option(sub)
    sub.add_argument("--format", choices=("text", "json"), default="text")
    return sub


# --- cite ----------------------------------------------------------------------------


def cmd_cite(args) -> int:
    """Print a citation of the release, or of one quotation, document or event in it.

    Examples:
      nato-corpus cite
      nato-corpus cite quote:kohl-last-dinosaur --style apa
      nato-corpus cite doc:burns-note-talbott-1994-12-06 --style csl-json
    """
    from ..release.standards.citation import cite

    tables, descriptor, _ = read_release(args.release)
    print(cite(tables, descriptor, args.id, style=args.style), end="")
    return EXIT_OK


#: release.standards.citation.STYLES, named here so that building the command line does not
#: load pyarrow through the standards package (tests/test_standards_cite.py holds them equal)
CITE_STYLES = ("bibtex", "apa", "csl-json")


def add_cite_parser(subparsers) -> argparse.ArgumentParser:
    """Add `cite [ID] [--style]` to a sub-parser set."""
    sub = _add(subparsers, "cite", cmd_cite)
    sub.add_argument("id", nargs="?", default=None, help="a quote:, doc: or event: id (default: the release)")
    sub.add_argument("--style", choices=CITE_STYLES, default="bibtex")
    _release_option(sub)
    return sub
