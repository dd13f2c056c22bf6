"""Spark in local mode reads every table of a release folder, as written.

One SparkSession serves the whole module (starting one costs seconds). Skips, saying
why, where pyspark is not installed or no Java 17+ runs (`java -version`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _engines import RELEASE, parquet_tables, readme_blocks
from conftest import REPO

TABLES = parquet_tables()


def _java_major() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(?:1\.)?(\d+)', done.stderr + done.stdout)
    return int(found.group(1)) if found else None


pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[test]'")
if (_java_major() or 0) < 17:
    pytest.skip(
        "Spark 4 needs Java 17 or later on PATH (`java -version`); install e.g. Debian's openjdk-17-jre-headless",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One local SparkSession bound to 127.0.0.1, with no web UI."""
    from pyspark.sql import SparkSession

    saved = os.environ.get("SPARK_LOCAL_IP")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # never another interface of this machine
    session = (
        SparkSession.builder.master("local[1]")
        .appName("nato-corpus-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        # tiny tables: a JVM that starts fast and no code generation beat peak throughput
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if saved is None:
        os.environ.pop("SPARK_LOCAL_IP", None)
    else:
        os.environ["SPARK_LOCAL_IP"] = saved


@pytest.fixture(scope="module")
def frames(spark):
    """Every table of the release as a Spark DataFrame, by table name."""
    return {name: spark.read.parquet(str(RELEASE / path)) for name, path in TABLES}


def _fields(kind) -> list[tuple[str, str]]:
    """(table, column) of every field of the release whose Arrow type satisfies ``kind``."""
    return [(name, field.name) for name, path in TABLES for field in pq.read_schema(RELEASE / path) if kind(field.type)]


@pytest.mark.parametrize("name,path", TABLES, ids=[name for name, _ in TABLES])
def test_table_reads_every_row_as_written(frames, name, path):
    """Spark reads the table's Parquet row count, its columns in order, and pyarrow's values."""
    frame = frames[name]
    written = pq.read_table(RELEASE / path)
    rows = [row.asDict(recursive=True) for row in frame.collect()]
    assert len(rows) == pq.read_metadata(RELEASE / path).num_rows
    assert frame.columns == written.column_names
    assert rows == written.to_pylist()


def test_list_columns_read_as_arrays_of_strings(frames):
    """Every list<string> column of the release is an array<string> in Spark."""
    lists = _fields(pa.types.is_list)
    assert lists, "the release has list columns (authors, aliases, ...)"
    for table, column in lists:
        assert frames[table].schema[column].dataType.simpleString() == "array<string>", (table, column)


def test_dictionary_columns_read_as_plain_strings(frames):
    """Every dictionary-encoded column of the release (kinds, grades, statuses) is a plain string in Spark."""
    dictionaries = _fields(pa.types.is_dictionary)
    assert dictionaries, "the release has dictionary-encoded columns (kind, status, ...)"
    for table, column in dictionaries:
        assert frames[table].schema[column].dataType.simpleString() == "string", (table, column)


def test_readme_pyspark_example_runs(spark, monkeypatch):
    """README's PySpark join runs as written and finds the same rows as its DuckDB join."""
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed: pip install -e '.[test]'")
    (code,) = [block for block in readme_blocks("python") if "pyspark" in block]
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    found = Counter(tuple(row) for row in namespace["found"].collect())
    joined = Counter(duckdb.sql(readme_blocks("sql")[0]).fetchall())
    assert found == joined
    assert sum(found.values()) == pq.read_metadata(RELEASE / "data/quote_occurrences.parquet").num_rows
