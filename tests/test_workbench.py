"""The curator's workbench: quoted runs, capture add, quotes unrecorded, span, and their commands."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TESTS

from nato_corpus.cli import main
from nato_corpus.curation import quoting, workbench
from nato_corpus.curation.validate import validate
from nato_corpus.errors import UsageError

PAGE = TESTS / "data" / "workbench" / "page.txt"


# --------------------------------------------------------------------------- quoted runs


@pytest.mark.parametrize(
    "text, runs",
    [
        ('He said "we stay" today.', ["we stay"]),
        ("He said “we stay” today.", ["we stay"]),
        ("Er sagte „wir bleiben“ heute.", ["wir bleiben"]),
        ("Il a dit «nous restons» hier.", ["nous restons"]),
        ("Er sagte »wir bleiben« heute.", ["wir bleiben"]),
        ("Il a dit ‹non› hier.", ["non"]),
        ("the plan was ‘ambitious’ and Russia’s bid failed", ["ambitious"]),
        ("the teaser: 'We fled' and it's over", ["We fled"]),
    ],
    ids=[
        "straight",
        "typographic",
        "german",
        "guillemets",
        "reversed-guillemets",
        "single-guillemets",
        "single-typographic",
        "single-straight",
    ],
)
def test_each_kind_of_quotation_mark_makes_a_run(text, runs):
    """Straight, typographic and German double quotes, guillemets and single quotes each enclose a run."""
    assert [run.text for run in quoting.quoted_runs(text)] == runs


def test_apostrophes_are_not_quotation_marks():
    """A ’ or ' between two letters, and a ‘ after a letter, open and close nothing."""
    assert quoting.quoted_runs("Russia’s bid, Clinton‘s plan, it's late, don’t") == []


def test_nested_quotations_are_runs_of_their_own():
    """A quotation inside a quotation is a run one level deeper, inside the outer run."""
    text = "She wrote: “Kohl called it ‘a danger’ to us.”"
    outer, inner = quoting.quoted_runs(text)
    assert (outer.text, outer.depth) == ("Kohl called it ‘a danger’ to us.", 0)
    assert (inner.text, inner.depth) == ("a danger", 1)
    assert text[inner.start : inner.end] == "a danger"


def test_a_quotation_does_not_run_over_a_blank_line():
    """A mark left open at the end of a paragraph opens nothing."""
    assert [r.text for r in quoting.quoted_runs("“open\n\nstill “closed” here")] == ["closed"]


def test_a_run_is_recorded_by_a_span_missing_only_punctuation():
    """A fragment's span without its comma records the run; a span missing a word does not."""
    (run,) = quoting.quoted_runs("a “fragment of words,” b")
    assert quoting.recorded(run, [(3, 20)])
    assert not quoting.recorded(run, [(3, 11)])


# --------------------------------------------------------------------------- capture add


def test_capture_add_copies_byte_for_byte_and_writes_a_valid_record(base_raw):
    """The copy is the file's bytes; the record has its sha256, sizes, what was given and 'unknown'."""
    added = workbench.add_capture(base_raw, PAGE, url="https://example.org/page", captured="2025-03-03")
    data = PAGE.read_bytes()
    assert added.text_path.read_bytes() == data
    (record,) = yaml.safe_load(added.record_path.read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert (record["bytes"], record["characters"]) == (len(data), len(data.decode("utf-8")))
    assert (record["page_url"], record["captured"], record["site"], record["obtained"]) == (
        "https://example.org/page",
        "2025-03-03",
        "unknown",
        "unknown",
    )
    assert record["segments"] == [
        {
            "kind": "main_text",
            "start": 0,
            "end": record["characters"],
            "note": "The whole page: to be split into its parts.",
        }
    ]
    assert validate(base_raw).codes() == {"unused-record": 1}  # nothing refers to the new capture yet


def test_capture_add_names_the_next_number_and_the_hash(tmp_path):
    """Without --name the stem is the next NNN and the first 16 hex digits of the sha256."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw" / "captures", raw / "captures")
    added = workbench.add_capture(raw, PAGE)
    assert added.text_path.name == f"005_{hashlib.sha256(PAGE.read_bytes()).hexdigest()[:16]}.txt"


def test_capture_add_refuses_bytes_already_present(base_raw):
    """The same bytes under another name are refused, naming the file that has them."""
    with pytest.raises(UsageError, match=r"same bytes .* as .*captures/sample\.txt"):
        workbench.add_capture(base_raw, base_raw / "captures" / "sample.txt", name="copy")
    assert not (base_raw / "captures" / "copy.txt").exists()


def test_capture_add_refuses_a_name_clash(base_raw):
    """A name already taken is refused and nothing is written."""
    (base_raw / "captures" / "taken.yaml").write_text("# someone's\n")
    with pytest.raises(UsageError, match=r"taken\.yaml already exists; choose another name with --name"):
        workbench.add_capture(base_raw, PAGE, name="taken")
    assert not (base_raw / "captures" / "taken.txt").exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"name": "Page One"}, "a capture's name is lower-case letters and digits"),
        ({"url": "example.org/page"}, "page_url: must be an absolute http(s) URL"),
        ({"captured": "March 2025"}, "captured: 'March 2025' is not an EDTF date"),
    ],
    ids=["name", "url", "date"],
)
def test_capture_add_refuses_bad_options(base_raw, options, message):
    """A bad name, URL or date is refused with what to write, and nothing is written."""
    before = sorted(p.name for p in (base_raw / "captures").iterdir())
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        workbench.add_capture(base_raw, PAGE, **options)
    assert sorted(p.name for p in (base_raw / "captures").iterdir()) == before


def test_capture_add_refuses_a_file_that_is_not_utf8(base_raw, tmp_path):
    """A file that is not UTF-8 is refused with the offending byte and what to do."""
    page = tmp_path / "latin1.txt"
    page.write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8 \\(byte 0xe9 at offset 3\\).*convert a copy"):
        workbench.add_capture(base_raw, page)


def test_capture_add_command_says_what_to_do_next(base_raw, capsys):
    """The command prints the files written and the next steps, and exits 0."""
    assert main(["capture", "add", str(PAGE), "--raw", str(base_raw), "--name", "005_page"]) == 0
    out = capsys.readouterr().out
    assert "wrote " in out and "005_page.yaml" in out
    assert "quotes unrecorded 005_page --format yaml" in out


# --------------------------------------------------------------------------- quotes unrecorded


def _with_page(base_raw: Path) -> Path:
    workbench.add_capture(base_raw, PAGE, name="page")
    return base_raw


def test_unrecorded_lists_capture_span_and_exact_text_as_json(base_raw, capsys):
    """--format json gives capture, start, end and text; slicing the capture gives the text."""
    _with_page(base_raw)
    assert main(["quotes", "unrecorded", "page", "--raw", str(base_raw), "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    text = PAGE.read_bytes().decode("utf-8")
    assert [i["text"] for i in items] == ["We will meet again in spring.", "ambitious"]
    assert all(text[i["start"] : i["end"]] == i["text"] and i["capture"] == "capture:page" for i in items)


def test_recorded_quotations_are_not_listed(base_raw):
    """The base corpus's one quotation is recorded, so its capture lists nothing."""
    assert workbench.unrecorded(base_raw, ["sample"]) == []


def test_yaml_skeletons_fail_validation_until_filled(base_raw, capsys):
    """Records from --format yaml have text and span filled in; their TODOs fail with plain messages."""
    _with_page(base_raw)
    main(["quotes", "unrecorded", "page", "--raw", str(base_raw), "--format", "yaml"])
    (base_raw / "quotes" / "page.yaml").write_text(capsys.readouterr().out, encoding="utf-8")
    report = validate(base_raw)
    assert not report.ok
    speaker = [p for p in report.problems if p.code == "invalid-identifier" and p.message.startswith("speaker")]
    assert speaker and "expected an actor id: 'actor:' followed by lower-case words" in speaker[0].message
    assert {"invalid-date", "invalid-choice", "wrong-type", "missing-rationale"} <= set(report.codes())
    assert not {"quote-span-mismatch", "quote-not-found"} & set(report.codes())


def test_unrecorded_names_an_unknown_capture(base_raw):
    """An unknown capture is refused with the captures there are."""
    with pytest.raises(UsageError, match=r"'nope': no such capture in raw/captures/ \(captures: sample\)"):
        workbench.unrecorded(base_raw, ["nope"])


# --------------------------------------------------------------------------- span


def test_span_prints_every_match(base_raw, capsys):
    """Words that occur twice give two spans, each slicing to the words."""
    assert main(["span", "sample", "spring", "--raw", str(base_raw), "--format", "json"]) == 0
    spans = json.loads(capsys.readouterr().out)
    text = (base_raw / "captures" / "sample.txt").read_text(encoding="utf-8")
    assert len(spans) == 2 and all(text[s["start"] : s["end"]] == "spring" for s in spans)


def test_span_without_a_match_shows_the_closest_text_and_exits_1(base_raw, capsys):
    """Words not in the capture exit 1 with the closest text, as the validator shows it."""
    assert main(["span", "sample", "We shall meet again in spring.", "--raw", str(base_raw)]) == 1
    err = capsys.readouterr().err
    assert "is not in capture:sample; closest text" in err
    assert "We will meet again in spring." in err
