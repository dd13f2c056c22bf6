"""Exports of a release for people and tools that do not read Parquet.

- ``csv_edition(tables, descriptor)``: every table as CSV with its own Frictionless
  data package (``csv/<table>.csv``, ``csv/datapackage.json``), byte-for-byte reproducible;
- ``views(tables)``: ready-joined tables for the common questions (``quotations``,
  ``actor_summary``), each described in ``VIEWS`` with its Table Schema;
- ``export_sqlite(tables, descriptor, path)``: a SQLite database with keys, column
  descriptions and full-text search, and a Datasette metadata file beside it;
- the `nato-corpus export sqlite PATH` command is in ``nato_corpus.commands.export``.

``tables`` are a release's tables as published ({name: pyarrow.Table}) and
``descriptor`` its parsed datapackage.json.
"""

from __future__ import annotations

from .csv_package import csv_edition
from .joined import VIEWS, views
from .sqlite_db import export_sqlite

__all__ = ["VIEWS", "csv_edition", "export_sqlite", "views"]
