"""The curator's commands: `capture add`, `quotes unrecorded` and `span`.

``add_curate_parsers(subparsers)`` adds them to the main parser. Each is a thin layer
over ``curation.workbench``; a library error becomes one line on stderr (exit 2 from
``cli.main``), words not found in a capture exit 1 with the closest text.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_PROBLEMS = 0, 1


def _add(subparsers, name: str, func, doc: str | None = None) -> argparse.ArgumentParser:
    doc = doc or func.__doc__ or ""
    sub = subparsers.add_parser(
        name, help=doc.splitlines()[0], description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub.set_defaults(func=func)
    return sub


def _raw_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--raw", default="raw", help="the raw/ directory (default: raw)")


# --- capture add ---------------------------------------------------------------------


def cmd_capture_add(args) -> int:
    """Copy a captured page into raw/captures/ byte for byte and write its capture record.

    The name is NNN_<first 16 hex digits of its sha256> (NNN: the next number) unless
    --name is given. Refuses a name already taken and bytes already in the corpus.
    Prints the files written and what to fill in next.

    Examples:
      nato-corpus capture add page.txt
      nato-corpus capture add page.txt --url https://example.org/page --captured 2025-08-24 --site "Example"
    """
    from ..curation import workbench  # pydantic and the models: only when a curation command runs

    added = workbench.add_capture(
        args.raw, args.file, url=args.url, captured=args.captured, site=args.site, name=args.name
    )
    print(
        f"copied {args.file} to {added.text_path.as_posix()} ({added.record['bytes']} bytes, "
        f"{added.record['characters']} characters, sha256 {added.record['sha256']})"
    )
    print(f"wrote {added.record_path.as_posix()} (id {added.record['id']})")
    print("next:")
    for step in added.todo:
        print(f"  - {step}")
    return EXIT_OK


_CAPTURE_DOC = """Add captured pages to raw/captures/.

Sub-command:
  capture add FILE [--url URL] [--captured DATE] [--site NAME] [--name NAME] [--raw RAW]
      copy FILE byte for byte into raw/captures/ and write its capture record
      (sha256, bytes, characters, what is known, 'unknown' for the rest, one
      segment to refine); prints what to fill in next.

Example:
  nato-corpus capture add page.txt --url https://example.org/page --captured 2025-08-24
"""


# --- quotes unrecorded ---------------------------------------------------------------


def cmd_quotes_unrecorded(args) -> int:
    """List the runs of words in quotation marks that no quote record covers yet.

    Straight and typographic double quotes, guillemets and single quotes used as
    quotation marks, nested ones included. Offsets are code points, [start, end).
    --format yaml prints quote records to complete: every TODO fails validation
    until it is filled in.

    Examples:
      nato-corpus quotes unrecorded
      nato-corpus quotes unrecorded 005_0123456789abcdef --format yaml >> raw/quotes/005_0123456789abcdef.yaml
    """
    from ..curation import workbench  # pydantic and the models: only when a curation command runs

    found = workbench.unrecorded(args.raw, args.captures or None)
    if args.format == "json":
        print(json.dumps([item.to_dict() for item in found], indent=2, ensure_ascii=False))
    elif args.format == "yaml":
        print(workbench.skeletons_yaml(found, args.raw), end="")
    else:
        for item in found:
            print(f"{item.capture} [{item.start}, {item.end}) line {item.line}: {item.text!r}")
        print(f"{len(found)} unrecorded quotation(s)")
    return EXIT_OK


_QUOTES_DOC = """Find quotations in the captures.

Sub-command:
  quotes unrecorded [CAPTURE ...] [--format text|json|yaml] [--raw RAW]
      list every run of words in quotation marks that no quote record covers
      (all captures when none is named); yaml: records to complete.

Example:
  nato-corpus quotes unrecorded 004_6eafe75497ea838c --format json
"""


# --- span ----------------------------------------------------------------------------


def cmd_span(args) -> int:
    """Print the start and end of WORDS in a capture: every match, one per line.

    WORDS are the exact text (typographic quotes, non-breaking spaces and all); offsets
    are code points, [start, end). No match: the closest text, and exit 1.

    Examples:
      nato-corpus span 004_6eafe75497ea838c "from San Francisco to Vladivostok"
      nato-corpus span capture:000_798c41430acaf32a "really pissed off" --format json
    """
    from ..curation import workbench  # pydantic and the models: only when a curation command runs

    try:
        spans = workbench.find_span(args.raw, args.capture, args.words)
    except workbench.NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.format == "json":
        print(json.dumps([{"start": s, "end": e} for s, e in spans]))
    else:
        for start, end in spans:
            print(f"start: {start}, end: {end}")
    return EXIT_OK


def add_curate_parsers(subparsers) -> None:
    """Add `capture add`, `quotes unrecorded` and `span` to the main parser's sub-commands."""
    group = _add(subparsers, "capture", None, _CAPTURE_DOC).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sub = _add(group, "add", cmd_capture_add)
    sub.add_argument("file", help="the captured page: a UTF-8 text file, copied unchanged")
    sub.add_argument("--url", help="address of the captured page (default: unknown)")
    sub.add_argument("--captured", help="when it was captured, as EDTF, e.g. 2025-08-24 (default: unknown)")
    sub.add_argument("--site", help="the site as it names itself (default: unknown)")
    sub.add_argument("--name", help="the file stem to use instead of NNN_<sha256 prefix>")
    _raw_option(sub)

    group = _add(subparsers, "quotes", None, _QUOTES_DOC).add_subparsers(dest="action", required=True, metavar="ACTION")
    sub = _add(group, "unrecorded", cmd_quotes_unrecorded)
    sub.add_argument("captures", nargs="*", metavar="CAPTURE", help="capture ids, stems or file names (default: all)")
    sub.add_argument("--format", choices=("text", "json", "yaml"), default="text")
    _raw_option(sub)

    sub = _add(subparsers, "span", cmd_span)
    sub.add_argument("capture", help="a capture id, stem or file name")
    sub.add_argument("words", help="the exact words to find")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    _raw_option(sub)
