"""JSON from outside (an index, a descriptor, a cache's record) is refused when nested too deep,
counting only the brackets that nest: never those inside strings."""

from __future__ import annotations

import hashlib
import json
from importlib import import_module
from pathlib import Path

import pytest
from _release_fixture import make_release
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus import errors
from nato_corpus.access.download import download
from nato_corpus.release import layout

VERSION = "1.0.0"
DEEP = layout.MAX_JSON_DEPTH + 1


def nested(depth: int, inner: object = 1) -> str:
    """A JSON text of ``depth`` nested arrays and objects around ``inner``."""
    text = json.dumps(inner)
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k": {text}}}'
    return text


@pytest.mark.parametrize("depth", [1, layout.MAX_JSON_DEPTH])
def test_json_nested_up_to_the_limit_is_read(depth):
    """JSON nested as deep as the limit allows parses as json.loads parses it."""
    text = nested(depth)
    assert layout.loads(text.encode(), "x.json") == json.loads(text)


def test_json_nested_past_the_limit_is_refused_with_the_limit():
    """One level more than the limit is a FormatError naming the file and the limit."""
    with pytest.raises(layout.FormatError, match=rf"^x\.json nests deeper than {layout.MAX_JSON_DEPTH} levels$"):
        layout.loads(nested(DEEP).encode(), "x.json")


@pytest.mark.parametrize(
    "inner",
    [
        "[" * 200,  # brackets inside a string do not nest
        '"]' * 100 + "[[[" * 100,  # nor behind escaped quotes
        "\\" * 7 + "[{" * 100,  # nor after runs of backslashes
        "\\" * 8 + '"' + "{" * 100,  # an escaped backslash then an escaped quote, still inside
    ],
)
def test_brackets_inside_strings_do_not_count(inner):
    """A shallow document whose strings hold brackets, quotes and backslashes is read whole."""
    text = json.dumps({"a": [inner, {"b": inner}], "c": inner})
    assert layout.loads(text.encode(), "x.json") == json.loads(text)


def test_brackets_after_a_string_ending_in_a_backslash_count():
    """A string that ends in an escaped backslash ends there: the brackets after it nest."""
    text = '{"a": "x\\\\", "b": ' + nested(DEEP) + "}"
    assert json.loads(text)["a"] == "x\\"
    with pytest.raises(layout.FormatError, match="nests deeper than"):
        layout.loads(text.encode(), "x.json")


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


_TRICKY = st.text(alphabet='[]{}"\\/ab\n', max_size=12)
_VALUES = st.recursive(
    st.none() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.integers(0, layout.MAX_JSON_DEPTH + 3))
def test_json_is_refused_exactly_when_nested_past_the_limit(value, extra):
    """Any JSON value, wrapped in more arrays, is read when its depth is within the limit, else refused."""
    wrapped = json.loads("[" * extra + json.dumps(value) + "]" * extra)
    text = json.dumps(wrapped)
    if _depth(wrapped) > layout.MAX_JSON_DEPTH:
        with pytest.raises(layout.FormatError, match="nests deeper than"):
            layout.loads(text.encode(), "x.json")
    else:
        assert layout.loads(text.encode(), "x.json") == wrapped


def test_a_mirror_serving_a_deeply_nested_descriptor_is_refused(tmp_path, monkeypatch):
    """A descriptor nested too deep (and pinned by the mirror's index) is refused, nothing cached."""
    monkeypatch.setattr(import_module("nato_corpus.access.bundled"), "root", lambda: None)
    mirror = tmp_path / "mirror"
    make_release(mirror, VERSION)
    descriptor = json.loads((mirror / VERSION / "datapackage.json").read_text())
    descriptor["x_deep"] = json.loads(nested(DEEP))
    data = json.dumps(descriptor).encode()
    (mirror / VERSION / "datapackage.json").write_bytes(data)
    index = json.loads((mirror / "index.json").read_text())
    index["versions"][VERSION]["descriptor_sha256"] = hashlib.sha256(data).hexdigest()
    (mirror / "index.json").write_text(json.dumps(index))
    with pytest.raises(
        errors.DownloadError, match=rf"datapackage\.json cannot be used: .*nests deeper than {DEEP - 1} levels"
    ):
        download(VERSION, base_url=mirror, cache_dir=tmp_path / "cache", trust_mirror=True)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []


def test_a_shallow_descriptor_is_unchanged_by_the_check(tmp_path: Path):
    """The release fixture's descriptor reads the same through the bounded reader as through json."""
    make_release(tmp_path, VERSION)
    data = (tmp_path / VERSION / "datapackage.json").read_bytes()
    assert layout.loads(data, "datapackage.json") == json.loads(data)
