"""A plain-HTTP transport on the standard library: one kept-alive connection for a whole download.

A release holds thousands of files (a page per record for its site), and the cost of
preparing each request in requests' session machinery then outweighs the transfer.
``Direct`` sends each GET over one ``http.client`` connection (opened again whenever the
server closes it) and reads the body as it arrives. It is used only for ``http://`` mirrors
with no proxy configured in the environment; https and proxies keep requests.

Once a body has arrived in full, the request for the next file can be sent at once
(``send_ahead``), so that the server prepares it while this side closes the file before:
still one connection with one request in flight. Nothing is read from the next response
before ``open`` asks for it, and a request sent ahead that fails is simply sent again by
``open``.

Failures are raised as the requests exceptions ``fetch.Fetcher`` already handles (requests
is imported only then), so retries, the timeout, the deadline and every message stay as
they are: an HTTP error status, a read that times out, a connection that cannot be made
and a body shorter than its Content-Length.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass


def usable(url: str) -> bool:
    """Whether ``url`` can go over the direct transport (plain http, no proxy for its host)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    return "http" not in getproxies() or bool(proxy_bypass(parts.hostname))


class Direct:
    """GET requests over one kept-alive connection per host (the last one used)."""

    def __init__(self) -> None:
        self._connection: http.client.HTTPConnection | None = None
        self._netloc = ""
        self._sent = ""  # the URL of a request sent ahead, its response not yet read

    def close(self) -> None:
        self._sent = ""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def send_ahead(self, url: str) -> None:
        """Send the GET for ``url`` over the open connection now; ``open(url)`` reads its answer.

        Only after the last response was read in full and over a connection the server keeps
        open; never raises: a request that cannot be sent is left for ``open`` to send.
        """
        connection = self._connection
        if connection is None or connection.sock is None or self._sent or urlsplit(url).netloc != self._netloc:
            return
        try:
            connection.request("GET", _target(url), headers=_HEADERS)
        except (OSError, http.client.HTTPException):
            self.close()
            return
        self._sent = url

    def open(self, url: str, timeout: float) -> http.client.HTTPResponse:
        """Send a GET for ``url`` and return the response (status 200), its body unread.

        Raises requests' HTTPError for any other status, ConnectionError when the server
        cannot be reached and ReadTimeout when it does not answer in ``timeout`` seconds.
        """
        parts = urlsplit(url)
        ahead, self._sent = self._sent, ""
        sent = ahead == url  # its request is on its way already
        if ahead and not sent:  # sent ahead for another file: that answer is not wanted
            self.close()
        if self._connection is None or self._netloc != parts.netloc:
            self.close()
            self._connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
            self._netloc = parts.netloc
        connection = self._connection
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        target = _target(url)
        try:
            try:
                if not sent:
                    connection.request("GET", target, headers=_HEADERS)
                response = connection.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()  # the server closed the kept-alive connection: once more, afresh
                connection.request("GET", target, headers=_HEADERS)
                response = connection.getresponse()
        except TimeoutError as exc:
            connected = connection.sock is not None  # False: the connection itself timed out
            self.close()
            raise _timeout(exc, url, connected=connected) from exc
        except OSError as exc:
            self.close()
            raise _unreachable(exc, url) from exc
        except http.client.HTTPException as exc:
            self.close()
            raise _broken(exc) from exc
        if response.status != 200:
            response.read()
            if response.will_close:
                self.close()
            raise _status(response, url)
        return response

    def read(self, response: http.client.HTTPResponse, size: int) -> bytes:
        """What has arrived of the body, up to ``size`` bytes (b"" at its end)."""
        try:
            return response.read1(size)
        except TimeoutError as exc:
            self.close()
            raise _timeout(exc, "", connected=True) from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise _broken(exc) from exc

    def done(self, response: http.client.HTTPResponse) -> None:
        """After the body: keep the connection for the next file unless the server closes it."""
        if response.length == 0:  # read to its announced end: the connection serves the next file
            response.close()
        if response.will_close or not response.isclosed():
            self.close()


_HEADERS = {"Accept-Encoding": "identity"}


def _target(url: str) -> str:
    """The request target of ``url``: its path and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + ("?" + parts.query if parts.query else "")


def _status(response: http.client.HTTPResponse, url: str):
    import requests

    answer = requests.Response()
    answer.status_code, answer.reason, answer.url = response.status, response.reason, url
    return requests.HTTPError(f"{response.status} {response.reason} for url: {url}", response=answer)


def _timeout(exc: BaseException, url: str, connected: bool):
    import requests
    from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

    if not connected:
        return requests.exceptions.ConnectTimeout(ConnectTimeoutError(None, f"Connection to {url} timed out"))
    return requests.exceptions.ReadTimeout(ReadTimeoutError(None, url, f"Read timed out. ({exc})"))


def _unreachable(exc: OSError, url: str):
    import requests
    from urllib3.exceptions import NewConnectionError

    return requests.exceptions.ConnectionError(NewConnectionError(None, f"Failed to establish a new connection: {exc}"))


def _broken(exc: BaseException):
    import requests

    return requests.exceptions.ChunkedEncodingError(exc)
