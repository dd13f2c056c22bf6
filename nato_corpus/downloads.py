"""Verified downloads of released data packages into a per-version cache.

A mirror is any copy of ``dist/``: an http(s) URL or a local directory holding
``index.json`` and ``<version>/datapackage.json`` with the files it lists. pooch fetches
over HTTP (timeouts, streaming, progress bars); this module decides what to trust:

* The descriptor (``datapackage.json``) must match the sha256 pinned for its version in
  the release index. The index bundled with the installed package is trusted first: it
  arrived with the package itself, so a mirror cannot change the pin of a version this
  package knows. Only for a version newer than the installed package is the mirror's own
  ``index.json`` used; that protects against corrupted transfers but not against a mirror
  that rewrites both index and files, so upgrade nato-corpus to pin newer releases.
* Every table and file must match the sha256 and byte count in the descriptor; a file
  larger than its pinned size is cut off and refused while it streams.
* Files go to a temporary directory inside the cache and the release is moved to
  ``<cache>/<version>/`` only when every file verifies; a failure deletes them all.

Environment variables: ``NATO_CORPUS_CACHE`` (cache directory), ``NATO_CORPUS_URL``
(mirror), ``NATO_CORPUS_OFFLINE=1`` (never touch the network), ``NATO_CORPUS_TIMEOUT``
(seconds to wait for a server, default 30).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from . import errors

CACHE_ENV = "NATO_CORPUS_CACHE"
URL_ENV = "NATO_CORPUS_URL"
OFFLINE_ENV = "NATO_CORPUS_OFFLINE"
TIMEOUT_ENV = "NATO_CORPUS_TIMEOUT"

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a connection or for the next bytes before a request fails."""
DEFAULT_RETRIES = 3
"""Extra attempts after a transient failure (timeout, dropped connection, HTTP 5xx/429)."""
BACKOFF = 0.5
"""Seconds before the first retry; doubled for each further one, at most 8 s."""
METADATA_CAP = 16 * 2**20
"""Size cap for index.json and datapackage.json, whose sizes nothing pins."""

_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --- public -------------------------------------------------------------------------


def download(
    version: str,
    *,
    base_url: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = False,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
) -> Path:
    """Return the path of a verified local copy of release ``version``, fetching it if needed.

    A cached copy that still verifies is returned without touching the network. Otherwise
    the release is fetched from ``base_url`` (or ``NATO_CORPUS_URL``): an http(s) URL or a
    local directory laid out like ``dist/``. ``cache_dir`` (or ``NATO_CORPUS_CACHE``)
    overrides the cache, by default the platform's cache folder for "nato-corpus".
    ``progress=True`` shows a progress bar per file on stderr (a line per file when tqdm
    is not installed). ``timeout`` is in seconds; ``retries`` bounds the extra attempts
    after transient failures, with back-off.

    Raises UsageError for a bad version, URL or unknown release; DownloadError when a file
    cannot be fetched or does not verify (nothing is cached); OfflineError when the release
    is not cached and the mirror cannot be reached.

    Example::

        >>> from nato_corpus.downloads import download
        >>> path = download("0.1.0", base_url="https://mirror.example.org/nato-corpus/")
        >>> sorted(p.name for p in path.iterdir())  # doctest: +SKIP
        ['README.md', 'data', 'datapackage.json', 'timeline.svg']
    """
    version = _check_version(version)
    cache = cache_root(cache_dir)
    target = cache / version
    pin = _bundled_pin(version)

    cache_problem = None
    if (target / "datapackage.json").is_file():
        cache_problem = verify_release(target, descriptor_sha256=pin)
        if cache_problem is None:
            return target

    offline = _env_flag(OFFLINE_ENV)
    source = None if offline else _source(base_url)
    if source is None:
        if cache_problem is not None:
            raise errors.DownloadError(
                f"the cached copy of release {version} in {target} does not verify: "
                f"{cache_problem}. Delete that folder and download it again "
                f"(`nato-corpus download {version}` with NATO_CORPUS_URL set)."
            )
        bundled = _bundled_release(version)
        if bundled is not None:  # shipped inside the package: a verified local copy already
            problem = verify_release(bundled, descriptor_sha256=pin)
            if problem is None:
                return bundled
            raise errors.DownloadError(
                f"the copy of release {version} bundled in {bundled} does not verify: {problem}. "
                "Reinstall nato-corpus (pip install --force-reinstall nato-corpus)."
            )
        if offline:
            raise errors.OfflineError(_offline_message(version, cache, f"{OFFLINE_ENV} is set"))
        raise errors.UsageError(
            f"release {version} is not in the download cache, and no mirror is configured: pass "
            f"base_url= (an http(s) URL or a local copy of dist/) or set {URL_ENV}. There is "
            "no public download URL yet."
        )

    fetch = _Fetcher(
        source=source,
        timeout=_timeout(timeout),
        retries=max(0, int(retries)),
        progress=progress,
        version=version,
        cache=cache,
    )
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=cache))
    try:
        if pin is None:
            pin = _mirror_pin(fetch, version, work / "index.json")
        staged = work / version
        _fetch_release(fetch, version, pin, staged)
        return _install(staged, target, pin, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the download cache directory: ``cache_dir``, else ``NATO_CORPUS_CACHE``, else
    the platform's cache folder for "nato-corpus" (``pooch.os_cache``).

    Example::

        >>> from nato_corpus.downloads import cache_root
        >>> cache_root("/tmp/nc-cache")
        PosixPath('/tmp/nc-cache')
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("nato-corpus"))


def cached_versions(cache_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Return the versions that have a copy in the cache (unsorted, not re-verified).

    Example::

        >>> from nato_corpus.downloads import cached_versions
        >>> cached_versions("/tmp/empty-cache")
        []
    """
    root = cache_root(cache_dir)
    if not root.is_dir():
        return []
    return [
        p.name
        for p in root.iterdir()
        if not p.name.startswith(".")
        and _VERSION.match(p.name)
        and (p / "datapackage.json").is_file()
    ]


def verify_release(
    release_dir: str | os.PathLike[str], *, descriptor_sha256: str | None = None
) -> str | None:
    """Check a local release folder byte for byte; return None if it verifies, else what is wrong.

    Every file the descriptor lists must exist with its sha256 and byte count; the descriptor
    itself must match ``descriptor_sha256`` when one is given.

    Example::

        >>> from nato_corpus.downloads import verify_release
        >>> verify_release("dist/0.1.0") is None  # doctest: +SKIP
        True
    """
    folder = Path(release_dir)
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return f"{descriptor} is missing"
    if descriptor_sha256 is not None:
        actual = _sha256(descriptor)
        if actual != descriptor_sha256:
            return f"datapackage.json has sha256 {actual}, but the index pins {descriptor_sha256}"
    try:
        entries = _entries(json.loads(descriptor.read_bytes()))
    except (ValueError, errors.DownloadError) as exc:
        return f"datapackage.json cannot be read: {exc}"
    for entry in entries:
        path = folder / entry.path
        if not path.is_file():
            return f"{entry.path} is missing"
        size = path.stat().st_size
        if size != entry.size:
            return f"{entry.path} has {size} bytes, the descriptor says {entry.size}"
        actual = _sha256(path)
        if actual != entry.sha256:
            return f"{entry.path} has sha256 {actual}, the descriptor says {entry.sha256}"
    return None


def copy_release(release_dir: str | os.PathLike[str], to: str | os.PathLike[str]) -> Path:
    """Copy a verified release into ``to`` laid out as a mirror; return ``to/<version>``.

    ``to`` receives ``<version>/`` with every file the descriptor lists, and an
    ``index.json`` that pins it (merged with one already there), so the folder can be
    carried to an offline machine and used as ``NATO_CORPUS_URL``. This is what
    ``nato-corpus download VERSION --to DIR`` does after downloading.

    Example::

        >>> from nato_corpus.downloads import copy_release, download
        >>> copy_release(download("0.1.0"), "usb-stick/nato-corpus")  # doctest: +SKIP
        PosixPath('usb-stick/nato-corpus/0.1.0')
    """
    src = Path(release_dir)
    problem = verify_release(src)
    if problem is not None:
        raise errors.UsageError(f"{src} is not a complete release, so it was not copied: {problem}")
    descriptor = json.loads((src / "datapackage.json").read_bytes())
    version = _check_version(str(descriptor.get("version") or src.name))
    dest_root = Path(to)
    dest = dest_root / version
    index_path = dest_root / "index.json"
    index = {"name": "nato-corpus", "latest": version, "versions": {}}
    if index_path.is_file():
        try:
            index = json.loads(index_path.read_bytes())
        except ValueError as exc:
            raise errors.UsageError(
                f"{index_path} is not valid JSON ({exc}); choose an empty folder for --to"
            ) from exc
    if dest.exists():
        problem = verify_release(dest, descriptor_sha256=_sha256(src / "datapackage.json"))
        if problem is not None:
            raise errors.UsageError(
                f"{dest} already exists and differs from release {version} ({problem}); "
                "remove it or choose another folder"
            )
    else:
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=_mkdir(dest_root)))
        try:
            for rel in ["datapackage.json", *(e.path for e in _entries(descriptor))]:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / rel, staging / rel)
            staging.rename(dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    versions = index.setdefault("versions", {})
    versions[version] = {
        "descriptor_sha256": _sha256(dest / "datapackage.json"),
        "path": f"{version}/datapackage.json",
    }
    index.setdefault("name", "nato-corpus")
    index["latest"] = max(versions, key=version_key)
    tmp = index_path.with_name(".index.json.tmp")
    tmp.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, index_path)
    return dest


def version_key(version: str) -> tuple:
    """Sort key for semantic versions: ``0.10.0`` after ``0.9.0``, ``1.0.0-rc.1`` before ``1.0.0``.

    Example::

        >>> from nato_corpus.downloads import version_key
        >>> sorted(["0.10.0", "1.0.0", "0.9.0", "1.0.0-rc.1"], key=version_key)
        ['0.9.0', '0.10.0', '1.0.0-rc.1', '1.0.0']
    """
    core, _, pre = version.partition("+")[0].partition("-")

    def part(text: str) -> tuple[int, int, str]:
        return (0, int(text), "") if text.isdigit() else (1, 0, text)

    release = tuple(part(p) for p in core.split("."))
    # A release sorts after its pre-releases: (1,) > (0, ...).
    prerelease = (0, *(part(p) for p in pre.split("."))) if pre else (1,)
    return (release, prerelease)


# --- what the descriptor lists ------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    path: str
    sha256: str
    size: int


def _entries(descriptor: dict) -> list[_Entry]:
    """The files a descriptor pins: every resource and every ``x_files`` entry."""
    if not isinstance(descriptor, dict):
        raise errors.DownloadError("datapackage.json is not a JSON object")
    found: list[_Entry] = []
    for kind, items in (
        ("resource", descriptor.get("resources")),
        ("x_files", descriptor.get("x_files")),
    ):
        for item in items or []:
            if not isinstance(item, dict):
                raise errors.DownloadError(
                    f"datapackage.json has a {kind} entry that is not an object"
                )
            path = item.get("path")
            digest = (
                item.get("hash") if kind == "resource" else item.get("sha256", item.get("hash"))
            )
            size = item.get("x_bytes", item.get("bytes"))
            found.append(_Entry(_safe_path(path), _sha256_of(digest, path), _size_of(size, path)))
    return found


def _safe_path(path: object) -> str:
    if not isinstance(path, str) or not path or "\\" in path:
        raise errors.DownloadError(
            f"datapackage.json lists a file path {path!r} that is not a relative path"
        )
    pure = PurePosixPath(path)
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or _SCHEME.match(path)
        or pure.name == "datapackage.json"
    ):
        raise errors.DownloadError(
            f"datapackage.json lists the path {path!r}, which points outside the release; refused"
        )
    return str(pure)


def _sha256_of(digest: object, path: object) -> str:
    text = str(digest or "").lower()
    if text.startswith("sha256:"):
        text = text[len("sha256:") :]
    if not _HEX64.match(text):
        raise errors.DownloadError(
            f"datapackage.json pins no sha256 for {path} (found {digest!r}), "
            "so it cannot be verified"
        )
    return text


def _size_of(size: object, path: object) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise errors.DownloadError(
            f"datapackage.json pins no byte count (x_bytes) for {path} (found {size!r}), "
            "so its size cannot be capped"
        )
    return size


# --- fetching -----------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _CappedWriter:
    """A file wrapper that refuses to grow past ``cap`` bytes, checked while streaming."""

    def __init__(self, raw, cap: int):
        self.raw, self.cap, self.written = raw, cap, 0

    def write(self, chunk: bytes) -> int:
        self.written += len(chunk)
        if self.written > self.cap:
            raise _TooLarge()
        return self.raw.write(chunk)

    def flush(self) -> None:
        self.raw.flush()


class _Progress:
    """The progress display pooch's HTTPDownloader drives.

    A tqdm bar when tqdm is installed, else one line per file on stderr.
    """

    def __init__(self, label: str, expected: int | None):
        self.label, self.n, self._total = label, 0, expected
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(
                total=expected, desc=label, unit="B", unit_scale=True, leave=True, file=sys.stderr
            )

    @property
    def total(self):
        return self._total

    @total.setter
    def total(self, value):
        if value:
            self._total = value
            if self.bar is not None:
                self.bar.total = value
                self.bar.refresh()

    def update(self, n: int) -> None:
        self.n += n
        if self.bar is not None:
            self.bar.update(n)

    def reset(self) -> None:
        self.n = 0
        if self.bar is not None:
            self.bar.reset(total=self._total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            print(f"  {self.label}: {_human(self._total or self.n)}", file=sys.stderr)


@dataclass
class _Source:
    location: str  # http(s) base URL ending in "/", or a local directory
    is_local: bool

    def where(self, rel: str) -> str:
        if self.is_local:
            return str(Path(self.location, rel))
        return self.location + quote(rel)


@dataclass
class _Fetcher:
    source: _Source
    timeout: float
    retries: int
    progress: bool
    version: str
    cache: Path

    def __call__(self, rel: str, dest: Path, cap: int, show: bool = True) -> None:
        """Fetch ``rel`` from the mirror into ``dest``, refusing more than ``cap`` bytes."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        where = self.source.where(rel)
        try:
            if self.source.is_local:
                self._copy(Path(where), dest, cap, rel, show)
            else:
                self._http(where, dest, cap, rel, show)
        except _TooLarge:
            dest.unlink(missing_ok=True)
            raise errors.DownloadError(
                f"{rel} from {where} is larger than the {cap} bytes the release pins for it; "
                "the download was stopped and deleted, nothing was cached. The mirror serves a "
                "different file than this release (tampered or out of date)."
            ) from None

    def _copy(self, path: Path, dest: Path, cap: int, rel: str, show: bool) -> None:
        if not path.is_file():
            raise errors.DownloadError(
                f"the mirror folder {self.source.location} has no {rel}. It should be a copy of "
                f"dist/ holding index.json and {self.version}/ with every file its "
                "datapackage.json lists."
            )
        with open(path, "rb") as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, _CappedWriter(out, cap))
        if show and self.progress:
            print(f"  {rel}: {_human(dest.stat().st_size)}", file=sys.stderr)

    def _http(self, url: str, dest: Path, cap: int, rel: str, show: bool) -> None:
        import pooch
        import requests

        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            bar = _Progress(rel, cap) if (show and self.progress) else False
            downloader = pooch.HTTPDownloader(
                progressbar=bar, timeout=self.timeout, chunk_size=65536
            )
            try:
                with open(dest, "wb") as out:
                    downloader(url, _CappedWriter(out, cap), None)
                return
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status in _TRANSIENT_STATUS and attempt < attempts:
                    _sleep(attempt)
                    continue
                raise errors.DownloadError(
                    self._http_message(url, rel, status, exc, attempt)
                ) from exc
            except requests.exceptions.SSLError as exc:
                raise errors.DownloadError(
                    f"the TLS connection to {url} failed ({exc}); check the mirror's certificate "
                    "or use another mirror. Nothing was cached."
                ) from exc
            except requests.RequestException as exc:
                if attempt < attempts:
                    _sleep(attempt)
                    continue
                raise self._transfer_error(url, rel, exc, attempts) from exc
            finally:
                if bar is not False and bar.bar is not None:
                    bar.bar.close()

    def _http_message(self, url: str, rel: str, status: int, exc: Exception, attempts: int) -> str:
        if status == 404:
            return (
                f"{url} answered 404 Not Found: the mirror has no {rel}. Check that base_url / "
                f"{URL_ENV} points at a copy of dist/ (it holds index.json and "
                f"{self.version}/datapackage.json). Nothing was cached."
            )
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        phrase = getattr(getattr(exc, "response", None), "reason", "") or ""
        return (
            f"{url} answered HTTP {status} {phrase}{tried} while fetching {rel}; try again later "
            "or use another mirror. Nothing was cached."
        )

    def _transfer_error(
        self, url: str, rel: str, exc: Exception, attempts: int
    ) -> errors.DownloadError:
        import requests

        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if _unreachable(exc):
            host = urlsplit(url).netloc
            return errors.OfflineError(
                _offline_message(
                    self.version,
                    self.cache,
                    f"could not connect to {host} ({tries}: {_reason(exc)})",
                )
            )
        if isinstance(exc, requests.Timeout) or _caused_by(exc, "ReadTimeoutError"):
            return errors.DownloadError(
                f"{url} did not answer within {self.timeout:g} s ({tries}) while fetching {rel}. "
                f"The server is stalled or overloaded: try again later, raise the timeout "
                f"(timeout= or {TIMEOUT_ENV}), or use another mirror. Nothing was cached."
            )
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return errors.DownloadError(
                f"the transfer of {rel} from {url} was cut short ({tries}: {_reason(exc)}): the "
                "connection dropped before the announced length arrived. Try again later or use "
                "another mirror. Nothing was cached."
            )
        return errors.DownloadError(
            f"fetching {rel} from {url} failed ({tries}: {_reason(exc)}). Try again later or use "
            "another mirror. Nothing was cached."
        )


def _mirror_pin(fetch: _Fetcher, version: str, dest: Path) -> str:
    """The descriptor sha256 that the mirror's own index pins (for versions not bundled)."""
    fetch("index.json", dest, METADATA_CAP, show=False)
    where = fetch.source.where("index.json")
    try:
        index = json.loads(dest.read_bytes())
        listed = index["versions"]
        if not isinstance(listed, dict):
            raise TypeError("versions is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise errors.DownloadError(
            f"{where} is not a release index ({exc}); base_url / {URL_ENV} must point at a copy of "
            "dist/, the folder that holds index.json"
        ) from exc
    entry = listed.get(version)
    if not isinstance(entry, dict):
        known = ", ".join(sorted(listed, key=version_key)) or "none"
        raise errors.UsageError(
            f"release {version} is not in the index at {where}; it lists: {known}"
        )
    try:
        return _sha256_of(entry.get("descriptor_sha256"), f"{version}/datapackage.json in {where}")
    except errors.DownloadError as exc:
        raise errors.DownloadError(f"{where}: {exc}") from None


def _fetch_release(fetch: _Fetcher, version: str, pin: str, staged: Path) -> None:
    """Fetch and verify the descriptor, then every file it lists, into ``staged``."""
    descriptor_path = staged / "datapackage.json"
    fetch(f"{version}/datapackage.json", descriptor_path, METADATA_CAP, show=False)
    _check(fetch, "datapackage.json", descriptor_path, pin, None, "the release index")
    try:
        descriptor = json.loads(descriptor_path.read_bytes())
    except ValueError as exc:  # cannot happen for a pinned descriptor unless the index pins junk
        raise errors.DownloadError(f"{version}/datapackage.json is not valid JSON ({exc})") from exc
    for entry in _entries(descriptor):
        dest = staged / entry.path
        fetch(f"{version}/{entry.path}", dest, entry.size)
        _check(fetch, entry.path, dest, entry.sha256, entry.size, "the release's datapackage.json")


def _check(
    fetch: _Fetcher, rel: str, path: Path, sha: str, size: int | None, pinned_by: str
) -> None:
    actual_size = path.stat().st_size
    actual = _sha256(path)
    if actual == sha and (size is None or actual_size == size):
        return
    where = fetch.source.where(f"{fetch.version}/{rel}")
    expected = f"sha256 {sha}" + (f" ({size} bytes)" if size is not None else "")
    path.unlink(missing_ok=True)
    raise errors.DownloadError(
        f"{rel} of release {fetch.version} from {where} does not match {pinned_by}: expected "
        f"{expected}, got sha256 {actual} ({actual_size} bytes). The download was deleted and "
        "nothing was cached. Likely causes: a corrupted transfer (try again), a tampered or "
        "out-of-date mirror (check base_url / NATO_CORPUS_URL), or an outdated index in this "
        "installation (upgrade nato-corpus)."
    )


def _install(staged: Path, target: Path, pin: str, work: Path) -> Path:
    """Move a verified release into the cache, replacing a copy that no longer verifies."""
    try:
        staged.rename(target)
        return target
    except OSError:
        if not target.exists():
            raise
    if verify_release(target, descriptor_sha256=pin) is None:  # another process got there first
        return target
    target.rename(work / "stale")
    staged.rename(target)
    return target


# --- settings and small helpers ---------------------------------------------------


def _source(base_url: str | os.PathLike[str] | None) -> _Source | None:
    """The mirror from ``base_url`` or ``NATO_CORPUS_URL``: an http(s) URL or a local folder."""
    origin = "base_url"
    if base_url is None:
        base_url, origin = os.environ.get(URL_ENV) or None, URL_ENV
        if base_url is None:
            return None
    if isinstance(base_url, os.PathLike):
        return _local_source(Path(base_url), origin)
    text = str(base_url).strip()
    scheme = _SCHEME.match(text)
    is_drive = scheme is not None and len(scheme.group(1)) == 1  # C:\ on Windows
    if scheme and not is_drive:
        name = scheme.group(1).lower()
        parts = urlsplit(text)
        if name in ("http", "https") and parts.netloc:
            return _Source(text.rstrip("/") + "/", is_local=False)
        raise errors.UsageError(
            f"{origin} {text!r} is not supported: use an http:// or https:// URL, or the path of "
            "a local folder holding a copy of dist/ (a plain path, not a file:// URL)"
        )
    return _local_source(Path(text), origin)


def _local_source(path: Path, origin: str) -> _Source:
    path = path.expanduser()
    if not path.is_dir():
        raise errors.UsageError(
            f"{origin} {str(path)!r} is not an existing folder: pass an http(s) URL or a local "
            "copy of dist/ (a folder holding index.json and <version>/datapackage.json)"
        )
    return _Source(str(path.resolve()), is_local=True)


def _bundled_release(version: str) -> Path | None:
    """The folder of ``version`` shipped with this package (or this checkout's dist/), if any."""
    from .loading import _bundled_root

    root = _bundled_root()
    if root is None or not (root / version / "datapackage.json").is_file():
        return None
    return root / version


def _bundled_pin(version: str) -> str | None:
    """The descriptor sha256 pinned for ``version`` by the index shipped with this package."""
    from .loading import _bundled_index

    entry = _bundled_index().get("versions", {}).get(version)
    if not isinstance(entry, dict):
        return None
    return _sha256_of(
        entry.get("descriptor_sha256"), f"{version}/datapackage.json in the bundled index"
    )


def _offline_message(version: str, cache: Path, why: str) -> str:
    return (
        f"release {version} is not cached and cannot be fetched here: {why}. On a connected "
        f"machine run `nato-corpus download {version} --to DIR`, copy DIR to this machine and "
        f"set {URL_ENV}=DIR, or copy DIR/{version} to {cache / version}."
    )


def _check_version(version: object) -> str:
    if not isinstance(version, str) or not _VERSION.match(version):
        raise errors.UsageError(
            f"{version!r} is not a release version; pass one like '0.1.0' "
            "(see nato_corpus.versions())"
        )
    return version


def _timeout(timeout: float | None) -> float:
    value: object = (
        timeout if timeout is not None else os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT
    )
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds > 0:
        raise errors.UsageError(
            f"timeout must be a positive number of seconds, got {value!r} ({TIMEOUT_ENV})"
        )
    return seconds


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _sleep(attempt: int) -> None:
    time.sleep(min(BACKOFF * 2 ** (attempt - 1), 8.0))


def _unreachable(exc: BaseException) -> bool:
    """Whether a requests error means the host could not be reached at all."""
    return _caused_by(
        exc, "NewConnectionError", "NameResolutionError", "ConnectTimeoutError", "ProxyError"
    )


def _caused_by(exc: BaseException, *names: str) -> bool:
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if any(cls.__name__ in names for cls in type(item).__mro__):
            return True
        if isinstance(item, BaseException):
            todo.extend(
                [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
            )
    return False


def _reason(exc: BaseException) -> str:
    """The innermost readable cause of a requests error, e.g. "[Errno 111] Connection refused"."""
    item: BaseException = exc
    for _ in range(6):
        inner = getattr(item, "reason", None)
        if (
            not isinstance(inner, BaseException)
            and item.args
            and isinstance(item.args[0], BaseException)
        ):
            inner = item.args[0]
        if not isinstance(inner, BaseException):
            break
        item = inner
    text = item.args[0] if item.args and isinstance(item.args[0], str) else str(item)
    return text if len(text) < 300 else text[:297] + "..."


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
