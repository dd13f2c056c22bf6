"""Reading a release table in bounded memory: its Parquet metadata must fit the file before decoding.

A Parquet file describes itself in a footer: how many rows it holds and how many bytes its
pages take once decompressed. A small file can claim millions of rows or gigabytes of
pages (run-length encoding makes a column of identical values almost free to store and
expensive to decode), so a release check reads the footer first and refuses a table
whose claims do not fit the bytes on disk, before decoding a single page:

* rows: at most ``MAX_ROWS_PER_BYTE`` rows per byte of the file, plus ``ROW_FLOOR``; and
  exactly the ``x_rows`` the descriptor declares, when it declares them;
* decompressed pages: at most ``MAX_EXPANSION`` times the file's size, plus ``BYTE_FLOOR``;
* decoded columns: read in batches of ``BATCH_ROWS`` rows, stopping as soon as what was
  decoded passes ``MAX_DECODED`` times the file's size, plus ``BYTE_FLOOR``.

Published tables sit far inside these bounds (1.0.0: under 0.03 rows and 1.3 page bytes
per byte of file). The bounds are generous multiples, not a budget: they keep the
memory a hostile table can claim proportional to its size on disk.
"""

from __future__ import annotations

from pathlib import Path

MAX_ROWS_PER_BYTE = 4
ROW_FLOOR = 100_000
MAX_EXPANSION = 64
MAX_DECODED = 256
BYTE_FLOOR = 64 * 2**20
BATCH_ROWS = 8192


class TableRefused(Exception):
    """A table whose metadata or decoded size does not fit its file; the message says why."""


def read_table(path: Path, resource: dict):
    """The table at ``path`` as one pyarrow Table, refused (TableRefused) when it does not fit.

    ``resource`` is the table's descriptor entry (its ``x_rows``, when given, must match).
    Other exceptions are pyarrow's own, for a file that is not Parquet at all.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = path.stat().st_size
    parquet = pq.ParquetFile(path)  # reads the footer only
    meta = parquet.metadata
    rows = meta.num_rows
    declared = resource.get("x_rows")
    if isinstance(declared, int) and not isinstance(declared, bool) and declared != rows:
        raise TableRefused(f"its Parquet metadata says {rows:,} rows, the descriptor's x_rows says {declared:,}")
    allowed_rows = MAX_ROWS_PER_BYTE * size + ROW_FLOOR
    if rows > allowed_rows:
        raise TableRefused(
            f"its metadata claims {rows:,} rows in a file of {size:,} bytes (at most {allowed_rows:,} are read); "
            "refused without decoding"
        )
    pages = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    allowed_pages = MAX_EXPANSION * size + BYTE_FLOOR
    if pages > allowed_pages:
        raise TableRefused(
            f"its metadata claims {pages:,} bytes of pages once decompressed, from a file of {size:,} bytes "
            f"(at most {allowed_pages:,} are read); refused without decoding"
        )
    allowed = MAX_DECODED * size + BYTE_FLOOR
    batches, decoded = [], 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
        decoded += batch.nbytes
        if decoded > allowed:
            raise TableRefused(
                f"it decodes to more than {allowed:,} bytes from a file of {size:,} bytes; reading stopped there"
            )
        batches.append(batch)
    return pa.Table.from_batches(batches, schema=parquet.schema_arrow).combine_chunks()
