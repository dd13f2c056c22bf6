"""The record kinds, their raw/ folders and id prefixes: what reading raw/ needs, without the models.

``models.RECORD_TYPES`` adds each kind's model; this module imports nothing heavy, so
code that only reads files (or checks them as plain data, see ``plain``) never loads
pydantic.
"""

from __future__ import annotations

#: record kind -> (raw/ folder, id prefix), in the order records are read and reported
KINDS: dict[str, tuple[str, str]] = {
    "capture": ("captures", "capture"),
    "actor": ("actors", "actor"),
    "document": ("documents", "doc"),
    "event": ("events", "event"),
    "quote": ("quotes", "quote"),
}

#: relations along which a document descends from another: these may not form a cycle
DERIVATION = frozenset(
    {"relays", "copies", "translates", "reports_on", "describes", "comments_on", "replies_to", "part_of"}
)

#: verification statuses that claim a comparison with a copy, and so must name it in checked_against
CHECKED_STATUSES = frozenset({"verified", "partly-verified", "contradicted"})
