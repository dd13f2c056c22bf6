"""The C reader of raw/ YAML gives what the Python loop gives, or hands the file back to it.

Its one promise: whenever the C reader answers, the Python loop answers the same (values,
types and record positions); whenever the Python loop refuses a file, the C reader does not
answer. Every report of the validator is then the same on both paths, which the planted-error
corpora check here with the extension and with the Python loop alone.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
import yaml
from conftest import INVALID, apply_edits, load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from nato_corpus.curation import yamlread
from nato_corpus.curation.validate import check_raw, validate
from nato_corpus.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(INVALID.glob("*.yaml"))


@pytest.fixture
def fast():
    """The C reader's read(). Skipped, saying why, where the install could not build it (no compiler or
    no libyaml header: .ci/run installs libyaml-dev); a build that is there but not in use fails."""
    try:
        from nato_corpus.curation import _yamlc  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the C YAML reader is not built here ({exc}); apt-get install libyaml-dev and reinstall")
    found = yamlread._fast_reader()
    assert found is not None, (
        "the C YAML reader is built but not in use (built from older source, or NATO_CORPUS_PURE_PYTHON=1): "
        "reinstall with the README's set-up line"
    )
    return found


@pytest.fixture
def python_only(monkeypatch):
    """Read raw/ with the Python loop alone, as a machine without the extension does."""
    monkeypatch.setattr(yamlread, "_FAST", [None])


def same(a, b) -> bool:
    """Equal values of identical types, all the way down (1 == 1.0 == True do not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def python_read(text: str):
    """(data, items) from the Python loop, or the Problem it refuses the text with."""
    try:
        data, _, _, items = yamlread._events(text, False)
    except yamlread.Refused as refused:
        return refused.problem
    except (yaml.YAMLError, UnicodeError) as exc:  # UnicodeError: text that is not UTF-8 at all
        return exc
    return data, items


def check_agrees(fast, text: str) -> bool:
    """Assert the promise for one text; True when the C reader answered."""
    found = fast(text)
    expected = python_read(text)
    if found is None:
        return False
    assert isinstance(expected, tuple), f"C answered a text the Python loop refuses ({expected}):\n{text}"
    assert same(found[0], expected[0]), f"values differ:\n{text}"
    assert found[1] == expected[1], f"record positions differ:\n{text}"
    return True


def test_the_built_reader_is_from_this_source(fast):
    """The extension in use was compiled from the C source in this checkout (no stale build)."""
    from nato_corpus.curation import _yamlc

    source = ROOT / "nato_corpus" / "curation" / "_yamlc.c"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == _yamlc.SOURCE_DIGEST
    assert yamlread.reader_in_use() == "c"


def test_every_file_of_raw_reads_the_same(fast):
    """Every YAML file of the real raw/ is answered by the C reader, with the Python loop's values."""
    files = sorted((ROOT / "raw").rglob("*.yaml"))
    assert files
    for path in files:
        assert check_agrees(fast, path.read_text(encoding="utf-8")), path


def test_a_generated_corpus_reads_the_same(fast, tmp_path: Path):
    """Every file of a generated corpus (all record types, lists, dates, numbers) reads the same."""
    generate(tmp_path / "raw", 300, seed=11)
    files = sorted((tmp_path / "raw").rglob("*.yaml"))
    assert len(files) > 20
    for path in files:
        assert check_agrees(fast, path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("text", "python_reads"),
    [
        ("- id: q-1\n  tags: !!str 3\n", True),  # a standard tag
        ("- a: !thing 1\n", False),  # a tag of its own
        ("- a: &x 1\n  b: *x\n", False),  # an alias
        ("- a: 1\n  a: 2\n", False),  # a duplicate key
        ("- [a, b]: 1\n", False),  # a key that is a list
        ("- 1: x\n", True),  # a key that is not text
        ("- when: yes\n", False),  # a form YAML 1.1 and 1.2 read differently
        ("- n: 0123\n", False),
        ("- n: " + "9" * 5000 + "\n", False),  # too long a number
        ("- a: [\n", False),  # a syntax error
        ("- a: 1\n---\n- b: 2\n", False),  # two documents
        ("- " + "[" * 40 + "1" + "]" * 40 + "\n", False),  # nested too deep
        ("- a: 1\n\tb: 2\n", False),  # a tab as indentation
        ("- a: \ud800\n", False),  # a lone surrogate (not UTF-8)
    ],
)
def test_unusual_files_go_back_to_the_python_loop(fast, text: str, python_reads: bool):
    """A file with anything the C reader does not handle is handed back; the Python loop reads or refuses it."""
    assert fast(text) is None
    assert isinstance(python_read(text), tuple) is python_reads


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "x\n",
        "- 'quoted: text'\n- \"double\"\n- |\n  a block\n- >\n  folded\n",
        "- n: 12\n  f: 2.5\n  b: true\n  z: null\n  t: ~\n  d: 1994-11-28\n  e: 1994-11-28T10:00:00\n",
        "- {a: 1, b: [x, y, {c: null}]}\n- []\n- {}\n",
        "- a: 'x'\n  b:\n    - 1\n    - - 2\n      - 3\n",
        "- text: Der Präsident sagte „Nein“ 😀\n",
        "- " + "x" * 79 + "\n- " + "y" * 80 + "\n- 1994 and " + "z" * 80 + "\n",
        "- a: 1.0e+3\n  b: -.inf\n  c: .nan\n  d: +12\n  e: -0\n",
    ],
)
def test_ordinary_files_read_the_same(fast, text: str):
    """Empty files, scalars at the top, every quoting style, numbers, dates and nesting read the same."""
    assert check_agrees(fast, text)


_keys = st.text(alphabet="abcdefghij_-0123456789 :#'\"", min_size=1, max_size=8)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["yes", "no", "on", "0x1F", "012", "1_000", "1:30", "=", "<<", "~", "", "2020-01-01"])
)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4), max_leaves=20
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_values, flow=st.sampled_from([None, False, True]), style=st.sampled_from([None, "'", '"']))
def test_any_dumped_value_reads_the_same(fast, value, flow, style):
    """Any value PyYAML writes, in block or flow style and any quoting, reads the same on both paths."""
    check_agrees(fast, yaml.safe_dump([value], default_flow_style=flow, default_style=style, allow_unicode=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=_values,
    at=st.integers(min_value=0, max_value=10_000),
    insert=st.text(alphabet=" \t\n-:[]{}'\"&*!|>#,?%@`0123456789abc\x00é😀", min_size=1, max_size=4),
)
def test_damaged_text_never_reads_differently(fast, value, at, insert):
    """Text damaged anywhere is either handed back or read exactly as the Python loop reads it."""
    text = yaml.safe_dump([value], allow_unicode=True)
    at %= len(text) + 1
    check_agrees(fast, text[:at] + insert + text[at:])


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_reports_are_the_same_without_the_extension(fast, case: Path, base_raw: Path, monkeypatch):
    """Every planted-error corpus gets the same report with the C reader and with the Python loop alone."""
    apply_edits(base_raw, load_case(case)["edits"])
    with_c = validate(base_raw).to_dict()
    assert with_c == check_raw(base_raw).report.to_dict()
    monkeypatch.setattr(yamlread, "_FAST", [None])
    assert validate(base_raw).to_dict() == with_c


def test_the_python_loop_alone_validates_raw(python_only):
    """Without the extension the real raw/ validates clean, as it does with it."""
    assert yamlread.reader_in_use() == "python"
    report = validate(ROOT / "raw")
    assert report.ok, report.problems


def test_the_environment_can_turn_the_extension_off(monkeypatch):
    """NATO_CORPUS_PURE_PYTHON=1 makes the Python loop read everything."""
    monkeypatch.setattr(yamlread, "_FAST", [])
    monkeypatch.setenv(yamlread.PURE_PYTHON, "1")
    assert yamlread.reader_in_use() == "python"


@pytest.mark.parametrize("value", ["yes", "2", "true", "c"])
def test_a_malformed_switch_is_a_usage_error(monkeypatch, value: str):
    """Any value of NATO_CORPUS_PURE_PYTHON other than 0 or 1 is refused, naming the variable and
    what it takes."""
    monkeypatch.setattr(yamlread, "_FAST", [])
    monkeypatch.setenv(yamlread.PURE_PYTHON, value)
    with pytest.raises(UsageError, match=r"NATO_CORPUS_PURE_PYTHON=.*expected 1 .* or 0"):
        yamlread.reader_in_use()


def _hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_compiles_the_reader_beside_its_source(fast, tmp_path: Path):
    """Where the install built the reader, the build hook compiles the C source of a checkout into an
    extension beside it."""
    hook = _hook()
    source = tmp_path / hook.C_SOURCE
    source.parent.mkdir(parents=True)
    source.write_bytes((ROOT / hook.C_SOURCE).read_bytes())
    built = hook.build_reader(tmp_path)
    assert built is not None and built.parent == source.parent and built.stat().st_size > 0


def test_a_build_without_a_compiler_says_so_and_leaves_no_stale_reader(tmp_path: Path, monkeypatch, capsys):
    """Without a working compiler the hook says the pure-Python loop will read YAML and what to install,
    and removes an extension left by an older build."""
    hook = _hook()
    source = tmp_path / hook.C_SOURCE
    source.parent.mkdir(parents=True)
    source.write_bytes((ROOT / hook.C_SOURCE).read_bytes())
    stale = source.with_name("_yamlc" + (hook.sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    stale.write_bytes(b"an older build")
    real = hook.sysconfig.get_config_var
    monkeypatch.setattr(
        hook.sysconfig, "get_config_var", lambda name: "/nonexistent/cc" if name == "CC" else real(name)
    )
    assert hook.build_reader(tmp_path) is None
    said = capsys.readouterr().err
    assert "C YAML reader was not built" in said and "pure-Python" in said and "libyaml-dev" in said
    assert not stale.exists()


@pytest.mark.parametrize(
    "text",
    [
        "- probe_key: `x",  # a syntax error just after a key
        "- probe_key: *a",  # an alias just after a key
        "- probe_key: !x 1",  # a tag just after a key
        "- [1, {probe_key: x, probe_key: y}]",  # a duplicate key
    ],
)
def test_a_file_handed_back_keeps_every_value_it_made_alive(fast, text: str):
    """A file handed back midway (here just after a key) releases each value it made exactly once:
    the shared, cached key keeps its reference count over many reads."""
    import sys

    fast("- probe_key: 1\n")  # the key is now a shared value in the cache of short plain scalars
    key = yamlread._SHORT_PLAIN["probe_key"]
    before = sys.getrefcount(key)
    for _ in range(200):
        assert fast(text) is None
    assert sys.getrefcount(key) == before
