"""The validation cache: keyed on content, it can never hide a problem."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import value_paths

from nato_corpus.curation import cache as _cache
from nato_corpus.curation import schema
from nato_corpus.curation import validate as validation
from nato_corpus.curation.validate import check_raw

QUOTES = "quotes/sample.yaml"


def _report(root: Path, cache_dir: Path | None = None) -> dict:
    """A report as data, without the parts that do not depend on the files."""
    report = check_raw(root, cache_dir=cache_dir).report.to_dict()
    report.pop("source")
    return report


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*") if p.is_file())


def _hits(monkeypatch) -> list:
    """Record every value the cache returns."""
    found: list = []
    original = _cache.Cache.get

    def get(self, digest, kind):
        value = original(self, digest, kind)
        found.append(value)
        return value

    monkeypatch.setattr(_cache.Cache, "get", get)
    return found


def test_results_are_the_same_with_and_without_the_cache(base_raw, tmp_path):
    """A cold cache, a warm cache and no cache give the same report and records."""
    cache = tmp_path / "cache"
    plain = check_raw(base_raw)
    cold = check_raw(base_raw, cache_dir=cache)
    warm = check_raw(base_raw, cache_dir=cache)
    assert _entries(cache), "the cache was not written"
    for checked in (cold, warm):
        assert checked.report.to_dict() == plain.report.to_dict()
        assert checked.records == plain.records


def test_a_warm_cache_is_used(base_raw, tmp_path, monkeypatch):
    """The second validation of unchanged files reads every record file from the cache."""
    check_raw(base_raw, cache_dir=tmp_path / "cache")
    hits = _hits(monkeypatch)
    check_raw(base_raw, cache_dir=tmp_path / "cache")
    assert hits and all(value is not None for value in hits)


def test_a_change_with_the_same_size_and_mtime_is_found(base_raw, tmp_path):
    """The cache is keyed on content: an edit that keeps size and mtime is still seen."""
    cache = tmp_path / "cache"
    assert _report(base_raw, cache)["ok"]
    path = base_raw / QUOTES
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("again in spring.", "again in sprinG."), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    report = _report(base_raw, cache)
    assert "quote-near-match" in {p["code"] for p in report["problems"]}
    assert report == _report(base_raw)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),  # a flipped byte in the payload
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",  # empty
        lambda data: b"not a cache entry at all",
        lambda data: data.replace(b"nato-corpus validation cache", b"nato-corpus validation cachX", 1),
    ],
    ids=["flipped-byte", "truncated", "empty", "garbage", "bad-magic"],
)
def test_a_corrupted_entry_is_ignored(base_raw, tmp_path, monkeypatch, damage):
    """A damaged entry is a miss: the file is read and validated again."""
    cache = tmp_path / "cache"
    check_raw(base_raw, cache_dir=cache)
    for entry in _entries(cache):
        entry.write_bytes(damage(entry.read_bytes()))
    (base_raw / QUOTES).write_text(
        (base_raw / QUOTES).read_text(encoding="utf-8").replace("date: 1994-11-28", "date: 28.11.1994"),
        encoding="utf-8",
    )
    hits = _hits(monkeypatch)
    report = _report(base_raw, cache)
    assert all(value is None for value in hits)
    assert "invalid-date" in {p["code"] for p in report["problems"]}
    assert report == _report(base_raw)


def _forge_clean_entry(broken_raw: Path, cache: Path, fingerprint: str, monkeypatch) -> None:
    """Store, under ``fingerprint``, an entry saying the broken quotes file is clean."""
    lie = schema.check_file("quote", (BASE / QUOTES).read_bytes(), (broken_raw / QUOTES).as_posix(), "0" * 64)
    assert not lie.problems and lie.valid
    digest = hashlib.sha256((broken_raw / QUOTES).read_bytes()).hexdigest()
    with monkeypatch.context() as patch:
        patch.setattr(validation, "fingerprint", lambda: fingerprint)
        _cache.Cache(cache, fingerprint).put(digest, "quote", lie)


@pytest.mark.parametrize("other", ["another-version", "same-prefix"])
def test_an_entry_from_another_version_or_schema_is_ignored(base_raw, tmp_path, monkeypatch, other):
    """An entry made under another fingerprint (library version, module sources, rules) is never read."""
    cache = tmp_path / "cache"
    path = base_raw / QUOTES
    path.write_text(path.read_text(encoding="utf-8").replace("date: 1994-11-28", "date: 28.11.1994"), encoding="utf-8")
    current = validation.fingerprint()
    # same-prefix: the entry lands at the very path the current cache reads, only its header differs
    forged = "f" * 64 if other == "another-version" else current[:16] + "0" * 48
    _forge_clean_entry(base_raw, cache, forged, monkeypatch)
    assert _entries(cache)
    report = _report(base_raw, cache)
    assert "invalid-date" in {p["code"] for p in report["problems"]}
    assert report == _report(base_raw)


def test_the_fingerprint_covers_every_module_the_models_are_made_of():
    """The fingerprint hashes the source of the modules that make the models (not their JSON Schemas,
    which follow from that source and pydantic's version): each of the package's modules that
    ``records/models.py`` imports is among them, so no change to a model can keep old entries."""
    import ast

    from nato_corpus.records import models

    tree = ast.parse(Path(models.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            names = [node.module] if node.module else [alias.name for alias in node.names]
            imported |= {f"nato_corpus.records.{name}" for name in names}
    assert imported, "models.py imports the package's own modules"
    assert imported | {"nato_corpus.records.models"} <= set(validation._validating_modules())


def test_the_fingerprint_covers_the_rules(monkeypatch):
    """Changing a rule of the catalogue changes the fingerprint, so old entries are not read."""
    from dataclasses import replace

    from nato_corpus import problems

    before = validation.fingerprint()
    rule = problems.RULES["invalid-date"]
    with monkeypatch.context() as patch:
        patch.setitem(problems.RULES, "invalid-date", replace(rule, hint=rule.hint + " (changed)"))
        changed = validation.fingerprint()
    assert changed != before
    assert validation.fingerprint() == before


def test_validation_never_writes_raw(base_raw, tmp_path):
    """raw/ is only read: the cache goes to its own directory."""
    before = {p: p.read_bytes() for p in base_raw.rglob("*") if p.is_file()}
    check_raw(base_raw, cache_dir=tmp_path / "cache")
    check_raw(base_raw, cache_dir=tmp_path / "cache")
    assert {p: p.read_bytes() for p in base_raw.rglob("*") if p.is_file()} == before


def test_the_default_directory_follows_the_environment(tmp_path, monkeypatch):
    """$NATO_CORPUS_CACHE/validate, else the user cache; never a relative path into raw/."""
    monkeypatch.setenv("NATO_CORPUS_CACHE", str(tmp_path))
    assert _cache.default_dir() == tmp_path / "validate"
    monkeypatch.delenv("NATO_CORPUS_CACHE")
    assert _cache.default_dir().is_absolute()


def test_an_unwritable_cache_does_not_fail_validation(base_raw, tmp_path):
    """A cache that cannot be written is skipped, never an error."""
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    assert _report(base_raw, blocker) == _report(base_raw)


FILES = [
    "quotes/sample.yaml",
    "documents/documents.yaml",
    "events/events.yaml",
    "actors/people.yaml",
    "captures/sample.yaml",
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.text(max_size=12),
    st.sampled_from(
        ["unknown", "actor:minister", "actor:nobody", "doc:sample-page", "1994-11-28", "1995-13-01", "https://x.org/"]
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_results_with_and_without_cache_agree_over_mutations(data, tmp_path_factory):
    """Mutate records one after another against one cache: every report equals a cacheless one."""
    cache = tmp_path_factory.mktemp("cache")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "raw"
        shutil.copytree(BASE, root)
        for _ in range(data.draw(st.integers(1, 3))):
            name = data.draw(st.sampled_from(FILES))
            records = yaml.safe_load((root / name).read_text(encoding="utf-8"))
            paths = list(value_paths(records))
            if not paths:
                continue  # an emptied file: nothing left to mutate
            path = data.draw(st.sampled_from(paths))
            parent = records
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()):
                parent[path[-1]] = data.draw(VALUES)
            else:
                del parent[path[-1]]
            (root / name).write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
            assert _report(root, cache) == _report(root)
        assert _report(root, cache) == _report(root)


def test_the_fingerprint_covers_which_yaml_loop_reads(monkeypatch):
    """Results cached with the C reader are not read back by the Python loop, nor by another build
    of the C reader: the fingerprint names the loop and the source it was built from."""
    from nato_corpus.curation import yamlread

    _yamlc = pytest.importorskip("nato_corpus.curation._yamlc", reason="the C YAML reader is not built here")
    with_c = validation.fingerprint()
    with monkeypatch.context() as patch:
        patch.setattr(yamlread, "_FAST", [None])
        assert validation.fingerprint() != with_c
    with monkeypatch.context() as patch:
        patch.setattr(_yamlc, "SOURCE_DIGEST", "0" * 64, raising=False)
        assert validation.fingerprint() != with_c
    assert validation.fingerprint() == with_c
