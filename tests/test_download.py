"""download(): verified fetching into a per-version cache, against a real HTTP server."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from _release_fixture import make_release, release_files, sha256

from nato_corpus import errors
from nato_corpus.access.download import cache_root, copy_release, download, verify_release

bundled_module = import_module("nato_corpus.access.bundled")
VERSION = "1.0.0"
QUOTES = "data/quotes.parquet"


class Mirror:
    """A copy of dist/ served over HTTP, with switches that make it misbehave per file."""

    def __init__(self, root: Path):
        self.root = root
        self.replaced: dict[str, bytes] = {}  # path -> bytes served instead of the file
        self.truncated: set[str] = set()  # announce the full length, send half, hang up
        self.stalled: set[str] = set()  # accept the request, never answer
        self.failures: dict[str, list[int]] = {}  # path -> statuses to answer before the file
        self.requests: list[str] = []
        self.unstall = threading.Event()
        self.url = ""
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                rel = unquote(urlsplit(self.path).path).lstrip("/")
                mirror.requests.append(rel)
                if rel in mirror.stalled:
                    mirror.unstall.wait(10)
                    return
                if mirror.failures.get(rel):
                    self.send_error(mirror.failures[rel].pop(0))
                    return
                path = mirror.root / rel
                if rel in mirror.replaced:
                    data = mirror.replaced[rel]
                elif path.is_file():
                    data = path.read_bytes()
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if rel in mirror.truncated else data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def stop(self) -> None:
        self.unstall.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No settings leak in from the machine, and nothing is bundled unless a test says so."""
    for name in (
        "NATO_CORPUS_URL",
        "NATO_CORPUS_CACHE",
        "NATO_CORPUS_OFFLINE",
        "NATO_CORPUS_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(bundled_module, "root", lambda: None)


@pytest.fixture
def mirror(tmp_path):
    served = Mirror(tmp_path / "mirror")
    make_release(served.root, VERSION)
    served.start()
    yield served
    served.stop()


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def fetch(mirror: Mirror, cache: Path, **kwargs) -> Path:
    """download() with short timeouts and one retry, so failing tests stay fast."""
    kwargs.setdefault("timeout", 0.5)
    kwargs.setdefault("retries", 1)
    kwargs.setdefault("trust_mirror", True)  # nothing is bundled here: the test mirror pins 1.0.0
    return download(VERSION, base_url=mirror.url, cache_dir=cache, **kwargs)


def assert_nothing_cached(cache: Path) -> None:
    leftovers = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
    assert leftovers == [], f"expected an empty cache, found {leftovers}"


def test_clean_download_is_a_byte_for_byte_copy(mirror, cache):
    """A clean download returns <cache>/<version> holding exactly the release's files."""
    path = fetch(mirror, cache)
    assert path == cache / VERSION
    assert release_files(cache, VERSION) == release_files(mirror.root, VERSION)
    assert sorted(p.name for p in cache.iterdir()) == [".verified", VERSION]  # no temporary folders left
    assert sorted(p.name for p in (cache / ".verified").iterdir()) == [f"{VERSION}.json", f"{VERSION}.tables.json"]


def test_the_record_of_a_download_is_that_of_its_files(mirror, cache):
    """The record written as the files arrived (sizes, times, pin) is what the cached files show."""
    path = fetch(mirror, cache)
    recorded = json.loads((cache / ".verified" / f"{VERSION}.json").read_bytes())
    assert recorded == import_module("nato_corpus.access.verified").signature(path)
    assert set(recorded["files"]) == set(release_files(cache, VERSION))
    tables = json.loads((cache / ".verified" / f"{VERSION}.tables.json").read_bytes())
    descriptor = json.loads((path / "datapackage.json").read_bytes())
    assert tables["resources"] == descriptor["resources"]
    assert tables["files"] == {
        name: recorded["files"][name] for name in ["datapackage.json", *(r["path"] for r in descriptor["resources"])]
    }


def test_tampered_file_is_refused_and_nothing_cached(mirror, cache):
    """A file whose bytes differ from the descriptor is refused with file, hashes and causes."""
    original = (mirror.root / VERSION / QUOTES).read_bytes()
    tampered = original[:-1] + bytes([original[-1] ^ 0xFF])  # same size, one byte flipped
    mirror.replaced[f"{VERSION}/{QUOTES}"] = tampered
    with pytest.raises(errors.DownloadError) as caught:
        fetch(mirror, cache)
    message = str(caught.value)
    assert QUOTES in message
    assert sha256(original) in message and sha256(tampered) in message
    assert "corrupted transfer" in message and "tampered" in message and "outdated index" in message
    assert_nothing_cached(cache)


def test_file_larger_than_pinned_size_is_cut_off(mirror, cache):
    """A file that grows past the descriptor's x_bytes is stopped and refused."""
    original = (mirror.root / VERSION / QUOTES).read_bytes()
    mirror.replaced[f"{VERSION}/{QUOTES}"] = original + b"\0" * 100_000
    with pytest.raises(errors.DownloadError, match=rf"{QUOTES} .* larger than the {len(original)} bytes"):
        fetch(mirror, cache)
    assert_nothing_cached(cache)


def test_descriptor_is_checked_against_the_bundled_index(mirror, cache, tmp_path, monkeypatch):
    """A mirror that rewrites descriptor and index together is caught by the bundled pin."""
    bundled = tmp_path / "bundled"
    shutil.copytree(mirror.root, bundled)
    monkeypatch.setattr(bundled_module, "root", lambda: bundled)
    make_release(mirror.root, VERSION, title="Rewritten")  # consistent, but not what was released
    with pytest.raises(errors.DownloadError, match=r"datapackage.json .* does not match the release index"):
        fetch(mirror, cache)
    assert "index.json" not in mirror.requests  # the mirror's index is not consulted
    assert_nothing_cached(cache)


def test_truncated_response_is_a_clear_error(mirror, cache):
    """A response shorter than its Content-Length is retried, then refused."""
    mirror.truncated.add(f"{VERSION}/{QUOTES}")
    with pytest.raises(errors.DownloadError, match=r"cut short"):
        fetch(mirror, cache)
    assert mirror.requests.count(f"{VERSION}/{QUOTES}") == 2  # one retry
    assert_nothing_cached(cache)


def test_missing_file_404_names_the_url(mirror, cache):
    """A 404 says which URL is missing and what the mirror should hold; it is not retried."""
    (mirror.root / VERSION / "timeline.svg").unlink()
    with pytest.raises(errors.DownloadError, match=r"timeline\.svg answered 404 Not Found") as caught:
        fetch(mirror, cache)
    assert "NATO_CORPUS_URL" in str(caught.value)
    assert mirror.requests.count(f"{VERSION}/timeline.svg") == 1
    assert_nothing_cached(cache)


def test_stalling_server_times_out(mirror, cache):
    """A server that accepts but never answers fails after the timeout and bounded retries."""
    mirror.stalled.add(f"{VERSION}/{QUOTES}")
    with pytest.raises(errors.DownloadError, match=r"did not answer within 0\.3 s \(2 attempts\)"):
        fetch(mirror, cache, timeout=0.3)
    assert_nothing_cached(cache)


def test_transient_server_error_is_retried(mirror, cache):
    """An HTTP 503 followed by the file succeeds on the retry."""
    mirror.failures[f"{VERSION}/{QUOTES}"] = [503]
    assert fetch(mirror, cache) == cache / VERSION
    assert mirror.requests.count(f"{VERSION}/{QUOTES}") == 2


def test_second_call_is_served_from_cache_with_server_stopped(mirror, cache):
    """With the release cached and verified, no network is touched."""
    first = fetch(mirror, cache)
    mirror.stop()
    assert fetch(mirror, cache) == first


def test_offline_flag_uses_the_cache(mirror, cache, monkeypatch):
    """NATO_CORPUS_OFFLINE=1 still returns a cached release."""
    fetch(mirror, cache)
    monkeypatch.setenv("NATO_CORPUS_OFFLINE", "1")
    assert fetch(mirror, cache) == cache / VERSION


def test_cache_and_url_from_the_environment(mirror, tmp_path, monkeypatch):
    """NATO_CORPUS_CACHE and NATO_CORPUS_URL stand in for cache_dir and base_url."""
    monkeypatch.setenv("NATO_CORPUS_CACHE", str(tmp_path / "env-cache"))
    monkeypatch.setenv("NATO_CORPUS_URL", mirror.url)
    assert cache_root() == tmp_path / "env-cache"
    assert download(VERSION, timeout=2, retries=0, trust_mirror=True) == tmp_path / "env-cache" / VERSION


def test_timeout_from_the_environment(mirror, cache, monkeypatch):
    """NATO_CORPUS_TIMEOUT sets the timeout when none is passed."""
    mirror.stalled.add(f"{VERSION}/{QUOTES}")
    monkeypatch.setenv("NATO_CORPUS_TIMEOUT", "0.2")
    with pytest.raises(errors.DownloadError, match=r"within 0\.2 s"):
        download(VERSION, base_url=mirror.url, cache_dir=cache, retries=0, trust_mirror=True)


def test_local_directory_mirror(mirror, cache):
    """A local folder laid out like dist/ works as a mirror, without HTTP."""
    path = download(VERSION, base_url=mirror.root, cache_dir=cache, trust_mirror=True)
    assert release_files(cache, VERSION) == release_files(mirror.root, VERSION)
    assert mirror.requests == [] and path == cache / VERSION


def test_tampered_local_mirror_is_refused(mirror, cache):
    """A tampered file in a local mirror is refused like one over HTTP."""
    (mirror.root / VERSION / "README.md").write_text("# something else\n")
    with pytest.raises(errors.DownloadError, match=r"README\.md of release 1\.0\.0 .* does not match"):
        download(VERSION, base_url=str(mirror.root), cache_dir=cache, trust_mirror=True)
    assert_nothing_cached(cache)


def test_corrupted_cache_is_fetched_again(mirror, cache):
    """A cached file that no longer verifies is replaced by a fresh download."""
    path = fetch(mirror, cache)
    (path / QUOTES).write_bytes(b"junk")
    assert fetch(mirror, cache) == path
    assert verify_release(path) is None


def test_corrupted_cache_offline_says_what_to_do(mirror, cache, monkeypatch):
    """Offline, a cached copy that does not verify is an error that says to fetch it again."""
    path = fetch(mirror, cache)
    (path / QUOTES).write_bytes(b"junk")
    monkeypatch.setenv("NATO_CORPUS_OFFLINE", "1")
    with pytest.raises(errors.DownloadError, match=r"does not verify.*Delete that folder"):
        fetch(mirror, cache)


def test_offline_and_not_cached_says_how_to_fetch(mirror, cache, monkeypatch):
    """Offline with nothing cached names the command to run and where to copy files."""
    monkeypatch.setenv("NATO_CORPUS_OFFLINE", "1")
    with pytest.raises(errors.OfflineError) as caught:
        fetch(mirror, cache)
    message = str(caught.value)
    assert f"nato-corpus download {VERSION} --to DIR" in message
    assert str(cache / VERSION) in message
    assert mirror.requests == []


def test_unreachable_server_is_an_offline_error(cache):
    """A host that refuses connections gives OfflineError with the way to fetch elsewhere."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(errors.OfflineError, match=r"could not connect to 127.0.0.1"):
        download(VERSION, base_url=f"http://127.0.0.1:{port}/", cache_dir=cache, retries=0, trust_mirror=True)


def test_no_mirror_configured_says_how_to_set_one(cache):
    """Without base_url or NATO_CORPUS_URL there is nowhere to download from; say so."""
    with pytest.raises(errors.UsageError, match=r"pass base_url=.*set NATO_CORPUS_URL"):
        download(VERSION, cache_dir=cache)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/dist/",
        "file:///tmp/dist",
        "sftp://host/dist",
        "javascript:alert(1)",
        "http://",
    ],
)
def test_only_http_urls_and_local_paths(url, cache):
    """Other URL schemes are refused before anything is fetched."""
    with pytest.raises(errors.UsageError, match=r"http:// or https:// URL"):
        download(VERSION, base_url=url, cache_dir=cache)


def test_missing_local_folder_is_a_usage_error(tmp_path, cache):
    """A base_url path that does not exist is a wrong call, not a download failure."""
    with pytest.raises(errors.UsageError, match=r"not an existing folder"):
        download(VERSION, base_url=tmp_path / "nowhere", cache_dir=cache)


@pytest.mark.parametrize("version", ["../etc", "", "1.0.0/x", None])
def test_malformed_version_is_refused(version, mirror, cache):
    """A version that could escape the cache folder is refused."""
    with pytest.raises(errors.UsageError, match=r"is not a release version"):
        download(version, base_url=mirror.url, cache_dir=cache)


def test_unknown_version_lists_the_mirror_versions(mirror, cache):
    """A version the mirror's index does not list is named along with the ones it does."""
    make_release(mirror.root, "1.1.0")
    with pytest.raises(errors.UsageError, match=r"release 9\.9\.9 is not in the index .*lists: 1\.0\.0, 1\.1\.0"):
        download("9.9.9", base_url=mirror.url, cache_dir=cache, trust_mirror=True)
    assert_nothing_cached(cache)


def test_copy_release_makes_a_mirror(mirror, cache, tmp_path):
    """copy_release() writes <version>/ and index.json, usable as a mirror elsewhere."""
    path = fetch(mirror, cache)
    copy = copy_release(path, tmp_path / "usb")
    assert copy == tmp_path / "usb" / VERSION
    index = json.loads((tmp_path / "usb" / "index.json").read_text())
    assert index["latest"] == VERSION
    assert index["versions"][VERSION]["descriptor_sha256"] == sha256((path / "datapackage.json").read_bytes())
    again = download(VERSION, base_url=tmp_path / "usb", cache_dir=tmp_path / "cache2", trust_mirror=True)
    assert release_files(tmp_path / "cache2", VERSION) == release_files(mirror.root, VERSION)
    assert again == tmp_path / "cache2" / VERSION


def test_progress_prints_a_line_per_file(mirror, cache, capsys):
    """progress=True reports each file on stderr (a tqdm bar when tqdm is installed)."""
    fetch(mirror, cache, progress=True)
    err = capsys.readouterr().err
    for rel in release_files(mirror.root, VERSION):
        if rel != "datapackage.json":
            assert rel in err


def test_bundled_version_needs_no_mirror(cache, tmp_path, monkeypatch):
    """A version shipped with the package is returned as is, verified, with no mirror configured."""
    bundled = tmp_path / "bundled"
    make_release(bundled, VERSION)
    monkeypatch.setattr(bundled_module, "root", lambda: bundled)
    path = download(VERSION, cache_dir=cache)
    assert path == bundled / VERSION
    assert not cache.exists(), "nothing is fetched or cached"


def test_corrupted_bundled_version_says_to_reinstall(cache, tmp_path, monkeypatch):
    """A bundled release that fails its hashes is refused with what to do."""
    bundled = tmp_path / "bundled"
    make_release(bundled, VERSION)
    monkeypatch.setattr(bundled_module, "root", lambda: bundled)
    parquet = next((bundled / VERSION / "data").glob("*.parquet"))
    parquet.write_bytes(parquet.read_bytes()[:-1] + b"x")
    with pytest.raises(errors.DownloadError, match=r"bundled in .* does not verify: .*Reinstall nato-corpus"):
        download(VERSION, cache_dir=cache)
