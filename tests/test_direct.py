"""Plain-HTTP downloads over the standard library's client: one kept-alive connection, same results."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module

import pytest
from _release_fixture import make_release

from nato_corpus.access import _direct
from nato_corpus.access.download import download

VERSION = "1.0.0"


class KeepAlive(SimpleHTTPRequestHandler):
    """HTTP/1.1 (connections kept open), recording the client port of every request."""

    protocol_version = "HTTP/1.1"
    ports: list[int] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.ports.append(self.client_address[1])
        super().do_GET()


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(import_module("nato_corpus.access.bundled"), "root", lambda: None)
    make_release(tmp_path / "mirror", VERSION)
    KeepAlive.ports = []
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
