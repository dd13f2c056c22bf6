"""The plain check of records (no pydantic) says yes only where the models say yes, and says it for real corpora."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import strategies
import test_models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from benchmarks.generate import generate
from nato_corpus.curation import quick, reader
from nato_corpus.curation.validate import check_raw, validate
from nato_corpus.records import _shapes, models, plain, refs
from tools import shapes

REPO = Path(__file__).resolve().parents[1]
MODEL_OF = {**{kind: model for kind, (model, _, _) in models.RECORD_TYPES.items()}, "corpus": models.Corpus}


def _model_accepts(kind: str, data) -> bool:
    try:
        MODEL_OF[kind].model_validate(data)
    except ValidationError:
        return False
    return True


# --- the shapes are the models' ------------------------------------------------------------------


def test_the_shapes_file_is_generated_from_the_models():
    """nato_corpus/records/_shapes.py is what `python -m tools.shapes` makes of the models today."""
    written = (REPO / "nato_corpus" / "records" / "_shapes.py").read_text(encoding="utf-8")
    assert written == shapes.render(), "stale: run `python -m tools.shapes`"


def test_every_model_validator_is_repeated_by_the_plain_check():
    """Each validator a model runs is known to the plain check; one it does not know makes it never say yes."""
    named = {rule for shape in _shapes.MODELS.values() for rule in shape["validators"]}
    assert named == set(plain._VALIDATORS)
    assert models.CHECKED_STATUSES is plain.CHECKED_STATUSES


def test_a_model_validator_the_plain_check_does_not_know_makes_it_never_say_yes(monkeypatch):
    record = {"id": "actor:a", "name": "A", "kind": "person"}
    assert plain.accepts("actor")(record)
    shape = {**_shapes.MODELS["Actor"], "validators": ("Actor._something_new",)}
    monkeypatch.setitem(_shapes.MODELS, "Actor", shape)
    plain._model.cache_clear()
    try:
        assert not plain.accepts("actor")(record)
    finally:
        plain._model.cache_clear()


class _Lax(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str

    @field_validator("name")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    name: str


class _Float(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    share: float


@pytest.mark.parametrize(
    ("model", "words"),
    [(_Lax, "field validators"), (_Loose, "forbid extra keys"), (_Float, "annotation")],
    ids=["field-validator", "extra-allowed", "unknown-type"],
)
def test_the_generator_stops_at_what_the_plain_check_does_not_know(model, words):
    """A model with a validator, a setting or a type the plain check cannot repeat stops the generation, saying what."""
    with pytest.raises(shapes.Unknown, match=words):
        shapes.model_shape(model)


# --- never a yes the models refuse -----------------------------------------------------------------

#: values that sit on the edges of the checks: wrong types, blank and near-miss text, odd URLs and dates
ODD_VALUES = (
    None,
    True,
    False,
    0,
    -1,
    1,
    7,
    1.0,
    "",
    " ",
    "\n",
    "x",
    "x\n",
    "unknown",
    "1994-02",
    "1994-02-30",
    "1994-02\n",
    "0000%/1989-02",
    "1994~",
    "https://example.org/a",
    "HTTPS://example.org/a",
    "https://example.org/a b",
    "https://[::1/x",
    "https:///x",
    "ftp://example.org/",
    "//example.org/x",
    "actor:a",
    "actor:a\n",
    "actor:A",
    "doc:a",
    "capture:a",
    "quote:a",
    "Q0",
    "Q12",
    "en",
    "en-\n",
    "verified",
    "relay-only",
    "0" * 64,
    "a.txt",
    "\ud800",  # a lone surrogate: a Python str, yet not text pydantic accepts
    "actor:a\udfff",
    [],
    ["x"],
    {},
    {"x": "y"},
)
ODD = st.sampled_from(ODD_VALUES)


def _right(node: tuple):
    """A strategy for right values of one shape (a nested record may have a fault of its own)."""
    tag = node[0]
    if tag == "str":
        _, least, pattern, check = node
        if pattern:
            return st.from_regex(pattern, fullmatch=True)
        if check == "url":
            return strategies.URLS | st.sampled_from(["http://example.org", "https://example.org/a?b#c"])
        if check == "edtf":
            return strategies.edtf_dates() | st.just("unknown")
        return st.text(max_size=6, min_size=least)
    if tag == "int":
        return st.integers(0, 40)
    if tag == "bool":
        return st.booleans()
    if tag == "lit":
        return st.sampled_from(node[1])
    if tag == "none":
        return st.none()
    if tag == "any":
        return st.one_of([_right(option) for option in node[1]])
    if tag == "list":
        return st.lists(st.deferred(lambda: _right(node[1])), min_size=node[2], max_size=2)
    if tag == "dict":
        return st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)
    return st.deferred(lambda: _records(node[1], most=1))


def _wrong(node: tuple):
    """A strategy for values on the edge of one shape, or odd ones: most of them wrong."""
    tag, edge = node[0], []
    if tag == "str":
        _, least, pattern, check = node
        edge = [st.just(""), st.just(" "), st.just("x" * max(least - 1, 0))]
        if pattern:
            edge += [st.from_regex(pattern, fullmatch=True).map(lambda v: v + "\n"), st.from_regex(pattern)]
        if check == "edtf":
            edge += [st.sampled_from(["1994-02-30", "0000%/1989-02", "1994-13", "1994/", "19940"])]
    elif tag == "int":
        edge = [st.sampled_from([-1, (node[1] or 0) - 1, True, 2.0])]
    elif tag == "lit":
        edge = [st.sampled_from([f"{node[1][0]} ", str(node[1][0]).upper(), "other"])]
    elif tag == "list":
        edge = [st.just([]), st.lists(ODD, min_size=1, max_size=2), _right(node).map(tuple)]
    elif tag == "dict":
        edge = [st.dictionaries(st.text(max_size=3), ODD, min_size=1, max_size=2), st.just({1: "x"})]
    elif tag == "any":
        edge = [_wrong(option) for option in node[1]]
    elif tag == "model":
        edge = [st.deferred(lambda: _records(node[1], least=1))]
    return st.one_of(ODD, *edge)


@st.composite
def _records(draw, name: str, most: int = 2, least: int = 0):
    """A record of a model's shape with ``least`` to ``most`` faults: a field left out or given a wrong
    value, or a key the model does not have."""
    shape = _shapes.MODELS[name]
    faults = draw(st.integers(least, max(most, least)))
    faulty = set(draw(st.lists(st.sampled_from([*shape["fields"], "+"]), min_size=min(faults, 1), max_size=faults)))
    value = {}
    for field, node in shape["fields"].items():
        if field in faulty:
            if draw(st.integers(0, 3)):
                value[field] = draw(_wrong(node))
            continue  # else left out
        if field not in shape["required"] and draw(st.booleans()):
            continue
        value[field] = draw(_right(node))
    if "+" in faulty:
        value[draw(st.sampled_from(["extra", "Id", 1]))] = draw(ODD)
    return value


KINDS = ["capture", "actor", "document", "event", "quote", "corpus"]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_yes_is_always_the_models_yes(kind: str, data):
    """On records drawn from the shapes (right values, odd values, missing and extra keys), whenever the
    plain check says yes the model accepts the record."""
    name = "Corpus" if kind == "corpus" else _shapes.KINDS[kind]
    record = data.draw(_records(name))
    if plain.accepts(kind)(record):
        assert _model_accepts(kind, record), record


RECORDS = {
    "quote": strategies.quotes(),
    "document": strategies.documents(),
    "event": strategies.events(),
    "actor": strategies.actors(),
}


@pytest.mark.parametrize("kind", sorted(RECORDS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_records_are_accepted_and_their_mutants_only_where_the_model_accepts_them(kind: str, data):
    """Valid records are accepted by both; each changed in one to three places is accepted only if the model accepts it."""
    record = data.draw(RECORDS[kind])
    assert plain.accepts(kind)(record) == _model_accepts(kind, record)
    mutant = data.draw(strategies.json_mutations(record))
    if plain.accepts(kind)(mutant):
        assert _model_accepts(kind, mutant), mutant


def _edges(node: tuple, current) -> list:
    """Wrong values for one shape, most of them just past its edge, some built from the value there now."""
    tag, found = node[0], list(ODD_VALUES)
    if tag == "str":
        _, least, _, _ = node
        found += ["x" * max(least - 1, 0)]
        if isinstance(current, str):
            found += [current + "\n", "\n" + current, " " + current, current + " ", current.upper(), current[:-1]]
            found += [current + "\ud800"]
    elif tag == "int":
        found += [(node[1] or 0) - 1, True, float(current or 0), str(current)]
    elif tag == "lit":
        value = node[1][0]
        found += [f"{value} ", str(value).upper(), str(value), "other"]
    elif tag == "list":
        found += [[None], [ODD_VALUES], (current or [])[:-1], tuple(current or [])]
        if current:
            found += [[*current, 1], [*current, {}]]
    elif tag == "dict":
        found += [{1: "x"}, {"x": 1}]
    elif tag == "any":
        for option in node[1]:
            found += _edges(option, current)
    return found


def _mutants(name: str, value: dict, path: tuple = ()):
    """(path, mutant maker) for every single fault of a record: each field left out, given a wrong value,
    or a key added, at every depth."""
    shape = _shapes.MODELS[name]
    for field, node in shape["fields"].items():
        current = value.get(field)
        if field in value:
            yield (*path, field), None  # left out
        for wrong in _edges(node, current):
            yield (*path, field), wrong
        inner = node if node[0] != "any" else next((o for o in node[1] if o[0] in ("model", "list")), None)
        if inner and inner[0] == "model" and isinstance(current, dict):
            yield from _mutants(inner[1], current, (*path, field))
        elif inner and inner[0] == "list" and inner[1][0] == "model" and isinstance(current, list):
            for i, item in enumerate(current):
                yield from _mutants(inner[1][1], item, (*path, field, i))
    yield (*path, "extra"), "x"
    yield (*path, 1), "x"


def _apply(record: dict, path: tuple, wrong):
    mutant = copy.deepcopy(record)
    parent = mutant
    for part in path[:-1]:
        parent = parent[part]
    if wrong is None and path[-1] in parent:
        del parent[path[-1]]
    else:
        parent[path[-1]] = wrong
    return mutant


@pytest.mark.parametrize("kind", ["capture", "actor", "document", "event", "quote", "corpus"])
def test_no_single_fault_anywhere_in_a_real_record_gets_a_yes_the_model_refuses(kind: str, generated):
    """Every field, at every depth, of the fullest records of raw/ and a generated corpus, left out or given
    each wrong value in turn (edge values, odd types, the value there with a line break or a space added...):
    the plain check says yes only where the model accepts the changed record."""
    if kind == "corpus":
        entry, _ = reader.read_corpus((REPO / "raw" / "corpus.yaml").read_bytes(), "corpus.yaml")
        bases = [entry.data]
    else:
        found = [data for root in (REPO / "raw", generated) for k, _, data in _corpus_records(root) if k == kind]
        found.sort(key=lambda data: -len(repr(data)))
        bases = found[:3]
    name = "Corpus" if kind == "corpus" else _shapes.KINDS[kind]
    tried = refused = 0
    for base in bases:
        assert plain.accepts(kind)(base) and _model_accepts(kind, base)
        for path, wrong in _mutants(name, base):
            mutant = _apply(base, path, wrong)
            tried += 1
            if plain.accepts(kind)(mutant):
                assert _model_accepts(kind, mutant), (path, wrong)
            else:
                refused += 1
    assert tried > 200 and refused > tried // 2


URL_PIECES = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "ftp",
        ":",
        "//",
        "/",
        "?",
        "#",
        "[",
        "]",
        "@",
        ".",
        "-",
        ":80",
        "a",
        "Z",
        "0",
        " ",
        "\t",
        "\n",
        "\x7f",
        "é",
        "%20",
        "ｆ",
        "\u2100",
        "example.org",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(URL_PIECES, max_size=8).map("".join) | st.text(max_size=12))
def test_the_quick_answer_for_urls_is_urlsplits(value: str):
    """http_url's pattern for the common case gives urlsplit's answer (and where urlsplit raises, so does it)."""
    try:
        expected = plain._split_url(value)
    except ValueError:
        with pytest.raises(ValueError):
            plain.http_url(value)
        return
    assert plain.http_url(value) == expected
    for prefix in ("http://", "https://"):  # the pattern's own ground
        try:
            assert plain.http_url(prefix + value) == plain._split_url(prefix + value)
        except ValueError:
            assert plain._PLAIN_URL.fullmatch(prefix + value) is None


def test_a_verification_that_names_no_copy_is_not_accepted():
    """The model's own validator, repeated: a 'verified' record must name what it was checked against."""
    verification = {"status": "verified", "checked_on": "2024-01-02", "rationale": "Compared."}
    quote = {**test_models.VALID_QUOTE, "verification": verification}
    assert not plain.accepts("quote")(quote) and not _model_accepts("quote", quote)
    verification["checked_against"] = ["doc:b"]
    assert plain.accepts("quote")(quote) and _model_accepts("quote", quote)


# --- the same facts, and real corpora need no model --------------------------------------------------


def _corpus_records(root: Path):
    for kind, (model, folder, _) in models.RECORD_TYPES.items():
        for path in sorted((root / folder).glob("*.yaml")):
            entries, problems = reader.read_records(kind, path.read_bytes(), path.name)
            assert not problems
            for entry in entries:
                yield kind, model, entry.data


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("plain") / "raw"
    generate(root, 400, seed=9)
    return root


@pytest.mark.parametrize("source", ["raw", "generated"])
def test_every_record_of_a_real_corpus_is_accepted_with_the_models_references(source, generated):
    """Every record of raw/ and of a generated corpus is accepted without its model, and names the ids the model names."""
    root = REPO / "raw" if source == "raw" else generated
    seen = 0
    for kind, model, data in _corpus_records(root):
        assert plain.accepts(kind)(data), (kind, data.get("id"))
        assert plain.references(kind)(data) == refs.referenced_ids(model.model_validate(data))
        seen += 1
    assert seen > 100


def test_a_clean_corpus_is_validated_without_pydantic(generated):
    """`validate` of a clean corpus never imports pydantic; the report is the detailed path's."""
    script = (
        "import sys, json\n"
        "from nato_corpus.curation.validate import validate\n"
        f"report = validate({str(generated)!r})\n"
        "print(json.dumps([report.ok, sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic')]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[true, []]"
    assert validate(generated).to_dict() == check_raw(generated).report.to_dict()


def test_records_the_plain_check_is_unsure_of_are_left_to_the_models(generated, monkeypatch):
    """When the plain check says "not sure" of every record, the models decide: the same report, clean or not."""
    expected = check_raw(generated).report.to_dict()
    monkeypatch.setattr(plain, "accepts", lambda kind: lambda value: False)
    assert quick.quick_report(generated).to_dict() == expected


def test_a_record_the_plain_check_is_unsure_of_and_the_model_refuses_goes_to_the_detailed_path(tmp_path):
    """A URL whose host urlsplit cannot read: the plain check is not sure, the model refuses, the report explains."""
    root = tmp_path / "raw"
    generate(root, 30, seed=3)
    path = sorted((root / "documents").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "url: https://"
    assert marker in text
    path.write_text(text.replace(marker, "url: https://[", 1), encoding="utf-8")
    assert quick.quick_report(root) is None
    report = validate(root)
    assert report.to_dict() == check_raw(root).report.to_dict()
    assert any(p.file.endswith(path.name) and "url" in p.message for p in report.problems)


def test_plain_data_in_a_record_is_never_changed(generated):
    """Checking a record leaves the mapping as it was (the facts are taken from it afterwards)."""
    for kind, _, data in _corpus_records(generated):
        before = copy.deepcopy(data)
        plain.accepts(kind)(data)
        plain.references(kind)(data)
        assert data == before
