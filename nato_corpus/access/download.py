"""Verified downloads of released data packages into a per-version cache.

A mirror is any copy of ``dist/``: an http(s) URL or a local directory holding
``index.json`` and ``<version>/datapackage.json`` with the files it lists. pooch fetches
over HTTP (timeouts, streaming, progress bars); this module decides what to trust:

* The descriptor (``datapackage.json``) must match the sha256 pinned for its version in
  the release index. The index bundled with the installed package is trusted first: it
  arrived with the package itself, so a mirror cannot change the pin of a version this
  package knows. A version the installed package does not pin is refused unless the
  caller opts in (``trust_mirror=True``, ``--trust-mirror``): then the mirror's own
  ``index.json`` pins it, which protects against corrupted transfers but not against a
  mirror that rewrites both index and files; upgrading nato-corpus pins newer releases.
* Every table and file must match the sha256 and byte count in the descriptor; a file
  larger than its pinned size is cut off and refused while it streams.
* Files go to a temporary directory inside the cache and the release is moved to
  ``<cache>/<version>/`` only when every file verifies; a failure deletes them all, and
  the next call removes what a killed download left (its process gone, or older than the
  deadline).
* Each read waits at most the timeout, and the whole download at most the deadline.

Environment variables: ``NATO_CORPUS_CACHE`` (cache directory), ``NATO_CORPUS_URL``
(mirror), ``NATO_CORPUS_OFFLINE=1`` (never touch the network), ``NATO_CORPUS_TIMEOUT``
(seconds to wait for a server, default 30), ``NATO_CORPUS_DEADLINE`` (seconds a whole
download may take, default 600).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from .. import errors
from ..release import layout
from . import bundled, settings, verified
from .fetch import URL_ENV, Fetcher, offline_message
from .settings import DEADLINE_ENV, DEFAULT_DEADLINE, DEFAULT_RETRIES, DEFAULT_TIMEOUT, TIMEOUT_ENV  # noqa: F401 - public settings, documented here
from .staging import STAGING, remove_stale_staging
from .verified import CACHE_ENV, cache_root  # noqa: F401 - public: the cache folder and its setting

OFFLINE_ENV = "NATO_CORPUS_OFFLINE"

METADATA_CAP = layout.METADATA_CAP
"""Size cap for index.json and datapackage.json, whose sizes nothing pins."""


# --- public -------------------------------------------------------------------------


def download(
    version: str,
    *,
    base_url: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = False,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    deadline: float | None = None,
    trust_mirror: bool = False,
) -> Path:
    """Return the path of a verified local copy of release ``version``, fetching it if needed.

    A cached copy that still verifies is returned without touching the network. Otherwise
    the release is fetched from ``base_url`` (or ``NATO_CORPUS_URL``): an http(s) URL or a
    local directory laid out like ``dist/``. ``cache_dir`` (or ``NATO_CORPUS_CACHE``)
    overrides the cache, by default the platform's cache folder for "nato-corpus".
    ``progress=True`` shows a progress bar per file on stderr (a line per file when tqdm
    is not installed). ``timeout`` is in seconds (each connection and each read, default
    ``NATO_CORPUS_TIMEOUT`` or 30); ``deadline`` bounds the whole download in seconds
    (default ``NATO_CORPUS_DEADLINE`` or 600); ``retries`` bounds the extra attempts after
    transient failures, with back-off.

    Only versions pinned by the installed package's own release index are fetched.
    ``trust_mirror=True`` also fetches a version it does not know, pinned by the mirror's
    index alone: the mirror can then serve anything it likes under that version.

    Raises UsageError for a bad version, URL or unknown release; DownloadError when a file
    cannot be fetched or does not verify (nothing is cached); OfflineError when the release
    is not cached and the mirror cannot be reached.

    Example::

        >>> from nato_corpus.downloads import download
        >>> path = download("0.1.0", base_url="https://mirror.example.org/nato-corpus/")
        >>> sorted(p.name for p in path.iterdir())  # doctest: +SKIP
        ['README.md', 'data', 'datapackage.json', 'timeline.svg']
    """
    version = check_version(version)
    cache = cache_root(cache_dir)
    if cache.exists() and not cache.is_dir():
        settings.make_cache(cache)  # says why a file cannot be the cache, even when nothing is fetched
    offline = settings.env_flag(OFFLINE_ENV)
    target = cache / version
    pin = bundled.pin(version)

    cache_problem = None
    if (target / layout.DESCRIPTOR).is_file():
        if verified.still_verified(target, pin):
            return target
        cache_problem = layout.verify_folder(target, descriptor_sha256=pin, version=version)
        if cache_problem is None:
            verified.mark(target)
            return target

    source = None if offline else settings.source(base_url)
    if source is None:
        if cache_problem is not None:
            raise errors.DownloadError(
                f"the cached copy of release {version} in {target} does not verify: "
                f"{cache_problem}. Delete that folder and download it again "
                f"(`nato-corpus download {version}` with NATO_CORPUS_URL set)."
            )
        shipped = bundled.release(version)
        if shipped is not None:  # shipped inside the package: a verified local copy already
            problem = layout.verify_folder(shipped, descriptor_sha256=pin, version=version)
            if problem is None:
                return shipped
            raise errors.DownloadError(
                f"the copy of release {version} bundled in {shipped} does not verify: {problem}. "
                "Reinstall nato-corpus (pip install --force-reinstall nato-corpus)."
            )
        if offline:
            raise errors.OfflineError(offline_message(version, cache, f"{OFFLINE_ENV} is set"))
        raise errors.UsageError(
            f"release {version} is not in the download cache, and no mirror is configured: pass "
            f"base_url= (an http(s) URL or a local copy of dist/) or set {URL_ENV}. There is "
            "no public download URL yet."
        )

    if pin is None and not trust_mirror:
        known = ", ".join(sorted(bundled.index()["versions"], key=layout.version_key)) or "none"
        raise errors.UsageError(
            f"release {version} is not pinned by this installation of nato-corpus (it pins: {known}), "
            "so nothing but the mirror would vouch for its files: a mirror that rewrites both its "
            "index and the release would go unnoticed. Upgrade nato-corpus to get its pin, or accept "
            f"that risk explicitly: download({version!r}, trust_mirror=True) or `nato-corpus download "
            f"{version} --trust-mirror`, after which load() reads it from the cache."
        )
    allowed = settings.seconds(deadline, DEADLINE_ENV, DEFAULT_DEADLINE, "deadline")
    fetch = Fetcher(
        source=source,
        timeout=settings.timeout(timeout),
        retries=settings.retries(retries),
        progress=progress,
        version=version,
        cache=cache,
        deadline=time.monotonic() + allowed,
        allowed=allowed,
    )
    settings.make_cache(cache)
    remove_stale_staging(cache, allowed)
    work = Path(tempfile.mkdtemp(prefix=f"{STAGING}{version}-{os.getpid()}-", dir=cache))
    try:
        if pin is None:
            pin = _mirror_pin(fetch, version, work / "index.json")
        staged = work / version
        signature, resources = _fetch_release(fetch, version, pin, staged)
        if _install(staged, target, pin, work):
            verified.record(target, signature, resources)  # the files as they were written and verified
        else:
            verified.mark(target)
        return target
    finally:
        fetch.close()
        shutil.rmtree(work, ignore_errors=True)


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
        if not p.name.startswith(".") and layout.is_version(p.name) and (p / layout.DESCRIPTOR).is_file()
    ]


def verify_release(release_dir: str | os.PathLike[str], *, descriptor_sha256: str | None = None) -> str | None:
    """Check a local release folder byte for byte; return None if it verifies, else what is wrong.

    Every file the descriptor lists must be a regular file inside the folder with its
    sha256 and byte count; the descriptor itself must match ``descriptor_sha256`` when
    one is given.

    Example::

        >>> from nato_corpus.access.download import verify_release
        >>> verify_release("dist/1.0.0") is None  # doctest: +SKIP
        True
    """
    return layout.verify_folder(release_dir, descriptor_sha256=descriptor_sha256)


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
    try:
        descriptor, descriptor_sha256 = layout.read_descriptor(src)
        pinned = layout.entries(descriptor)
    except layout.FormatError as exc:
        raise errors.UsageError(f"{src} is not a complete release, so it was not copied: {exc}") from None
    version = check_version(descriptor.get("version"))
    dest_root = Path(to)
    if dest_root.exists() and not dest_root.is_dir():
        raise errors.UsageError(f"{dest_root} is not a folder; choose a folder for --to")
    dest = dest_root / version
    try:
        index = layout.read_index(dest_root)
    except (OSError, layout.FormatError) as exc:
        raise errors.UsageError(
            f"{dest_root / layout.INDEX} cannot be used ({exc}); choose an empty folder for --to"
        ) from None
    if dest.exists():
        problem = layout.verify_folder(dest, descriptor_sha256=descriptor_sha256, version=version)
        if problem is not None:
            raise errors.UsageError(
                f"{dest} already exists and differs from release {version} ({problem}); "
                "remove it or choose another folder"
            )
    else:
        dest_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=dest_root))
        try:
            for rel in [layout.DESCRIPTOR, *(e.path for e in pinned)]:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / rel, staging / rel)
            staging.rename(dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    layout.write_index(dest_root, layout.with_version(index, version, descriptor_sha256))
    return dest


def _mirror_pin(fetch: Fetcher, version: str, dest: Path) -> str:
    """The descriptor sha256 that the mirror's own index pins (for versions not bundled)."""
    fetch(layout.INDEX, dest, METADATA_CAP, show=False)
    where = fetch.source.where(layout.INDEX)
    try:
        index = layout.parse_index(dest.read_bytes(), where)
    except layout.FormatError as exc:
        raise errors.DownloadError(
            f"{where} is not a release index ({exc}); base_url / {URL_ENV} must point at a copy of "
            "dist/, the folder that holds index.json"
        ) from None
    pinned = layout.pin(index, version)
    if pinned is None:
        known = ", ".join(sorted(index["versions"], key=layout.version_key)) or "none"
        raise errors.UsageError(f"release {version} is not in the index at {where}; it lists: {known}")
    return pinned


def _fetch_release(fetch: Fetcher, version: str, pin: str, staged: Path) -> tuple[dict, list]:
    """Fetch and verify the descriptor, then every file it lists, into ``staged``; return the
    release's signature (see ``verified.signature``) as the files were written, and the
    descriptor's resources."""
    descriptor_path = staged / layout.DESCRIPTOR
    digest = fetch(f"{version}/{layout.DESCRIPTOR}", descriptor_path, METADATA_CAP, show=False)
    files = {
        layout.DESCRIPTOR: _check(fetch, layout.DESCRIPTOR, descriptor_path, pin, None, "the release index", digest)
    }
    try:
        descriptor = layout.read_descriptor(staged)[0]
        pinned = layout.entries(descriptor)
    except layout.FormatError as exc:
        raise errors.DownloadError(f"{version}/{layout.DESCRIPTOR} cannot be used: {exc}") from None
    if descriptor.get("version") != version:
        raise errors.DownloadError(
            f"{fetch.source.where(f'{version}/{layout.DESCRIPTOR}')} declares version "
            f"{descriptor.get('version')!r}, not {version}: the mirror serves another release under "
            "this version's name. Nothing was cached."
        )
    for number, entry in enumerate(pinned, 1):
        dest = staged / entry.path
        then = f"{version}/{pinned[number].path}" if number < len(pinned) else None
        digest = fetch(f"{version}/{entry.path}", dest, entry.size, then=then)
        files[entry.path] = _check(
            fetch, entry.path, dest, entry.sha256, entry.size, "the release's datapackage.json", digest
        )
    return {"descriptor_sha256": pin, "files": files}, descriptor.get("resources") or []


def _check(fetch: Fetcher, rel: str, path: Path, sha: str, size: int | None, pinned_by: str, actual: str) -> list[int]:
    """Refuse a fetched file whose sha256 (``actual``, computed as it was written) or size differs;
    return its size and modification time (ns) as it verified."""
    found = os.stat(path)
    actual_size = found.st_size
    if actual == sha and (size is None or actual_size == size):
        return [actual_size, found.st_mtime_ns]
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


def _install(staged: Path, target: Path, pin: str, work: Path) -> bool:
    """Move a verified release into the cache, replacing a copy that no longer verifies.

    True when ``target`` now holds the staged files; False when another process got there
    first with a copy that verifies (kept as it is).
    """
    try:
        staged.rename(target)
        return True
    except OSError:
        if not target.exists():
            raise
    if layout.verify_folder(target, descriptor_sha256=pin) is None:  # another process got there first
        return False
    target.rename(work / "stale")
    staged.rename(target)
    return True


# --- settings and small helpers ---------------------------------------------------


def check_version(version: object) -> str:
    if not layout.is_version(version):
        raise errors.UsageError(
            f"{version!r} is not a release version; pass one like '0.1.0' (see nato_corpus.versions())"
        )
    return version
