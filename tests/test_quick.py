"""The quick verdict (compact facts) answers only for clean corpora, with the detailed path's report."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INVALID, apply_edits, load_case

from benchmarks.generate import generate, plant_errors
from nato_corpus.curation import quick, rules
from nato_corpus.curation.quick import FactsCache, quick_report
from nato_corpus.curation.validate import check_raw, fingerprint, validate

CASES = sorted(INVALID.glob("*.yaml"))


def test_clean_corpus_gets_the_detailed_report(base_raw: Path):
    """On a clean corpus the quick path answers, with exactly the detailed path's report."""
    found = quick_report(base_raw)
    assert found is not None
    assert found.to_dict() == check_raw(base_raw).report.to_dict()


def test_generated_corpus_gets_the_detailed_report(tmp_path: Path):
    """A generated corpus (every record type, relays, translations) is answered with the same counts."""
    generate(tmp_path / "raw", 700, seed=4)
    found = quick_report(tmp_path / "raw")
    assert found is not None
    assert found.to_dict() == check_raw(tmp_path / "raw").report.to_dict()


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_any_problem_leaves_the_report_to_the_detailed_path(case: Path, base_raw: Path):
    """Every broken example makes the quick path step aside, and validate() gives the detailed report."""
    apply_edits(base_raw, load_case(case)["edits"])
    assert quick_report(base_raw) is None
    assert validate(base_raw).to_dict() == check_raw(base_raw).report.to_dict()


def test_planted_errors_leave_the_report_to_the_detailed_path(tmp_path: Path):
    """A generated corpus with planted errors gets the detailed report, every planted error in it."""
    generate(tmp_path / "raw", 300, seed=11)
    planted = plant_errors(tmp_path / "raw")
    assert quick_report(tmp_path / "raw") is None
    report = validate(tmp_path / "raw")
    assert report.to_dict() == check_raw(tmp_path / "raw").report.to_dict()
    assert set(planted.items()) <= {(p.code, p.file) for p in report.problems}


def test_an_unknown_rule_leaves_the_report_to_the_detailed_path(base_raw: Path, monkeypatch):
    """A rule added to rules.CHECKS but not decided by the quick path turns the quick path off."""

    def check_something_new(index):
        yield from ()

    monkeypatch.setattr(rules, "CHECKS", (*rules.CHECKS, check_something_new))
    assert quick_report(base_raw) is None


def test_cached_facts_give_the_same_report(base_raw: Path, tmp_path: Path):
    """A second run answered from cached facts gives the first run's report."""
    cache = FactsCache(tmp_path / "cache", fingerprint())
    first = quick_report(base_raw, cache)
    assert list((tmp_path / "cache").rglob("*.facts")), "no facts were cached"
    assert quick_report(base_raw, cache).to_dict() == first.to_dict()


def test_cached_facts_never_hide_a_broken_capture(base_raw: Path, tmp_path: Path):
    """Captures are read and checked on every run: a capture edited after caching is found."""
    cache = FactsCache(tmp_path / "cache", fingerprint())
    assert quick_report(base_raw, cache) is not None
    apply_edits(base_raw, load_case(INVALID / "capture-hash-mismatch.yaml")["edits"])
    assert quick_report(base_raw, cache) is None
    assert "capture-hash-mismatch" in validate(base_raw, cache_dir=tmp_path / "cache").codes()


@pytest.mark.parametrize(
    "plain",
    [
        [],
        {"ids": [1]},
        {**dict.fromkeys(quick.Facts.FIELDS, []), "ids": [1]},
        {**dict.fromkeys(quick.Facts.FIELDS, []), "captures": [["capture:a", "a.txt", "0" * 64, True, 1]]},
        {
            **dict.fromkeys(quick.Facts.FIELDS, []),
            "quotes": [["words", "doc:a", None, [["capture:a", 0, "5", "doc:a"]]]],
        },
    ],
    ids=["not-a-mapping", "missing-fields", "id-not-text", "bool-for-int", "span-offset-text"],
)
def test_cached_facts_of_the_wrong_shape_are_refused(plain):
    """Facts read back from a cache are checked item by item; anything else is a ValueError."""
    with pytest.raises(ValueError, match="not facts|not text|wrong shape"):
        quick.facts_from_plain(plain)


def test_a_corrupted_facts_entry_is_a_miss(base_raw: Path, tmp_path: Path):
    """An entry whose bytes were changed is not used: the file is read again, the report unchanged."""
    cache = FactsCache(tmp_path / "cache", fingerprint())
    expected = quick_report(base_raw, cache).to_dict()
    for entry in (tmp_path / "cache").rglob("*.facts"):
        entry.write_bytes(entry.read_bytes().replace(b"actor:", b"actor:x", 1))
    assert quick_report(base_raw, cache).to_dict() == expected


def test_the_quick_path_decides_every_cross_record_rule():
    """Every rule of rules.CHECKS is decided by the quick path too (else it would always step aside)."""
    assert {check.__name__ for check in rules.CHECKS} == quick.COVERED


def test_facts_are_packed_and_read_back_from_the_pack(tmp_path: Path):
    """After a full read the facts are packed in one entry, and the next run answers from it alone."""
    generate(tmp_path / "raw", 60, seed=2)
    cache = FactsCache(tmp_path / "cache", fingerprint())
    first = quick_report(tmp_path / "raw", cache)
    assert len(list((tmp_path / "cache").rglob("*.facts-pack"))) == 1
    for entry in (tmp_path / "cache").rglob("*.facts"):
        entry.unlink()  # only the pack is left
    again = FactsCache(tmp_path / "cache", fingerprint())
    assert quick_report(tmp_path / "raw", again).to_dict() == first.to_dict()
    assert again._outside == 0


def test_a_corrupted_pack_is_a_miss(tmp_path: Path):
    """A pack whose bytes were changed is not used: every file is read again, the report unchanged."""
    generate(tmp_path / "raw", 60, seed=2)
    expected = quick_report(tmp_path / "raw", FactsCache(tmp_path / "cache", fingerprint())).to_dict()
    for pack in (tmp_path / "cache").rglob("*.facts-pack"):
        pack.write_bytes(pack.read_bytes().replace(b"actor:", b"actor:x", 1))
    assert quick_report(tmp_path / "raw", FactsCache(tmp_path / "cache", fingerprint())).to_dict() == expected
