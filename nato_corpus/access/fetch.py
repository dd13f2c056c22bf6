"""Fetching one file of a release from a mirror (http(s) or a local folder), capped in size.

The transport only: streaming over HTTP (requests), with a timeout for every read and an
overall deadline for the whole download, bounded retries with back-off on transient
failures, progress bars, and a size cap checked while the bytes arrive. Each read returns
what has arrived (never waiting to fill a buffer), so a server that trickles a byte at a
time meets the deadline as surely as one that stalls. What to trust is decided in
``download``.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from .. import errors
from ._held import Held

URL_ENV = "NATO_CORPUS_URL"
TIMEOUT_ENV = "NATO_CORPUS_TIMEOUT"
DEADLINE_ENV = "NATO_CORPUS_DEADLINE"
BACKOFF = 0.5
"""Seconds before the first retry; doubled for each further one, at most 8 s."""
_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


CHUNK = 65536


class TooLarge(Exception):
    pass


class PastDeadline(Exception):
    pass


class CappedWriter:
    """A file wrapper that refuses to grow past ``cap`` bytes or past ``deadline`` (monotonic)."""

    def __init__(self, raw, cap: int, deadline: float | None = None):
        self.raw, self.cap, self.written, self.deadline = raw, cap, 0, deadline
        #: sha256 of the bytes written, computed as they pass (the file is not read again to verify it)
        self.hash = hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.written += len(chunk)
        if self.written > self.cap:
            raise TooLarge()
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise PastDeadline()
        self.hash.update(chunk)
        return self.raw.write(chunk)

    def flush(self) -> None:
        self.raw.flush()


class _Progress:
    """The progress display of one file being fetched.

    A tqdm bar when tqdm is installed, else one line per file on stderr.
    """

    def __init__(self, label: str, expected: int | None):
        self.label, self.n, self._total = label, 0, expected
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(total=expected, desc=label, unit="B", unit_scale=True, leave=True, file=sys.stderr)

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
class Source:
    location: str  # http(s) base URL ending in "/", or a local directory
    is_local: bool

    def where(self, rel: str) -> str:
        if self.is_local:
            return str(Path(self.location, rel))
        return self.location + quote(rel)


@dataclass
class Fetcher:
    source: Source
    timeout: float
    retries: int
    progress: bool
    version: str
    cache: Path
    #: time.monotonic() by which the whole download must be done
    deadline: float = float("inf")
    #: the seconds the deadline allowed, for messages
    allowed: float = 0.0
    #: the HTTP session of this download (made on first use)
    _session: object = field(default=None, repr=False)
    #: the plain-HTTP connection of this download (made on first use; see _direct)
    _direct: object = field(default=None, repr=False)
    #: whether the mirror goes over that connection (decided on first use: see _direct.usable)
    _use_direct: bool | None = field(default=None, repr=False)
    #: the folders this download has made for its files (each is made once)
    _folders: set = field(default_factory=set, repr=False)

    def __call__(self, rel: str, dest: Path, cap: int, show: bool = True, then: str | None = None) -> str:
        """Fetch ``rel`` from the mirror into ``dest``, refusing more than ``cap`` bytes; return
        the sha256 (hex) of the bytes written. ``then``: the file to be fetched next, whose
        request may be sent as soon as this one's body has arrived (see ``_direct``)."""
        if dest.parent not in self._folders:
            dest.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(dest.parent)
        where = self.source.where(rel)
        try:
            if self.source.is_local:
                return self._copy(Path(where), dest, cap, rel, show)
            return self._http(where, dest, cap, rel, show, then)
        except TooLarge:
            dest.unlink(missing_ok=True)
            raise errors.DownloadError(
                f"{rel} from {where} is larger than the {cap} bytes the release pins for it; "
                "the download was stopped and deleted, nothing was cached. The mirror serves a "
                "different file than this release (tampered or out of date)."
            ) from None
        except PastDeadline:
            dest.unlink(missing_ok=True)
            raise self.late(rel, where) from None

    def close(self) -> None:
        """Close the HTTP session's connections, if any were made."""
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._direct is not None:
            self._direct.close()
            self._direct = None

    def late(self, rel: str, where: str) -> errors.DownloadError:
        """The error for a download that ran past its overall deadline."""
        return errors.DownloadError(
            f"the download of release {self.version} did not finish within {self.allowed:g} s "
            f"(it was fetching {rel} from {where}); the mirror is too slow or sends data a trickle "
            f"at a time. Nothing was cached. Try again later, use another mirror, or allow more "
            f"time (deadline= or {DEADLINE_ENV})."
        )

    def _copy(self, path: Path, dest: Path, cap: int, rel: str, show: bool) -> None:
        if not path.is_file():
            raise errors.DownloadError(
                f"the mirror folder {self.source.location} has no {rel}. It should be a copy of "
                f"dist/ holding index.json and {self.version}/ with every file its "
                "datapackage.json lists."
            )
        with open(path, "rb") as src, open(dest, "wb") as out:
            writer = CappedWriter(out, cap, self.deadline)
            shutil.copyfileobj(src, writer)
        if show and self.progress:
            print(f"  {rel}: {_human(dest.stat().st_size)}", file=sys.stderr)
        return writer.hash.hexdigest()

    def _http(self, url: str, dest: Path, cap: int, rel: str, show: bool, then: str | None = None) -> str:
        if self._use_direct is None:  # plain http without a proxy: the standard library's client
            from . import _direct

            self._use_direct = _direct.usable(url)
        direct = self._use_direct
        if not direct:
            import requests
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            bar = _Progress(rel, cap) if (show and self.progress) else None
            try:
                try:
                    if direct:
                        return self._stream_direct(url, dest, cap, bar, then)
                    return self._stream(requests, url, dest, cap, bar)
                except BaseException:
                    import requests  # the failures below are requests' exceptions, on either transport

                    raise
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status in _TRANSIENT_STATUS and attempt < attempts:
                    self._sleep(attempt, rel, url)
                    continue
                raise errors.DownloadError(self._http_message(url, rel, status, exc, attempt)) from exc
            except requests.exceptions.SSLError as exc:
                raise errors.DownloadError(
                    f"the TLS connection to {url} failed ({exc}); check the mirror's certificate "
                    "or use another mirror. Nothing was cached."
                ) from exc
            except requests.RequestException as exc:
                if attempt < attempts:
                    self._sleep(attempt, rel, url)
                    continue
                raise self._transfer_error(url, rel, exc, attempts) from exc
            finally:
                if bar is not None:
                    bar.close()

    def _stream(self, requests, url: str, dest: Path, cap: int, bar: _Progress | None) -> str:
        """One GET of ``url`` into ``dest``: every read bounded by the timeout, all of it by the
        deadline; returns the sha256 of the bytes. One session (and its kept-alive connection) serves
        every file of a download."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise PastDeadline()
        wait = min(self.timeout, remaining)
        if self._session is None:
            self._session = requests.Session()
        with self._session.get(
            url, stream=True, timeout=(wait, wait), headers={"Accept-Encoding": "identity"}
        ) as response:
            response.raise_for_status()
            declared = response.headers.get("Content-Length", "")
            if bar is not None and declared.isdigit():
                bar.total = min(int(declared), cap)
            raw = response.raw
            read = getattr(raw, "read1", None) or raw.read  # read1: what has arrived, not a full buffer
            with open(dest, "wb") as out:
                writer = CappedWriter(out, cap, self.deadline)
                while True:
                    if time.monotonic() > self.deadline:
                        raise PastDeadline()
                    try:
                        chunk = read(CHUNK, decode_content=True)
                    except Exception as exc:  # urllib3's errors: wrap as requests would
                        raise requests.exceptions.ChunkedEncodingError(exc) from exc
                    if not chunk:
                        break
                    writer.write(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            if declared.isdigit() and writer.written < int(declared):
                raise requests.exceptions.ChunkedEncodingError(
                    f"{writer.written} of the {declared} bytes announced arrived"
                )
            return writer.hash.hexdigest()

    def _stream_direct(self, url: str, dest: Path, cap: int, bar: _Progress | None, then: str | None = None) -> str:
        """As ``_stream``, over one kept-alive ``http.client`` connection (see ``_direct``). The body
        is held (see ``_held``) and written once the request for ``then`` has gone out, so that the
        server prepares that file while this side creates and writes this one."""
        from ._direct import Direct

        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise PastDeadline()
        if self._direct is None:
            self._direct = Direct()
        direct = self._direct
        response = direct.open(url, min(self.timeout, remaining))
        declared = response.getheader("Content-Length", "") or ""
        if bar is not None and declared.isdigit():
            bar.total = min(int(declared), cap)
        out = Held(dest)
        try:
            writer = CappedWriter(out, cap, self.deadline)
            while True:
                if time.monotonic() > self.deadline:
                    raise PastDeadline()
                chunk = direct.read(response, CHUNK)
                if not chunk:
                    break
                writer.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            direct.done(response)
            short = declared.isdigit() and writer.written < int(declared)
            if short:
                out.discard()  # a body past HOLD has its file open: closed, never finished
            else:
                if then is not None:
                    direct.send_ahead(self.source.where(then))
                out.finish()
        except BaseException:
            out.discard()
            direct.close()
            raise
        if short:
            import requests

            raise requests.exceptions.ChunkedEncodingError(
                f"{writer.written} of the {declared} bytes announced arrived"
            )
        return writer.hash.hexdigest()

    def _sleep(self, attempt: int, rel: str, url: str) -> None:
        pause = min(BACKOFF * 2 ** (attempt - 1), 8.0)
        if time.monotonic() + pause > self.deadline:
            raise self.late(rel, url)
        time.sleep(pause)

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

    def _transfer_error(self, url: str, rel: str, exc: Exception, attempts: int) -> errors.DownloadError:
        import requests

        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if _unreachable(exc):
            host = urlsplit(url).netloc
            return errors.OfflineError(
                offline_message(
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


def offline_message(version: str, cache: Path, why: str) -> str:
    return (
        f"release {version} is not cached and cannot be fetched here: {why}. On a connected "
        f"machine run `nato-corpus download {version} --to DIR`, copy DIR to this machine and "
        f"set {URL_ENV}=DIR, or copy DIR/{version} to {cache / version}."
    )


def _unreachable(exc: BaseException) -> bool:
    """Whether a requests error means the host could not be reached at all."""
    return _caused_by(exc, "NewConnectionError", "NameResolutionError", "ConnectTimeoutError", "ProxyError")


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
            todo.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


def _reason(exc: BaseException) -> str:
    """The innermost readable cause of a requests error, e.g. "[Errno 111] Connection refused"."""
    item: BaseException = exc
    for _ in range(6):
        inner = getattr(item, "reason", None)
        if not isinstance(inner, BaseException) and item.args and isinstance(item.args[0], BaseException):
            inner = item.args[0]
        if not isinstance(inner, BaseException):
            break
        item = inner
    text = item.args[0] if item.args and isinstance(item.args[0], str) else str(item)
    return text if len(text) < 300 else text[:297] + "..."


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
