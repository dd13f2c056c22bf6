"""Hypothesis strategies for valid records and EDTF dates."""

from __future__ import annotations

import calendar

from hypothesis import strategies as st

SLUG = st.from_regex(r"\A[a-z0-9]{1,8}(?:[-_.][a-z0-9]{1,8}){0,3}\Z")
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
OPTIONAL_TEXT = st.none() | TEXT


def ids(prefix: str):
    return SLUG.map(lambda slug: f"{prefix}:{slug}")


@st.composite
def simple_dates(draw) -> str:
    year = draw(st.integers(1900, 2030))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        value = f"{year:04d}"
    else:
        month = draw(st.integers(1, 12))
        value = f"{year:04d}-{month:02d}"
        if precision == "day":
            day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
            value += f"-{day:02d}"
    return value + draw(st.sampled_from(["", "", "~", "?", "%"]))


@st.composite
def edtf_dates(draw) -> str:
    kind = draw(st.sampled_from(["single", "interval", "open", "unknown"]))
    if kind == "single":
        return draw(simple_dates())
    if kind == "unknown":
        return "unknown"
    start = draw(simple_dates())
    if kind == "open":
        return draw(st.sampled_from([f"{start}/..", f"../{start}", f"{start}/"]))
    end = draw(simple_dates())
    from nato_corpus.records.dates import bounds

    low, high = sorted([start, end], key=lambda d: bounds(d)[0])
    return f"{low}/{high}"


URLS = st.builds(lambda host, path: f"https://{host}.org/{path}", SLUG, SLUG)
LANG = st.sampled_from(["en", "de", "ru", "fr"])


def credibility():
    return st.fixed_dictionaries({"grade": st.integers(1, 6), "rationale": TEXT})


def reliability():
    return st.fixed_dictionaries({"grade": st.sampled_from("ABCDEF"), "rationale": TEXT})


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


@st.composite
def quotes(draw) -> dict:
    translated = draw(st.booleans())
    language = draw(LANG)
    original = draw(LANG.filter(lambda other: other != language)) if translated else None
    start = draw(st.integers(0, 1000))
    return _drop_none(
        {
            "id": draw(ids("quote")),
            "text": draw(TEXT),
            "speaker": draw(ids("actor")),
            "addressee": draw(st.none() | ids("actor")),
            "date": draw(edtf_dates()),
            "date_note": draw(OPTIONAL_TEXT),
            "document": draw(ids("doc")),
            "occurrences": draw(
                st.lists(
                    st.builds(
                        lambda c, d, n: {"capture": c, "start": start, "end": start + n, "document": d},
                        ids("capture"),
                        ids("doc"),
                        st.integers(0, 50),
                    ),
                    min_size=1,
                    max_size=3,
                )
            ),
            "language": language,
            "original_language": original,
            "translated": translated,
            "relays": draw(st.integers(0, 5)),
            "form": draw(st.sampled_from(["sentence", "fragment"])),
            "credibility": draw(credibility()),
            "notes": draw(OPTIONAL_TEXT),
        }
    )


@st.composite
def documents(draw) -> dict:
    return _drop_none(
        {
            "id": draw(ids("doc")),
            "title": draw(TEXT),
            "kind": draw(st.sampled_from(["letter", "memorandum", "article", "forum_post", "reader_comment"])),
            "date": draw(edtf_dates()),
            "authors": draw(st.lists(ids("actor"), max_size=3)),
            "recipients": draw(st.lists(ids("actor"), max_size=2)),
            "language": draw(LANG),
            "publisher": draw(st.none() | ids("actor")),
            "urls": draw(
                st.lists(
                    st.fixed_dictionaries({"kind": st.sampled_from(["canonical", "archive_page"]), "url": URLS}),
                    max_size=2,
                )
            ),
            "release": draw(st.sampled_from(["foia_lawsuit", "publication", "unknown"])),
            "capture": draw(st.none() | ids("capture")),
            "relations": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["relays", "cites", "translates"]), "target": ids("doc")}
                    ),
                    max_size=2,
                )
            ),
            "rights": draw(st.sampled_from(["public_domain", "copyrighted_excerpts_only", "unknown"])),
            "reliability": draw(reliability()),
            "notes": draw(OPTIONAL_TEXT),
        }
    )


@st.composite
def events(draw) -> dict:
    return _drop_none(
        {
            "id": draw(ids("event")),
            "title": draw(TEXT),
            "kind": draw(st.sampled_from(["summit", "meeting", "letter_sent", "speech"])),
            "date": draw(edtf_dates()),
            "place": draw(OPTIONAL_TEXT),
            "participants": draw(st.lists(ids("actor"), max_size=3)),
            "summary": draw(TEXT),
            "evidence": draw(st.lists(ids("doc"), min_size=1, max_size=3)),
            "credibility": draw(credibility()),
        }
    )


@st.composite
def actors(draw) -> dict:
    return _drop_none(
        {
            "id": draw(ids("actor")),
            "name": draw(TEXT),
            "kind": draw(st.sampled_from(["person", "organization", "agency"])),
            "aliases": draw(st.lists(TEXT, max_size=3)),
            "wikidata": draw(st.none() | st.integers(1, 10**8).map(lambda n: f"Q{n}")),
        }
    )


def value_paths(value, prefix=()):
    """Every path (tuple of keys and indices) into a nested YAML value, the empty one excluded."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from value_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from value_paths(item, prefix + (index,))


# --- input from outside: JSON documents, release descriptors and indexes, settings ----------

#: any JSON value (numbers within what JSON parsers keep, text of any characters but surrogates)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _paths(value, prefix=()):
    """Every path (tuple of keys and indices) into a JSON value, the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


@st.composite
def json_mutations(draw, document):
    """``document`` (a JSON value) with one to three places replaced, removed or added to."""
    import copy

    value = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(value))
        path = draw(st.sampled_from(paths))
        if not path:
            value = draw(JSON)
            continue
        parent = value
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(JSON)
        elif action == "add":
            parent.insert(path[-1], draw(JSON))
        else:
            parent[path[-1]] = draw(JSON)
    return value


def indexes():
    """Release index files: any JSON, or the shape of index.json with odd versions and pins."""
    pins = st.fixed_dictionaries(
        {"descriptor_sha256": st.text("0123456789abcdef", min_size=0, max_size=64) | JSON, "path": JSON}
    )
    shaped = st.fixed_dictionaries(
        {
            "name": JSON,
            "latest": JSON,
            "versions": st.dictionaries(st.text(max_size=12), pins | JSON, max_size=3) | JSON,
        }
    )
    return JSON | shaped


#: values an environment variable might hold: numbers written oddly, words, paths, control text
ENVIRONMENT_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "1",
            "-1",
            "30",
            "0.001",
            "1e999",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "1_0",
            "0x10",
            "yes",
            "no",
            "on",
            "off",
            "maybe?",
            "TRUE",
            "\t1\n",
            "10s",
            "٣",
            "１",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)


@st.composite
def release_changes(draw, files: list[str]):
    """Changes to make to a copy of a release folder holding ``files`` (relative paths):
    a list of (action, file, data) applied by the test (see tests/test_fuzz_inputs.py)."""
    actions = st.sampled_from(["bytes", "truncate", "delete", "folder", "link-out", "link-in", "append"])
    change = st.tuples(actions, st.sampled_from(files), st.binary(min_size=1, max_size=64))
    return draw(st.lists(change, min_size=1, max_size=3))
