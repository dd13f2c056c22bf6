"""The files of a release beyond its tables: the ready-joined views, the CSV edition, the
static site, and the standards other tools read (W3C annotations and PROV, Croissant,
schema.org). Each comes from the release's own tables and its descriptor without
``x_files`` (the final descriptor then pins every one of these files by sha256).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Mapping

from . import _parts, layout

#: the views published as tables (data/<name>.parquet and csv/<name>.csv)
VIEW_ORDER = ("quotations", "actor_summary")


def view_tables(built: Mapping) -> dict:
    """The ready-joined views of the release's tables, by name, in VIEW_ORDER."""
    from .exports import views

    joined = views(dict(built))
    return {name: joined[name] for name in VIEW_ORDER if name in joined}


def view_resource(name: str, table, licenses: list[dict]) -> tuple[str, bytes, dict]:
    """(path, Parquet bytes, descriptor resource) of one view."""
    import pyarrow.parquet as pq

    from .exports import VIEWS

    buffer = io.BytesIO()
    pq.write_table(table, buffer, **layout.PARQUET_OPTIONS)
    data = buffer.getvalue()
    path = f"{layout.DATA}/{name}.parquet"
    spec = VIEWS[name]
    return (
        path,
        data,
        {
            "name": name,
            "path": path,
            "format": "parquet",
            "mediatype": layout.PARQUET_MEDIATYPE,
            "hash": f"sha256:{layout.sha256_bytes(data)}",
            "x_bytes": len(data),
            "description": f"A ready-joined view: {spec.description}",
            "licenses": licenses,
            "schema": spec.table_schema(table),
        },
    )


def other_files(
    tables: Mapping,
    base: dict,
    parquet: Mapping[str, bytes],
    captures: Mapping[str, str],
    on_file: Callable[[str, bytes], object] | None = None,
    worker: _parts.Worker | None = None,
) -> dict[str, bytes]:
    """CSV edition, site, annotations, provenance, Croissant and schema.org files of a release.

    ``tables`` are the published tables and views by name, ``base`` the descriptor
    without ``x_files``, ``parquet`` the data files' bytes by release path, and
    ``captures`` each capture's full text by capture id (for excerpts and anchors).
    ``on_file(path, data)``, if given, is called for each file as soon as its part of
    the release is made (the build writes it while the next part is made); with a
    ``worker`` (see ``_parts``) the site is made there, and its files are handed to
    ``on_file`` from another thread as they arrive.
    """
    from .exports import csv_edition
    from .site import render_site
    from .standards import annotations, croissant, dataset_jsonld, provenance

    tables = dict(tables)
    files: dict[str, bytes] = {}

    def emit(part: dict[str, bytes]) -> None:
        files.update(part)
        if on_file is not None:
            for name, data in part.items():
                on_file(name, data)

    # each part has its own copy of the descriptor (one may adapt the schemas it copies):
    # the parts are independent of each other and of the order they are made in
    site = lambda: render_site(tables, copy.deepcopy(base), dict(captures))
    if worker is not None:
        worker.start("site", tables, copy.deepcopy(base), dict(captures), on_file)
    emit(csv_edition(tables, copy.deepcopy(base)))
    if worker is None:
        emit(site())
    emit(annotations(tables, copy.deepcopy(base), dict(captures)))
    emit(provenance(tables, copy.deepcopy(base)))
    emit(croissant(tables, copy.deepcopy(base), dict(parquet)))
    emit(dataset_jsonld(copy.deepcopy(base), tables))
    if worker is not None:
        try:
            files.update(worker.result())  # handed to on_file as they arrived
        except _parts.WorkerLost:  # the child could not start (or was killed before it sent a file)
            emit(site())
    return dict(sorted(files.items()))
