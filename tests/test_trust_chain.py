"""The trust chain of download(): pins from the installed package, whole versions, deadlines, staging."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from importlib import import_module
from pathlib import Path

import pytest
from _release_fixture import make_release

from nato_corpus import errors
from nato_corpus.access import staging
from nato_corpus.access.download import download

bundled_module = import_module("nato_corpus.access.bundled")
VERSION = "1.0.0"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No settings leak in from the machine, and nothing is bundled unless a test says so."""
    for name in (
        "NATO_CORPUS_URL",
        "NATO_CORPUS_CACHE",
        "NATO_CORPUS_OFFLINE",
        "NATO_CORPUS_TIMEOUT",
        "NATO_CORPUS_DEADLINE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(bundled_module, "root", lambda: None)


@pytest.fixture
def mirror(tmp_path) -> Path:
    root = tmp_path / "mirror"
    make_release(root, VERSION)
    return root


@pytest.fixture
def pinned(mirror, tmp_path, monkeypatch) -> Path:
    """The installed package pins the mirror's release (a bundled index naming it)."""
    bundle = tmp_path / "bundled"
    bundle.mkdir()
    shutil.copy(mirror / "index.json", bundle / "index.json")
    monkeypatch.setattr(bundled_module, "root", lambda: bundle)
    return bundle


def test_an_unpinned_version_is_refused_and_says_the_risk(mirror, tmp_path):
    """A version the installed package does not pin is refused, naming the risk and the opt-in."""
    with pytest.raises(errors.UsageError) as caught:
        download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert "release 1.0.0 is not pinned by this installation" in message
    assert "rewrites both its index and the release would go unnoticed" in message
    assert "trust_mirror=True" in message and "--trust-mirror" in message
    assert not (tmp_path / "cache" / VERSION).exists()


def test_an_unpinned_version_is_fetched_when_the_caller_opts_in(mirror, tmp_path):
    """trust_mirror=True fetches a version pinned only by the mirror's own index."""
    assert (
        download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True)
        == tmp_path / "cache" / VERSION
    )


def test_a_pinned_version_needs_no_opt_in(mirror, pinned, tmp_path):
    """A version the installed package pins is fetched without trust_mirror."""
    assert download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache") == tmp_path / "cache" / VERSION


@pytest.mark.parametrize("version", ["1.0.0\n", " 1.0.0", "1.0.0 ", "01.0.0\n"])
def test_a_version_with_trailing_text_is_refused(mirror, pinned, tmp_path, version):
    """A version is matched whole: a final newline or spaces never reach the pin lookup."""
    with pytest.raises(errors.UsageError, match=r"is not a release version"):
        download(version, base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True)


def test_a_release_served_under_another_version_is_refused(mirror, tmp_path):
    """A mirror serving 1.0.0's files as 7.7.7 (and pinning them so) is refused: the descriptor says 1.0.0."""
    shutil.copytree(mirror / VERSION, mirror / "7.7.7")
    index = json.loads((mirror / "index.json").read_text())
    index["versions"]["7.7.7"] = dict(index["versions"][VERSION], path="7.7.7/datapackage.json")
    (mirror / "index.json").write_text(json.dumps(index))
    with pytest.raises(errors.DownloadError, match=r"declares version '1\.0\.0', not 7\.7\.7"):
        download("7.7.7", base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert not (tmp_path / "cache" / "7.7.7").exists() and not (tmp_path / "cache" / VERSION).exists()


class Trickle:
    """An HTTP server that answers every request with a byte every 0.2 s (at most ``limit`` bytes)."""

    def __init__(self, limit: int = 300):
        self.limit = limit
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                for _ in range(self.limit):
                    if self.stop.wait(0.2):
                        return
                    conn.sendall(b"{")
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def trickle():
    server = Trickle()
    yield server
    server.close()


def test_a_trickling_server_meets_the_deadline(trickle, tmp_path):
    """A server that sends a byte every 0.2 s never trips the read timeout, but the deadline ends it."""
    with pytest.raises(errors.DownloadError) as caught:
        download(
            VERSION,
            base_url=trickle.url,
            cache_dir=tmp_path / "cache",
            trust_mirror=True,
            timeout=5,
            deadline=1.5,
            retries=0,
        )
    message = str(caught.value)
    assert "did not finish within 1.5 s" in message and "index.json" in message
    assert "NATO_CORPUS_DEADLINE" in message
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name != ".verified"]


def test_the_deadline_comes_from_the_environment(trickle, tmp_path, monkeypatch):
    """NATO_CORPUS_DEADLINE sets the deadline when none is passed."""
    monkeypatch.setenv("NATO_CORPUS_DEADLINE", "1")
    with pytest.raises(errors.DownloadError, match=r"did not finish within 1 s"):
        download(VERSION, base_url=trickle.url, cache_dir=tmp_path / "cache", trust_mirror=True, timeout=5, retries=0)


@pytest.mark.parametrize(
    "name, value",
    [
        ("NATO_CORPUS_DEADLINE", "abc"),
        ("NATO_CORPUS_DEADLINE", "-1"),
        ("NATO_CORPUS_TIMEOUT", "nan"),
        ("NATO_CORPUS_TIMEOUT", "inf"),
    ],
)
def test_an_unusable_time_setting_is_a_usage_error(mirror, tmp_path, monkeypatch, name, value):
    """A deadline or timeout that is not a positive number of seconds names the variable and what it expects."""
    monkeypatch.setenv(name, value)
    with pytest.raises(errors.UsageError, match=rf"{name}='{value}' is not usable: .* positive number of seconds"):
        download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True)


@pytest.mark.parametrize("retries", [-1, 1.5, "3", True, 10**6])
def test_unusable_retries_are_a_usage_error(mirror, tmp_path, retries):
    """retries must be a whole number from 0 to 100."""
    with pytest.raises(errors.UsageError, match=r"retries=.* whole number from 0 to 100"):
        download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True, retries=retries)


def test_a_cache_that_is_a_file_is_a_usage_error(mirror, tmp_path):
    """A download cache path that is a file says to point it at a folder."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with pytest.raises(errors.UsageError, match=r"download cache .* is not a folder"):
        download(VERSION, base_url=mirror, cache_dir=blocker, trust_mirror=True)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_staging_left_by_a_killed_download_is_removed(mirror, tmp_path):
    """The next download removes staging whose process is gone or whose deadline passed, and only those."""
    cache = tmp_path / "cache"
    dead = cache / f".tmp-{VERSION}-{_dead_pid()}-abc"
    old = cache / f".tmp-{VERSION}-xyz"  # no pid in its name: judged by age
    running = cache / f".tmp-{VERSION}-{os.getpid()}-live"
    young = cache / f".tmp-{VERSION}-young"
    for folder in (dead, old, running, young):
        (folder / VERSION).mkdir(parents=True)
        (folder / VERSION / "datapackage.json").write_text("{}")
    past = time.time() - 3600
    os.utime(old, (past, past))
    download(VERSION, base_url=mirror, cache_dir=cache, trust_mirror=True, deadline=600)
    assert not dead.exists() and not old.exists()
    assert running.exists() and young.exists()


def test_staging_cleanup_never_follows_a_link(tmp_path):
    """A '.tmp-' symbolic link in the cache (to a folder elsewhere) is not followed or emptied."""
    elsewhere = tmp_path / "precious"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f".tmp-{VERSION}-{_dead_pid()}-link").symlink_to(elsewhere)
    staging.remove_stale_staging(cache, 0)
    assert (elsewhere / "keep.txt").read_text() == "keep"


def test_the_command_line_refuses_an_unpinned_version_without_the_flag(mirror, tmp_path, capsys):
    """`nato-corpus download` refuses an unpinned version (exit 2) and fetches it with --trust-mirror."""
    from nato_corpus.cli import main

    argv = ["download", VERSION, "--base-url", str(mirror), "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 2
    assert "--trust-mirror" in capsys.readouterr().err
    assert main([*argv, "--trust-mirror"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "cache" / VERSION)
