"""W3C PROV-O provenance of every quotation, document and capture: `provenance.jsonld` and
`provenance.ttl` in a release (the same triples in JSON-LD and Turtle).

- quotations, documents and captures are `prov:Entity`; actors are `prov:Agent` (and
  `prov:Person` for people, `prov:Organization` for bodies);
- a quotation `prov:wasQuotedFrom` and `prov:hadPrimarySource` the document it belongs to,
  `prov:wasDerivedFrom` each capture it was found in, `prov:wasAttributedTo` its speaker;
- document relations: copies, relays, reports_on and describes -> `prov:wasDerivedFrom`;
  translates -> `prov:wasRevisionOf`; cites, comments_on and replies_to ->
  `prov:wasInfluencedBy`; part_of -> `dcterms:isPartOf`;
- a document `prov:wasAttributedTo` its authors and its publisher; a capture
  `prov:wasDerivedFrom` each document whose text it holds.

Record ids (`quote:...`, `doc:...`) are used as IRIs as they are; a capture also carries
its RFC 6920 content id. Literals are plain strings; order is sorted, so bytes are stable.
"""

from __future__ import annotations

import pyarrow as pa

from ._common import TERMS, json_bytes, known, ni_uri, rows

PROV, DCT, RDF = (
    "http://www.w3.org/ns/prov#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)
OWL = "http://www.w3.org/2002/07/owl#"
PREFIXES = {"dcterms": DCT, "nc": TERMS, "owl": OWL, "prov": PROV, "rdf": RDF}

#: document_relations type -> the predicate that states it.
RELATION_PREDICATES = {
    "copies": "prov:wasDerivedFrom",
    "relays": "prov:wasDerivedFrom",
    "reports_on": "prov:wasDerivedFrom",
    "describes": "prov:wasDerivedFrom",
    "translates": "prov:wasRevisionOf",
    "cites": "prov:wasInfluencedBy",
    "comments_on": "prov:wasInfluencedBy",
    "replies_to": "prov:wasInfluencedBy",
    "part_of": "dcterms:isPartOf",
}
PERSON_KINDS, ANONYMOUS = {"person"}, {"anonymous"}

Triple = tuple[str, str, str, bool]  # subject, predicate (prefixed), object, object is a literal


def triples(tables: dict[str, pa.Table]) -> list[Triple]:
    """Every PROV statement of the release, sorted and without duplicates."""
    out: set[Triple] = set()

    def iri(s: str | None, p: str, o: str | None) -> None:
        if s and o:
            out.add((s, p, o, False))

    def lit(s: str, p: str, o: str | None) -> None:
        if o:
            out.add((s, p, o, True))

    for a in rows(tables, "actors"):
        iri(a["id"], "rdf:type", "prov:Agent")
        if a["kind"] in PERSON_KINDS:
            iri(a["id"], "rdf:type", "prov:Person")
        elif a["kind"] not in ANONYMOUS:
            iri(a["id"], "rdf:type", "prov:Organization")
        lit(a["id"], "dcterms:title", a["name"])
        if known(a["wikidata"]):
            iri(a["id"], "owl:sameAs", f"http://www.wikidata.org/entity/{a['wikidata']}")
    for d in rows(tables, "documents"):
        iri(d["id"], "rdf:type", "prov:Entity")
        iri(d["id"], "rdf:type", "nc:Document")
        lit(d["id"], "dcterms:title", d["title"])
        lit(d["id"], "dcterms:date", known(d["date"]))
        iri(d["id"], "prov:wasAttributedTo", d["publisher"])
        iri(d["capture"], "prov:wasDerivedFrom", d["id"])
    for r in rows(tables, "document_authors"):
        iri(r["document"], "prov:wasAttributedTo", r["actor"])
    for r in rows(tables, "document_relations"):
        iri(r["document"], RELATION_PREDICATES[r["type"]], r["target"])
    for c in rows(tables, "captures"):
        iri(c["id"], "rdf:type", "prov:Entity")
        iri(c["id"], "rdf:type", "nc:Capture")
        lit(c["id"], "dcterms:title", c["title"])
        lit(c["id"], "dcterms:identifier", ni_uri(c["sha256"]))
        lit(c["id"], "nc:sha256", c["sha256"])
        iri(c["id"], "prov:atLocation", known(c["page_url"]))
    for q in rows(tables, "quotes"):
        iri(q["id"], "rdf:type", "prov:Entity")
        iri(q["id"], "rdf:type", "nc:Quotation")
        lit(q["id"], "prov:value", q["text"])
        iri(q["id"], "prov:wasQuotedFrom", q["document"])
        iri(q["id"], "prov:hadPrimarySource", q["document"])
        iri(q["id"], "prov:wasAttributedTo", q["speaker"])
    for o in rows(tables, "quote_occurrences"):
        iri(o["quote"], "prov:wasDerivedFrom", o["capture"])
        iri(o["capture"], "prov:wasDerivedFrom", o["document"])
    return sorted(out)


def _jsonld(statements: list[Triple]) -> dict:
    nodes: dict[str, dict] = {}
    for s, p, o, is_lit in statements:
        node = nodes.setdefault(s, {"@id": s})
        if p == "rdf:type":
            node.setdefault("@type", []).append(o)
        else:
            node.setdefault(p, []).append(o if is_lit else {"@id": o})
    return {"@context": dict(PREFIXES), "@graph": [nodes[k] for k in sorted(nodes)]}


def _turtle_literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


#: characters an IRI in Turtle cannot hold as they are, each as its escape (\u003C for <)
_IRI_ESCAPES = {ord(ch): f"\\u{ord(ch):04X}" for ch in '<>"{}|^`\\ '}


def _turtle_iri(value: str) -> str:
    prefix = value.split(":", 1)[0]
    if prefix in PREFIXES and value != prefix:
        return value
    return "<" + value.translate(_IRI_ESCAPES) + ">"


def _turtle(statements: list[Triple]) -> str:
    lines = [f"@prefix {name}: <{iri}> ." for name, iri in sorted(PREFIXES.items())]
    current = None
    for s, p, o, is_lit in statements:
        obj = _turtle_literal(o) if is_lit else _turtle_iri(o)
        if s != current:
            if current is not None:
                lines[-1] = lines[-1][:-2] + " ."
            lines.append("")
            lines.append(f"{_turtle_iri(s)}")
            current = s
        lines.append(f"    {'a' if p == 'rdf:type' else p} {obj} ;")
    if current is not None:
        lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines) + "\n"


def provenance(tables: dict[str, pa.Table], descriptor: dict) -> dict[str, bytes]:
    """`{"provenance.jsonld": ..., "provenance.ttl": ...}`: the release's PROV-O graph."""
    statements = triples(tables)
    return {"provenance.jsonld": json_bytes(_jsonld(statements)), "provenance.ttl": _turtle(statements).encode("utf-8")}
