"""DuckDB reads a release where it lives: over HTTP, from a server on 127.0.0.1.

The httpfs extension comes from the duckdb-extension-httpfs package (the `test` extra),
loaded from its installed path with extension downloads switched off, so nothing is
fetched from the network. Skips, saying why, where that package or its build for the
installed DuckDB is absent.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from _engines import DIST, README, RELEASE, VERSION, parquet_tables, readme_blocks
from conftest import REPO

duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed: pip install -e '.[test]'")
TABLES = parquet_tables()
README_HOST = "http://localhost:8000"  # where README's example serves dist/


def _httpfs_binary() -> Path:
    try:
        import duckdb_extension_httpfs
    except ImportError:
        pytest.skip("duckdb-extension-httpfs is not installed: pip install -e '.[test]' ships DuckDB's httpfs")
    folder = Path(duckdb_extension_httpfs.__file__).parent / "extensions"
    binary = folder / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    if not binary.is_file():
        built = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        pytest.skip(
            f"duckdb-extension-httpfs has no build for DuckDB {duckdb.__version__} (only {built}): "
            "install the pair in requirements.lock"
        )
    return binary


@pytest.fixture(scope="module")
def con():
    """A DuckDB connection with httpfs loaded from the installed package, never downloaded."""
    connection = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    connection.execute(f"LOAD '{_httpfs_binary()}'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def server():
    """dist/ served on 127.0.0.1; yields (base URL, the paths requested so far)."""
    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # record, instead of printing, each request
            requested.append(self.path)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(DIST)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requested
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_every_table_is_one_file_named_after_it():
    """Each Parquet resource is data/<table>.parquet, the explicit URL pattern README publishes."""
    assert {"quotes", "actors", "quote_occurrences"} <= {name for name, _ in TABLES}
    assert [path for _, path in TABLES] == [f"data/{name}.parquet" for name, _ in TABLES]
    assert "`<version>/data/<table>.parquet`" in README


@pytest.mark.parametrize("name,path", TABLES, ids=[name for name, _ in TABLES])
def test_table_reads_over_http_as_on_disk(con, server, name, path):
    """Over HTTP DuckDB reads every row of the table, the same rows as from the file on disk."""
    base, requested = server
    url = f"{base}/{VERSION}/{path}"
    over_http = con.execute("SELECT * FROM read_parquet(?)", [url]).fetchall()
    on_disk = con.execute("SELECT * FROM read_parquet(?)", [str(RELEASE / path)]).fetchall()
    assert f"/{VERSION}/{path}" in requested
    assert len(over_http) == pq.read_metadata(RELEASE / path).num_rows
    assert over_http == on_disk


def test_readme_http_join_runs(con, server, monkeypatch):
    """README's DuckDB-over-HTTP join gives the same rows as its join on disk: one per occurrence."""
    base, requested = server
    on_disk_sql, http_sql = readme_blocks("sql")[:2]
    assert README_HOST in http_sql and "*" not in http_sql.replace("SELECT *", "")
    monkeypatch.chdir(REPO)
    over_http = con.execute(http_sql.replace(README_HOST, base)).fetchall()
    on_disk = con.execute(on_disk_sql).fetchall()
    assert sorted(over_http) == sorted(on_disk)
    assert len(over_http) == pq.read_metadata(RELEASE / "data/quote_occurrences.parquet").num_rows
    assert f"/{VERSION}/data/actors.parquet" in requested


def test_wildcard_over_http_is_refused(con, server):
    """DuckDB refuses data/*.parquet over HTTP, as README says, naming every file instead."""
    base, _ = server
    with pytest.raises(duckdb.Error, match=r"(?i)glob"):
        con.execute("SELECT count(*) FROM read_parquet(?)", [f"{base}/{VERSION}/data/*.parquet"]).fetchall()
