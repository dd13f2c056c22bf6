"""Whatever is in raw/, validation reports a problem and never raises or writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nato_corpus.curation.validate import validate


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (
            p.read_bytes() if p.is_file() and not p.is_symlink() else b"",
            p.lstat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
    }


HOSTILE = {
    "binary": b"\x00\x01\x02\xff\xfe" * 100,
    "empty": b"",
    "deep-nesting": b"- " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep-block-nesting": "".join("  " * i + "- \n" for i in range(200)).encode(),
    "alias-bomb": (
        b"- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n- &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    ),
    "python-tag": b"- !!python/object/apply:os.system ['echo pwned']\n",
    "python-name-tag": b"- id: !!python/name:os.system\n",
    "custom-tag": b"- id: !secret actor:x\n",
    "mixed-encodings": "- id: actor:caf\u00e9\n".encode("utf-8") + "  name: Caf\u00e9\n".encode("latin-1"),
    "utf16": "- id: actor:x\n".encode("utf-16"),
    "control-character": b"- id: actor:x\x07\n",
    "two-documents": b"- id: actor:x\n---\n- id: actor:y\n",
    "complex-key": b"- ? [a, b]\n  : value\n",
    "scalar": b"just a sentence\n",
    "tabs": b"- id: actor:x\n\tname: X\n",
}
EXPECTED_CODE = {
    "binary": "not-utf8",
    "empty": "empty-file",
    "deep-nesting": "yaml-unsupported",
    "deep-block-nesting": "yaml-unsupported",
    "alias-bomb": "yaml-unsupported",
    "python-tag": "yaml-unsupported",
    "python-name-tag": "yaml-unsupported",
    "custom-tag": "yaml-unsupported",
    "mixed-encodings": "not-utf8",
    "utf16": "not-utf8",
    "control-character": "yaml-syntax",
    "two-documents": "yaml-syntax",
    "complex-key": "yaml-unsupported",
    "scalar": "file-structure",
    "tabs": "yaml-syntax",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_becomes_a_problem(name: str, base_raw: Path):
    """A hostile or broken YAML file is reported with its code and file, and nothing else breaks."""
    path = base_raw / "actors" / f"{name}.yaml"
    path.write_bytes(HOSTILE[name])
    before = _snapshot(base_raw)
    report = validate(base_raw)
    assert _snapshot(base_raw) == before, "validation must never change raw/"
    mine = [p for p in report.problems if p.file == path.as_posix()]
    assert [p.code for p in mine] == [EXPECTED_CODE[name]], mine
    assert mine[0].message
    # the rest of the corpus is still read and checked
    assert report.counts["quote"] == 1


def test_python_tag_constructs_nothing(base_raw: Path, tmp_path: Path):
    """A tag that would run a command under an unsafe loader runs nothing."""
    marker = tmp_path / "pwned"
    (base_raw / "actors" / "evil.yaml").write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n")
    report = validate(base_raw)
    assert not marker.exists()
    assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in report.problems[0].message


def test_deep_nesting_names_the_limit(base_raw: Path):
    """Nesting past the limit is refused with the limit in the message."""
    (base_raw / "actors" / "deep.yaml").write_bytes(HOSTILE["deep-nesting"])
    (problem,) = [p for p in validate(base_raw).problems if p.file.endswith("deep.yaml")]
    assert problem.message == "nesting deeper than 32 levels"
    assert (problem.line, problem.column) == (1, 34)


def test_large_file_is_not_read(base_raw: Path):
    """A 50 MB file is refused by its size, before it is read."""
    path = base_raw / "quotes" / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (problem,) = [p for p in validate(base_raw).problems if p.file == path.as_posix()]
    assert problem.code == "file-too-large"
    assert problem.message == "52,428,800 bytes, over the limit of 33,554,432"


def test_symlink_out_of_the_tree(base_raw: Path, tmp_path: Path):
    """A link pointing outside raw/ is reported and not followed."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("- id: actor:secret\n  name: Secret\n  kind: person\n")
    os.symlink(secret, base_raw / "actors" / "link.yaml")
    report = validate(base_raw)
    assert [p.code for p in report.problems] == ["symlink-outside"]
    assert report.counts["actor"] == 3


def test_directory_link_out_of_the_tree(base_raw: Path, tmp_path: Path):
    """A linked folder pointing outside raw/ is reported and not walked."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.yaml").write_text("- id: actor:x\n")
    os.symlink(outside, base_raw / "actors" / "more")
    report = validate(base_raw)
    assert [p.code for p in report.problems] == ["symlink-outside"]


def test_readme_and_dotfiles_are_ignored(base_raw: Path):
    """Curators' notes (README.md) and dotfiles (.gitkeep) are not records."""
    (base_raw / "README.md").write_text("# notes")
    (base_raw / "quotes" / ".gitkeep").write_text("")
    assert validate(base_raw).problems == []


def test_all_problems_in_one_run(base_raw: Path):
    """Several mistakes in several files are all reported in one run, each at its line."""
    quotes = base_raw / "quotes" / "sample.yaml"
    quotes.write_text(quotes.read_text().replace("We will meet", "We shall meet"))
    events = base_raw / "events" / "events.yaml"
    events.write_text(events.read_text().replace("date: 1994-11-28", "date: 1994-11-31"))
    documents = base_raw / "documents" / "documents.yaml"
    documents.write_text(documents.read_text().replace("publisher: actor:test-site", "publisher: actor:test-sight"))
    (base_raw / "actors" / "more.yaml").write_text("- id: actor:minister\n  name: Again\n  kind: person\n")
    found = {(Path(p.file).name, p.line, p.code) for p in validate(base_raw).problems}
    assert {
        ("sample.yaml", 3, "quote-near-match"),
        ("events.yaml", 5, "invalid-date"),
        ("documents.yaml", 19, "dangling-reference"),
        ("people.yaml", 2, "duplicate-id"),
    } <= found


def test_reference_to_a_record_with_schema_errors_does_not_dangle(base_raw: Path):
    """A record that fails its schema still exists: references to it are not reported as dangling."""
    actors = base_raw / "actors" / "people.yaml"
    actors.write_text(actors.read_text().replace("name: The Minister", "name: ''"))
    codes = [p.code for p in validate(base_raw).problems]
    assert codes == ["empty-value"]


def test_schema_error_does_not_hide_a_dangling_reference(base_raw: Path):
    """A record with a bad date and a dangling reference gets both problems in one run."""
    quotes = base_raw / "quotes" / "sample.yaml"
    text = (
        quotes.read_text()
        .replace("  date: 1994-11-28", "  date: 1994-13-01")
        .replace("speaker: actor:minister", "speaker: actor:ministr")
    )
    quotes.write_text(text)
    found = {(p.code, p.line) for p in validate(base_raw).problems}
    assert found == {("invalid-date", 6), ("dangling-reference", 4)}


def test_reference_from_a_record_with_schema_errors_counts_as_use(base_raw: Path):
    """An actor referred to only by a record that failed its schema is not reported unused."""
    quotes = base_raw / "quotes" / "sample.yaml"
    quotes.write_text(quotes.read_text().replace("relays: 1", "relays: one"))
    codes = [p.code for p in validate(base_raw).problems]
    assert codes == ["wrong-type"]


def test_unparseable_file_does_not_cascade(base_raw: Path):
    """A tab breaks one actors file: ids written in it do not dangle, other bad ids still do."""
    people = base_raw / "actors" / "people.yaml"
    people.write_text(people.read_text().replace("  name: The Envoy", "\tname: The Envoy"))
    quotes = base_raw / "quotes" / "sample.yaml"
    quotes.write_text(quotes.read_text().replace("addressee: actor:envoy", "addressee: actor:nobody"))
    problems = validate(base_raw).problems
    assert [(p.code, Path(p.file).name) for p in problems] == [
        ("yaml-syntax", "people.yaml"),
        ("dangling-reference", "sample.yaml"),
    ]
    assert "indent with spaces" in problems[0].message
    assert "'actor:nobody'" in problems[1].message


def test_named_pipe_is_refused_not_read(base_raw: Path):
    """A FIFO named like a record file is reported; validation never blocks on it."""
    os.mkfifo(base_raw / "quotes" / "pipe.yaml")
    (problem,) = validate(base_raw).problems
    assert (problem.code, problem.message) == ("unexpected-file", "not a regular file (a pipe, socket or device)")


def test_a_file_swapped_for_a_pipe_after_listing_is_refused_without_blocking(tmp_path: Path):
    """A file the listing saw as regular (so it is opened without a look first) that has become a
    pipe since is opened without waiting and refused with the same message."""
    from nato_corpus.curation import reader

    (tmp_path / "raw" / "quotes").mkdir(parents=True)
    (tmp_path / "raw" / "quotes" / "a.yaml").write_text("- id: quote:a\n", encoding="utf-8")
    (source,) = [s for s in reader.scan(tmp_path / "raw")[0] if s.role == "quote"]
    assert source.regular
    os.unlink(source.path)
    os.mkfifo(source.path)
    with pytest.raises(reader.Refused) as refused:
        reader.read_file(source.path, source.shown, source.regular)
    problem = refused.value.problem
    assert (problem.code, problem.message) == ("unexpected-file", "not a regular file (a pipe, socket or device)")


@pytest.mark.parametrize("listed_regular", [True, False])
def test_a_file_over_the_limit_is_refused_by_its_size_either_way(tmp_path: Path, monkeypatch, listed_regular):
    """Whether or not the listing said it is a regular file, a file over the limit is refused by its
    size, with the same message, before its bytes are read."""
    from nato_corpus.curation import reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 10)
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 40)
    with pytest.raises(reader.Refused) as refused:
        reader.read_file(path, "a.yaml", listed_regular)
    problem = refused.value.problem
    assert (problem.code, problem.message) == ("file-too-large", "40 bytes, over the limit of 10")
