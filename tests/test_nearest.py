"""Near matches in bounded time: the closest text to a long quotation, and "did you mean" among many ids."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.curation import nearest
from nato_corpus.curation.nearest import Suggester, closest_text


@pytest.fixture(scope="module")
def large_text() -> str:
    """About 1 MB of text drawn from 3,000 made-up words."""
    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(3000)]
    return " ".join(rng.choice(words) for _ in range(150_000))


def test_a_long_near_miss_is_placed_in_a_large_capture(large_text):
    """A 2,000-character quotation off by three characters is found where it stands, mostly alike."""
    start = len(large_text) // 2
    passage = list(large_text[start : start + 2000])
    for at in (10, 900, 1990):
        passage[at] = "#"
    ratio, offset, closest = closest_text(large_text, "".join(passage), 0)
    assert offset == start and closest.startswith(large_text[start : start + 1000])
    assert ratio > 0.99


def test_the_large_path_never_runs_difflibs_whole_capture_search(large_text, monkeypatch):
    """Beyond EXACT_WORK, the longest common block over the whole capture is never searched."""
    import difflib

    def refuse(*args, **kwargs):
        raise AssertionError("find_longest_match over the whole capture")

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", refuse)
    ratio, offset, _ = closest_text(large_text, large_text[5000:7000].replace("a", "A", 1), 0)
    assert offset == 5000 and ratio > 0.99


def test_a_quotation_sharing_nothing_with_the_capture_is_not_alike(large_text):
    """A quotation with no substring in the capture scores low (it will be 'quote-not-found')."""
    ratio, _, _ = closest_text(large_text, "Zyx wvu qpo " * 50, 0)
    assert ratio < 0.75


@pytest.fixture(scope="module")
def many_ids() -> list[str]:
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        f"actor:{''.join(rng.choice(letters) for _ in range(6))}-{''.join(rng.choice(letters) for _ in range(8))}-{i}"
        for i in range(3000)
    ]


def test_did_you_mean_among_thousands_of_ids(many_ids):
    """Among 3,000 ids, a reference one letter off gets the id it was meant to be."""
    wanted = many_ids[1234]
    assert Suggester(many_ids).suggest(wanted[:8] + "q" + wanted[9:]) == wanted


def test_no_suggestion_when_nothing_is_alike(many_ids):
    """A reference like no id gets no suggestion."""
    assert Suggester(many_ids).suggest("actor:0000000000000000000000") is None


def test_large_and_small_id_lists_agree(many_ids, monkeypatch):
    """The shortlist gives the same suggestion as difflib over every id, for a sample of references."""
    rng = random.Random(9)
    refs = [ref[:-2] + rng.choice("xyz") + ref[-1] for ref in rng.sample(many_ids, 40)]
    shortlisted = [Suggester(many_ids).suggest(ref) for ref in refs]
    monkeypatch.setattr(nearest, "EXACT_IDS", len(many_ids))
    assert shortlisted == [Suggester(many_ids).suggest(ref) for ref in refs]


def _one_at_a_time(ids: list[str], refs: list[str]) -> list[str | None]:
    suggester = Suggester(ids)
    return [suggester.suggest(ref) for ref in refs]


def _prepared(ids: list[str], refs: list[str]) -> list[str | None]:
    suggester = Suggester(ids)
    suggester.prepare(refs)
    assert set(refs) <= set(suggester._memo), "prepare left references to be searched one at a time"
    return [suggester.suggest(ref) for ref in refs]


def _edited(draw, text: str, edits: int) -> str:
    for _ in range(draw(st.integers(0, edits))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["", "a", "b", "c"])) + text[at + draw(st.integers(0, 1)) :]
    return text


@st.composite
def _near_ids(draw) -> list[str]:
    """Ids over few letters, most an edit or two from one another: equal scores and ties for the shortlist."""
    base = draw(st.text("ab:", min_size=4, max_size=14))
    return [
        _edited(draw, base, 2) if draw(st.booleans()) else draw(st.text("ab:", max_size=12))
        for _ in range(draw(st.integers(1, 40)))
    ]


@st.composite
def _refs_near(draw, ids: list[str]) -> list[str]:
    """References that are ids with an edit or two, or anything short."""
    return [
        _edited(draw, draw(st.sampled_from(ids)), 2) if draw(st.booleans()) else draw(st.text("abc:", max_size=12))
        for _ in range(draw(st.integers(2, 30)))
    ]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), ids=_near_ids())
def test_prepared_suggestions_are_the_one_at_a_time_ones(data, ids):
    """Scoring all references at once gives each the suggestion it gets alone (shortlists, ties, cutoffs)."""
    refs = data.draw(_refs_near(ids))
    with pytest.MonkeyPatch.context() as patch:  # the bulk path for lists this small
        patch.setattr(nearest, "EXACT_IDS", 0)
        patch.setattr(nearest, "BULK_WORK", 0)
        patch.setattr(nearest, "BULK_CELLS", 37)  # several chunks
        patch.setattr(nearest, "SHORTLIST", 2)  # so that which ids make the shortlist, and ties, matter
        assert _prepared(ids, refs) == _one_at_a_time(ids, refs)


@pytest.mark.parametrize("seed", range(2))
def test_prepared_suggestions_agree_among_thousands_of_ids(many_ids, seed):
    """3,000 ids and 600 references one to three edits off (or from elsewhere): the same answers either way."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz-:0123456789"
    refs = []
    for _ in range(600):
        ref = rng.choice(many_ids)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(ref))
            ref = rng.choice(
                [
                    ref[:at] + ref[at + 1 :],
                    ref[:at] + rng.choice(letters) + ref[at:],
                    ref[:at] + rng.choice(letters) + ref[at + 1 :],
                ]
            )
        refs.append(
            ref if rng.random() < 0.9 else "actor:" + "".join(rng.choice(letters) for _ in range(rng.randint(3, 40)))
        )
    prepared = _prepared(many_ids, refs)
    assert prepared == _one_at_a_time(many_ids, refs)
    assert sum(found is not None for found in prepared) > 300  # most are recognised: the test compares answers


def test_few_references_are_left_to_one_at_a_time(many_ids):
    """Below BULK_WORK nothing is scored ahead (loading numpy would cost more); the answers are the same."""
    suggester = Suggester(many_ids)
    suggester.prepare([many_ids[0][:-1] + "q"])
    assert suggester._memo == {}
    assert suggester.suggest(many_ids[0][:-1] + "q") == many_ids[0]
