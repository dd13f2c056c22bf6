"""The command line's edge with the terminal: safe text, any encoding, closed pipes, Ctrl-C.

What the commands print can hold text from outside (file names, keys and values of raw/,
paths given as arguments). Before it reaches a terminal or a CI log it is made inert:

* :func:`escape` shows control characters (newlines, escape sequences, NUL, C1 controls,
  Unicode line separators) as backslash escapes, so a name can never start a new line,
  move the cursor or recolour the screen (backslashes stay as they are: messages already
  hold repr()s of values, which would otherwise be escaped twice);
* :func:`safe_start` keeps a line from starting with ``::`` or ``##[``, the two forms of
  GitHub workflow commands (``::error::...``, ``##[set-output ...]``), by writing a
  relative path that starts so as ``./::...`` (the same path);
* :func:`prepare_streams` lets output print on any terminal encoding (characters the
  encoding lacks are written as backslash escapes rather than raising);
* :func:`silence_stdout` ends a command quietly when the reader of its output has gone
  (``nato-corpus validate | head -1``).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

#: exit code of a command whose output pipe was closed (128 + SIGPIPE, as a shell reports it)
EXIT_PIPE = 141
#: exit code after Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED = 130

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: object) -> str:
    """``text`` with control characters and line separators shown as backslash escapes."""
    return _UNSAFE.sub(_escaped, str(text))


def safe_start(text: str) -> str:
    """``text`` (a path, or a line that starts with one) that cannot start a workflow command."""
    stripped = text.lstrip()
    if stripped.startswith(("::", "##[")):
        return "./" + stripped
    return text


def escape_json(text: str) -> str:
    """JSON text with the characters JSON leaves raw but terminals act on (DEL, C1 controls,
    Unicode line separators) written as ``\\u`` escapes; still the same JSON."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def prepare_streams() -> None:
    """Let stdout and stderr print any text on any terminal encoding (ASCII included)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream already closed or detached
                reconfigure(errors="backslashreplace")


def silence_stdout() -> None:
    """After the reader of stdout has gone: send what is left to /dev/null, so that the
    interpreter's final flush does not complain on stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture output)
        pass


def say(message: str) -> None:
    """Print one line on stderr, escaped, and never fail doing it."""
    with contextlib.suppress(OSError, ValueError):  # stderr closed too: nothing more can be said
        print(safe_start(escape(message)), file=sys.stderr)
