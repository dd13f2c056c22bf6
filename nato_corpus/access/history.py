"""The corpus over time: which release was current on a given day.

``release_on("2026-11-25")`` answers "what did the corpus say on that day": the newest
release published on or before it, by the day each release's descriptor declares as
``created`` (the curator's release day, never a build clock). Only the releases in the
release index bundled with this package are considered, so the answer needs no network
and does not depend on what happens to be in the download cache; a release newer than
this package is unknown to it (upgrade nato-corpus to learn of it). Then

    nc.load("quotes", version=nc.release_on("2026-11-25"))

reads the quotations as they stood that day.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import errors
from ..release import layout
from . import bundled

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def release_on(date: str | dt.date) -> str:
    """Return the version of the release that was current on ``date`` (``YYYY-MM-DD`` or a date).

    That is the newest release whose release day (its descriptor's ``created``) is on or
    before ``date``; of two released the same day, the higher version. A date after the
    newest release gives the newest release this package knows. A date before the first
    release, or a value that is not a day, raises ``UsageError``.

    Example::

        >>> import nato_corpus as nc
        >>> nc.release_on("2026-11-25")  # doctest: +SKIP
        '1.0.0'
        >>> quotes = nc.load("quotes", version=nc.release_on("2026-11-25"))  # doctest: +SKIP
    """
    day = _day(date)
    released = release_days()
    if not released:
        raise errors.UsageError(
            "no release is bundled with this installation (a source checkout whose dist/ has no "
            "release yet?), so no release can be current on any date: build one into dist/"
        )
    current = [(when, layout.version_key(version), version) for version, when in released.items() if when <= day]
    if not current:
        first = min(released.items(), key=lambda item: (item[1], layout.version_key(item[0])))
        raise errors.UsageError(
            f"no release existed on {day.isoformat()}: the first, {first[0]}, was released on "
            f"{first[1].isoformat()}; give a date on or after it"
        )
    return max(current)[2]


def release_days() -> dict[str, dt.date]:
    """Each version in the bundled release index -> its release day, oldest version first.

    Read from each bundled descriptor's ``created``, after checking the descriptor
    against the index's pin.
    """
    from .load import _bundled_descriptor

    days: dict[str, dt.date] = {}
    for version in sorted(bundled.index()["versions"], key=layout.version_key):
        folder = bundled.release(version)
        if folder is None:
            raise errors.NatoCorpusError(
                f"release {version} is in the bundled release index but its folder is missing: "
                "reinstall nato-corpus, or in a source checkout restore dist/ from git"
            )
        created = _bundled_descriptor(folder, version).get("created")
        day = _parse(created[:10]) if isinstance(created, str) else None
        if day is None:
            raise errors.NatoCorpusError(
                f"{(folder / layout.DESCRIPTOR).as_posix()} declares created = {created!r}, not a "
                "date like 2026-11-27T00:00:00Z, so its release day is unknown: reinstall nato-corpus, "
                "or in a source checkout restore dist/ from git"
            )
        days[version] = day
    return days


def _parse(text: str) -> dt.date | None:
    """A YYYY-MM-DD day, or None when ``text`` is not one."""
    if not _DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def _day(date: object) -> dt.date:
    """``date`` as a day; UsageError naming the value and the form expected."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    day = _parse(date.strip()) if isinstance(date, str) else None
    if day is not None:
        return day
    raise errors.UsageError(f"{date!r} is not a day; give a date as YYYY-MM-DD (e.g. 2026-11-25) or a datetime.date")
