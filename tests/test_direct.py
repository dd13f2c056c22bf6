"""Plain-HTTP downloads over the standard library's client: one kept-alive connection, same results."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module

import pytest
from _release_fixture import make_release, release_files

from nato_corpus import errors
from nato_corpus.access import _direct
from nato_corpus.access.download import download

VERSION = "1.0.0"


class KeepAlive(SimpleHTTPRequestHandler):
    """HTTP/1.1 (connections kept open), recording the client port of every request."""

    protocol_version = "HTTP/1.1"
    ports: list[int] = []
    paths: list[str] = []
    #: hang up after every this many answers, without saying so (0: never)
    hang_up_every = 0
    #: path -> bytes served instead of the file
    replaced: dict[str, bytes] = {}
    #: paths whose answer announces more bytes than it sends, then hangs up
    short: set[str] = set()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.ports.append(self.client_address[1])
        self.paths.append(self.path)
        data = self.replaced.get(self.path.lstrip("/"))
        if self.path.lstrip("/") in self.short:
            body = b"x" * 64
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        elif data is None:
            super().do_GET()
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        if self.hang_up_every and len(self.paths) % self.hang_up_every == 0:
            self.close_connection = True  # as a server whose keep-alive ran out


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(import_module("nato_corpus.access.bundled"), "root", lambda: None)
    make_release(tmp_path / "mirror", VERSION)
    KeepAlive.ports, KeepAlive.paths, KeepAlive.hang_up_every, KeepAlive.replaced = [], [], 0, {}
    KeepAlive.short = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(KeepAlive, directory=str(tmp_path / "mirror")))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_download_uses_one_connection(server, tmp_path):
    """Every file of a release comes over one kept-alive connection, and the copy is byte for byte."""
    path = download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert len(KeepAlive.ports) > 3
    assert len(set(KeepAlive.ports)) == 1
    for served in (tmp_path / "mirror" / VERSION).rglob("*"):
        if served.is_file():
            assert (path / served.relative_to(tmp_path / "mirror" / VERSION)).read_bytes() == served.read_bytes()


def test_each_file_is_asked_for_once_in_the_descriptors_order(server, tmp_path):
    """Requests sent ahead are still one per file, in order: nothing fetched twice or skipped."""
    download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    descriptor = json.loads((tmp_path / "mirror" / VERSION / "datapackage.json").read_bytes())
    pinned = [item["path"] for item in [*descriptor["resources"], *descriptor["x_files"]]]
    assert KeepAlive.paths == ["/index.json", f"/{VERSION}/datapackage.json", *(f"/{VERSION}/{p}" for p in pinned)]


@pytest.mark.parametrize("every", [1, 2, 3])
def test_a_server_that_hangs_up_unannounced_still_gives_the_release(server, tmp_path, every):
    """A kept-alive connection the server closes under a request sent ahead is opened again."""
    KeepAlive.hang_up_every = every
    path = download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert release_files(tmp_path / "cache", VERSION) == release_files(tmp_path / "mirror", VERSION)
    assert path == tmp_path / "cache" / VERSION


def test_a_tampered_file_after_a_request_sent_ahead_is_refused(server, tmp_path):
    """A file that does not match its pin is refused with its hashes even while the next is on its way."""
    original = (tmp_path / "mirror" / VERSION / "data" / "quotes.parquet").read_bytes()
    KeepAlive.replaced = {f"{VERSION}/data/quotes.parquet": original[:-1] + bytes([original[-1] ^ 0xFF])}
    with pytest.raises(errors.DownloadError, match=r"data/quotes\.parquet of release 1\.0\.0 .* does not match"):
        download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []


@pytest.mark.parametrize("url", ["https://example.org/dist/", "ftp://example.org/dist/", "http:///nohost"])
def test_only_plain_http_takes_the_direct_transport(url):
    """https (certificates) and other schemes stay with requests."""
    assert not _direct.usable(url)


def test_a_configured_proxy_keeps_requests(monkeypatch):
    """With an HTTP proxy in the environment, plain http goes through requests, which honours it."""
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert not _direct.usable("http://example.org/dist/")
    monkeypatch.delenv("http_proxy")
    assert _direct.usable("http://example.org/dist/")


@pytest.mark.parametrize("hold", [0, 1, 100])
def test_bodies_too_large_to_hold_go_to_disk_as_they_arrive(server, tmp_path, monkeypatch, hold):
    """A body past the bytes held in memory is written as it arrives, and the copy is still byte for byte."""
    monkeypatch.setattr(import_module("nato_corpus.access._held"), "HOLD", hold)
    path = download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert release_files(tmp_path / "cache", VERSION) == release_files(tmp_path / "mirror", VERSION)
    assert path == tmp_path / "cache" / VERSION


def test_a_tampered_large_body_is_refused_and_nothing_is_left(server, tmp_path, monkeypatch):
    """A file written as it arrives that then fails its pin is refused with its hashes; nothing stays."""
    monkeypatch.setattr(import_module("nato_corpus.access._held"), "HOLD", 10)
    original = (tmp_path / "mirror" / VERSION / "data" / "quotes.parquet").read_bytes()
    KeepAlive.replaced = {f"{VERSION}/data/quotes.parquet": original[:-1] + bytes([original[-1] ^ 0xFF])}
    with pytest.raises(errors.DownloadError, match=r"data/quotes\.parquet of release 1\.0\.0 .* does not match"):
        download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []


def test_a_short_large_body_leaves_no_file_open(server, tmp_path, monkeypatch):
    """A body written as it arrives that ends before the bytes it announced is retried, then
    refused; its file is closed each time (no descriptor left open) and nothing stays."""
    import os

    monkeypatch.setattr(import_module("nato_corpus.access._held"), "HOLD", 10)
    monkeypatch.setattr(import_module("nato_corpus.access.fetch"), "BACKOFF", 0.01)
    KeepAlive.short = {f"{VERSION}/data/quotes.parquet"}
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    with pytest.raises(errors.DownloadError, match=r"data/quotes\.parquet"):
        download(VERSION, base_url=server, cache_dir=tmp_path / "cache", trust_mirror=True, retries=2)
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) <= before
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []
