"""The `nato-corpus` command: thin commands over the library.

Each command is one function; its docstring is its --help. Library errors, unusable
paths and settings become a one-line message on stderr and exit code 2; problems in data
exit 1; success exits 0; Ctrl-C exits 130 and a closed output pipe 141, quietly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .terminal import EXIT_INTERRUPTED, EXIT_PIPE, escape, escape_json, prepare_streams, safe_start, say, silence_stdout

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_report(report, fmt: str) -> str:
    """Render a Report as text, json or GitHub workflow commands."""
    if fmt == "json":
        return escape_json(report.to_json())
    from .problems import RULES, Problem

    problems = sorted(report.problems, key=Problem.sort_key)
    lines = []
    if fmt == "github":
        for p in problems:
            props = [f"file={_escape_property(p.file)}"] if p.file else []
            if p.line:
                props.append(f"line={p.line}")
            if p.column:
                props.append(f"col={p.column}")
            props.append(f"title={_escape_property(p.code + ': ' + RULES[p.code].title)}")
            body = p.message + (f" [{p.record}]" if p.record else "") + (f" Fix: {p.hint}" if p.hint else "")
            lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(body)}")
    else:
        for p in problems:  # text from outside (names, keys, values) is escaped: one problem, one line
            where = ":".join(str(part) for part in (p.file, p.line, p.column) if part is not None) or report.source
            record = f" [{escape(p.record)}]" if p.record else ""
            lines.append(f"{safe_start(escape(where))}: {p.code} {escape(p.message)}{record}")
        if problems:
            lines.append("")
            lines.append("How to fix:")
            for code in sorted({p.code for p in problems}):
                lines.append(f"  {code}: {RULES[code].hint}")
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report.counts.items()))
    verdict = "clean" if report.ok and not report.problems else ("ok (warnings only)" if report.ok else "NOT clean")
    summary = f"{safe_start(escape(report.source))}: {verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    lines.append(summary + (f"; {counts}" if counts else ""))
    return "\n".join(lines)


def cmd_validate(args) -> int:
    """Validate raw/ (or a release) and report every problem with its file and line.

    Examples:
      nato-corpus validate                      # raw/ in the current directory
      nato-corpus validate raw --format github  # annotations for a pull request
      nato-corpus validate dist/1.0.0           # check a downloaded release
    """
    from pathlib import Path

    path = Path(args.path)
    if path.name == "datapackage.json" or (path / "datapackage.json").is_file():
        from .release.check import check_release  # a release needs no YAML, pydantic or raw/ checks

        report = check_release(path)
    else:
        from .curation.cache import default_dir
        from .curation.validate import validate

        report = validate(path, cache_dir=None if args.no_cache else default_dir())
    print(format_report(report, args.format))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def cmd_schema(args) -> int:
    """Write the JSON Schemas and Table Schemas in schema/ from the models.

    Example:
      nato-corpus schema            # regenerate schema/
      nato-corpus schema --check    # exit 1 if schema/ is stale
    """
    from .release import schemas

    if args.check:
        stale = schemas.stale_schemas(args.schema_dir)
        for path in stale:
            print(f"{path}: stale (run `nato-corpus schema`)")
        print(f"{args.schema_dir}: {'stale' if stale else 'current'}")
        return EXIT_PROBLEMS if stale else EXIT_OK
    written = schemas.write_schemas(args.schema_dir)
    print(f"wrote {len(written)} schema files in {args.schema_dir}/")
    return EXIT_OK


def cmd_build(args) -> int:
    """Validate raw/ and publish its version as an immutable release in dist/<version>/.

    Examples:
      nato-corpus build            # build, or confirm the release is unchanged
      nato-corpus build --check    # rebuild in memory and compare with dist/<version>/
    """
    from .errors import ValidationFailed
    from .release.build import build

    try:
        result = build(args.raw, args.dist, check=args.check)
    except ValidationFailed as exc:
        print(format_report(exc.report, "text"), file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.check and not result.path.is_dir():
        print(f"{result.path}: no such release; build it with `nato-corpus build`")
        return EXIT_PROBLEMS
    if args.check:
        for name in result.differences:
            print(f"differs: {name}")
        state = (
            "reproduces exactly"
            if not result.differences
            else f"does NOT reproduce ({len(result.differences)} of its files differ)"
        )
        print(f"{result.path}: {state}")
        if result.note:
            print(f"note: {result.note}")
        return EXIT_PROBLEMS if result.differences else EXIT_OK
    print(f"{result.path}: {result.status}")
    for path in result.left_alone:
        print(f"note: {path} was not written by nato-corpus build, so it was left as it is")
    return EXIT_OK


def cmd_diff(args) -> int:
    """Show added, removed and changed records between two versions, field by field.

    OLD and NEW are versions in dist/, or 'raw' for the current raw/.
    Examples:
      nato-corpus diff 1.0.0 raw               # what the next release would change
      nato-corpus diff 1.0.0 raw --exit-code   # in CI: exit 1 when raw/ differs
    """
    from .release.diff import diff

    result = diff(args.old, args.new, raw_dir=args.raw, dist_dir=args.dist)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.format == "json" else result.to_text())
    return EXIT_PROBLEMS if args.exit_code and not result.empty else EXIT_OK


def cmd_download(args) -> int:
    """Download a released version, verify every file, and cache it.

    Example:
      NATO_CORPUS_URL=https://mirror.example/dist nato-corpus download 1.0.0 --to ./nato-1.0.0
    """
    from .access.download import copy_release, download

    path = download(
        args.version, base_url=args.base_url, cache_dir=args.cache_dir, progress=True, trust_mirror=args.trust_mirror
    )
    if args.to:
        path = copy_release(path, args.to)
    print(path)
    return EXIT_OK


def cmd_info(args) -> int:
    """Describe a release: version, counts per table, licence and how to cite it.

    Example:
      nato-corpus info
    """
    from .access.load import info

    print(json.dumps(info(args.version), indent=2, ensure_ascii=False, default=str))
    return EXIT_OK


def cmd_tables(args) -> int:
    """List the tables of a release.

    Example:
      nato-corpus tables
    """
    from .access.load import tables

    print("\n".join(tables(args.version)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nato-corpus",
        description="Validate, build, download and load the nato-corpus data packages.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable) -> argparse.ArgumentParser:
        doc = func.__doc__ or ""
        sub = commands.add_parser(
            name, help=doc.splitlines()[0], description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        sub.set_defaults(func=func)
        return sub

    sub = add("validate", cmd_validate)
    sub.add_argument("path", nargs="?", default="raw", help="raw/ directory, or a release (default: raw)")
    sub.add_argument("--format", choices=("text", "json", "github"), default="text")
    sub.add_argument(
        "--no-cache",
        action="store_true",
        help="read and check every file again (by default each file's results are kept, keyed on its "
        "content, in $NATO_CORPUS_CACHE/validate or the user cache)",
    )

    sub = add("schema", cmd_schema)
    sub.add_argument("--schema-dir", default="schema")
    sub.add_argument("--check", action="store_true", help="only check that schema/ is current")

    sub = add("build", cmd_build)
    sub.add_argument("--raw", default="raw")
    sub.add_argument("--dist", default="dist")
    sub.add_argument("--check", action="store_true", help="rebuild in memory and compare, writing nothing")

    sub = add("diff", cmd_diff)
    sub.add_argument("old")
    sub.add_argument("new")
    sub.add_argument("--raw", default="raw")
    sub.add_argument("--dist", default="dist")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub.add_argument("--exit-code", action="store_true", help="exit 1 when there are differences (as diff(1) does)")

    sub = add("download", cmd_download)
    sub.add_argument("version")
    sub.add_argument("--to", help="also copy the verified release into this directory")
    sub.add_argument("--base-url", help="mirror to download from (default: $NATO_CORPUS_URL)")
    sub.add_argument("--cache-dir", help="cache directory (default: $NATO_CORPUS_CACHE or the user cache)")
    sub.add_argument(
        "--trust-mirror",
        action="store_true",
        help="also fetch a version this installation does not pin, on the mirror's word alone "
        "(a mirror that rewrites its index and files would go unnoticed)",
    )

    for name, func in (("info", cmd_info), ("tables", cmd_tables)):
        sub = add(name, func)
        sub.add_argument("--release", dest="version", default=None, help="version (default: the bundled latest)")

    from .commands.export import add_export_parser
    from .commands.history import add_release_on_parser
    from .commands.standards import add_cite_parser, add_lineage_parser, add_verify_capture_parser

    add_export_parser(commands)
    add_verify_capture_parser(commands)
    add_lineage_parser(commands)
    add_cite_parser(commands)
    add_release_on_parser(commands)
    from .commands.curate import add_curate_parsers

    add_curate_parsers(commands)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nato-corpus")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    prepare_streams()
    try:
        return _run(argv)
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output has gone (| head): end quietly
        silence_stdout()
        return EXIT_PIPE


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .errors import NatoCorpusError

    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        return code
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except NatoCorpusError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    except OSError as exc:  # a path or folder the system refuses: the caller's to fix
        name = exc.filename if exc.filename is not None else ""
        where = f" {name}" if name else ""
        say(
            f"error: cannot use{where}: {exc.strerror or exc}; check the path, that it is the kind "
            "(file or folder) the command expects, and its permissions"
        )
        return EXIT_USAGE
    except Exception as exc:  # the edge: never a traceback for a user
        say(f"internal error: {type(exc).__name__}: {exc}. Please report it with the command you ran.")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
