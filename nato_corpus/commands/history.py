"""Command-line pair for `nato-corpus release-on DATE`, for the `nato-corpus` parser to wire in.

`add_release_on_parser(subparsers)` adds the sub-command; `cmd_release_on(args) -> int`
prints the version (0). A wrong date is a UsageError, which the CLI's edge turns into a
message and exit code 2.
"""

from __future__ import annotations

import argparse

EXIT_OK = 0


def cmd_release_on(args) -> int:
    """Print the version of the release that was current on DATE (YYYY-MM-DD).

    The newest release published on or before DATE, among the releases bundled with
    this package. Load the corpus as it stood that day with
    nc.load("quotes", version=nc.release_on(DATE)).

    Examples:
      nato-corpus release-on 2026-11-25
      nato-corpus tables --release "$(nato-corpus release-on 2026-11-25)"
    """
    from ..access.history import release_on

    print(release_on(args.date))
    return EXIT_OK


def add_release_on_parser(subparsers) -> argparse.ArgumentParser:
    """Add `release-on` to the `nato-corpus` sub-commands."""
    doc = cmd_release_on.__doc__ or ""
    sub = subparsers.add_parser(
        "release-on",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("date", help="a day, YYYY-MM-DD")
    sub.set_defaults(func=cmd_release_on)
    return sub
