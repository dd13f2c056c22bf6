"""The two reliability scales of the NATO "Admiralty" system, stated once.

Source reliability (A-F) grades who produced or relayed a document; information
credibility (1-6) grades a claim (a quotation, an event). They are never merged:
a quotation copied by an anonymous board (source F) can still be confirmed (1) by
the primary document it cites. Wording as in STANAG 2511 / AJP-2.1 and FM 2-22.3.
"""

from __future__ import annotations

from typing import Literal

ReliabilityGrade = Literal["A", "B", "C", "D", "E", "F"]
CredibilityGrade = Literal[1, 2, 3, 4, 5, 6]

#: grade -> (label, meaning)
RELIABILITY: dict[str, tuple[str, str]] = {
    "A": (
        "Completely reliable",
        "No doubt of authenticity, trustworthiness or competency; a history of complete reliability.",
    ),
    "B": (
        "Usually reliable",
        "Minor doubt about authenticity, trustworthiness or competency; a history of valid information most of the time.",
    ),
    "C": (
        "Fairly reliable",
        "Doubt of authenticity, trustworthiness or competency, but has provided valid information in the past.",
    ),
    "D": (
        "Not usually reliable",
        "Significant doubt about authenticity, trustworthiness or competency, but has provided valid information in the past.",
    ),
    "E": ("Unreliable", "Lacking in authenticity, trustworthiness and competency; a history of invalid information."),
    "F": ("Reliability cannot be judged", "No basis exists for evaluating the reliability of the source."),
}

#: grade -> (label, meaning)
CREDIBILITY: dict[int, tuple[str, str]] = {
    1: (
        "Confirmed by other sources",
        "Confirmed by other independent sources; logical in itself; consistent with other information on the subject.",
    ),
    2: ("Probably true", "Not confirmed; logical in itself; consistent with other information on the subject."),
    3: (
        "Possibly true",
        "Not confirmed; reasonably logical in itself; agrees with some other information on the subject.",
    ),
    4: ("Doubtful", "Not confirmed; possible but not logical; no other information on the subject."),
    5: ("Improbable", "Not confirmed; not logical in itself; contradicted by other information on the subject."),
    6: ("Truth cannot be judged", "No basis exists for evaluating the validity of the information."),
}


def scale_text(scale: dict) -> str:
    """One line per grade, "A Completely reliable: meaning", for descriptions and docs."""
    return " ".join(f"{grade} {label}: {meaning}" for grade, (label, meaning) in scale.items())
