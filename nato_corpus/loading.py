"""Released tables in one line: load(), tables(), versions(), info(), release_path().

A release is looked for, in order: the copy bundled inside the installed package
(``nato_corpus/_dist``, put there by the wheel), the source checkout's ``dist/`` next to
the package (editable installs), then the download cache, fetching it with
:func:`nato_corpus.downloads.download` when a version is not bundled.

pyarrow is imported only when a table is read, so ``import nato_corpus`` stays light.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    import pyarrow


def load(table: str, version: str | None = None) -> pyarrow.Table:
    """Return one table of a release as a ``pyarrow.Table``, typed as stored.

    ``version`` defaults to the latest bundled release; a version that is not bundled is
    downloaded and verified first (see :func:`nato_corpus.downloads.download`). Each
    column's description is in its field metadata under ``b"description"``. Convert
    with ``.to_pandas()`` or ``polars.from_arrow(...)``.

    Example::

        >>> import nato_corpus as nc
        >>> quotes = nc.load("quotes")
        >>> quotes.schema.field("id").metadata[b"description"]  # doctest: +SKIP
        b'Identifier of a Quote: ...'
        >>> df = quotes.to_pandas()  # doctest: +SKIP
    """
    from .downloads import _sha256

    folder, descriptor = _release(version)
    resource = _resource(descriptor, table, folder)
    path = folder / resource["path"]
    if not path.is_file():
        raise errors.NatoCorpusError(
            f"{path} is missing from release {folder.name}: reinstall nato-corpus, or in a source "
            "checkout restore dist/ from git (releases never change)"
        )
    expected = str(resource.get("hash", "")).lower().removeprefix("sha256:")
    actual = _sha256(path)
    if expected and actual != expected:
        raise errors.NatoCorpusError(
            f"{path} does not match its release descriptor: expected sha256 {expected}, got "
            f"{actual}. The local copy was modified or is incomplete: reinstall nato-corpus, or in "
            "a source checkout restore dist/ from git (releases never change)."
        )
    import pyarrow.parquet as pq

    return _with_descriptions(pq.read_table(path), resource)


def tables(version: str | None = None) -> list[str]:
    """Return the names of the tables in a release, in the descriptor's order.

    Example::

        >>> import nato_corpus as nc
        >>> nc.tables()  # doctest: +SKIP
        ['documents', 'events', 'quotes', 'captures', 'actors', 'quote_occurrences', ...]
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
        ['0.1.0', '0.2.0']
    """
    from .downloads import cached_versions, version_key

    found = set(_bundled_index().get("versions", {}))
    root = _bundled_root()
    if root is not None:
        found.update(p.name for p in root.iterdir() if (p / "datapackage.json").is_file())
    with contextlib.suppress(OSError):  # an unreadable cache hides nothing bundled
        found.update(cached_versions())
    return sorted(found, key=version_key)


def info(version: str | None = None) -> dict[str, Any]:
    """Return what a release is: version, title, row counts per table, licence, how to cite.

    Keys: ``name``, ``title``, ``version``, ``path`` (the local folder), ``counts``
    (table name -> rows), ``license`` (one readable line), ``licenses`` (as in the
    descriptor), ``citation`` and ``sources``.

    Example::

        >>> import nato_corpus as nc
        >>> nc.info()["counts"]["quotes"]  # doctest: +SKIP
        12
        >>> print(nc.info()["citation"])  # doctest: +SKIP
        nato-corpus contributors (2026). NATO enlargement corpus, version 0.1.0 [data set].
    """
    import pyarrow.parquet as pq

    folder, descriptor = _release(version)
    counts = {
        r["name"]: pq.ParquetFile(folder / r["path"]).metadata.num_rows
        for r in descriptor.get("resources", [])
    }
    licenses = descriptor.get("licenses") or []
    return {
        "name": descriptor.get("name", "nato-corpus"),
        "title": descriptor.get("title", ""),
        "version": descriptor.get("version", folder.name),
        "path": str(folder),
        "counts": counts,
        "license": "; ".join(_license_text(lic) for lic in licenses) or "not stated",
        "licenses": licenses,
        "citation": descriptor.get("x_citation") or citation(descriptor),
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


def citation(descriptor: dict[str, Any]) -> str:
    """Build a citation line from a descriptor's contributors, created date, title and version.

    Example::

        >>> from nato_corpus.loading import citation
        >>> citation({"title": "NATO corpus", "version": "0.1.0", "created": "2026-01-02T00:00:00Z",
        ...           "contributors": [{"title": "A. Author", "role": "author"}]})
        'A. Author (2026). NATO corpus, version 0.1.0 [data set].'
    """
    people = [c.get("title") for c in descriptor.get("contributors") or [] if c.get("title")]
    authors = "; ".join(people) or "nato-corpus contributors"
    year = str(descriptor.get("created", ""))[:4]
    title = descriptor.get("title") or descriptor.get("name") or "nato-corpus"
    when = f" ({year})" if year.isdigit() else ""
    line = f"{authors}{when}. {title}, version {descriptor.get('version', '?')} [data set]."
    link = descriptor.get("homepage") or descriptor.get("id")
    return f"{line} {link}" if link else line


# --- where releases are -------------------------------------------------------------


def _bundled_root() -> Path | None:
    """The folder of bundled releases: the package's ``_dist``, else the checkout's ``dist/``."""
    package = importlib.resources.files(__package__)
    base = package if isinstance(package, Path) else Path(__file__).resolve().parent
    candidates = [base / "_dist"]
    checkout = Path(__file__).resolve().parent.parent
    pyproject = checkout / "pyproject.toml"
    if pyproject.is_file() and 'name = "nato-corpus"' in pyproject.read_text(encoding="utf-8"):
        candidates.append(checkout / "dist")
    for candidate in candidates:
        if (candidate / "index.json").is_file():
            return candidate
    return None


def _bundled_index() -> dict[str, Any]:
    """The bundled release index, or an empty one when nothing is bundled."""
    root = _bundled_root()
    if root is None:
        return {"versions": {}}
    try:
        index = json.loads((root / "index.json").read_bytes())
    except ValueError as exc:
        raise errors.NatoCorpusError(
            f"{root / 'index.json'} is not valid JSON ({exc}); reinstall nato-corpus, or in a "
            "source checkout restore dist/ from git"
        ) from exc
    if not isinstance(index.get("versions"), dict):
        index["versions"] = {}
    return index


def _release(version: str | None) -> tuple[Path, dict[str, Any]]:
    """The local folder and parsed descriptor of ``version`` (default: the latest)."""
    from .downloads import URL_ENV, _check_version, download

    version = _check_version(_latest() if version is None else version)
    root = _bundled_root()
    if root is not None and (root / str(version) / "datapackage.json").is_file():
        folder = root / version
    else:
        known = versions()
        if version not in known and not _mirror_configured():
            listed = ", ".join(known) or "none bundled or cached"
            raise errors.UsageError(
                f"unknown version {version!r}; valid versions: {listed}. For a release newer "
                f"than this package, set {URL_ENV} to a mirror or upgrade nato-corpus."
            )
        folder = download(version)
    return folder, json.loads((folder / "datapackage.json").read_bytes())


def _latest() -> str:
    index = _bundled_index()
    if index.get("latest"):
        return str(index["latest"])
    known = versions()
    if known:
        return known[-1]
    raise errors.UsageError(
        "no release is bundled with this installation (a source checkout whose dist/ has no "
        "release yet?): build a release into dist/, or pass version= with a mirror in "
        "NATO_CORPUS_URL"
    )


def _mirror_configured() -> bool:
    from .downloads import URL_ENV

    return bool(os.environ.get(URL_ENV))


def _resource(descriptor: dict[str, Any], table: str, folder: Path) -> dict[str, Any]:
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    if table not in resources:
        raise errors.UsageError(
            f"unknown table {table!r} in release {descriptor.get('version', folder.name)}; "
            f"valid tables: {', '.join(resources)}"
        )
    return resources[table]


def _with_descriptions(table: pyarrow.Table, resource: dict[str, Any]) -> pyarrow.Table:
    """Add the descriptor's field descriptions to fields whose Parquet metadata lacks one."""
    described = {
        f.get("name"): f["description"]
        for f in resource.get("schema", {}).get("fields", [])
        if f.get("description")
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
