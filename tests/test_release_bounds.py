"""Release checks in bounded memory: tables refused from their metadata, pipes and devices never read."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _release_fixture import make_release

from nato_corpus.release import bounded
from nato_corpus.release.check import check_release

VERSION = "1.0.0"
QUOTES = "data/quotes.parquet"
ROWS = 5_000_000
LONG = "x" * 200  # decoded, ROWS of it would take a gigabyte


@pytest.fixture
def release(tmp_path) -> Path:
    make_release(tmp_path / "dist", VERSION)
    return tmp_path / "dist" / VERSION


def _repin(release: Path, rel: str, **extra) -> None:
    """Rewrite the descriptor so it pins the file at ``rel`` as it now is (a self-consistent forgery)."""
    path = release / "datapackage.json"
    descriptor = json.loads(path.read_text())
    data = (release / rel).read_bytes()
    for resource in descriptor["resources"]:
        if resource["path"] == rel:
            resource.update(hash=f"sha256:{hashlib.sha256(data).hexdigest()}", x_bytes=len(data), **extra)
    path.write_text(json.dumps(descriptor))


def _plant_bomb(release: Path) -> None:
    """A quotes table of millions of identical long rows, a few kilobytes on disk."""
    column = pa.DictionaryArray.from_arrays(pa.array([0] * ROWS, pa.int32()), pa.array([LONG]))
    table = pa.table({"id": column, "text": column, "words": pa.array([2] * ROWS, pa.int32())})
    pq.write_table(table, release / QUOTES, compression="zstd")
    _repin(release, QUOTES)


def _run(code: str, timeout: float = 120) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


CHECK = """
import json, resource, sys
from nato_corpus.release.check import check_release
report = check_release(sys.argv[1] if len(sys.argv) > 1 else {path!r})
print(json.dumps({{"problems": [[p.code, p.message] for p in report.problems],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def test_a_table_claiming_millions_of_rows_in_a_small_file_is_refused_unread(release):
    """A tiny Parquet file of millions of identical rows is refused from its footer, in small memory."""
    _plant_bomb(release)
    assert (release / QUOTES).stat().st_size < 500_000
    found = _run(CHECK.format(path=str(release)))
    messages = [m for code, m in found["problems"] if code == "release-table" and m.startswith("quotes:")]
    assert (
        messages and "claims 5,000,000 rows in a file of" in messages[0] and "refused without decoding" in messages[0]
    )
    assert found["peak_mb"] < 700  # decoding it would take over 1,000 MB (the rest of the check needs ~400)


def test_rows_that_differ_from_the_declared_x_rows_are_refused(release):
    """A table whose footer disagrees with the descriptor's x_rows is refused before decoding."""
    _repin(release, QUOTES, x_rows=4)
    report = check_release(release)
    assert any(
        p.code == "release-table" and "Parquet metadata says 3 rows, the descriptor's x_rows says 4" in p.message
        for p in report.problems
    )


def test_the_declared_x_rows_when_right_is_accepted(release):
    """A table whose x_rows matches its footer checks clean."""
    _repin(release, QUOTES, x_rows=3)
    assert not [p for p in check_release(release).problems if "x_rows" in p.message]


def test_decoding_stops_at_the_decoded_size_bound(release, monkeypatch):
    """A table that decodes to more than its bound is refused as soon as the bound passes."""
    monkeypatch.setattr(bounded, "MAX_DECODED", 0)
    monkeypatch.setattr(bounded, "BYTE_FLOOR", 10)
    report = check_release(release)
    assert any("decodes to more than 10 bytes" in p.message for p in report.problems if p.code == "release-table")


def test_pages_larger_than_the_file_allows_are_refused(release, monkeypatch):
    """A table whose decompressed pages exceed the bound is refused from its footer."""
    monkeypatch.setattr(bounded, "MAX_EXPANSION", 0)
    monkeypatch.setattr(bounded, "BYTE_FLOOR", 1)
    report = check_release(release)
    assert any("bytes of pages once decompressed" in p.message for p in report.problems if p.code == "release-table")


@pytest.mark.parametrize("target", [QUOTES, "datapackage.json", "README.md"])
def test_a_named_pipe_in_the_release_is_not_read(release, target):
    """A named pipe where a file should be is reported, never opened (a hang guard: the check must return)."""
    (release / target).unlink()
    os.mkfifo(release / target)
    found = _run(CHECK.format(path=str(release)), timeout=60)
    assert any("not a regular file" in message for _, message in found["problems"])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_not_read(release, device):
    """A symbolic link to a device is reported as not a regular file (a hang guard: the check must return)."""
    (release / QUOTES).unlink()
    (release / QUOTES).symlink_to(device)
    found = _run(CHECK.format(path=str(release)), timeout=60)
    assert any(code == "release-file-missing" and "data/quotes.parquet" in m for code, m in found["problems"])
    assert found["peak_mb"] < 700


def test_a_link_out_of_the_release_is_not_read(release, tmp_path):
    """A listed file that links to a file outside the release is reported, even when its bytes would match."""
    outside = tmp_path / "outside.md"
    outside.write_bytes((release / "README.md").read_bytes())
    (release / "README.md").unlink()
    (release / "README.md").symlink_to(outside)
    report = check_release(release)
    assert any(p.code == "release-file-missing" and "README.md" in p.message for p in report.problems)
