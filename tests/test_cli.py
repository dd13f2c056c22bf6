"""The command line: exit codes, the three report formats, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nato_corpus.cli import main


def _break(root: Path) -> None:
    quotes = root / "quotes" / "sample.yaml"
    quotes.write_text(quotes.read_text().replace("speaker: actor:minister", "speaker: actor:ministr"))


def test_clean_corpus_exits_0(base_raw: Path, capsys):
    """A clean corpus exits 0 and says so."""
    assert main(["validate", str(base_raw)]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("clean: 0 error(s), 0 warning(s); actor 3, capture 1, document 2, event 1, quote 1")


def test_problems_exit_1_in_text_format(base_raw: Path, capsys):
    """Problems exit 1, one line each as path:line:col: CODE message, then how to fix and a summary."""
    _break(base_raw)
    assert main(["validate", str(base_raw)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{base_raw.as_posix()}/quotes/sample.yaml:4:12: dangling-reference "
        "speaker = 'actor:ministr': no actor has this id (did you mean 'actor:minister'?) [quote:minister-spring]"
    )
    assert lines[2] == "How to fix:"
    assert lines[3].startswith("  dangling-reference: Correct the identifier")
    assert "NOT clean: 1 error(s)" in lines[-1]


def test_json_format_is_the_report(base_raw: Path, capsys):
    """--format json prints the Report as data."""
    _break(base_raw)
    assert main(["validate", str(base_raw), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["errors"] == 1
    (problem,) = report["problems"]
    assert problem["code"] == "dangling-reference"
    assert (problem["line"], problem["column"], problem["record"]) == (4, 12, "quote:minister-spring")
    assert set(problem) == {"code", "message", "file", "line", "column", "record", "hint", "severity"}


def test_github_format_is_a_workflow_command(base_raw: Path, capsys):
    """--format github prints ::error file=…,line=…,col=…,title=…::message with properties escaped."""
    _break(base_raw)
    assert main(["validate", str(base_raw), "--format", "github"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        f"::error file={base_raw.as_posix()}/quotes/sample.yaml,line=4,col=12,"
        "title=dangling-reference%3A A reference to a record that does not exist::"
        "speaker = 'actor:ministr': no actor has this id (did you mean 'actor:minister'?) [quote:minister-spring] "
        "Fix: Correct the identifier, or add the record it names."
    )


def test_github_escapes_newlines_and_percent():
    """Workflow-command data escapes %, CR and LF; properties also escape : and ,."""
    from nato_corpus.cli import format_report
    from nato_corpus.problems import Problem, Report

    report = Report(
        problems=[Problem.of("yaml-syntax", "100% bad\nline", file="a,b:c.yaml", line=1, column=2)], source="x"
    )
    line = format_report(report, "github").splitlines()[0]
    assert line.startswith(
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=yaml-syntax%3A A YAML file cannot be parsed::100%25 bad%0Aline"
    )


def test_warning_only_exits_0(base_raw: Path, capsys):
    """Warnings are shown but do not fail validation."""
    (base_raw / "actors" / "more.yaml").write_text("- id: actor:nobody\n  name: Nobody\n  kind: person\n")
    assert main(["validate", str(base_raw)]) == 0
    out = capsys.readouterr().out
    assert "unused-record" in out and "ok (warnings only)" in out


def test_missing_directory_exits_2(tmp_path: Path, capsys):
    """A path that is not a directory is a usage error: exit 2, a message, no traceback."""
    assert main(["validate", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {(tmp_path / 'nope').as_posix()} is not a directory; pass the raw/ directory of a corpus\n"


def test_unknown_command_exits_2(capsys):
    """An unknown command exits 2 with argparse's usage message."""
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_internal_error_is_a_message_not_a_traceback(monkeypatch, base_raw: Path, capsys):
    """A bug inside the library still ends in one line on stderr and exit 2."""
    import nato_corpus.curation.validate as module

    def explode(path, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "validate", explode)
    assert main(["validate", str(base_raw)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: boom.") and "Traceback" not in err


def test_module_entry_point(base_raw: Path):
    """python -m nato_corpus runs the same command line."""
    _break(base_raw)
    done = subprocess.run(
        [sys.executable, "-m", "nato_corpus", "validate", str(base_raw)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "dangling-reference" in done.stdout and done.stderr == ""


def test_diff_exit_code_flag(tmp_path, capsys):
    """diff exits 0 by default; with --exit-code it exits 1 when records differ and 0 when not."""
    import shutil

    from conftest import TESTS

    raw = tmp_path / "raw"
    shutil.copytree(TESTS / "data" / "mini", raw)
    dist = tmp_path / "dist"
    assert main(["build", "--raw", str(raw), "--dist", str(dist)]) == 0
    common = ["--raw", str(raw), "--dist", str(dist)]
    version = next(p.name for p in dist.iterdir() if p.is_dir())
    assert main(["diff", version, "raw", "--exit-code", *common]) == 0
    actors = next((raw / "actors").glob("*.yaml"))
    actors.write_text(
        actors.read_text(encoding="utf-8").replace("kind: person", "kind: organization", 1), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["diff", version, "raw", *common]) == 0
    assert main(["diff", version, "raw", "--exit-code", *common]) == 1
    assert "changed" in capsys.readouterr().out


def test_validate_cache_is_used_and_can_be_skipped(base_raw: Path, tmp_path: Path, monkeypatch, capsys):
    """The CLI keeps per-file results in NATO_CORPUS_CACHE/validate; --no-cache leaves it untouched."""
    cache = tmp_path / "mycache"
    monkeypatch.setenv("NATO_CORPUS_CACHE", str(cache))
    assert main(["validate", str(base_raw), "--no-cache"]) == 0
    assert not (cache / "validate").exists()
    assert main(["validate", str(base_raw)]) == 0
    assert any((cache / "validate").rglob("*"))
    _break(base_raw)
    assert main(["validate", str(base_raw)]) == 1, "a cached clean result never hides a new problem"
    assert "dangling-reference" in capsys.readouterr().out


def test_build_check_without_a_release_says_so(tmp_path, capsys):
    """build --check where the version was never built says there is no such release (exit 1)."""
    import shutil

    from conftest import TESTS

    raw = tmp_path / "raw"
    shutil.copytree(TESTS / "data" / "mini", raw)
    assert main(["build", "--check", "--raw", str(raw), "--dist", str(tmp_path / "dist")]) == 1
    assert "no such release; build it with `nato-corpus build`" in capsys.readouterr().out


def test_hostile_raw_never_reaches_the_internal_error_path(base_raw: Path, capsys):
    """Hostile files give problems (exit 1), never the catch-all internal error (exit 2)."""
    (base_raw / "actors" / "bomb.yaml").write_bytes(b"- &a [x, x]\n- &b [*a, *a]\n")
    (base_raw / "actors" / "bin.yaml").write_bytes(b"\x00\xff\xfe")
    (base_raw / "quotes" / "tag.yaml").write_bytes(b"- !!python/object/apply:os.system ['true']\n")
    (base_raw / "events" / "odd.yaml").write_bytes(b"- id: !!int abc\n- <<: x\n- = \n")
    assert main(["validate", str(base_raw)]) == 1
    captured = capsys.readouterr()
    assert "internal error" not in captured.err and captured.err == ""
