"""Verification: whether a record was checked against its original, against what, and what differs.

A ``Verification`` sits on a Quote, an Event or a Document (field ``verification``).
It says, in a closed vocabulary that can be filtered and counted, how far the record
was checked: against the original itself, only in part, only against relays, found
to differ from the original, or not checkable at all; it names the copies that were
checked (document ids or URLs), when, what differs, and why the status was given.

Like every record type it is strict and closed, and each field is documented once,
in the docstring under it (the schemas are generated from these docstrings).
"""

from __future__ import annotations

from typing import Literal, Union

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from .models import EDTF, DocumentId, Record, Text, Url

#: statuses that claim a comparison with a copy, and so must name it in checked_against
CHECKED_STATUSES = frozenset({"verified", "partly-verified", "contradicted"})

VerificationStatus = Literal["verified", "partly-verified", "relay-only", "contradicted", "not-checkable"]


class Difference(Record):
    kind: Literal["words", "date", "attribution", "other"]
    """What differs: the wording, the date, who is credited with the words or the act, or something else."""
    note: Text
    """What differs, in our own words: the two readings and where each comes from."""


class Verification(Record):
    """How far a record was checked against its original, against which copies, and with what result."""

    status: VerificationStatus
    """Result of the check: 'verified' (checked against the original or a faithful copy of it, and it agrees), 'partly-verified' (part checked and agreeing, part not checkable), 'relay-only' (known only through relays; the original was not found), 'contradicted' (the original differs from the record), 'not-checkable' (no original or independent copy exists or can be consulted)."""
    checked_against: list[Union[DocumentId, Url]] = []
    """What the record was compared with: document ids of the corpus and/or addresses of the copies actually consulted. Required for 'verified', 'partly-verified' and 'contradicted'."""
    checked_on: EDTF
    """When the check was made (EDTF)."""
    differences: list[Difference] = []
    """Every difference found between the record and the copies checked, or between two renderings."""
    rationale: Text
    """Why this status: what was found, and what could not be consulted."""

    @model_validator(mode="after")
    def _names_what_was_checked(self) -> Verification:
        if self.status in CHECKED_STATUSES and not self.checked_against:
            raise PydanticCustomError(
                "verification_unchecked",
                "status '{status}' says the record was compared with a copy, but checked_against is empty: "
                "name the document ids or URLs checked, or use 'relay-only' or 'not-checkable'",
                {"status": self.status},
            )
        return self


def _complete_record_models() -> None:
    """Resolve the ``verification`` field of the record types now that Verification exists."""
    from . import models

    for model in (models.Document, models.Event, models.Quote):
        model.model_rebuild(_types_namespace={"Verification": Verification})


_complete_record_models()

__all__ = ["CHECKED_STATUSES", "Difference", "Verification", "VerificationStatus"]
