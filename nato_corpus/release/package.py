"""The files of a release, rendered in memory from checked records: tables, card, descriptor.

``render_release`` returns {path inside the release: bytes}; the build compares or
writes them. The same records give the same bytes: fixed row order, fixed Parquet
writer settings (PARQUET_OPTIONS), no clock. The Parquet footer names the pyarrow that
wrote it, so a release reproduces with the pyarrow pinned by the ``release`` extra.

The Parquet files declare their size in ``x_bytes``, not ``bytes``: frictionless 5.21
reports a byte-count error for any Parquet resource that declares ``bytes``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import card as _card
from . import changes, credits, diff, editions, layout, timeline
from .layout import CARD, DESCRIPTOR, PARQUET_MEDIATYPE, PARQUET_OPTIONS, TIMELINE

if TYPE_CHECKING:
    from .columns import TableSpec


def parquet_bytes(table, spec: TableSpec) -> bytes:
    """One table as Parquet bytes, written with the fixed settings of PARQUET_OPTIONS."""
    import pyarrow.parquet as pq

    names = [c.name for c in spec.columns]
    sorting = [pq.SortingColumn(names.index(key)) for key in spec.primary_key]
    buffer = io.BytesIO()
    pq.write_table(table, buffer, sorting_columns=sorting, **PARQUET_OPTIONS)
    return buffer.getvalue()


def render_release(
    checked,
    *,
    dist_dir: str | os.PathLike = "dist",
    on_file: Callable[[str, bytes], object] | None = None,
) -> dict[str, bytes]:
    """Every file of the release that ``checked`` (from ``validation.check_raw``) builds.

    Returns {path inside the release: bytes}, descriptor last. The changelog compares
    with the newest release in ``dist_dir`` older than this version. ``on_file(path,
    data)``, if given, is called for each file as soon as it is made: the build writes
    the files while the rest are made.
    """
    from . import _parts

    worker = None
    if _parts.worth_a_worker(len(checked.records.get("quote", ()))):
        try:  # started now, it imports while this process makes the tables
            worker = _parts.Worker()
        except OSError:  # no second Python here (an embedded interpreter): all in this process
            worker = None
    try:
        return _render(checked, Path(dist_dir), on_file, worker)
    finally:
        if worker is not None:
            worker.stop()


def _render(checked, dist_dir: Path, on_file, worker) -> dict[str, bytes]:
    from . import tables

    files: dict[str, bytes] = {}

    def add(path: str, data: bytes) -> None:
        files[path] = data
        if on_file is not None:
            on_file(path, data)

    corpus = checked.corpus
    records = checked.records
    texts = {name: capture.text for name, capture in checked.captures.items()}
    built = tables.build_tables(records, texts)
    resources = []
    for spec in tables.SPECS:
        data = parquet_bytes(built[spec.name], spec)
        path = f"data/{spec.name}.parquet"
        add(path, data)
        resources.append(_resource(spec, path, data, corpus))
    joined = editions.view_tables(built)
    for name, table in joined.items():
        path, data, resource = editions.view_resource(name, table, _licenses(corpus))
        add(path, data)
        resources.append(resource)

    previous, change = diff.changes_since(dist_dir, corpus.version, records)
    found = changes.rows(change)  # data/changes.parquet: the changes as a table, in every edition
    path, data, resource = changes.resource(previous, found, _licenses(corpus))
    add(path, data)
    joined[changes.NAME] = changes.table(found)
    resources.append(resource)
    changelog = diff.changelog_entry(corpus, previous, change, records)
    citation = _citation(corpus)
    add(TIMELINE, timeline.timeline_svg(records).encode("utf-8"))
    base = _descriptor(corpus, records, resources, {}, changelog, citation, pinned=())
    captures = {c.id: checked.captures[c.file].text for c in records.get("capture", []) if c.file in checked.captures}
    parquet = {name: data for name, data in files.items() if name.startswith("data/")}
    files.update(editions.other_files({**built, **joined}, base, parquet, captures, on_file, worker))
    release = _card.Release(  # the card comes last of the files so that it can pin the others
        corpus=corpus,
        records=records,
        tables=_card.table_facts(resources, {n: t.num_rows for n, t in {**built, **joined}.items()}),
        main_tables=tables.MAIN_TABLES,
        files=dict(files),
        changelog=changelog,
        change=change,
        citation=citation,
        authors=tuple(_authors(corpus)),
        sources=tuple(_sources(records)),
    )
    add(CARD, _card.render_card(release).encode("utf-8"))
    pinned = [name for name in files if not name.startswith("data/")]
    descriptor = _descriptor(corpus, records, resources, files, changelog, citation, pinned=pinned)
    add(DESCRIPTOR, layout.json_bytes(descriptor))
    return files


def _licenses(corpus) -> list[dict]:
    return [{"name": corpus.license, "path": corpus.license_url, "title": corpus.license_title}]


def _resource(spec: TableSpec, path: str, data: bytes, corpus) -> dict:
    description = spec.description
    if spec.name == "captures":
        description += (
            " The text column holds a capture's full text only where it is public domain; "
            "otherwise only its sha256, size and metadata are published."
        )
    return {
        "name": spec.name,
        "path": path,
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        # sha256 and size of the file; frictionless 5.21 checks neither for Parquet (and
        # errors on a declared `bytes`), so the size is x_bytes and check_release verifies both
        "hash": f"sha256:{layout.sha256_bytes(data)}",
        "x_bytes": len(data),
        "description": description,
        "licenses": _licenses(corpus),
        "schema": spec.table_schema(),
    }


#: kinds of document that are sources in their own right even without an address (when
#: no capture holds them: a captured page is listed as its capture)
_PUBLISHED_KINDS = {"archive_posting", "archive_description", "news_report", "article"}


def _sources(records: Mapping[str, list]) -> list[dict]:
    """The pages and documents the corpus draws on, with their addresses."""
    actors = {a.id: a.name for a in records.get("actor", [])}
    sources: dict[str, dict] = {}  # by address (or title, for a page whose address is unknown)
    for capture in records.get("capture", []):
        title = f"{capture.title} ({capture.site}), captured {capture.captured} as {capture.file}"
        source = {"title": title}
        if capture.page_url != "unknown":
            source["path"] = capture.page_url
        sources.setdefault(source.get("path") or source["title"], source)
    for document in records.get("document", []):
        publisher = actors.get(document.publisher or document.holder or "", "")
        title = f"{document.title}" + (f", {publisher}" if publisher else "")
        addresses = [url.url for url in document.urls if url.kind in ("canonical", "archive_page")]
        for address in addresses:
            sources.setdefault(address, {"title": title, "path": address})
        if not addresses and document.kind in _PUBLISHED_KINDS and document.capture is None:
            sources.setdefault(title, {"title": title})  # a publication we know of, without an address
    return [sources[key] for key in sorted(sources)]


def _contributors(corpus) -> list[dict]:
    return [dict(contributor) for contributor in corpus.contributors]


def _authors(corpus) -> list[str]:
    return credits.authors(corpus.contributors)


def _citation(corpus) -> str:
    return credits.citation(
        {
            "title": corpus.title,
            "version": corpus.version,
            "created": corpus.released,
            "contributors": corpus.contributors,
            "homepage": corpus.homepage,
        }
    )


def _descriptor(corpus, records, resources, files, changelog, citation, *, pinned) -> dict:
    descriptor: dict[str, Any] = {
        "name": corpus.name,
        "title": corpus.title,
        "version": corpus.version,
        "description": corpus.description,
        # the release day the curator declared in raw/corpus.yaml: never the build's clock
        "created": f"{corpus.released}T00:00:00Z",
    }
    if corpus.homepage:
        descriptor["homepage"] = corpus.homepage
    descriptor.update(
        {
            "keywords": list(corpus.keywords),
            "licenses": _licenses(corpus),
            "contributors": _contributors(corpus),
            "sources": _sources(records),
            "x_citation": citation,
            "x_changelog": changelog,
            # files that are not tables, pinned like the tables
            "x_files": [
                {"path": name, "sha256": layout.sha256_bytes(files[name]), "x_bytes": len(files[name])}
                for name in sorted(pinned, key=lambda n: (n not in (CARD, TIMELINE), n))
            ],
            "resources": resources,
        }
    )
    return descriptor
