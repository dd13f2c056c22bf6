"""The relay chain of a quotation, as data: quote -> the document it belongs to -> each relay
(via document_relations) -> the document in the capture -> the capture.

One chain per occurrence. The relays are the shortest path of relay-like relations
(relays, copies, translates, reports_on, describes, part_of, cites) from the document the
occurrence was found in back to the quotation's own document. When the records hold no
such path, the found-in document follows with relation `unrecorded`: the chain says what
is known and invents no link.
"""

from __future__ import annotations

from collections import deque

import pyarrow as pa

from ...errors import UsageError
from ._common import by_id, rows

#: Relation types that pass words on, in order of preference when paths tie.
RELAY_TYPES = ("copies", "relays", "translates", "reports_on", "describes", "part_of", "cites")


def _relay_path(relations: dict[str, list[tuple[str, str]]], start: str, goal: str) -> list[tuple[str, str]] | None:
    """[(document, relation to the next one)] from start to goal (exclusive), or None if no path."""
    queue, seen = deque([(start, [])]), {start}
    while queue:
        doc, path = queue.popleft()
        if doc == goal:
            return path
        for rel_type, target in relations.get(doc, []):
            if target not in seen:
                seen.add(target)
                queue.append((target, path + [(doc, rel_type)]))
    return None


def _relations(tables: dict[str, pa.Table]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(rows(tables, "document_relations"), key=lambda r: (r["document"], r["position"])):
        if r["type"] in RELAY_TYPES:
            out.setdefault(r["document"], []).append((r["type"], r["target"]))
    for doc in out:
        out[doc].sort(key=lambda pair: (RELAY_TYPES.index(pair[0]), pair[1]))
    return out


def lineage(tables: dict[str, pa.Table], quote_id: str) -> list[dict]:
    """The chain of a quotation as a list of steps, occurrence by occurrence.

    Each step: `occurrence` (position), `step` (0 = the quote), `kind` (quote, document,
    capture), `id`, `title`, and `relation` to the step before (None for the quote;
    `quoted_from` for its document; a relation type such as `reports_on` for a relay, read
    "this relay reports_on the step before"; `unrecorded` when the records hold no path;
    `found_in` for the capture).
    """
    quotes = by_id(tables, "quotes")
    if quote_id not in quotes:
        raise UsageError(
            f"no quotation {quote_id!r} in this release; quotation ids look like 'quote:<slug>': "
            "list them with nc.load('quotes').column('id')"
        )
    quote = quotes[quote_id]
    documents, captures = by_id(tables, "documents"), by_id(tables, "captures")
    relations = _relations(tables)
    occurrences = sorted(
        (r for r in rows(tables, "quote_occurrences") if r["quote"] == quote_id), key=lambda r: r["position"]
    )
    steps: list[dict] = []
    for occ in occurrences:
        chain = [
            {"kind": "quote", "id": quote_id, "title": quote["text"], "relation": None},
            {
                "kind": "document",
                "id": quote["document"],
                "title": documents[quote["document"]]["title"],
                "relation": "quoted_from",
            },
        ]
        found_in = occ["document"]
        if found_in != quote["document"]:
            path = _relay_path(relations, found_in, quote["document"])
            if path is None:
                chain.append(
                    {
                        "kind": "document",
                        "id": found_in,
                        "title": documents[found_in]["title"],
                        "relation": "unrecorded",
                    }
                )
            else:
                for doc, rel_type in reversed(path):
                    chain.append(
                        {"kind": "document", "id": doc, "title": documents[doc]["title"], "relation": rel_type}
                    )
        chain.append(
            {
                "kind": "capture",
                "id": occ["capture"],
                "title": captures[occ["capture"]]["title"],
                "relation": "found_in",
                "span": [occ["start"], occ["end"]],
            }
        )
        steps.extend({"occurrence": occ["position"], "step": n, **s} for n, s in enumerate(chain))
    return steps


def format_lineage(steps: list[dict]) -> str:
    """The chain as indented text, one line per step."""
    lines = []
    for s in steps:
        if s["step"] == 0:
            lines.append(f'occurrence {s["occurrence"]}: {s["id"]}  "{s["title"]}"')
            continue
        span = f" at {s['span'][0]}-{s['span'][1]}" if "span" in s else ""
        lines.append(f"{'  ' * s['step']}<- {s['relation']}: {s['id']}{span}  ({s['title']})")
    return "\n".join(lines)
