"""Fuzzing where input comes from outside: release descriptors, index files, release folders
and environment values, fed to check_release, download (from a local-folder mirror) and
build. Each call ends in a Report, a result, or one of nato_corpus.errors; never another
exception."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import BASE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import ENVIRONMENT_VALUES, JSON, indexes, json_mutations, release_changes

from nato_corpus import errors
from nato_corpus.access.download import download
from nato_corpus.problems import RULES, Report
from nato_corpus.release.build import build
from nato_corpus.release.check import check_release

RELEASE = REPO / "dist" / "1.0.0"
DESCRIPTOR = json.loads((RELEASE / "datapackage.json").read_bytes())
FILES = sorted(p.relative_to(RELEASE).as_posix() for p in RELEASE.rglob("*") if p.is_file())
SETTINGS = (
    "NATO_CORPUS_URL",
    "NATO_CORPUS_CACHE",
    "NATO_CORPUS_OFFLINE",
    "NATO_CORPUS_TIMEOUT",
    "NATO_CORPUS_DEADLINE",
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

DESCRIPTORS = JSON | json_mutations(DESCRIPTOR)


@contextlib.contextmanager
def _workspace():
    """A fresh folder for one example (hypothesis runs many examples per test function)."""
    folder = Path(tempfile.mkdtemp(prefix="nc-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_KEEP = object()


def _release_copy(into: Path, descriptor: object = _KEEP) -> Path:
    """A copy of the real 1.0.0 release (files hard-linked where possible), with ``descriptor``."""
    for name in FILES:
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        if name == "datapackage.json" and descriptor is not _KEEP:
            (into / name).write_text(json.dumps(descriptor), encoding="utf-8")
            continue
        try:
            os.link(RELEASE / name, into / name)
        except OSError:
            shutil.copyfile(RELEASE / name, into / name)
    return into


def _assert_report(report: object) -> None:
    assert isinstance(report, Report)
    assert all(problem.code in RULES and problem.message for problem in report.problems)
    assert report.ok is not any(problem.severity == "error" for problem in report.problems)


@FUZZ
@given(DESCRIPTORS)
def test_check_release_reports_any_descriptor(descriptor):
    """check_release on any JSON descriptor (or a mutated real one) returns a Report; beside
    the real index, any descriptor but the published bytes is not ok."""
    with _workspace() as folder:
        release = _release_copy(folder / "1.0.0", descriptor)
        shutil.copyfile(REPO / "dist" / "index.json", folder / "index.json")
        written = (release / "datapackage.json").read_bytes()
        report = check_release(release)
    _assert_report(report)
    assert written == (RELEASE / "datapackage.json").read_bytes() or not report.ok


@FUZZ
@given(indexes())
def test_check_release_reports_any_index_beside_it(index):
    """A release in a dist/ folder whose index.json is any JSON is checked: a Report, never an exception."""
    with _workspace() as folder:
        _release_copy(folder / "1.0.0")
        (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
        report = check_release(folder / "1.0.0")
    _assert_report(report)


@FUZZ
@given(release_changes(FILES))
def test_check_release_reports_any_damaged_folder(changes):
    """A release folder with files replaced, cut, removed, turned into folders or links is reported, not raised."""
    with _workspace() as folder:
        release = _release_copy(folder / "1.0.0")
        outside = folder / "outside.bin"
        outside.write_bytes(b"outside the release")
        for action, name, data in changes:
            path = release / name
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)
            if action == "bytes":
                path.write_bytes(data)
            elif action == "truncate":
                original = (RELEASE / name).read_bytes()
                path.write_bytes(original[: min(len(data), len(original) - 1)])
            elif action == "folder":
                path.mkdir()
            elif action == "link-out":
                path.symlink_to(outside)
            elif action == "link-in":
                path.symlink_to(RELEASE / name)
            elif action == "append":
                path.write_bytes((RELEASE / name).read_bytes() + data)
        report = check_release(release)
    _assert_report(report)
    assert not report.ok


def _mirror(folder: Path, descriptor: object, index: object = _KEEP) -> Path:
    """A local mirror serving ``descriptor`` as release 9.9.9 (files of 1.0.0), pinned by its index."""
    mirror = folder / "mirror"
    _release_copy(mirror / "9.9.9", descriptor)
    pin = hashlib.sha256((mirror / "9.9.9" / "datapackage.json").read_bytes()).hexdigest()
    if index is _KEEP:
        index = {
            "name": "nato-corpus",
            "latest": "9.9.9",
            "versions": {"9.9.9": {"descriptor_sha256": pin, "path": "9.9.9/datapackage.json"}},
        }
    (mirror / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return mirror


@FUZZ
@given(st.one_of(JSON, json_mutations({**DESCRIPTOR, "version": "9.9.9"})))
def test_download_of_any_descriptor_verifies_or_refuses(descriptor):
    """A mirror serving any descriptor, pinned by its own index, gives a verified release or our error."""
    with _workspace() as folder:
        mirror = _mirror(folder, descriptor)
        try:
            path = download("9.9.9", base_url=mirror, cache_dir=folder / "cache", trust_mirror=True, retries=0)
        except errors.NatoCorpusError as exc:
            assert str(exc)
            return
        assert check_release(path).problems == [] or path.is_dir()
        assert json.loads((path / "datapackage.json").read_bytes())["version"] == "9.9.9"


@FUZZ
@given(indexes())
def test_download_with_any_index_verifies_or_refuses(index):
    """A mirror whose index.json is any JSON (or index-shaped nonsense) gives one of our errors."""
    with _workspace() as folder:
        mirror = _mirror(folder, {**DESCRIPTOR, "version": "9.9.9"}, index)
        with pytest.raises(errors.NatoCorpusError):
            download("9.9.9", base_url=mirror, cache_dir=folder / "cache", trust_mirror=True, retries=0)


@FUZZ
@given(st.dictionaries(st.sampled_from(SETTINGS), ENVIRONMENT_VALUES, min_size=1))
def test_download_under_any_settings_works_or_refuses(environment):
    """Any values of the settings variables give a release or one of our errors, and never write outside the work folder."""
    if any(value.strip().lower().startswith(("http:", "https:")) for value in environment.values()):
        return  # no network in tests: an http(s) mirror is tested elsewhere with a local server
    before = {name: os.environ.get(name) for name in SETTINGS}
    here = os.getcwd()
    with _workspace() as folder:
        os.chdir(folder)  # relative paths in the settings land in the work folder
        try:
            for name in SETTINGS:
                os.environ.pop(name, None)
            for name, value in environment.items():
                if name == "NATO_CORPUS_CACHE" and value.strip().startswith(("/", "~")):
                    value = "." + value  # keep every cache inside the work folder
                os.environ[name] = value
            try:
                path = download("1.0.0", cache_dir=None)
            except errors.NatoCorpusError as exc:
                assert str(exc)
            else:
                assert (path / "datapackage.json").is_file()
        finally:
            os.chdir(here)
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


BUILD = settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@BUILD
@given(indexes())
def test_build_with_any_index_in_dist_builds_or_refuses(index):
    """build into a dist/ whose index.json is any JSON: a result or one of our errors."""
    with _workspace() as folder:
        dist = folder / "dist"
        dist.mkdir()
        (dist / "index.json").write_text(json.dumps(index), encoding="utf-8")
        try:
            result = build(BASE, dist)
        except errors.NatoCorpusError as exc:
            assert str(exc)
        else:
            assert result.path == dist / "0.1.0"


@BUILD
@given(DESCRIPTORS)
def test_build_over_a_damaged_release_refuses(descriptor):
    """build where dist/0.1.0/datapackage.json is any JSON: never overwritten silently, never a crash."""
    with _workspace() as folder:
        release = folder / "dist" / "0.1.0"
        release.mkdir(parents=True)
        (release / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        try:
            build(BASE, folder / "dist")
        except errors.NatoCorpusError as exc:
            assert str(exc)
        assert json.loads((release / "datapackage.json").read_bytes()) == descriptor
