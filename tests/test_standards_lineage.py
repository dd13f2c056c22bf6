"""lineage() and provenance.jsonld/.ttl: relay chains as data and as W3C PROV, read back by rdflib."""

from __future__ import annotations

from functools import cache

import pytest
import rdflib
from _standards_fixture import release

from nato_corpus.errors import UsageError
from nato_corpus.release.standards import lineage, provenance
from nato_corpus.release.standards.provenance import RELATION_PREDICATES

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _quote_ids() -> list[str]:
    return sorted(release()[0]["quotes"].column("id").to_pylist())


@cache
def _graph(fmt: str) -> rdflib.Graph:
    tables, descriptor, _ = release()
    name = {"json-ld": "provenance.jsonld", "turtle": "provenance.ttl"}[fmt]
    return rdflib.Graph().parse(data=provenance(tables, descriptor)[name], format=fmt)


def _predicate(name: str) -> rdflib.URIRef:
    prefix, local = name.split(":")
    return {"prov": PROV, "dcterms": DCT}[prefix][local]


@pytest.mark.parametrize("quote", _quote_ids())
def test_chain_runs_quote_document_relays_capture(quote):
    """Each occurrence's chain starts at the quote, then its document, and ends at the capture it was found in."""
    tables, _, _ = release()
    occurrences = {
        (r["position"], r["capture"]) for r in tables["quote_occurrences"].to_pylist() if r["quote"] == quote
    }
    steps = lineage(tables, quote)
    for position, capture in occurrences:
        chain = [s for s in steps if s["occurrence"] == position]
        assert [s["step"] for s in chain] == list(range(len(chain)))
        assert chain[0]["id"] == quote and chain[1]["relation"] == "quoted_from"
        assert (chain[-1]["kind"], chain[-1]["id"], chain[-1]["relation"]) == ("capture", capture, "found_in")


@pytest.mark.parametrize("quote", _quote_ids())
def test_relays_follow_recorded_relations(quote):
    """Every relay step is a recorded document relation from that relay to the step before it."""
    tables, _, _ = release()
    relations = {(r["document"], r["type"], r["target"]) for r in tables["document_relations"].to_pylist()}
    steps = lineage(tables, quote)
    for before, step in zip(steps, steps[1:], strict=False):
        if step["kind"] == "document" and step["relation"] not in ("quoted_from", "unrecorded"):
            assert (step["id"], step["relation"], before["id"]) in relations


def test_chain_through_tass_to_x_pulse():
    """The Burns-note quotation reaches capture 000 via the TASS report and the X-Pulse copy."""
    tables, _, _ = release()
    ids = [s["id"] for s in lineage(tables, "quote:burns-note-more-candid-with-the-russians")]
    assert ids == [
        "quote:burns-note-more-candid-with-the-russians",
        "doc:burns-note-talbott-1994-12-06",
        "doc:tass-report-2024-12-06",
        "doc:x-pulse-repost-clinton-legitimate-concerns",
        "capture:000_798c41430acaf32a",
    ]


def test_unknown_quote_says_how_to_find_ids():
    """An unknown quotation id is refused naming it and how to list the ids."""
    tables, _, _ = release()
    with pytest.raises(UsageError, match=r"no quotation 'quote:nope'.*nc\.load\('quotes'\)"):
        lineage(tables, "quote:nope")


@pytest.mark.parametrize("fmt", ["json-ld", "turtle"])
@pytest.mark.parametrize("quote", _quote_ids())
def test_rdflib_graph_holds_every_chain(fmt, quote):
    """rdflib, reading the PROV file, finds every link of every chain lineage() returns."""
    tables, _, _ = release()
    graph = _graph(fmt)
    steps = lineage(tables, quote)
    for before, step in zip(steps, steps[1:], strict=False):
        if step["occurrence"] != before["occurrence"] or step["relation"] == "unrecorded":
            continue
        s, b = rdflib.URIRef(step["id"]), rdflib.URIRef(before["id"])
        if step["relation"] == "quoted_from":
            assert (b, PROV.wasQuotedFrom, s) in graph
            assert (b, PROV.hadPrimarySource, s) in graph
        elif step["relation"] == "found_in":
            assert (rdflib.URIRef(quote), PROV.wasDerivedFrom, s) in graph
            assert (s, PROV.wasDerivedFrom, b) in graph
        else:
            assert (s, _predicate(RELATION_PREDICATES[step["relation"]]), b) in graph


def test_turtle_and_jsonld_are_the_same_graph():
    """provenance.ttl and provenance.jsonld parse to isomorphic graphs."""
    from rdflib.compare import isomorphic

    assert isomorphic(_graph("json-ld"), _graph("turtle"))


def test_translation_is_a_revision():
    """A translating document is a prov:wasRevisionOf its original."""
    graph = _graph("turtle")
    tables, _, _ = release()
    translations = [r for r in tables["document_relations"].to_pylist() if r["type"] == "translates"]
    assert translations
    for r in translations:
        assert (rdflib.URIRef(r["document"]), PROV.wasRevisionOf, rdflib.URIRef(r["target"])) in graph


def test_authors_and_publishers_are_attributed_agents():
    """Every document author and publisher is a prov:Agent the document is attributed to."""
    graph = _graph("json-ld")
    tables, _, _ = release()
    pairs = {(r["document"], r["actor"]) for r in tables["document_authors"].to_pylist()}
    pairs |= {(d["id"], d["publisher"]) for d in tables["documents"].to_pylist() if d["publisher"]}
    for doc, actor in pairs:
        assert (rdflib.URIRef(doc), PROV.wasAttributedTo, rdflib.URIRef(actor)) in graph
        assert (rdflib.URIRef(actor), rdflib.RDF.type, PROV.Agent) in graph


def test_quote_text_is_the_prov_value():
    """Each quotation's prov:value in the graph is its text in the quotes table."""
    graph = _graph("turtle")
    for q in release()[0]["quotes"].to_pylist():
        assert str(graph.value(rdflib.URIRef(q["id"]), PROV.value)) == q["text"]


def test_provenance_bytes_are_deterministic():
    """Two runs give the same bytes, LF line ends only."""
    tables, descriptor, _ = release()
    a, b = provenance(tables, descriptor), provenance(tables, descriptor)
    assert a == b and all(b"\r" not in v for v in a.values())


def _cli(argv):
    import argparse

    from nato_corpus.commands.standards import add_lineage_parser

    parser = argparse.ArgumentParser()
    add_lineage_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_prints_the_chain(capsys):
    """`lineage ID` prints each step of the chain, down to the capture span."""
    from _standards_fixture import RELEASE

    assert _cli(["lineage", "quote:kohl-last-dinosaur", "--release", str(RELEASE)]) == 0
    out = capsys.readouterr().out
    assert "<- translates: doc:reader-comment-004-2-spiegel-translation" in out
    assert "<- found_in: capture:004_6eafe75497ea838c at 5373-5419" in out


def test_cli_json_is_lineage(capsys):
    """`lineage ID --format json` prints exactly what lineage() returns."""
    import json

    from _standards_fixture import RELEASE

    _cli(["lineage", "quote:yeltsin-cold-peace", "--release", str(RELEASE), "--format", "json"])
    assert json.loads(capsys.readouterr().out) == lineage(release()[0], "quote:yeltsin-cold-peace")
