"""The quick verdict (compact facts) answers only for clean corpora, with the detailed path's report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import INVALID, apply_edits, load_case

from benchmarks.generate import generate, plant_errors
from nato_corpus.curation import facts, quick, rules
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


EMPTY = dict.fromkeys(quick.Facts.FIELDS, [])


@pytest.mark.parametrize(
    "plain",
    [
        [],
        {"ids": ["actor:a"]},
        {**EMPTY, "ids": [1]},
        {**EMPTY, "captures": ["capture:a", "a.txt", "0" * 64, True, 1]},
        {**EMPTY, "captures": [["capture:a", "a.txt", "0" * 64, 5, 1]]},
        {**EMPTY, "quotes": ["words", "doc:a", None, 1], "spans": ["capture:a", 0, "5", "doc:a"]},
        {**EMPTY, "quotes": ["words", "doc:a", None, 2], "spans": ["capture:a", 0, 5, "doc:a"]},
        {**EMPTY, "quotes": ["words", "doc:a", None, -1], "spans": []},
    ],
    ids=[
        "not-a-mapping",
        "missing-fields",
        "id-not-text",
        "bool-for-int",
        "nested-entry",
        "span-offset-text",
        "spans-missing",
        "negative-count",
    ],
)
def test_cached_facts_of_the_wrong_shape_are_refused(plain):
    """Facts read back from a cache are checked column by column; anything else is a ValueError."""
    with pytest.raises(ValueError, match="not facts|not text|wrong type|whole entries|wrong shape"):
        quick.facts_from_plain(plain)


def test_a_corrupted_facts_entry_is_a_miss(base_raw: Path, tmp_path: Path):
    """An entry whose bytes were changed is not used: the file is read again, the report unchanged."""
    cache = FactsCache(tmp_path / "cache", fingerprint())
    expected = quick_report(base_raw, cache).to_dict()
    for entry in (tmp_path / "cache").rglob("*.facts"):
        entry.write_bytes(entry.read_bytes().replace(b"actor:", b"actor:x", 1))
    assert quick_report(base_raw, cache).to_dict() == expected


def test_the_quick_path_decides_every_cross_record_rule():
    """Every rule of rules.CHECKS is decided by the quick path too: a rule added there and not here fails this
    (the quick path does not import the rules, whose module loads the models and pydantic)."""
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
    assert not again._used, "every file was answered from the pack"


def test_a_corrupted_pack_is_a_miss(tmp_path: Path):
    """A pack whose bytes were changed is not used: every file is read again, the report unchanged."""
    generate(tmp_path / "raw", 60, seed=2)
    expected = quick_report(tmp_path / "raw", FactsCache(tmp_path / "cache", fingerprint())).to_dict()
    for pack in (tmp_path / "cache").rglob("*.facts-pack"):
        pack.write_bytes(pack.read_bytes().replace(b"actor:", b"actor:x", 1))
    assert quick_report(tmp_path / "raw", FactsCache(tmp_path / "cache", fingerprint())).to_dict() == expected


def _first_span(raw: Path) -> tuple[Path, int, int]:
    """The capture file of the first quotation of a generated corpus, and its span there."""
    import yaml

    quote = yaml.safe_load(sorted((raw / "quotes").glob("*.yaml"))[0].read_text(encoding="utf-8"))[0]
    span = quote["occurrences"][0]
    for path in sorted((raw / "captures").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            if record["id"] == span["capture"]:
                return raw / "captures" / record["file"], span["start"], span["end"]
    raise AssertionError("no capture")


def test_a_changed_capture_has_its_spans_checked_again(tmp_path: Path):
    """The pack keeps no words: once a capture's text and record change together, the quotations
    in it are read again, and a word that no longer matches is found and explained."""
    import hashlib

    generate(tmp_path / "raw", 60, seed=2)
    cache = tmp_path / "cache"
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is not None
    assert len(list(cache.rglob("*.facts-pack"))) == 1
    text_path, start, _ = _first_span(tmp_path / "raw")
    old = text_path.read_bytes()
    text = old.decode("utf-8")
    letter = "x" if text[start] != "x" else "y"
    new = (text[:start] + letter + text[start + 1 :]).encode("utf-8")
    text_path.write_bytes(new)
    record = text_path.with_suffix(".yaml")
    if not record.exists():
        record = next(p for p in (tmp_path / "raw" / "captures").glob("*.yaml") if text_path.name in p.read_text())
    records = record.read_text(encoding="utf-8")
    record.write_text(records.replace(hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest()))
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is None
    report = validate(tmp_path / "raw", cache_dir=cache)
    assert report.to_dict() == check_raw(tmp_path / "raw").report.to_dict()
    assert {"quote-span-mismatch", "quote-near-match", "quote-not-found"} & set(report.codes())


def test_one_changed_file_writes_one_entry_and_keeps_the_pack(tmp_path: Path):
    """After one record file changed, only its facts are written; the pack stays as it was."""
    generate(tmp_path / "raw", 60, seed=2)
    cache = tmp_path / "cache"
    quick_report(tmp_path / "raw", FactsCache(cache, fingerprint()))
    (pack,) = cache.rglob("*.facts-pack")
    packed = pack.read_bytes()
    assert not list(cache.rglob("*.facts")), "a full read writes the pack alone"
    target = sorted((tmp_path / "raw" / "quotes").glob("*.yaml"))[0]
    target.write_text(target.read_text(encoding="utf-8").replace("relays: ", "relays: 1", 1), encoding="utf-8")
    again = quick_report(tmp_path / "raw", FactsCache(cache, fingerprint()))
    assert again is not None and again.to_dict() == check_raw(tmp_path / "raw").report.to_dict()
    assert len(list(cache.rglob("*.facts"))) == 1
    assert pack.read_bytes() == packed


def test_a_copy_of_a_packed_file_is_a_duplicate(tmp_path: Path):
    """Two files with the same bytes both answered from the pack still count twice: duplicate ids."""
    import shutil

    generate(tmp_path / "raw", 60, seed=2)
    cache = tmp_path / "cache"
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is not None
    original = sorted((tmp_path / "raw" / "quotes").glob("*.yaml"))[0]
    shutil.copy(original, original.with_name("copy-" + original.name))
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is None
    report = validate(tmp_path / "raw", cache_dir=cache)
    assert report.to_dict() == check_raw(tmp_path / "raw").report.to_dict()
    assert "duplicate-id" in report.codes()


def test_a_copy_of_a_packed_file_quoting_a_changed_capture_is_still_a_duplicate(tmp_path: Path):
    """Two files with the same bytes, one capture they quote changed since the pack: both copies are
    read again (not one for both), so the duplicate ids are found."""
    import hashlib
    import shutil

    generate(tmp_path / "raw", 60, seed=2)
    cache = tmp_path / "cache"
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is not None
    original = sorted((tmp_path / "raw" / "quotes").glob("*.yaml"))[0]
    shutil.copy(original, original.with_name("zzz-copy-" + original.name))
    text_path, _, _ = _first_span(tmp_path / "raw")
    old = text_path.read_bytes()
    new = old + b" "
    text_path.write_bytes(new)
    record = next(p for p in (tmp_path / "raw" / "captures").glob("*.yaml") if text_path.name in p.read_text())
    records = record.read_text(encoding="utf-8")
    records = records.replace(hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest())
    records = records.replace(f"bytes: {len(old)}", f"bytes: {len(new)}")
    chars = len(old.decode("utf-8"))
    record.write_text(records.replace(f"characters: {chars}", f"characters: {chars + 1}"), encoding="utf-8")
    assert quick_report(tmp_path / "raw", FactsCache(cache, fingerprint())) is None
    report = validate(tmp_path / "raw", cache_dir=cache)
    assert report.to_dict() == check_raw(tmp_path / "raw").report.to_dict()
    assert "duplicate-id" in report.codes()


@pytest.mark.parametrize(
    ("pairs", "cycle"),
    [
        ([], False),
        ([("a", "a")], True),
        ([("a", "b"), ("b", "c"), ("x", "b")], False),
        ([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")], True),
        ([(f"c{i}", f"c{i + 1}") for i in range(40)], False),  # longer than the rounds of set-aside
        ([(f"c{i}", f"c{i + 1}") for i in range(40)] + [("c40", "c20")], True),
    ],
    ids=["none", "self", "tree", "triangle", "long-chain", "long-chain-looping"],
)
def test_derivation_cycles_are_found(pairs, cycle):
    """The quick path finds a cycle among derivation relations exactly when there is one."""
    edges = [document for pair in pairs for document in pair]
    if cycle:
        with pytest.raises(quick.Unclean):
            quick._no_cycles(edges)
    else:
        quick._no_cycles(edges)


def _read_pack(plain) -> tuple[dict, dict, dict]:
    """(files, columns, verified) of a whole pack given as one dict (its index and columns)."""
    from nato_corpus.curation import facts

    places, _, _, verified = facts._read_index({key: plain.get(key) for key in ("files", "facts", "texts", "verified")})
    stored = facts._encode_columns(plain["strings"], plain["columns"])
    return places, facts._read_columns(stored, places), verified


def _pack_of_one_quote(**change) -> dict:
    from nato_corpus.curation import facts

    columns = {name: [] for name in facts.Facts.FIELDS}
    columns.update(ids=[0], quotes=[None, 1, None, 1], spans=[2, 0, 5, 1])
    pack = {
        "files": {"d.quote": [1, 0, 0, 0, 0, 0, 1, 1]},
        "facts": {"d.quote": "f" * 64},
        "texts": {"a.txt": "capture:a"},
        "strings": ["quote:a", "doc:a", "capture:a"],
        "columns": columns,
        "verified": {"capture:a": ["0" * 64, 10]},
    }
    for name, value in change.items():
        (pack["columns"] if name in columns else pack)[name] = value
    return pack


@pytest.mark.parametrize(
    "change",
    [
        {"files": {"d.quote": [2, 0, 0, 0, 0, 0, 1, 1]}},
        {"files": {"d.quote": [1, 0, 0, 0, 0, 0, 1, -1]}},
        {"strings": ["quote:a", "doc:a"]},
        {"quotes": [0, 1, None, 1]},
        {"spans": [2, 0, 5, 1, 2, 6, 9, 1]},
        {"verified": {"capture:a": ["0" * 64, "10"]}},
        {"facts": {}},
        {"texts": {"a.txt": "capture:b"}},
        {"texts": {"a.txt": 1}},
    ],
    ids=[
        "counts-too-many",
        "negative-count",
        "index-past-the-texts",
        "words-kept",
        "spans-unowned",
        "verified-text",
        "no-digests",
        "texts-not-the-captures-checked",
        "text-id-not-text",
    ],
)
def test_a_pack_that_does_not_add_up_is_refused(change):
    """A pack is read only when its counts, texts, spans and checked captures all fit together."""

    places, columns, _ = _read_pack(_pack_of_one_quote())
    assert columns["ids"] == ["quote:a"] and columns["spans"] == ["capture:a", 0, 5, "doc:a"]
    assert places == {"d.quote": (0, (0, 0, 0, 0, 0, 0, 0, 0), [1, 0, 0, 0, 0, 0, 1, 1])}
    with pytest.raises(ValueError):
        _read_pack(_pack_of_one_quote(**change))


def _facts_strategy():
    """Facts of any shape COLUMNS allows: texts (some repeated), None where allowed, 32-bit numbers, flags."""
    from hypothesis import strategies as st

    from nato_corpus.curation import facts

    text = st.sampled_from(["quote:a", "doc:a", "capture:a", "a.txt", "", "é\n"]) | st.text(max_size=5)
    number = st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1)
    values = {str: text, int: number, bool: st.booleans(), type(None): st.none()}

    def column(parts):
        entry = st.tuples(*(st.one_of(*(values[kind] for kind in allowed)) for allowed in parts))
        return st.lists(entry, max_size=4).map(lambda rows: [value for row in rows for value in row])

    return st.fixed_dictionaries({name: column(parts) for name, parts in facts.COLUMNS.items()})


def test_a_packs_columns_read_back_as_they_were_written():
    """Every column of any facts, stored as numbers with a table of texts, reads back equal, value and type
    (the words of quotations are left out of a pack, as ever)."""
    from hypothesis import given, settings

    from nato_corpus.curation import facts

    @settings(max_examples=300, deadline=None)
    @given(_facts_strategy())
    def check(plain):
        _, strings, columns = facts._pack({"d.quote": facts.Facts(**plain)}, {}, {})
        read = facts._decode_columns(facts._encode_columns(strings, columns))
        expected = {name: list(plain[name]) for name in facts.COLUMNS}
        expected["quotes"][0::4] = [None] * (len(expected["quotes"]) // 4)
        assert read == expected
        assert [list(map(type, read[name])) for name in read] == [list(map(type, expected[name])) for name in read]

    check()


def _stored_pack_of_one_quote() -> bytes:
    from nato_corpus.curation import facts

    pack = _pack_of_one_quote()
    return facts._encode_columns(pack["strings"], pack["columns"])


def _with_numbers(stored: bytes, change) -> bytes:
    """A stored pack's columns with its numbers changed by ``change(list of int) -> list of int``."""
    from array import array

    head, _, body = stored.partition(b"\n")
    numbers = array(facts._INT)
    numbers.frombytes(body)
    if sys.byteorder == "big":  # stored little-endian
        numbers.byteswap()
    changed = array(facts._INT, change(numbers.tolist()))
    if sys.byteorder == "big":
        changed.byteswap()
    return head + b"\n" + changed.tobytes()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda b: b.partition(b"\n")[0], "not a pack"),
        (lambda b: b[:-8], "lengths do not fit"),
        (lambda b: b + b"\0", "lengths do not fit"),
        (lambda b: b.replace(b'"lengths":[1,', b'"lengths":[2,', 1), "lengths do not fit"),
        (lambda b: b.replace(b'"capture:a"]', b'"capture:a",1]', 1), "not a pack's texts"),
        (lambda b: b.replace(b'"lengths"', b'"size"', 1), "not a pack"),
        (lambda b: b"[" * 100_000 + b"\n" + b.partition(b"\n")[2], "nested too deep"),
        (lambda b: _with_numbers(b, lambda n: [-1, *n[1:]]), "ids: not text"),  # an id that is absent
        (lambda b: _with_numbers(b, lambda n: [3, *n[1:]]), "ids: not text"),  # past the texts
        (lambda b: _with_numbers(b, lambda n: [*n[:-1], facts._NONE]), "spans: not text"),
        (lambda b: _with_numbers(b, lambda n: [*n[:4], facts._NONE, *n[5:]]), "quotes has the wrong type"),
    ],
    ids=[
        "no-numbers",
        "a-number-short",
        "a-byte-over",
        "lengths-moved",
        "a-text-not-text",
        "not-the-header",
        "nested-too-deep",
        "text-absent-where-required",
        "text-past-the-texts",
        "a-span-document-absent",
        "a-count-absent",
    ],
)
def test_stored_columns_that_are_not_whole_or_not_in_place_are_refused(change, message):
    """The columns of a pack as stored are read only when their lengths fit their bytes and each number is
    what its place allows (a text's place, a flag, a number that may not be absent)."""
    from nato_corpus.curation import facts

    places, _, _, _ = facts._read_index({k: _pack_of_one_quote()[k] for k in ("files", "facts", "texts", "verified")})
    assert facts._read_columns(_stored_pack_of_one_quote(), places)["ids"] == ["quote:a"]
    with pytest.raises(ValueError) as refused:
        facts._read_columns(change(_stored_pack_of_one_quote()), places)
    assert message in str(refused.value)


def test_a_flag_other_than_0_or_1_is_refused():
    """A document's flag (a reader comment or not) is stored as 0 or 1; any other number is refused."""
    from nato_corpus.curation import facts

    columns = {name: [] for name in facts.Facts.FIELDS}
    columns["documents"] = [0, None, None, True]
    stored = facts._encode_columns(["doc:a"], columns)
    assert facts._decode_columns(stored)["documents"] == ["doc:a", None, None, True]
    with pytest.raises(ValueError, match="documents is not a flag where one is due"):
        facts._decode_columns(_with_numbers(stored, lambda n: [*n[:-1], 2]))


@pytest.mark.parametrize("number", [2**31, -(2**31) - 1, facts._NONE])
def test_a_number_a_pack_cannot_hold_writes_no_pack(number):
    """A number past 32 bits, or the one that stands for None, is refused by the encoding (the cache then
    keeps entries, not a pack) rather than read back as another number or as None."""
    columns = {name: [] for name in facts.Facts.FIELDS}
    columns["captures"] = [0, 1, 2, number, 5]
    with pytest.raises(OverflowError):
        facts._encode_columns(["capture:a", "a.txt", "0" * 64], columns)
    columns["captures"][3] = 2**31 - 1
    assert facts._decode_columns(facts._encode_columns(["capture:a", "a.txt", "0" * 64], columns))["captures"] == [
        "capture:a",
        "a.txt",
        "0" * 64,
        2**31 - 1,
        5,
    ]


def test_facts_a_pack_cannot_hold_are_kept_as_entries(tmp_path: Path):
    """A run whose facts hold a number past 32 bits writes an entry per file instead of a pack, and the
    entries read back."""
    cache = FactsCache(tmp_path / "cache", fingerprint())
    cache.open(tmp_path)
    for n in range(10):
        cache.put(f"{n:064x}", "capture", facts.Facts(captures=[f"capture:c{n}", f"c{n}.txt", "0" * 64, 2**40, 5]))
    cache.finish({})
    assert not list((tmp_path / "cache").rglob("*.facts-pack"))
    assert len(list((tmp_path / "cache").rglob("*.facts"))) == 10
    again = FactsCache(tmp_path / "cache", fingerprint())
    assert again.get(f"{3:064x}", "capture").captures == ["capture:c3", "c3.txt", "0" * 64, 2**40, 5]


def test_json_nested_too_deep_in_the_cache_is_a_miss(tmp_path: Path):
    """A pack's index, or an entry, that is JSON nested past Python's recursion limit (checksum and all)
    is a miss like any unreadable entry, not a RecursionError."""
    deep = b"[" * 100_000
    cache = FactsCache(tmp_path / "cache", fingerprint())
    cache.open(tmp_path)
    cache._cache.store(cache._pack_key, "facts-pack", deep + b"\n" + deep)
    cache._cache.store("0" * 64, "quote.facts", deep)
    again = FactsCache(tmp_path / "cache", fingerprint())
    again.open(tmp_path)
    assert again._files == {} and again.get("0" * 64, "quote") is None


def _packed_corpus(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A generated corpus validated once with a cache (so its facts are packed); its raw/, the
    cache and its first quotes file."""
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    generate(raw, 60, seed=2)
    assert quick_report(raw, FactsCache(cache, fingerprint())) is not None
    assert len(list(cache.rglob("*.facts-pack"))) == 1
    return raw, cache, sorted((raw / "quotes").glob("*.yaml"))[0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _same_as_pack_answers(monkeypatch) -> list:
    answers: list = []
    original = FactsCache.same_as_pack
    monkeypatch.setattr(FactsCache, "same_as_pack", lambda self: answers.append(original(self)) or answers[-1])
    return answers


def _cross_record_calls(monkeypatch) -> list:
    calls: list = []
    original = quick._cross_record
    monkeypatch.setattr(quick, "_cross_record", lambda *a: calls.append(1) or original(*a))
    return calls


def test_an_edit_that_keeps_the_facts_needs_no_cross_record_pass(tmp_path: Path, monkeypatch):
    """A quotation's relay count changed: the corpus's facts are those the pack's run found clean,
    so the cross-record rules are not run again, and the report is the detailed path's."""
    raw, cache, target = _packed_corpus(tmp_path)
    _edit(target, "relays: 0", "relays: 3")
    calls = _cross_record_calls(monkeypatch)
    again = FactsCache(cache, fingerprint())
    report = quick_report(raw, again)
    assert report is not None and report.to_dict() == check_raw(raw).report.to_dict()
    assert calls == [] and len(again._fresh) == 1


def test_new_words_in_an_edit_that_keeps_the_facts_are_still_looked_for(tmp_path: Path, monkeypatch):
    """A quotation's words changed (its span, date and references did not): the facts without words
    are the pack's, but the new words are looked for in the capture and their absence explained."""
    raw, cache, target = _packed_corpus(tmp_path)
    _edit(target, "  text: Kiev it clearly", "  text: Words nobody said, Kiev it clearly")
    calls = _cross_record_calls(monkeypatch)
    assert quick_report(raw, FactsCache(cache, fingerprint())) is None
    assert calls == [], "the words were looked for without the cross-record pass"
    report = validate(raw, cache_dir=cache)
    assert report.to_dict() == check_raw(raw).report.to_dict()
    assert {"quote-span-mismatch", "quote-near-match", "quote-not-found"} & set(report.codes())


def test_a_capture_text_changed_beside_an_edit_that_keeps_the_facts_is_found(tmp_path: Path):
    """Every capture text is read and hashed on the short path too: one edited under its record is found."""
    raw, cache, target = _packed_corpus(tmp_path)
    _edit(target, "relays: 0", "relays: 3")
    text = sorted((raw / "captures").glob("*.txt"))[-1]
    text.write_bytes(text.read_bytes() + b" ")
    assert quick_report(raw, FactsCache(cache, fingerprint())) is None
    report = validate(raw, cache_dir=cache)
    assert report.to_dict() == check_raw(raw).report.to_dict()
    assert "capture-hash-mismatch" in report.codes()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("date: 1997-11-16", "date: 1997-11"),  # clean: a wider date
        ("date: 1997-11-16", "date: 1997-11-17"),  # after its document's date
        ("speaker: actor:yevgeny-mitterrand-2", "speaker: actor:jacques-havel-4"),  # another actor
    ],
    ids=["a-date", "a-date-too-late", "a-reference"],
)
def test_an_edit_that_changes_a_fact_runs_the_cross_record_pass(tmp_path: Path, monkeypatch, old, new):
    """A date or a reference changed: the facts are no longer the pack's, so every cross-record
    rule runs again, and the report is the detailed path's."""
    raw, cache, target = _packed_corpus(tmp_path)
    _edit(target, old, new)
    answers = _same_as_pack_answers(monkeypatch)
    report = validate(raw, cache_dir=cache)
    assert report.to_dict() == check_raw(raw).report.to_dict()
    assert answers == [False], "the cross-record rules ran"


def test_a_removed_file_is_not_the_packed_corpus(tmp_path: Path, monkeypatch):
    """A file of the pack that is gone, with nothing of its facts in its place, sends the run
    through every cross-record rule (here: actors no longer named are unused)."""
    raw, cache, target = _packed_corpus(tmp_path)
    target.unlink()
    answers = _same_as_pack_answers(monkeypatch)
    report = validate(raw, cache_dir=cache)
    assert report.to_dict() == check_raw(raw).report.to_dict()
    assert answers == [False]


def test_a_pack_whose_columns_do_not_fit_its_index_is_set_aside_and_replaced(tmp_path: Path):
    """A pack's columns are read only when needed; when they then do not fit its index (a pack
    written by something else, checksum and all), the run starts again without it, gives the
    detailed path's report, and writes a pack that fits."""
    raw, cache, target = _packed_corpus(tmp_path)
    facts_cache = FactsCache(cache, fingerprint())
    facts_cache.open(raw)
    index = facts_cache._cache.payload(facts_cache._pack_key, "facts-pack").partition(b"\n")[0]
    facts_cache._cache.store(facts_cache._pack_key, "facts-pack", index + b'\n{"strings":[],"columns":{}}')
    _edit(target, "date: 1997-11-16", "date: 1997-11")  # the facts change (a bound): the columns are needed
    again = FactsCache(cache, fingerprint())
    report = quick_report(raw, again)
    assert report is not None and report.to_dict() == check_raw(raw).report.to_dict()
    fresh = FactsCache(cache, fingerprint())
    fresh.open(raw)
    assert fresh._columns_of()["ids"], "a pack that fits was written in its place"
