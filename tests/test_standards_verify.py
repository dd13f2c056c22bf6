"""verify_capture and `verify-capture`: identify a copy of a capture and re-anchor every quotation."""

from __future__ import annotations

import argparse
import json

import pytest
from _standards_fixture import RELEASE, REPO, release

from nato_corpus.commands.standards import add_verify_capture_parser
from nato_corpus.errors import UsageError
from nato_corpus.release.standards import anchors, annotations
from nato_corpus.release.standards.verify import FOUND, MISSING, MOVED, anchors_from_annotations, verify_capture

REPO_RAW = REPO / "raw"


def _run(path):
    tables, _, captures = release()
    return verify_capture(path, tables, anchors(tables, captures))


def _capture_ids():
    return sorted(release()[2])


def _write(tmp_path, text: str, name="copy.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("capture", _capture_ids())
def test_identical_copy_is_identified_by_hash(tmp_path, capture):
    """A byte-identical copy is identified by sha256 and every quotation is found at its span."""
    result = _run(_write(tmp_path, release()[2][capture]))
    assert (result.capture, result.identical) == (capture, True)
    assert {o.status for o in result.occurrences} == {FOUND}


@pytest.mark.parametrize("capture", _capture_ids())
def test_crlf_copy_reanchors_every_quotation(tmp_path, capture):
    """A copy with CRLF line ends is identified and every quotation re-anchors to the same words."""
    copy = release()[2][capture].replace("\n", "\r\n")
    result = _run(_write(tmp_path, copy))
    assert (result.capture, result.identical) == (capture, False)
    assert result.occurrences and all(o.status != MISSING for o in result.occurrences)
    for o in result.occurrences:
        original = release()[2][capture][o.start : o.end]
        assert copy[o.new_start : o.new_end].replace("\r\n", "\n") == original


@pytest.mark.parametrize("capture", _capture_ids())
def test_banner_moves_every_quotation_by_its_length(tmp_path, capture):
    """An added banner line moves every quotation by exactly the banner's length in code points."""
    banner = "Archived copy ✓ — retrieved again\n"
    result = _run(_write(tmp_path, banner + release()[2][capture]))
    assert result.capture == capture and not result.identical
    for o in result.occurrences:
        assert o.status == MOVED
        assert (o.new_start, o.new_end) == (o.start + len(banner), o.end + len(banner))


def test_changed_whitespace_reanchors(tmp_path):
    """Whitespace collapsed to single spaces (non-breaking ones too) still re-anchors every quotation."""
    capture = _capture_ids()[0]
    copy = " ".join(release()[2][capture].split())
    result = _run(_write(tmp_path, copy))
    assert result.capture == capture
    assert all(o.status != MISSING for o in result.occurrences)


def test_deleted_sentence_makes_its_quotation_missing(tmp_path):
    """Deleting the words of one quotation reports that occurrence missing, and the others kept."""
    tables, _, captures = release()
    target = next(a for a in anchors(tables, captures) if a.quote == "quote:clinton-letter-common-view-precepts")
    text = captures[target.capture]
    copy = text[: target.start] + text[target.end :]
    result = _run(_write(tmp_path, copy))
    status = {(o.quote, o.position): o.status for o in result.occurrences}
    assert status.pop((target.quote, target.position)) == MISSING
    assert MISSING not in status.values()
    assert not result.ok


def test_unrelated_text_matches_no_capture(tmp_path):
    """A text sharing no quotation with any capture is identified as no capture."""
    result = _run(_write(tmp_path, "Nothing to see here.\n"))
    assert result.capture is None and not result.ok
    assert "matches no capture" in result.to_text()


def test_binary_file_is_refused(tmp_path):
    """A binary file gives a clear error naming the file, not a traceback."""
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(UsageError, match=r"image\.png: is a binary file"):
        _run(path)


def test_non_utf8_file_is_refused(tmp_path):
    """A Latin-1 file is refused naming the offending byte and asking for UTF-8."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(UsageError, match=r"latin1\.txt: is not UTF-8 text \(byte 3.*convert the copy to UTF-8"):
        _run(path)


def test_missing_file_is_refused(tmp_path):
    """A path that does not exist is refused naming it."""
    with pytest.raises(UsageError, match=r"nope\.txt: no such file"):
        _run(tmp_path / "nope.txt")


def test_anchors_round_trip_through_annotations():
    """The anchors read back from annotations.jsonld are the anchors computed from the captures."""
    tables, descriptor, captures = release()
    data = annotations(tables, descriptor, captures)["annotations.jsonld"]
    assert anchors_from_annotations(data) == anchors(tables, captures)


def test_bad_annotations_file_is_refused():
    """An annotations file of another shape is refused with a message saying what it is not."""
    with pytest.raises(UsageError, match="not a nato-corpus annotation collection"):
        anchors_from_annotations(b'{"items": []}')


def _cli(argv):
    parser = argparse.ArgumentParser()
    add_verify_capture_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_reports_moved_and_exits_zero(tmp_path, capsys):
    """The command prints moved spans and the summary, and exits 0 when nothing is missing."""
    capture = _capture_ids()[1]
    path = _write(tmp_path, "banner\n" + release()[2][capture])
    code = _cli(["verify-capture", str(path), "--release", str(RELEASE), "--raw", str(REPO_RAW)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"{capture}, NOT byte-identical" in out and "0 missing" in out and "moved " in out


def test_cli_json_exits_one_when_missing(tmp_path, capsys):
    """With --format json the command prints the verdict as JSON and exits 1 when a quotation is missing."""
    tables, _, captures = release()
    a = anchors(tables, captures)[0]
    text = captures[a.capture]
    path = _write(tmp_path, text[: a.start] + text[a.end :])
    code = _cli(["verify-capture", str(path), "--release", str(RELEASE), "--raw", str(REPO_RAW), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["ok"] is False and data["capture"] == a.capture


def test_cli_without_texts_or_annotations_says_what_to_do(tmp_path):
    """Without raw captures and without annotations.jsonld the command says what to pass."""
    with pytest.raises(UsageError, match="no capture texts.*pass --raw"):
        _cli(["verify-capture", str(_write(tmp_path, "x")), "--release", str(RELEASE), "--raw", str(tmp_path)])
