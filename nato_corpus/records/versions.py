"""Release version numbers: what one looks like, and their order, defined once.

A version is ``MAJOR.MINOR.PATCH`` (semantic versioning, no leading zeros), optionally
followed by a pre-release (``1.1.0-rc.1``), which sorts before its release. A version
is matched whole: ``"1.0.0\\n"`` is not a version.
"""

from __future__ import annotations

import re

#: the pattern of a version, for schemas (anchored; match with fullmatch in Python)
VERSION_PATTERN = r"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$"
_VERSION = re.compile(VERSION_PATTERN[1:-1])
_MAX_LENGTH = 64


def is_version(value: object) -> bool:
    """True when ``value`` is a version string, matched whole.

    >>> is_version("1.0.0"), is_version("1.0.0\\n"), is_version("01.0.0")
    (True, False, False)
    """
    return isinstance(value, str) and len(value) <= _MAX_LENGTH and _VERSION.fullmatch(value) is not None


def version_key(version: str) -> tuple:
    """Sort key of a version: ``0.10.0`` after ``0.9.0``, ``1.0.0-rc.1`` before ``1.0.0``.

    >>> sorted(["0.10.0", "1.0.0", "0.9.0", "1.0.0-rc.1"], key=version_key)
    ['0.9.0', '0.10.0', '1.0.0-rc.1', '1.0.0']
    """
    if not is_version(version):
        raise ValueError(f"{version!r} is not a version like 1.0.0")
    core, _, pre = version.partition("-")
    release = tuple(int(part) for part in core.split("."))
    if not pre:
        return (release, (1,))
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (release, (0, *parts))
