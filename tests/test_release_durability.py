"""A release's bytes are on disk before its name appears, by one file-system flush or file by file."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.release import build as build_module

FILES = {"datapackage.json": b"{}\n", "data/a.parquet": b"PAR1", "site/quotes/x.html": b"<p>x</p>\n"}


def _written(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _fake_syncfs(dist: Path, calls: list, error: int = 0):
    """A syncfs that records what was written when it ran, and fails with ``error`` if given."""

    def syncfs(descriptor):
        (tmp,) = [p for p in dist.iterdir() if p.name.startswith(".tmp-")]
        calls.append((_written(tmp), (dist / "1.0.0").exists()))
        if error:
            ctypes.set_errno(error)
            return -1
        return 0

    return syncfs


def test_the_file_system_is_flushed_once_after_every_file_and_before_the_rename(tmp_path, monkeypatch):
    """With syncfs: every file written, one flush, then the release appears with the same bytes."""
    calls: list = []
    monkeypatch.setattr(build_module, "_syncfs", lambda: _fake_syncfs(tmp_path, calls))
    build_module._write_release(tmp_path, "1.0.0", FILES)
    assert calls == [(dict(sorted(FILES.items())), False)]
    assert _written(tmp_path / "1.0.0") == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.0.0"]


@pytest.mark.parametrize("syncfs", ["absent", "ENOSYS"])
def test_without_syncfs_each_file_is_flushed_before_the_rename(tmp_path, monkeypatch, syncfs):
    """No syncfs (another system, or a kernel without it): each file is fsynced, then renamed."""
    calls: list = []
    fake = None if syncfs == "absent" else _fake_syncfs(tmp_path, calls, errno.ENOSYS)
    monkeypatch.setattr(build_module, "_syncfs", lambda: fake)
    flushed: list = []
    real_fsync = os.fsync

    def fsync(descriptor):
        flushed.append((tmp_path / "1.0.0").exists())
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    build_module._write_release(tmp_path, "1.0.0", FILES)
    assert _written(tmp_path / "1.0.0") == FILES
    # a flush per file and per folder before the rename, then one of dist/ for the rename
    assert flushed[:-1] == [False] * (len(FILES) + 4) and flushed[-1] is True
    assert len(calls) == (syncfs == "ENOSYS")


def test_a_failed_flush_leaves_no_release_and_no_temporary_folder(tmp_path, monkeypatch):
    """syncfs reporting an I/O error: the error is raised, nothing named 1.0.0, no leftovers."""
    monkeypatch.setattr(build_module, "_syncfs", lambda: _fake_syncfs(tmp_path, [], errno.EIO))
    with pytest.raises(OSError) as raised:
        build_module._write_release(tmp_path, "1.0.0", FILES)
    assert raised.value.errno == errno.EIO
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(build_module._syncfs() is None, reason="this system has no syncfs")
def test_the_real_syncfs_writes_the_release(tmp_path):
    """Where the system has syncfs, the real call succeeds and the release holds every file."""
    build_module._write_release(tmp_path, "1.0.0", FILES)
    assert _written(tmp_path / "1.0.0") == FILES


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "site", "a.b", "-", "x y"]), min_size=1, max_size=4), max_size=6))
def test_the_folders_of_a_release_are_every_parent_of_its_files(parts):
    """The folders made for a release are exactly the parents of its files' paths, each after its own parent."""
    names = ["/".join(p) for p in parts]
    expected = {str(parent) for name in names for parent in Path(name).parents} - {"."}
    found = build_module._folders(names)
    assert found == expected
    ordered = sorted(found)
    assert all(ordered.index(f.rpartition("/")[0]) < ordered.index(f) for f in ordered if "/" in f)
