"""The benchmark generator: synthetic corpora shaped like the real one, clean, reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import QUOTES_PER_FILE, generate, plant_errors
from nato_corpus.curation.validate import check_raw


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("quotes", [1, 60, QUOTES_PER_FILE + 200])
def test_generated_corpora_validate_clean(tmp_path, quotes):
    """At every size the output has every record type and not one problem, not even a warning."""
    summary = generate(tmp_path / "raw", quotes, seed=3)
    report = check_raw(tmp_path / "raw").report
    assert report.problems == [], report.to_json()
    assert report.counts == summary.counts
    assert report.counts["quote"] == quotes
    assert all(report.counts[kind] > 0 for kind in ("actor", "capture", "document", "event"))


def test_generated_corpora_are_shaped_like_the_real_one(tmp_path):
    """Quotes are grouped by capture into files of about 1,000, and some quotes cross captures."""
    generate(tmp_path / "raw", QUOTES_PER_FILE * 2 + 500, seed=5)
    checked = check_raw(tmp_path / "raw")
    assert len(list((tmp_path / "raw" / "quotes").glob("*.yaml"))) == 3
    quotes = checked.records["quote"]
    assert any(len(q.occurrences) > 1 for q in quotes), "no quote relayed from one capture to another"
    assert any(q.translated for q in quotes), "no translation"
    assert any(d.kind == "reader_comment" for d in checked.records["document"])
    sizes = [len(c.text) for c in checked.captures.values()]
    assert 1_000 < sum(sizes) / len(sizes) < 20_000, "captures should be web pages of a few KB"


def test_the_generator_is_deterministic(tmp_path):
    """The same seed gives the same bytes; another seed gives another corpus."""
    generate(tmp_path / "a", 120, seed=7)
    generate(tmp_path / "b", 120, seed=7)
    generate(tmp_path / "c", 120, seed=8)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_planted_errors_are_all_found(tmp_path):
    """Each planted error is reported with its code in the file it was planted in."""
    generate(tmp_path / "raw", 300, seed=11)
    planted = plant_errors(tmp_path / "raw")
    assert len(planted) >= 7
    found = {(p.code, p.file) for p in check_raw(tmp_path / "raw").report.problems}
    missing = {(code, file) for code, file in planted.items() if (code, file) not in found}
    assert not missing, f"planted but not found: {missing}"
