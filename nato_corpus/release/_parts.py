"""A part of a release made in a second process while this one makes the rest.

The static site is about half of the work of making a release's files. On a machine with
more than one processor, and a corpus large enough to repay starting Python again, the
build makes it in ``python -m nato_corpus.release._parts``:

- the child is started first (``-P``, in a process group of its own), so that it imports
  while this process makes the tables; it checks that it runs this copy of nato_corpus;
- its inputs (the part's name, the tables, the descriptor, the captures' texts) go to it
  pickled, over its standard input: our own process to its own child, nothing from outside;
- it answers in frames on its standard output, one per file as soon as the part is made,
  then one that says it is done, or one that carries the error it met;
- the files are the same bytes as the part made here (the same code on the same inputs;
  tests compare the two), and are handed on (``on_file``) as they arrive.

A child that ends before its first frame (it could not start) leaves the part to this
process (``WorkerLost``); anything else (an answer cut short, a frame it cannot have sent,
a non-zero exit) is an error here, with the end of what the child wrote on its standard
error. The child is stopped whenever this side gives up, Ctrl-C included (it does not
reach the child's process group).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .. import errors

#: quotations from which the site is made in a second process (below, starting Python again
#: costs more than it saves); tests set it to 0 to take that path on small corpora
SITE_WORKER_FROM = 2_000

_FILE, _DONE, _ERROR = b"F", b"D", b"E"
_HEAD = struct.Struct("<cIQ")  # frame kind, length of the name, length of the data


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this system
        return os.cpu_count() or 1


def worth_a_worker(quotes: int) -> bool:
    """Whether the site of a corpus with ``quotes`` quotations is made in a second process."""
    return quotes >= SITE_WORKER_FROM and processors() > 1


def make(part: str, tables: dict, descriptor: dict, captures: dict[str, str]) -> dict[str, bytes]:
    """The files of one part of a release, made in this process."""
    if part == "site":
        from .site import render_site

        return render_site(tables, descriptor, captures)
    raise ValueError(f"no part of a release is called {part!r}")


class WorkerLost(RuntimeError):
    """The child ended before it sent anything (it could not start, or was killed): the part can be
    made in this process instead."""


class Worker:
    """A child process that makes one part of a release (see the module)."""

    def __init__(self) -> None:
        if not sys.executable:  # an embedded interpreter: no Python to start
            raise OSError("no Python executable to start")
        self._root = str(Path(__file__).resolve().parents[2])  # the folder that holds this nato_corpus
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [self._root, env.get("PYTHONPATH")]))
        # what the child says if it fails, for the message; closed by stop()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                # -P: not the working folder first, so the child imports this nato_corpus, not one lying there
                [sys.executable, "-P", "-m", "nato_corpus.release._parts"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env=env,
                # its own process group: Ctrl-C interrupts the build, which then stops the child
                **({"process_group": 0} if os.name == "posix" else {}),
            )
        except BaseException:
            self._stderr.close()
            raise
        self._thread: threading.Thread | None = None
        self._files: dict[str, bytes] = {}
        self._failure: BaseException | None = None
        self._abandoned = False  # this side stopped reading before the child finished
        self._frames = 0
        self._part = ""

    def start(
        self,
        part: str,
        tables: dict,
        descriptor: dict,
        captures: dict[str, str],
        on_file: Callable[[str, bytes], object] | None = None,
    ) -> None:
        """Send the part's inputs; its files are read (and handed to ``on_file``) as they come."""
        self._part = part
        stdin = self._process.stdin
        assert stdin is not None
        try:
            pickle.dump((self._root, part, tables, descriptor, captures), stdin, protocol=pickle.HIGHEST_PROTOCOL)
            stdin.close()
        except OSError:  # the child is gone already: result() says how
            pass
        self._thread = threading.Thread(target=self._read, args=(on_file,), name="nato-corpus-part", daemon=True)
        self._thread.start()

    def _read(self, on_file) -> None:
        try:
            stream = self._process.stdout
            assert stream is not None
            while True:
                kind, name, data = _read_frame(stream)
                self._frames += 1
                if kind == _DONE:
                    return
                if kind == _ERROR:
                    self._failure = _error_from(data, self._part)
                    return
                self._files[name] = data
                if on_file is not None:
                    on_file(name, data)
        except BaseException as exc:  # a broken answer, or on_file's own error: result() raises it
            self._failure, self._abandoned = exc, True

    def result(self) -> dict[str, bytes]:
        """The part's files, once the child has made them all; raises the error it met, or
        WorkerLost when it ended before it sent anything."""
        try:
            if self._thread is not None:
                self._thread.join()
            if self._abandoned:  # the child may still be writing what no one reads now
                self._process.kill()
            code = self._process.wait()
            if self._abandoned and self._frames == 0 and isinstance(self._failure, _Cut):
                raise WorkerLost(self._said(f"the process making the release's {self._part} ended with code {code}"))
            if self._failure is None and code != 0:
                self._failure = RuntimeError(
                    self._said(f"the process making the release's {self._part} ended with code {code}")
                )
            if self._failure is not None:
                raise self._failure
            return self._files
        finally:
            self.stop()

    def _said(self, message: str) -> str:
        """``message``, with the end of what the child wrote on its standard error, if anything."""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - 2000))
            said = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            said = ""
        return f"{message}: {said}" if said else message

    def stop(self) -> None:
        """Stop the child if it still runs (this side gave up), wait for it and for the thread reading it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()  # it reads to the end of a dead child's output: no file is handed on after this
        for stream in (self._process.stdin, self._process.stdout, self._stderr):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()


class _Cut(RuntimeError):
    """The child's answer ended midway (or before it began)."""


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise _Cut("the process making a part of the release stopped before it finished")
    return data


def _read_frame(stream: BinaryIO) -> tuple[bytes, str, bytes]:
    kind, name_length, data_length = _HEAD.unpack(_read_exactly(stream, _HEAD.size))
    if kind not in (_FILE, _DONE, _ERROR):
        raise RuntimeError("the process making a part of the release sent something that is not a frame")
    name = _read_exactly(stream, name_length).decode("utf-8")
    return kind, name, _read_exactly(stream, data_length)


def _write_frame(stream: BinaryIO, kind: bytes, name: str = "", data: bytes = b"") -> None:
    encoded = name.encode("utf-8")
    stream.write(_HEAD.pack(kind, len(encoded), len(data)))
    stream.write(encoded)
    stream.write(data)


#: errors the child reports as themselves; any other is reported as a failure of the build
_KNOWN: dict[str, type[Exception]] = {}


def _known() -> dict[str, type[Exception]]:
    if not _KNOWN:
        from .site.corpus import SiteDataError

        _KNOWN.update({"SiteDataError": SiteDataError, "UsageError": errors.UsageError})
    return _KNOWN


def _error_from(data: bytes, part: str) -> Exception:
    kind, _, message = data.decode("utf-8", "replace").partition("\n")
    known = _known().get(kind)
    if known is not None:
        return known(message)
    return RuntimeError(f"making the release's {part} failed: {kind}: {message}")


def _child(stdin: BinaryIO, stdout: BinaryIO) -> int:
    try:
        root, part, tables, descriptor, captures = pickle.load(stdin)  # from our parent: see the module
        here = str(Path(__file__).resolve().parents[2])
        if here != root:
            raise RuntimeError(f"this process imported nato_corpus from {here}, the build's is in {root}")
        files = make(part, tables, descriptor, captures)
        for name, data in files.items():
            _write_frame(stdout, _FILE, name, data)
        _write_frame(stdout, _DONE)
        stdout.flush()
        return 0
    except KeyboardInterrupt:  # the build was interrupted: it says so, not its child
        return 130
    except BrokenPipeError:  # the build has gone
        return 1
    except Exception as exc:  # every error goes to the parent, which raises it
        kind = type(exc).__name__
        name = kind if kind in _known() else f"{type(exc).__module__}.{kind}"
        with contextlib.suppress(OSError):
            _write_frame(stdout, _ERROR, data=f"{name}\n{exc}".encode("utf-8", "replace"))
            stdout.flush()
        return 1


if __name__ == "__main__":
    sys.exit(_child(sys.stdin.buffer, sys.stdout.buffer))
