"""A fetched file written in one go once its body is in, so that the next request can leave first.

Over one kept-alive connection, the server prepares the next file only once it is asked
for. Creating a file costs the operating system more than receiving a small one, so a
body is held in memory and its file created and written by ``Held.finish`` after the
request for the next file has gone out: the server works while this side writes. A body
that grows past ``HOLD`` bytes goes to disk as it arrives instead, so memory stays bounded.
The file is opened with ``os.open`` and written with ``os.write``: no buffered file object
per file.
"""

from __future__ import annotations

import os
from pathlib import Path

HOLD = 1 << 22
"""Bytes of a body held in memory before its file is created (see ``Held``)."""

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


class Held:
    """A file whose body is held in memory and written in one go by ``finish``.

    Its file is created only then, once the next request is on its way; a body that grows
    past ``HOLD`` bytes goes to disk as it arrives instead. ``discard`` closes a file left
    open by a failure (the caller deletes it).
    """

    __slots__ = ("path", "chunks", "held", "fd")

    def __init__(self, path: Path):
        self.path, self.chunks, self.held, self.fd = path, [], 0, -1

    def write(self, chunk: bytes) -> int:
        if self.fd >= 0:
            _write_all(self.fd, chunk)
            return len(chunk)
        self.chunks.append(chunk)
        self.held += len(chunk)
        if self.held > HOLD:  # too large to hold: to disk from now on
            self.fd = os.open(self.path, _CREATE, 0o666)
            held, self.chunks = b"".join(self.chunks), []
            _write_all(self.fd, held)
        return len(chunk)

    def finish(self) -> None:
        """Write what is held, creating the file if it is not yet, and close it."""
        if self.fd < 0:
            self.fd = os.open(self.path, _CREATE, 0o666)
        fd, self.fd, chunks, self.chunks = self.fd, -1, self.chunks, []
        try:
            _write_all(fd, chunks[0] if len(chunks) == 1 else b"".join(chunks))
        finally:
            os.close(fd)

    def discard(self) -> None:
        self.chunks = []
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (a write may take only part of them)."""
    written = os.write(fd, data)
    if written < len(data):
        view = memoryview(data)
        while written < len(data):
            written += os.write(fd, view[written:])
