"""Build: publish the version raw/ declares as an immutable release, or check it reproduces.

- Reproducible: the same raw/ gives the same bytes (see ``package``).
- Immutable: a version in dist/ (or pinned in the index) is never overwritten; building
  it with different content raises ``ReleaseExists``.
- Atomic: files are written to ``dist/.tmp-<version>-<pid>-<token>/`` and renamed into
  place; the index is replaced in one step. A killed build leaves only a temporary
  directory, which the next build removes.
- Contained: it writes inside dist/, plus the CHANGELOG.md and CITATION.cff it owns
  (see ``project``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import re
import secrets
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import errors
from . import layout, notes, project
from .layout import DESCRIPTOR, INDEX
from .package import render_release

_TMP = re.compile(r"^\.tmp-.+-(\d+)-[0-9a-f]+$")


# =========================================================================== build


@dataclass
class BuildResult:
    """What ``build`` did: the version, its folder, and the outcome."""

    version: str
    path: Path
    #: "built" (new release), "unchanged" (already released, identical) or "checked" (check=True)
    status: Literal["built", "unchanged", "checked"]
    #: with check=True: the release's files that differ from a fresh build (empty: identical)
    differences: list[str] = field(default_factory=list)
    #: why files may differ when nothing in raw/ changed (another Parquet writer), or None
    note: str | None = None
    #: top-level CHANGELOG.md / CITATION.cff left alone because a person wrote them
    left_alone: list[Path] = field(default_factory=list)


def build(
    raw_dir: str | os.PathLike = "raw", dist_dir: str | os.PathLike = "dist", *, check: bool = False
) -> BuildResult:
    """Validate raw/ and publish its version as ``dist/<version>/``; return what happened.

    Refuses (``ValidationFailed``) when raw/ has errors. When the version is already
    released: identical content gives status "unchanged"; different content raises
    ``ReleaseExists``. With ``check=True`` nothing is written: the release is built
    in memory and compared file by file with ``dist/<version>/``.

    Also writes ``CITATION.cff`` and ``CHANGELOG.md`` (see ``project``); ones a person
    wrote are left alone and listed in ``left_alone``.

    >>> build("raw", "dist").status  # doctest: +SKIP
    'unchanged'
    """
    from ..curation.validate import check_raw

    if Path(dist_dir).exists() and not Path(dist_dir).is_dir():
        raise errors.UsageError(
            f"{dist_dir} is not a folder; pass the folder releases are written in (--dist), such as dist"
        )
    checked = check_raw(raw_dir)
    if not checked.report.ok or checked.corpus is None:
        raise errors.ValidationFailed(checked.report)
    dist = Path(dist_dir)
    version = checked.corpus.version
    target = dist / version
    if dist.is_dir():
        remove_stale(dist)
    staging, made = None, not dist.exists()
    try:
        try:
            if not target.exists():  # a new version: its notes must say what it changes
                notes.refuse_unchanged(raw_dir, dist, checked.corpus)
                if not check:  # its files are written while the rest are made, then published or discarded
                    dist.mkdir(parents=True, exist_ok=True)
                    staging = _Staging(dist, version)
            files = render_release(checked, dist_dir=dist, on_file=staging.add if staging else None)
        except layout.FormatError as exc:  # dist/index.json or an earlier release is not usable
            raise errors.UsageError(
                f"cannot build into {dist}: {exc}; restore it from version control or remove it"
            ) from None
        if check:
            differences = _compare(files, target)
            return BuildResult(
                version, target, "checked", differences, _writer_mismatch(target) if differences else None
            )
        status = _publish(files, staging, raw_dir, dist, version)
    except BaseException:
        if staging is not None:
            staging.discard()
            if made:  # nothing is left of a build that failed, not even the dist/ folder it made
                with contextlib.suppress(OSError):
                    dist.rmdir()
        raise
    layout.write_index(dist, layout.with_version(_index(dist), version, layout.sha256_bytes(files[DESCRIPTOR])))
    _, left = project.write_project_files(dist, _project_folder(raw_dir, dist))
    return BuildResult(version, target, status, left_alone=left)


def _publish(
    files: Mapping[str, bytes], staging: _Staging | None, raw_dir, dist: Path, version: str
) -> Literal["built", "unchanged"]:
    """Publish the rendered release (its files staged already, or not) unless it is refused."""
    target = dist / version
    if len(files[DESCRIPTOR]) > layout.METADATA_CAP:
        raise errors.UsageError(
            f"the release's {DESCRIPTOR} would weigh {len(files[DESCRIPTOR]):,} bytes, more than the "
            f"{layout.METADATA_CAP:,} that downloads and checks accept; nothing was written. A corpus this large "
            "needs its file list kept outside the descriptor, which this version of nato-corpus does not do"
        )
    descriptor_sha256 = layout.sha256_bytes(files[DESCRIPTOR])
    if target.exists():  # released before this build, or by a concurrent build meanwhile
        if staging is not None:
            staging.discard()
        _refuse_if_different(files, target, raw_dir)
        return "unchanged"
    pinned = layout.pin(_index(dist), version)
    if pinned and pinned != descriptor_sha256:
        raise errors.ReleaseExists(
            _exists_message(
                version, raw_dir, f"{INDEX} pins datapackage.json {pinned}, this build gives {descriptor_sha256}"
            )
        )
    dist.mkdir(parents=True, exist_ok=True)
    try:
        if staging is None:
            _write_release(dist, version, files)
        else:
            staging.publish()
    except OSError:
        if not target.exists():
            raise
        _refuse_if_different(files, target, raw_dir)  # a concurrent build got there first
        return "unchanged"
    return "built"


def _index(dist: Path) -> dict:
    try:
        return layout.read_index(dist)
    except (OSError, layout.FormatError) as exc:
        raise errors.NatoCorpusError(
            f"{(dist / INDEX).as_posix()} cannot be read ({exc}); restore it from git (it is never edited by hand)"
        ) from None


def _project_folder(raw_dir, dist: Path) -> Path:
    """Where CHANGELOG.md and CITATION.cff go: beside dist/ when raw/ is there too, else in dist/."""
    if Path(raw_dir).resolve().parent == dist.resolve().parent:
        return dist.parent
    return dist


def _refuse_if_different(files: Mapping[str, bytes], target: Path, raw_dir) -> None:
    differences = _compare(files, target)
    if differences:
        pinned = layout.pin(_index(target.parent), target.name)
        damage = layout.verify_folder(target, descriptor_sha256=pinned)
        if damage is not None:  # the release itself is broken: not a reason for a new version
            raise errors.ReleaseExists(
                f"{target.as_posix()} is damaged: {damage}. A release never changes: restore it "
                f"(git checkout -- {target.as_posix()}), or delete the folder and run `nato-corpus build` "
                "to rebuild it from raw/"
            )
        shown = ", ".join(differences[:5]) + (f" and {len(differences) - 5} more" if len(differences) > 5 else "")
        message = _exists_message(target.name, raw_dir, f"files differ: {shown}")
        writer = _writer_mismatch(target)
        raise errors.ReleaseExists(message + (f". If raw/ did not change: {writer}" if writer else ""))


def _writer_mismatch(target: Path) -> str | None:
    """Say so when the release's Parquet files were written by another pyarrow than this one.

    pyarrow writes its version into every Parquet footer, so a release reproduces byte
    for byte only with the pyarrow that built it (the `release` extra pins it).
    """
    import pyarrow
    import pyarrow.parquet as pq

    for path in sorted(target.glob("data/*.parquet")):
        try:
            written_by = pq.ParquetFile(path).metadata.created_by or ""
        except Exception:  # an unreadable file is reported as differing anyway
            return None
        ours = f"parquet-cpp-arrow version {pyarrow.__version__}"
        if written_by != ours:
            version = written_by.rsplit(" ", 1)[-1]
            return (
                f"{target.as_posix()} was written by pyarrow {version}, this is pyarrow {pyarrow.__version__}; "
                f"install pyarrow=={version} (pip install 'nato-corpus[release]') to reproduce it"
            )
        return None
    return None


def _exists_message(version: str, raw_dir: str | os.PathLike, detail: str) -> str:
    corpus = Path(raw_dir) / "corpus.yaml"
    return (
        f"version {version} is released with different content ({detail}); releases never change: "
        f"bump version in {corpus.as_posix()} and describe the change in `changes`"
    )


def _compare(files: Mapping[str, bytes], target: Path) -> list[str]:
    """Files of a release folder that differ from ``files``: changed, missing or extra."""
    present: set[str] = set()
    if target.is_dir():
        present = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    differ = {name for name, data in files.items() if name not in present or (target / name).read_bytes() != data}
    return sorted(differ | (present - set(files)))


#: threads flushing a release's files one by one where the file system cannot be flushed
#: at once (no syncfs): the disk serves several flushes at once far faster than one after
#: another (a 10k release has ~15,000 files)
_WRITERS = 8


def _write_file(path: Path, data: bytes | None, flush: bool = False) -> None:
    """Write ``data`` to ``path`` (None: it is written already) and, with ``flush``, flush it to disk."""
    with open(path, "wb" if data is not None else "r+b") as handle:
        if data is not None:
            handle.write(data)
        if flush:
            handle.flush()
            os.fsync(handle.fileno())


def _syncfs():
    """Linux's syncfs(fd) (flush one whole file system to disk), or None where there is none."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no "this process" library
        return None


def _flush_file_system(syncfs, folder: Path) -> bool:
    """Flush the file system that holds ``folder``: True once every byte written to it is on disk.

    False when the kernel has no syncfs after all (ENOSYS); any other error is raised.
    """
    import ctypes

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(descriptor) == 0:
            return True
        number = ctypes.get_errno()
        if number == errno.ENOSYS:
            return False
        raise OSError(number, os.strerror(number), str(folder))
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (files created or renamed in it) to disk, where the system allows it."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _Staging:
    """A release's temporary folder beside its place, filled by one writer thread.

    ``add`` queues a file and returns at once: the files are written while the rest of
    the release is made. ``publish`` waits for the last file, flushes every byte to disk
    and renames the folder into place; ``discard`` (or any error) removes the folder.
    Where the system has syncfs (Linux) the file system is flushed once; elsewhere each
    file is flushed (by _WRITERS threads) and then each folder. The rename is flushed too.
    """

    def __init__(self, dist: Path, version: str) -> None:
        self.dist, self.version = dist, version
        self.tmp = dist / f".tmp-{version}-{os.getpid()}-{secrets.token_hex(4)}"
        self.tmp.mkdir()
        self._names: list[str] = []
        self._folders: set[str] = set()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._write, name="nato-corpus-write", daemon=True)
        self._thread.start()

    def add(self, name: str, data: bytes) -> None:
        self._queue.put((name, data))

    def _write(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None or self._stop:
                continue  # drain the queue; publish() raises the error
            name, data = item
            try:
                folder = name.rpartition("/")[0]
                if folder and folder not in self._folders:
                    (self.tmp / folder).mkdir(parents=True, exist_ok=True)
                    self._folders |= _folders([name])
                _write_file(self.tmp / name, data)
                self._names.append(name)
            except BaseException as exc:  # an interrupt inside a write too: the build re-raises it
                self._error = exc

    def _join(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def publish(self) -> None:
        """Wait for every queued file, flush them to disk, then rename the folder into place."""
        try:
            self._join()
            if self._error is not None:
                raise self._error
            names = list(dict.fromkeys(self._names))
            folders = [self.tmp, *(self.tmp / folder for folder in sorted(self._folders))]
            syncfs = _syncfs()
            if syncfs is None or not _flush_file_system(syncfs, self.tmp):
                from concurrent.futures import ThreadPoolExecutor

                pool = ThreadPoolExecutor(max_workers=_WRITERS, thread_name_prefix="nato-corpus-write")
                try:
                    for _ in pool.map(lambda name: _write_file(self.tmp / name, None, flush=True), names):
                        pass  # raises the first error of any file
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)  # no thread writes once this returns
                for folder in folders:
                    _fsync_folder(folder)
            os.rename(self.tmp, self.dist / self.version)
            _fsync_folder(self.dist)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Stop writing and remove the temporary folder."""
        self._stop = True
        self._join()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _write_release(dist: Path, version: str, files: Mapping[str, bytes]) -> None:
    """Write a release to a temporary folder beside its place, then rename it into place (see _Staging).

    Every byte is on disk before the release's name appears.
    """
    staging = _Staging(dist, version)
    try:
        for name, data in files.items():
            staging.add(name, data)
    except BaseException:
        staging.discard()
        raise
    staging.publish()


def _folders(names) -> set[str]:
    """Every folder the release paths ``names`` ("site/quotes/a.html") lie in, their parents too."""
    found: set[str] = set()
    for name in names:
        folder = name.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers: this process is not writing them any more
    if os.name != "posix":
        return True  # no safe liveness probe: leave it (it is ignored, never read)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(dist_dir: str | os.PathLike = "dist") -> list[Path]:
    """Remove temporary files and folders that killed builds left in ``dist_dir``.

    A temporary name carries the pid of the build that made it; those of processes
    that are still running are left alone. Returns what was removed.
    """
    removed = []
    for path in sorted(Path(dist_dir).iterdir()):
        match = _TMP.match(path.name)
        if not match or _alive(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
