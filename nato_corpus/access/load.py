"""Released tables in one line: load(), tables(), versions(), info(), release_path().

A release is looked for, in order: the copy bundled inside the installed package
(``nato_corpus/_dist``, put there by the wheel; in a source checkout, its ``dist/``),
then the download cache, fetching it with :func:`nato_corpus.download` when a version
is not bundled.

Verification happens once, not on every call: a bundled release arrived with the
package and is checked against the bundled index's pin of its descriptor and the file
sizes it declares; a downloaded release was verified byte for byte on arrival, and a
marker beside it (file sizes and modification times) shows that it is unchanged since.

pyarrow is imported only when a table is read (``pyarrow.parquet.ParquetFile``: no
dataset layer, no pandas), so ``import nato_corpus`` stays light.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import errors
from ..release import credits, layout
from . import bundled, verified

# fetch (URL_ENV) and download are imported where needed: a cold load of a table needs neither

if TYPE_CHECKING:
    import pyarrow


def load(table: str, version: str | None = None) -> pyarrow.Table:
    """Return one table of a release as a ``pyarrow.Table``, typed as stored.

    ``version`` defaults to the latest bundled release; a version that is not bundled is
    downloaded and verified first (see :func:`nato_corpus.download`). Each column's
    description is in its field metadata under ``b"description"``. Convert with
    ``.to_pandas()`` or ``polars.from_arrow(...)``.

    Example::

        >>> import nato_corpus as nc
        >>> quotes = nc.load("quotes")
        >>> quotes.schema.field("id").metadata[b"description"]  # doctest: +SKIP
        b'Identifier of a Quote: ...'
    """
    expected = f"{layout.DATA}/{table}.parquet"
    folder, descriptor = _release(version, only=(expected,))
    resource = _resource(descriptor, table, folder)
    if resource.get("path") != expected:  # a table stored elsewhere: verify the release in full
        folder, descriptor = _release(version)
        resource = _resource(descriptor, table, folder)
    path = layout.regular_file(folder, str(resource.get("path")))
    if path is None:
        raise errors.NatoCorpusError(
            f"{folder / str(resource.get('path'))} is missing from release {folder.name}: reinstall "
            "nato-corpus, or in a source checkout restore dist/ from git (releases never change)"
        )
    import pyarrow.parquet as pq

    return _with_descriptions(pq.ParquetFile(path).read(), resource)


def tables(version: str | None = None) -> list[str]:
    """Return the names of the tables in a release, in the descriptor's order.

    Example::

        >>> import nato_corpus as nc
        >>> nc.tables()  # doctest: +SKIP
        ['documents', 'events', 'quotes', 'actors', 'captures', 'document_authors', ...]
    """
    _, descriptor = _release(version)
    return [resource["name"] for resource in descriptor.get("resources", [])]


def versions() -> list[str]:
    """Return every release version known here, oldest first by semantic version.

    That is the versions in the bundled release index (and bundled folders), plus any
    already in the download cache. No network is used.

    Example::

        >>> import nato_corpus as nc
        >>> nc.versions()  # doctest: +SKIP
        ['1.0.0', '1.1.0']
    """
    from .download import cached_versions

    found = set(bundled.index()["versions"])
    root = bundled.root()
    if root is not None:
        found.update(p.name for p in root.iterdir() if layout.is_version(p.name) and (p / layout.DESCRIPTOR).is_file())
    with contextlib.suppress(OSError, errors.NatoCorpusError):  # an unusable cache hides nothing bundled
        found.update(cached_versions())
    return sorted(found, key=layout.version_key)


def info(version: str | None = None) -> dict[str, Any]:
    """Return what a release is: version, title, row counts per table, licence, how to cite.

    Keys: ``name``, ``title``, ``version``, ``path`` (the local folder), ``counts``
    (table name -> rows), ``license`` (one readable line), ``licenses`` (as in the
    descriptor), ``citation`` and ``sources``.

    Example::

        >>> import nato_corpus as nc
        >>> nc.info()["counts"]["quotes"]  # doctest: +SKIP
        48
    """
    import pyarrow.parquet as pq

    folder, descriptor = _release(version)
    counts = {r["name"]: pq.ParquetFile(folder / r["path"]).metadata.num_rows for r in descriptor.get("resources", [])}
    licenses = descriptor.get("licenses") or []
    return {
        "name": descriptor.get("name", "nato-corpus"),
        "title": descriptor.get("title", ""),
        "version": descriptor.get("version", folder.name),
        "path": str(folder),
        "counts": counts,
        "license": "; ".join(_license_text(lic) for lic in licenses) or "not stated",
        "licenses": licenses,
        "citation": descriptor.get("x_citation") or credits.citation(descriptor),
        "sources": descriptor.get("sources") or [],
    }


def release_path(version: str | None = None) -> Path:
    """Return the local folder of a release (bundled, or downloaded and verified).

    Useful for tools that read the files directly, such as DuckDB or Frictionless.

    Example::

        >>> import duckdb, nato_corpus as nc
        >>> folder = nc.release_path()
        >>> duckdb.sql(f"select count(*) from '{folder}/data/quotes.parquet'")  # doctest: +SKIP
    """
    return _release(version)[0]


# --- where releases are -------------------------------------------------------------


def _release(version: str | None, only: tuple[str, ...] | None = None) -> tuple[Path, dict[str, Any]]:
    """The local folder and parsed descriptor of ``version`` (default: the latest).

    With ``only``, a downloaded release whose descriptor and those files are unchanged since
    the release verified is used without checking its other files, and the descriptor is
    its ``resources`` as recorded then (see ``verified``).
    """
    if version is not None and not layout.is_version(version):
        from .fetch import URL_ENV

        listed = ", ".join(versions()) or "none bundled or cached"
        raise errors.UsageError(
            f"unknown version {version!r}; valid versions: {listed} (a version looks like 1.0.0). "
            f"For a release newer than this package, set {URL_ENV} to a mirror or upgrade nato-corpus."
        )
    version = _latest() if version is None else version
    if not layout.is_version(version):
        from .download import check_version

        check_version(version)  # says what is wrong with it
    shipped = bundled.release(version)
    if shipped is not None:
        return shipped, _bundled_descriptor(shipped, version)
    cached = verified.cached_table_release(version, only) if only is not None else None
    if cached is not None:
        return cached
    from .download import download
    from .fetch import URL_ENV

    known = versions()
    if version not in known and not os.environ.get(URL_ENV):
        listed = ", ".join(known) or "none bundled or cached"
        raise errors.UsageError(
            f"unknown version {version!r}; valid versions: {listed}. For a release newer "
            f"than this package, set {URL_ENV} to a mirror or upgrade nato-corpus."
        )
    folder = download(version)
    try:
        return folder, layout.read_descriptor(folder)[0]
    except layout.FormatError as exc:  # cannot happen for a folder download() verified
        raise errors.DownloadError(f"{folder}: {exc}") from None


def _bundled_descriptor(folder: Path, version: str) -> dict[str, Any]:
    """A bundled release's descriptor, checked against the bundled pin and its files' sizes."""
    try:
        descriptor, sha = layout.read_descriptor(folder)
        pinned = layout.entries(descriptor)
    except layout.FormatError as exc:
        problem: str | None = str(exc)
    else:
        problem = None
        pin = bundled.pin(version)
        if pin is not None and sha != pin:
            problem = f"{layout.DESCRIPTOR} has sha256 {sha}, but the bundled index pins {pin}"
        for entry in pinned if problem is None else ():
            path = layout.regular_file(folder, entry.path)
            if path is None or path.stat().st_size != entry.size:
                problem = f"{entry.path} is missing or not {entry.size} bytes"
                break
    if problem is not None:
        raise errors.NatoCorpusError(
            f"the copy of release {version} in {folder} does not verify: {problem}. Reinstall "
            "nato-corpus, or in a source checkout restore dist/ from git (releases never change)."
        )
    return descriptor


def _latest() -> str:
    index = bundled.index()
    if index.get("latest"):
        return str(index["latest"])
    known = versions()
    if known:
        return known[-1]
    from .fetch import URL_ENV

    raise errors.UsageError(
        "no release is bundled with this installation (a source checkout whose dist/ has no "
        f"release yet?): build a release into dist/, or pass version= with a mirror in {URL_ENV}"
    )


def _resource(descriptor: dict[str, Any], table: str, folder: Path) -> dict[str, Any]:
    resources = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    if table not in resources:
        raise errors.UsageError(
            f"unknown table {table!r} in release {descriptor.get('version', folder.name)}; "
            f"valid tables: {', '.join(map(str, resources))}"
        )
    return resources[table]


def _with_descriptions(table: pyarrow.Table, resource: dict[str, Any]) -> pyarrow.Table:
    """Add the descriptor's field descriptions to fields whose Parquet metadata lacks one."""
    described = {
        f.get("name"): f["description"]
        for f in resource.get("schema", {}).get("fields", [])
        if isinstance(f, dict) and f.get("description")
    }
    fields = []
    changed = False
    for field in table.schema:
        meta = dict(field.metadata or {})
        if b"description" not in meta and field.name in described:
            meta[b"description"] = str(described[field.name]).encode("utf-8")
            field = field.with_metadata(meta)
            changed = True
        fields.append(field)
    if not changed:
        return table
    import pyarrow as pa

    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _license_text(lic: dict[str, Any]) -> str:
    name = lic.get("title") or lic.get("name") or "licence"
    return f"{name} ({lic['path']})" if lic.get("path") else str(name)
