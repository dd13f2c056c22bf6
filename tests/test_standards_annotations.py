"""annotations.jsonld: one W3C Web Annotation per quotation occurrence, checked against the captures."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from _standards_fixture import release

from nato_corpus.errors import UsageError
from nato_corpus.release.standards import anchors, annotations
from nato_corpus.release.standards._common import count_occurrences, ni_uri
from nato_corpus.release.standards.annotations import quote_context


def _items() -> list[dict]:
    tables, descriptor, captures = release()
    data = json.loads(annotations(tables, descriptor, captures)["annotations.jsonld"])
    return data["first"]["items"]


def _selector(item: dict, kind: str) -> dict:
    return next(s for s in item["target"]["selector"] if s["type"] == kind)


def _text(item: dict) -> str:
    _, _, captures = release()
    return captures[item["target"]["source"]["captureId"]]


def test_one_annotation_per_occurrence():
    """Every row of quote_occurrences has exactly one annotation, and no annotation is extra."""
    tables, _, _ = release()
    expected = {(r["quote"], r["position"]) for r in tables["quote_occurrences"].to_pylist()}
    got = {tuple(item["id"].rsplit("/occurrence/", 1)) for item in _items()}
    assert got == {(q, str(p)) for q, p in expected}


def test_exact_equals_code_point_slice():
    """Each TextQuoteSelector's exact equals the capture sliced at the TextPositionSelector's code points."""
    for item in _items():
        pos = _selector(item, "TextPositionSelector")
        assert _selector(item, "TextQuoteSelector")["exact"] == _text(item)[pos["start"] : pos["end"]]


def test_exact_equals_utf16_slice():
    """Each exact equals the capture's UTF-16-LE bytes sliced at twice the UTF-16 offsets."""
    for item in _items():
        u16 = _selector(item, "Utf16PositionSelector")
        raw = _text(item).encode("utf-16-le")[2 * u16["utf16Start"] : 2 * u16["utf16End"]]
        assert raw.decode("utf-16-le") == _selector(item, "TextQuoteSelector")["exact"]


def test_quote_selector_is_unique():
    """prefix+exact+suffix of every quote selector occurs exactly once in its capture."""
    for item in _items():
        q = _selector(item, "TextQuoteSelector")
        assert count_occurrences(_text(item), q["prefix"] + q["exact"] + q["suffix"]) == 1


def test_quote_selector_sits_at_its_position():
    """The unique quote selector is found at the recorded position, not elsewhere."""
    for item in _items():
        q, pos = _selector(item, "TextQuoteSelector"), _selector(item, "TextPositionSelector")
        at = _text(item).find(q["prefix"] + q["exact"] + q["suffix"])
        assert at + len(q["prefix"]) == pos["start"]


def test_emoji_shift_utf16_offsets_in_capture_001():
    """In capture 001, emoji before the quotation put its UTF-16 span after its code-point span."""
    item = next(i for i in _items() if i["id"] == "quote:clinton-letter-common-view-precepts/occurrence/0")
    pos, u16 = _selector(item, "TextPositionSelector"), _selector(item, "Utf16PositionSelector")
    text = _text(item)
    astral = sum(1 for ch in text[: pos["start"]] if ord(ch) > 0xFFFF)
    assert astral > 0
    assert (u16["utf16Start"], u16["utf16End"]) == (pos["start"] + astral, pos["end"] + astral)


def test_source_is_the_capture_content_id():
    """The target source is the ni: URI of the capture's bytes (RFC 6920, sha-256, base64url)."""
    import base64
    import hashlib

    for item in _items():
        digest = hashlib.sha256(_text(item).encode("utf-8")).digest()
        expected = "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        assert item["target"]["source"]["id"] == expected
        assert "=" not in expected and "+" not in expected and "/" not in expected.split(";")[1]


def test_body_names_quote_and_its_page():
    """The body is the quotation record's id and its site page site/quotes/<slug>.html."""
    for item in _items():
        quote = item["id"].split("/occurrence/")[0]
        ids = [b["id"] for b in item["body"]]
        assert ids == [quote, f"site/quotes/{quote.split(':', 1)[1]}.html"]


def test_context_is_anno_plus_local_terms():
    """The context is the W3C anno context, then a local context defining every extension term used."""
    tables, descriptor, captures = release()
    data = json.loads(annotations(tables, descriptor, captures)["annotations.jsonld"])
    anno, local = data["@context"]
    assert anno == "http://www.w3.org/ns/anno.jsonld"
    assert {"Utf16PositionSelector", "utf16Start", "utf16End", "captureId"} <= set(local)


def test_bytes_are_deterministic():
    """Two runs give identical bytes, with LF line ends and a final newline."""
    tables, descriptor, captures = release()
    first = annotations(tables, descriptor, captures)["annotations.jsonld"]
    assert first == annotations(tables, descriptor, dict(reversed(list(captures.items()))))["annotations.jsonld"]
    assert first.endswith(b"\n") and b"\r" not in first


def test_context_grows_until_unique():
    """A repeated phrase gets context long enough to tell its copies apart."""
    text = "x" * 50 + "AB" + "y" * 50 + "AB" + "y" * 50
    prefix, suffix = quote_context(text, 102, 104, step=4)
    assert count_occurrences(text, prefix + "AB" + suffix) == 1
    assert text.find(prefix + "AB" + suffix) + len(prefix) == 102


def test_wrong_capture_text_is_refused():
    """A capture text that is not the release's bytes is refused with the capture id and what to do."""
    tables, _, captures = release()
    changed = dict(captures)
    some = sorted(changed)[0]
    changed[some] = changed[some].replace("\n", "\r\n")
    with pytest.raises(UsageError, match=rf"{some}.*sha256.*byte for byte"):
        anchors(tables, changed)


def test_missing_capture_text_is_refused():
    """A missing capture text is refused naming the capture and its raw/ file."""
    tables, _, captures = release()
    some = sorted(captures)[0]
    with pytest.raises(UsageError, match=rf"no text for {some}.*raw/captures/"):
        anchors(tables, {k: v for k, v in captures.items() if k != some})


def test_ni_uri_matches_rfc6920_example():
    """ni_uri gives RFC 6920's own example for the SHA-256 of "Hello World!" (section 3)."""
    import hashlib

    digest = hashlib.sha256(b"Hello World!").hexdigest()
    assert ni_uri(digest) == "ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: no JavaScript to slice with")
def test_javascript_slice_matches(tmp_path):
    """JavaScript's String.slice at the UTF-16 offsets gives each annotation's exact text."""
    _, _, captures = release()
    cases = [
        {
            "text": _text(i),
            "start": _selector(i, "Utf16PositionSelector")["utf16Start"],
            "end": _selector(i, "Utf16PositionSelector")["utf16End"],
        }
        for i in _items()
    ]
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    script = (
        "const c = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
        "process.stdout.write(JSON.stringify(c.map(x => x.text.slice(x.start, x.end))));"
    )
    out = subprocess.run(["node", "-e", script, str(tmp_path / "cases.json")], capture_output=True, check=True)
    sliced = json.loads(out.stdout.decode("utf-8"))
    assert sliced == [_selector(i, "TextQuoteSelector")["exact"] for i in _items()]
