"""The settings of a download, from arguments or the environment, checked: the mirror, the
per-read timeout, the overall deadline, the retries, the cache folder and the offline flag.

Every unusable value is a UsageError that names the setting and what it expects.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from .. import errors
from .fetch import DEADLINE_ENV, TIMEOUT_ENV, URL_ENV, Source  # noqa: F401 - DEADLINE_ENV: the settings this module reads
from .verified import CACHE_ENV

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a connection or for the next bytes before a request fails."""
DEFAULT_DEADLINE = 600.0
"""Seconds a whole release may take to download."""
DEFAULT_RETRIES = 3
"""Extra attempts after a transient failure (timeout, dropped connection, HTTP 5xx/429)."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def source(base_url: str | os.PathLike[str] | None) -> Source | None:
    """The mirror from ``base_url`` or ``NATO_CORPUS_URL``: an http(s) URL or a local folder."""
    origin = "base_url"
    if base_url is None:
        base_url, origin = os.environ.get(URL_ENV) or None, URL_ENV
        if base_url is None:
            return None
    if isinstance(base_url, os.PathLike):
        return local_source(Path(base_url), origin)
    text = str(base_url).strip()
    scheme = _SCHEME.match(text)
    is_drive = scheme is not None and len(scheme.group(1)) == 1  # C:\ on Windows
    if scheme and not is_drive:
        name = scheme.group(1).lower()
        parts = urlsplit(text)
        if name in ("http", "https") and parts.netloc:
            return Source(text.rstrip("/") + "/", is_local=False)
        raise errors.UsageError(
            f"{origin} {text!r} is not supported: use an http:// or https:// URL, or the path of "
            "a local folder holding a copy of dist/ (a plain path, not a file:// URL)"
        )
    return local_source(Path(text), origin)


def local_source(path: Path, origin: str) -> Source:
    path = path.expanduser()
    if not path.is_dir():
        raise errors.UsageError(
            f"{origin} {str(path)!r} is not an existing folder: pass an http(s) URL or a local "
            "copy of dist/ (a folder holding index.json and <version>/datapackage.json)"
        )
    return Source(str(path.resolve()), is_local=True)


def timeout(timeout: float | None) -> float:
    return seconds(timeout, TIMEOUT_ENV, DEFAULT_TIMEOUT, "timeout")


def seconds(given: object, env: str, default: float, what: str) -> float:
    """A positive, finite number of seconds: ``given``, else the environment variable, else the default."""
    from_env = given is None and bool(os.environ.get(env))
    value: object = given if given is not None else os.environ.get(env) or default
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        seconds = -1.0
    if isinstance(value, bool) or not 0 < seconds < 10**9:
        origin = f"{env}={value!r}" if from_env else f"{what}={value!r}"
        raise errors.UsageError(f"{origin} is not usable: {what} must be a positive number of seconds, such as 30")
    return seconds


def retries(retries: object) -> int:
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 100:
        raise errors.UsageError(f"retries={retries!r} is not usable: pass a whole number from 0 to 100")
    return retries


def make_cache(cache: Path) -> None:
    """Make the download cache folder, or say clearly why it cannot be one."""
    if cache.exists() and not cache.is_dir():
        raise errors.UsageError(
            f"the download cache {cache} is not a folder; point cache_dir / {CACHE_ENV} at a folder"
        )
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.UsageError(
            f"the download cache {cache} cannot be made ({exc.strerror}); point cache_dir / "
            f"{CACHE_ENV} at a folder you can write"
        ) from None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def env_flag(name: str) -> bool:
    """A yes/no environment variable: 1/true/yes/on or 0/false/no/off (or unset); anything
    else is refused, so that a typo never silently means "no"."""
    value = os.environ.get(name, "")
    word = value.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise errors.UsageError(f"{name}={value!r} is not usable: set it to 1 (yes) or 0 (no), or unset it")
