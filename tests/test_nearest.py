"""Near matches in bounded time: the closest text to a long quotation, and "did you mean" among many ids."""

from __future__ import annotations

import random

import pytest

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
