"""The command line at its edges: malformed arguments and settings are usage errors (exit 2)
that say what was expected; output survives closed pipes, Ctrl-C, ASCII terminals and
crafted file names."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nato_corpus.cli import format_report, main
from nato_corpus.problems import Problem, Report

ENVIRONMENT = ("NATO_CORPUS_URL", "NATO_CORPUS_OFFLINE", "NATO_CORPUS_TIMEOUT", "NATO_CORPUS_DEADLINE")

# name -> (environment, arguments, what stderr must say); {file} is a plain file, {folder} an
# empty folder, {raw} a valid raw/, {missing} a path that does not exist
MALFORMED = {
    "timeout-not-a-number": (
        {"NATO_CORPUS_TIMEOUT": "abc"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_TIMEOUT='abc' is not usable: timeout must be a positive number of seconds, such as 30",
    ),
    "timeout-negative": (
        {"NATO_CORPUS_TIMEOUT": "-5"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_TIMEOUT='-5' is not usable",
    ),
    "timeout-nan": (
        {"NATO_CORPUS_TIMEOUT": "nan"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_TIMEOUT='nan' is not usable",
    ),
    "deadline-infinite": (
        {"NATO_CORPUS_DEADLINE": "inf"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_DEADLINE='inf' is not usable: deadline must be a positive number of seconds",
    ),
    "deadline-overflow": (
        {"NATO_CORPUS_DEADLINE": "1e999"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_DEADLINE='1e999' is not usable",
    ),
    "deadline-zero": (
        {"NATO_CORPUS_DEADLINE": "0"},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "NATO_CORPUS_DEADLINE='0' is not usable",
    ),
    "offline-not-yes-or-no": (
        {"NATO_CORPUS_OFFLINE": "maybe?"},
        ["download", "1.0.0"],
        "NATO_CORPUS_OFFLINE='maybe?' is not usable: set it to 1 (yes) or 0 (no), or unset it",
    ),
    "cache-env-is-a-file": (
        {"NATO_CORPUS_CACHE": "{file}"},
        ["download", "1.0.0"],
        "the download cache {file} is not a folder; point cache_dir / NATO_CORPUS_CACHE at a folder",
    ),
    "cache-dir-is-a-file": (
        {},
        ["download", "1.0.0", "--cache-dir", "{file}"],
        "the download cache {file} is not a folder",
    ),
    "url-ftp": (
        {"NATO_CORPUS_URL": "ftp://mirror.example"},
        ["download", "9.9.9", "--trust-mirror"],
        "NATO_CORPUS_URL 'ftp://mirror.example' is not supported: use an http:// or https:// URL, or the path of a local folder",
    ),
    "url-file-scheme": (
        {"NATO_CORPUS_URL": "file:///tmp"},
        ["download", "9.9.9", "--trust-mirror"],
        "(a plain path, not a file:// URL)",
    ),
    "url-is-a-file": (
        {"NATO_CORPUS_URL": "{file}"},
        ["download", "9.9.9", "--trust-mirror"],
        "NATO_CORPUS_URL '{file}' is not an existing folder",
    ),
    "base-url-missing": (
        {},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{missing}"],
        "base_url '{missing}' is not an existing folder",
    ),
    "mirror-without-index": (
        {},
        ["download", "9.9.9", "--trust-mirror", "--base-url", "{folder}"],
        "the mirror folder {folder} has no index.json",
    ),
    "version-with-newline": ({}, ["download", "1.0.0\n"], "'1.0.0\\n' is not a release version; pass one like '0.1.0'"),
    "version-path": ({}, ["download", "../../etc"], "'../../etc' is not a release version"),
    "version-unpinned": (
        {},
        ["download", "9.9.9", "--base-url", "{folder}"],
        "release 9.9.9 is not pinned by this installation of nato-corpus",
    ),
    "to-is-a-file": ({}, ["download", "1.0.0", "--to", "{file}"], "{file} is not a folder; choose a folder for --to"),
    "to-under-a-file": (
        {},
        ["download", "1.0.0", "--to", "{file}/sub"],
        "cannot use {file}/sub: Not a directory; check the path, that it is the kind (file or folder)",
    ),
    "validate-a-file": ({}, ["validate", "{file}"], "{file} is not a directory; pass the raw/ directory of a corpus"),
    "validate-missing": ({}, ["validate", "{missing}"], "{missing} is not a directory"),
    "validate-nul-in-path": ({}, ["validate", "{folder}/a\x00b"], "{folder}/a\\x00b is not a directory"),
    "validate-name-too-long": ({}, ["validate", "x" * 5000], ": File name too long; check the path"),
    "build-raw-is-a-file": (
        {},
        ["build", "--raw", "{file}", "--dist", "{folder}"],
        "{file} is not a directory; pass the raw/ directory of a corpus",
    ),
    "build-dist-is-a-file": (
        {},
        ["build", "--raw", "{raw}", "--dist", "{file}"],
        "{file} is not a folder; pass the folder releases are written in (--dist), such as dist",
    ),
    "schema-dir-is-a-file": ({}, ["schema", "--schema-dir", "{file}"], "cannot use {file}/records: Not a directory"),
    "info-unknown-release": (
        {},
        ["info", "--release", "9.9.9"],
        "unknown version '9.9.9'; valid versions: 1.0.0, 1.1.0",
    ),
    "tables-malformed-release": ({}, ["tables", "--release", "abc"], "unknown version 'abc'"),
    "diff-unknown-release": ({}, ["diff", "9.9.9", "raw", "--dist", "{folder}"], "no release '9.9.9' in {folder}/"),
    "cite-release-is-a-file": (
        {},
        ["cite", "--release", "{file}"],
        "{file}: not a release folder (no datapackage.json)",
    ),
}


@pytest.fixture
def places(tmp_path: Path, base_raw: Path) -> dict[str, str]:
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "a-folder").mkdir()
    return {
        "file": (tmp_path / "a-file").as_posix(),
        "folder": (tmp_path / "a-folder").as_posix(),
        "raw": base_raw.as_posix(),
        "missing": (tmp_path / "missing").as_posix(),
    }


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_is_a_usage_error(name: str, places: dict, monkeypatch, capsys):
    """A malformed argument or setting exits 2 with one line saying what was expected, never 'internal error'."""
    environment, arguments, expected = MALFORMED[name]
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value.format(**places))
    assert main([argument.format(**places) for argument in arguments]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, captured.err
    assert expected.format(**places) in captured.err
    assert captured.out == ""


def test_offline_flag_accepts_its_documented_words(monkeypatch, tmp_path: Path, capsys):
    """NATO_CORPUS_OFFLINE=off is 'no': a bundled release is still returned, exit 0."""
    monkeypatch.setenv("NATO_CORPUS_OFFLINE", "off")
    assert main(["download", "1.0.0", "--cache-dir", str(tmp_path / "cache")]) == 0
    assert capsys.readouterr().out.strip().endswith("1.0.0")


def test_ctrl_c_exits_130_with_one_line(monkeypatch, base_raw: Path, capsys):
    """Ctrl-C during a command exits 130 with the single line 'interrupted'."""
    import nato_corpus.curation.validate as module

    def interrupted(path, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "validate", interrupted)
    assert main(["validate", str(base_raw)]) == 130
    assert capsys.readouterr().err == "interrupted\n"


# --- text from outside is escaped ------------------------------------------------------


def _report(file: str, message: str = "bad") -> Report:
    return Report(problems=[Problem.of("yaml-syntax", message, file=file, line=1, column=2)], source=file)


@pytest.mark.parametrize(
    "file",
    [
        "raw/x.yaml\n::error file=ci.yml::injected",
        "raw/x.yaml\r::warning::injected",
        "raw/x\u2028::error::injected.yaml",
        "raw/x\x85::error::injected.yaml",
    ],
)
def test_text_format_keeps_a_crafted_name_on_its_line(file: str):
    """A file name with a line break cannot start a new line (no workflow command injected)."""
    lines = format_report(_report(file), "text").splitlines()
    assert len(lines) == 5  # the problem, a blank, 'How to fix:', the hint, the summary
    assert not any(line.lstrip().startswith(("::", "##[")) for line in lines)
    assert "injected" in lines[0]


@pytest.mark.parametrize("file", ["::error file=ci.yml::injected.yaml", "##[error]injected.yaml", " ::notice::x.yaml"])
def test_text_format_never_starts_a_line_with_a_workflow_command(file: str):
    """A name that itself starts with '::' or '##[' is shown as ./name, the same relative path."""
    lines = format_report(_report(file), "text").splitlines()
    assert lines[0].startswith("./")
    assert lines[-1].startswith("./")
    assert not any(line.lstrip().startswith(("::", "##[")) for line in lines)


def test_text_format_shows_control_characters_as_escapes():
    """Terminal escape sequences, NUL and DEL in names and messages are shown escaped."""
    line = format_report(_report("raw/\x1b[31mred\x00\x7f.yaml", "key '\x1b]0;title\x07' twice"), "text").splitlines()[
        0
    ]
    assert line == "raw/\\x1b[31mred\\x00\\x7f.yaml:1:2: yaml-syntax key '\\x1b]0;title\\x07' twice"


def test_json_format_escapes_what_terminals_act_on():
    """JSON output escapes C1 controls and line separators too, and still parses to the same text."""
    file = "raw/\x9b31m\u2028x.yaml"
    text = format_report(_report(file), "json")
    assert "\x9b" not in text and "\u2028" not in text
    assert json.loads(text)["problems"][0]["file"] == file


def test_crafted_file_name_in_raw_is_escaped_end_to_end(base_raw: Path, capsys, monkeypatch):
    """A real file named to inject a workflow command, validated from inside raw/, stays inert."""
    name = "::error file=x::injected\n.yaml"
    (base_raw / name).write_text("x: 1\n")
    monkeypatch.chdir(base_raw)
    assert main(["validate", "."]) == 1
    out = capsys.readouterr().out
    assert "./::error file=x::injected\\n.yaml: unexpected-file" in out
    assert not any(line.lstrip().startswith("::") for line in out.splitlines())


# --- the terminal and the pipe (a real process) ------------------------------------------


def _run(args: list[str], **options) -> subprocess.CompletedProcess:
    env = {**os.environ, **options.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "nato_corpus", *args], capture_output=True, env=env, **options)


def test_ascii_terminal_prints_non_ascii_names(base_raw: Path):
    """On an ASCII-only terminal a report naming a non-ASCII file still prints (as escapes), exit 1."""
    (base_raw / "actors" / "Kozyrev-Козырев.txt").write_text("x\n")
    done = _run(
        ["validate", str(base_raw), "--no-cache"], env={"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    )
    assert done.returncode == 1, done.stderr
    assert b"Kozyrev-\\u041a\\u043e\\u0437\\u044b\\u0440\\u0435\\u0432.txt: unexpected-file" in done.stdout
    assert done.stderr == b""


def test_closed_pipe_ends_quietly(base_raw: Path):
    """`validate | head -1`: when the reader goes, the command ends with 141 and nothing on stderr."""
    for index in range(1000):  # ~200 KB of output: more than a pipe buffer holds
        (base_raw / "actors" / f"stray-{index:04d}.txt").write_text("x\n")
    command = [sys.executable, "-m", "nato_corpus", "validate", str(base_raw), "--no-cache"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()  # the reader goes, as head does after one line
    error = process.stderr.read()
    assert process.wait() == 141
    assert error == b""


class _Silent(http.server.BaseHTTPRequestHandler):
    """Accepts a request, then says nothing (the test interrupts the client meanwhile)."""

    def do_GET(self):
        self.server.asked.set()
        self.server.release.wait(30)

    def log_message(self, *args):
        pass


def test_interrupt_during_a_download_exits_130(tmp_path: Path):
    """SIGINT while a download waits for a server: exit 130, one line 'interrupted', no traceback."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    server.asked, server.release = threading.Event(), threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        command = [
            sys.executable,
            "-m",
            "nato_corpus",
            "download",
            "9.9.9",
            "--trust-mirror",
            "--base-url",
            url,
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert server.asked.wait(60), "the download never asked the server"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        server.release.set()
        server.shutdown()
    assert process.returncode == 130
    assert err == b"interrupted\n"
