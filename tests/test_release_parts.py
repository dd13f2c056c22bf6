"""The site made in a second process: the same bytes as made here, its errors raised here, no child left."""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from benchmarks.generate import generate
from nato_corpus.curation.validate import check_raw
from nato_corpus.release import _parts, build, package
from nato_corpus.release.site.corpus import SiteDataError


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("parts") / "raw"
    generate(raw, 120, seed=5)
    return raw


@pytest.fixture(scope="module")
def checked(generated):
    return check_raw(generated)


@pytest.fixture
def workers(monkeypatch) -> list:
    """Take the second process on any corpus, on any machine; the workers started are listed."""
    started: list = []
    real = _parts.Worker.__init__

    def init(self):
        real(self)
        started.append(self)

    monkeypatch.setattr(_parts, "SITE_WORKER_FROM", 0)
    monkeypatch.setattr(_parts, "processors", lambda: 2)
    monkeypatch.setattr(_parts.Worker, "__init__", init)
    return started


def test_the_site_made_in_a_second_process_is_the_same_bytes(checked, tmp_path, workers):
    """Every file of a release is the same whether its site is made here or in a second process, and the
    site's files are handed on as the others are."""
    seen: dict[str, bytes] = {}
    with_worker = package.render_release(checked, dist_dir=tmp_path, on_file=seen.__setitem__)
    assert len(workers) == 1 and workers[0]._process.poll() is not None, "one child, and it has ended"
    assert seen == with_worker
    _parts.SITE_WORKER_FROM = 10**9
    here = package.render_release(checked, dist_dir=tmp_path)
    assert len(workers) == 1
    assert list(with_worker) == list(here)
    assert with_worker == here
    assert sum(name.startswith("site/quotes/") for name in here) == 120


def test_one_processor_or_a_small_corpus_makes_everything_here(monkeypatch):
    monkeypatch.setattr(_parts, "processors", lambda: 1)
    assert not _parts.worth_a_worker(10**6)
    monkeypatch.setattr(_parts, "processors", lambda: 2)
    assert not _parts.worth_a_worker(_parts.SITE_WORKER_FROM - 1)
    assert _parts.worth_a_worker(_parts.SITE_WORKER_FROM)


def test_an_error_the_child_meets_is_raised_here_with_its_message():
    """Tables the site cannot be made from: the child's SiteDataError is raised here, message and all."""
    worker = _parts.Worker()
    worker.start("site", {}, {}, {})
    with pytest.raises(SiteDataError, match="table 'quotes' is missing"):
        worker.result()
    assert worker._process.returncode == 1


def test_an_unexpected_error_in_the_child_names_it():
    worker = _parts.Worker()
    worker.start("index", {}, {}, {})
    with pytest.raises(RuntimeError, match="making the release's index failed: builtins.ValueError: no part"):
        worker.result()


def test_a_child_that_is_gone_before_it_answers_is_an_error_not_a_hang():
    worker = _parts.Worker()
    worker._process.kill()
    worker._process.wait()
    worker.start("site", {}, {}, {})
    with pytest.raises(RuntimeError, match="stopped before it finished|ended with code"):
        worker.result()


def test_a_file_this_side_cannot_take_stops_the_child_and_is_raised(checked, tmp_path, monkeypatch):
    """on_file failing (a full disk, say) while the child still sends files: its error is raised here and
    the child, left writing to no one, is stopped rather than waited for."""
    tables, base, captures = _inputs(checked, tmp_path, monkeypatch)
    worker = _parts.Worker()

    def refuse(name, data):
        raise OSError(28, "No space left on device")

    worker.start("site", tables, base, captures, refuse)
    raised: list = []

    def wait() -> None:
        try:
            worker.result()
        except OSError as exc:
            raised.append(exc)

    waiting = threading.Thread(target=wait, daemon=True)
    waiting.start()
    waiting.join(60)
    if waiting.is_alive():  # it waited for a child that no one reads: end the child, then fail
        worker._process.kill()
        pytest.fail("result() waited for a child blocked on writing to this side")
    assert len(raised) == 1 and "No space left" in str(raised[0])
    assert worker._process.poll() is not None


def _inputs(checked, tmp_path, monkeypatch):
    """The site's inputs as the build hands them to its worker (recorded, not sent)."""
    got: dict = {}

    class Recorder:
        def start(self, part, tables, base, captures, on_file=None):
            got.update(tables=tables, base=base, captures=captures)

        def result(self):
            return {}

        def stop(self):
            pass

    with monkeypatch.context() as patched:
        patched.setattr(_parts, "SITE_WORKER_FROM", 0)
        patched.setattr(_parts, "processors", lambda: 2)
        patched.setattr(_parts, "Worker", Recorder)
        package.render_release(checked, dist_dir=tmp_path)
    return got["tables"], got["base"], got["captures"]


def test_the_child_imports_this_nato_corpus_even_from_a_folder_holding_another(checked, tmp_path, monkeypatch):
    """Built from a folder with another nato_corpus in it (an old checkout), the child still runs the
    build's own code: it makes the same site as this process."""
    tables, base, captures = _inputs(checked, tmp_path, monkeypatch)
    shadow = tmp_path / "elsewhere" / "nato_corpus"
    (shadow / "release").mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('the other nato_corpus')\n", encoding="utf-8")
    (shadow / "release" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(shadow.parent)
    worker = _parts.Worker()
    worker.start("site", tables, base, captures)
    assert worker.result() == _parts.make("site", tables, base, captures)


def test_a_child_running_another_nato_corpus_refuses_to_answer():
    """The child checks that it imported the nato_corpus its parent runs, and says so when not."""
    import pickle

    out = io.BytesIO()
    code = _parts._child(io.BytesIO(pickle.dumps(("/somewhere/else", "site", {}, {}, {}))), out)
    out.seek(0)
    kind, _, data = _parts._read_frame(out)
    assert code == 1 and kind == _parts._ERROR
    assert "imported nato_corpus from" in data.decode() and "/somewhere/else" in data.decode()


def _fake_python(tmp_path: Path, body: str) -> str:
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Python")
def test_a_child_that_cannot_start_says_what_it_wrote(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", _fake_python(tmp_path, "echo 'No module named nato_corpus' >&2; exit 3"))
    worker = _parts.Worker()
    worker.start("site", {}, {}, {})
    with pytest.raises(_parts.WorkerLost, match="ended with code 3: No module named nato_corpus"):
        worker.result()


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Python")
def test_a_release_whose_child_cannot_start_has_its_site_made_here(checked, tmp_path, monkeypatch, workers):
    """No usable second Python: the build makes the site itself, the same bytes."""
    with_worker = package.render_release(checked, dist_dir=tmp_path)
    monkeypatch.setattr(sys, "executable", _fake_python(tmp_path, "exit 1"))
    seen: dict[str, bytes] = {}
    assert package.render_release(checked, dist_dir=tmp_path, on_file=seen.__setitem__) == with_worker
    assert seen == with_worker and len(workers) == 2


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_the_child_is_not_in_the_group_that_ctrl_c_reaches():
    """Ctrl-C reaches the build's process group, not the child's: the build stops the child itself."""
    worker = _parts.Worker()
    try:
        assert os.getpgid(worker._process.pid) != os.getpgid(0)
    finally:
        worker.stop()


@pytest.mark.parametrize(
    "stream, message",
    [
        (b"X" + bytes(12), "not a frame"),
        (_parts._HEAD.pack(b"F", 4, 10) + b"site" + b"short", "stopped before it finished"),
        (b"F\x00", "stopped before it finished"),
    ],
    ids=["unknown-kind", "data-cut-short", "head-cut-short"],
)
def test_frames_that_are_not_whole_are_refused(stream, message):
    with pytest.raises(RuntimeError, match=message):
        _parts._read_frame(io.BytesIO(stream))


def test_frames_read_back_as_written():
    out = io.BytesIO()
    _parts._write_frame(out, _parts._FILE, "site/é.html", b"<p>\n</p>")
    _parts._write_frame(out, _parts._DONE)
    out.seek(0)
    assert _parts._read_frame(out) == (b"F", "site/é.html", b"<p>\n</p>")
    assert _parts._read_frame(out) == (b"D", "", b"")


@pytest.mark.parametrize("error", [RuntimeError("annotations failed"), KeyboardInterrupt()])
def test_a_build_that_fails_while_the_child_works_stops_it_and_leaves_nothing(
    generated, tmp_path, monkeypatch, workers, error
):
    """A failure here while the site is made there: the child is stopped, no release, no staging folder."""
    raw = tmp_path / "raw"
    shutil.copytree(generated, raw)
    dist = tmp_path / "dist"
    dist.mkdir()

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr("nato_corpus.release.standards.annotations", failing)
    with pytest.raises(type(error)):
        build.build(raw, dist)
    assert len(workers) == 1 and workers[0]._process.poll() is not None
    assert list(dist.iterdir()) == []
