"""The validation cache holds data, never code, and is not used from a folder others can write."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

import pytest

from nato_corpus.curation import cache as _cache
from nato_corpus.curation import schema
from nato_corpus.curation import validate as validation
from nato_corpus.curation.validate import check_raw

QUOTES = "quotes/sample.yaml"


def _report(root: Path, cache_dir: Path | None = None) -> dict:
    report = check_raw(root, cache_dir=cache_dir).report.to_dict()
    report.pop("source")
    return report


def _break_a_date(root: Path) -> None:
    path = root / QUOTES
    path.write_text(path.read_text(encoding="utf-8").replace("date: 1994-11-28", "date: 28.11.1994"), encoding="utf-8")


def _plant(cache_dir: Path, root: Path, kind: str, payload: bytes) -> Path:
    """Write ``payload`` where the current cache looks for ``root/QUOTES``, with a valid header and checksum."""
    store = _cache.Cache(cache_dir, validation.fingerprint())
    digest = hashlib.sha256((root / QUOTES).read_bytes()).hexdigest()
    path = store._path(digest, kind)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    header = _cache.MAGIC + store._key(digest, kind) + b"\n"
    path.write_bytes(header + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)
    return path


class _Explode:
    """Unpickling this writes a marker file: the proof that a cache ran code."""

    marker: str = ""

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "code ran"))


def test_a_planted_pickle_runs_nothing_and_hides_nothing(base_raw, tmp_path):
    """A pickle in the cache, under the current key, is never unpickled: no code runs, problems are found."""
    _break_a_date(base_raw)
    marker = tmp_path / "pwned"
    _Explode.marker = str(marker)
    cache = tmp_path / "cache"
    _plant(cache, base_raw, "quote", pickle.dumps(_Explode()))
    report = _report(base_raw, cache)
    assert not marker.exists()
    assert "invalid-date" in {p["code"] for p in report["problems"]}
    assert report == _report(base_raw)


def test_a_planted_clean_entry_for_a_broken_file_is_revalidated(base_raw, tmp_path):
    """A JSON entry under the current key that lists a broken record as valid is a miss."""
    _break_a_date(base_raw)
    lie = schema.check_file("quote", (base_raw / QUOTES).read_bytes(), QUOTES, "0" * 64)
    assert lie.problems and not lie.valid
    plain = {
        "problems": [],
        "valid": [[data, 1, 3, i] for i, (data, *_) in enumerate(lie.invalid)],
        "invalid": [],
        "bounds": {},
    }
    cache = tmp_path / "cache"
    _plant(cache, base_raw, "quote", json.dumps(plain).encode())
    report = _report(base_raw, cache)
    assert "invalid-date" in {p["code"] for p in report["problems"]}
    assert report == _report(base_raw)


@pytest.mark.parametrize(
    "plain",
    [
        [],
        {"problems": [], "valid": [], "invalid": []},
        {"problems": [{"code": "no-such-rule"}], "valid": [], "invalid": [], "bounds": {}},
        {"problems": [], "valid": [["x", "1", 2, 0]], "invalid": [], "bounds": {}},
        {"problems": [], "valid": [], "invalid": [], "bounds": {"1994": ["1995-01-01", "1994-01-01"]}},
    ],
    ids=["a-list", "missing-part", "unknown-rule", "position-as-text", "bounds-backwards"],
)
def test_an_unexpected_json_entry_is_a_miss(base_raw, tmp_path, plain):
    """An entry of the wrong shape is a miss: the file is read and validated again."""
    _break_a_date(base_raw)
    cache = tmp_path / "cache"
    _plant(cache, base_raw, "quote", json.dumps(plain).encode())
    assert _report(base_raw, cache) == _report(base_raw)


def test_a_symlinked_entry_is_not_followed(base_raw, tmp_path):
    """An entry that is a symbolic link (to a clean result elsewhere) is a miss."""
    cache = tmp_path / "cache"
    check_raw(base_raw, cache_dir=cache)
    clean = next(p for p in cache.rglob("*.quote"))
    _break_a_date(base_raw)
    digest = hashlib.sha256((base_raw / QUOTES).read_bytes()).hexdigest()
    link = _cache.Cache(cache, validation.fingerprint())._path(digest, "quote")
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(clean)
    assert "invalid-date" in {p["code"] for p in _report(base_raw, cache)["problems"]}


def test_a_folder_others_can_write_is_not_used(base_raw, tmp_path, capsys):
    """A world-writable cache folder is neither read nor written, and a one-line warning says why."""
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    assert _report(base_raw, cache) == _report(base_raw)
    assert not any(cache.iterdir())
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "not using the validation cache" in lines[0] and "other users can write it" in lines[0]


def test_a_group_writable_fingerprint_folder_is_not_used(base_raw, tmp_path, capsys):
    """A folder inside the cache that others can write (made by an older version) is not used."""
    cache = tmp_path / "cache"
    check_raw(base_raw, cache_dir=cache)
    inner = cache / validation.fingerprint()[:16]
    inner.chmod(0o775)
    _break_a_date(base_raw)
    assert "invalid-date" in {p["code"] for p in _report(base_raw, cache)["problems"]}
    assert "other users can write it (mode 775)" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_folder_owned_by_another_user_is_not_used(base_raw, tmp_path, capsys):
    """A cache folder that belongs to someone else is not used, and the warning says so."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)
    assert _report(base_raw, cache) == _report(base_raw)
    assert not any(cache.iterdir())
    assert "belongs to another user" in capsys.readouterr().err


def test_the_cache_folder_is_made_private(base_raw, tmp_path):
    """Folders the cache makes are readable and writable by their user only."""
    cache = tmp_path / "cache"
    check_raw(base_raw, cache_dir=cache)
    folders = [cache, *(p for p in cache.rglob("*") if p.is_dir())]
    assert all(p.stat().st_mode & 0o077 == 0 for p in folders)


def test_a_full_disk_does_not_fail_validation(base_raw, tmp_path, monkeypatch):
    """A cache that cannot be written (no space left) is skipped, never an error."""

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_cache.tempfile, "mkstemp", full)
    cache = tmp_path / "cache"
    assert _report(base_raw, cache) == _report(base_raw)
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_a_read_only_cache_does_not_fail_validation(base_raw, tmp_path, monkeypatch):
    """A cache folder that refuses writes (a read-only mount) is skipped, never an error."""

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert _report(base_raw, tmp_path / "cache") == _report(base_raw)
