"""The verification vocabulary as the card and the site show it: statuses, meanings, counts.

The statuses and their meanings are stated once, in the docstring of
``Verification.status`` (records.models); this module reads them from there, so a new
status or a reworded meaning reaches the data card and the site without an edit here.
"""

from __future__ import annotations

import json
import re
import typing
from collections import Counter
from collections.abc import Iterable

from ..records.models import CHECKED_STATUSES, Difference, Verification

#: "'status' (meaning)" as the field docstring writes each status
_MEANING = re.compile(r"'([a-z-]+)' \(([^()]*)\)")

#: the label the card and the site use for records that carry no verification
UNRECORDED = "not recorded"


def meanings(order: tuple[str, ...], docstring: str) -> dict[str, str]:
    """Each status of ``order`` with the meaning ``docstring`` gives it as "'status' (meaning)".

    Raises ValueError naming the statuses the docstring leaves without a meaning.
    """
    found = dict(_MEANING.findall(docstring or ""))
    missing = [status for status in order if status not in found]
    if missing:
        raise ValueError(
            f"the docstring of Verification.status gives no meaning for {missing}: write "
            "\"'status' (meaning)\" for each in records/models.py"
        )
    return {status: found[status] for status in order}


#: status -> its meaning, in the model's order
STATUSES: dict[str, str] = meanings(
    typing.get_args(Verification.model_fields["status"].annotation),
    Verification.model_fields["status"].description or "",
)
#: the statuses that say the record was compared with a copy (they name what was checked)
CHECKED: frozenset[str] = CHECKED_STATUSES
#: the kinds of difference, in the model's order
DIFFERENCE_KINDS: tuple[str, ...] = typing.get_args(Difference.model_fields["kind"].annotation)


def status_of(record) -> str | None:
    """A record's verification status (a model record or a table row), or None."""
    if isinstance(record, dict):
        return record.get("verification_status")
    verification = getattr(record, "verification", None)
    return verification.status if verification is not None else None


def counts(records: Iterable) -> dict[str, int]:
    """How many records have each status, in STATUSES order, plus UNRECORDED when any lack one.

    Every status appears, with 0 where none has it, so tables line up across releases.
    """
    found = Counter(status_of(record) for record in records)
    out = {status: found.get(status, 0) for status in STATUSES}
    if found.get(None):
        out[UNRECORDED] = found[None]
    return out


def differences(row: dict) -> list[dict]:
    """The differences of a table row (stored one JSON object per entry) as dicts."""
    out = []
    for item in row.get("verification_differences") or []:
        out.append(json.loads(item) if isinstance(item, str) else dict(item))
    return out
