"""One measured step, run in a fresh process by benchmarks.run: ``python -m benchmarks._steps STEP JSON``.

Prints one JSON line: ``seconds`` (the step itself, timed in-process), ``peak_mb`` (the
process's largest resident set, from the kernel) and anything else the runner checks.
``command`` runs another program as the only child and reports its time and peak.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

# _CLOCK: validate() and its floors (parse_floor, load_floor), and download() and its floor
# (fetch_floor), time the same things. Each
# clock starts before the step imports the library that does its work (nato_corpus, and
# through it pydantic, edtf and PyYAML; or PyYAML alone), so both sides pay for their own
# imports, whether a library imports them at the top or lazily later. Neither side pays
# for starting Python or for the standard-library modules imported above, which both
# share; the whole process's time is reported beside them.


def _files(root: str) -> list[str]:
    found = []
    for directory, subdirs, names in os.walk(root):
        subdirs.sort()
        found.extend(os.path.join(directory, name) for name in sorted(names))
    return found


def parse_floor(raw: str) -> dict:
    """The floor for reading raw/ at all: every YAML file through libyaml's event parser
    (no values assembled), every capture read and decoded."""
    start = time.perf_counter()  # before the import, as in validate(): see _CLOCK
    import yaml

    events = 0
    for path in _files(raw):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        if path.endswith(".yaml"):
            get_event = yaml.CSafeLoader(text).get_event
            while get_event() is not None:
                events += 1
    return {"seconds": time.perf_counter() - start, "events": events}


def load_floor(raw: str) -> dict:
    """yaml.load with the C loader over the same files: Python values, no positions."""
    start = time.perf_counter()  # before the import, as in validate(): see _CLOCK
    import yaml

    for path in _files(raw):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        if path.endswith(".yaml"):
            yaml.load(text, Loader=yaml.CSafeLoader)
    return {"seconds": time.perf_counter() - start}


def hash_floor(raw: str) -> dict:
    """What any content-keyed cache must do: read and hash every file."""
    start = time.perf_counter()
    for path in _files(raw):
        with open(path, "rb") as handle:
            hashlib.sha256(handle.read()).hexdigest()
    return {"seconds": time.perf_counter() - start}


def validate(raw: str, cache_dir: str | None = None) -> dict:
    start = time.perf_counter()  # before the import, as in parse_floor(): see _CLOCK
    from nato_corpus.curation.validate import validate as check  # what `nato-corpus validate` runs

    report = check(raw, cache_dir=cache_dir)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "records": sum(report.counts.values()),
        "ok": report.ok,
        "problems": sorted({(p.code, p.file) for p in report.problems}),
    }


def build(raw: str, dist: str) -> dict:
    start = time.perf_counter()
    import nato_corpus

    result = nato_corpus.build(raw, dist)
    seconds = time.perf_counter() - start
    # the site may be made in a second process (release/_parts.py): its peak counts too
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "status": result.status, "path": str(result.path), "worker_peak_mb": worker}


def validate_and_write(raw: str, release: str, out: str) -> dict:
    """The floor for a build: validate raw/, then write every file of the built release.

    Beforehand, untimed: every file of ``release`` is read into memory and its tables
    into pyarrow. Timed: check_raw (its clock starts before importing the library, as
    build's does), pyarrow writing each table with the release's settings, and every
    other file written from memory: the same bytes, files and folders as the release,
    one plain write each (no fsync; the build flushes each file to disk).
    """
    import pyarrow.parquet as pq

    root = Path(release)
    files = {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
    tables = {
        name: pq.read_table(root / name) for name in files if name.startswith("data/") and name.endswith(".parquet")
    }
    target = Path(out, root.name)
    shutil.rmtree(target, ignore_errors=True)
    os.sync()  # untimed, as before a build: the removal's discards are not the write's (run.remove)
    start = time.perf_counter()
    from nato_corpus.curation.validate import check_raw
    from nato_corpus.release.layout import PARQUET_OPTIONS

    checked = check_raw(raw)
    validated = time.perf_counter()
    for folder in sorted({(target / name).parent for name in files}):
        folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, str(target / name), **PARQUET_OPTIONS)
    tabled = time.perf_counter()
    for name, data in files.items():
        if name not in tables:
            with open(target / name, "wb") as handle:
                handle.write(data)
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "validate": validated - start,
        "tables": tabled - validated,
        "write": end - tabled,
        "files": len(files),
        "bytes": sum(map(len, files.values())),
        "ok": checked.report.ok,
    }


def download(base_url: str, version: str, cache_dir: str) -> dict:
    start = time.perf_counter()  # before the import, as in fetch_floor(): see _CLOCK
    import nato_corpus

    # a generated release is pinned by no installation: the benchmark vouches for its own server
    path = nato_corpus.download(version, base_url=base_url, cache_dir=cache_dir, trust_mirror=True)
    return {"seconds": time.perf_counter() - start, "path": str(path)}


def fetch_floor(base_url: str, version: str) -> dict:
    """The floor for a download: fetch the same files from the same server and hash them.

    Under the same connection policy as download(): one kept-alive HTTP/1.1 connection
    (opened again only when the server closes it), each file requested as download()
    requests it (quoted path, no compression) and read to its end; nothing is written.
    """
    start = time.perf_counter()  # before the import, as in download(): see _CLOCK
    import http.client
    from urllib.parse import quote, urlsplit

    base = urlsplit(base_url)
    prefix = base.path.rstrip("/") + "/"
    connection = None
    total = 0

    def fetch(relative: str) -> bytes:
        nonlocal connection, total
        if connection is None:
            connection = http.client.HTTPConnection(base.hostname, base.port or 80)
        connection.request("GET", prefix + quote(relative), headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{relative}: HTTP {response.status}")
        if response.will_close:
            connection.close()
            connection = None
        total += len(data)
        hashlib.sha256(data).hexdigest()
        return data

    fetch("index.json")
    descriptor = json.loads(fetch(f"{version}/datapackage.json"))
    for item in [*descriptor.get("resources", []), *descriptor.get("x_files", [])]:
        fetch(f"{version}/{item['path']}")
    if connection is not None:
        connection.close()
    return {"seconds": time.perf_counter() - start, "bytes": total}


def plant_release(release: str, out: str) -> dict:
    """A copy of a release with errors planted in its tables, its hashes kept consistent: a
    duplicate primary key, a missing required value and a broken pattern in quotes, and a
    dangling foreign key in quote_occurrences (benchmarks.run.PLANTED)."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from nato_corpus.release.layout import PARQUET_OPTIONS

    release, out = Path(release), Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(release, out)  # no index.json beside it: the tables are what is tested
    descriptor_path = out / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_bytes())
    resources = {r["name"]: r for r in descriptor["resources"]}

    def rewrite(name: str, change) -> None:
        path = out / resources[name]["path"]
        table = pq.read_table(path)
        columns = {n: table.column(n).to_pylist() for n in table.column_names}
        change(columns)
        schema = pa.schema(  # a column that now holds a null must say it may
            [f.with_nullable(True) if None in columns[f.name] else f for f in table.schema],
            metadata=table.schema.metadata,
        )
        table = pa.table({n: pa.array(v, type=schema.field(n).type) for n, v in columns.items()}, schema=schema)
        pq.write_table(table, path, **PARQUET_OPTIONS)
        data = path.read_bytes()
        resources[name]["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        if "x_bytes" in resources[name]:
            resources[name]["x_bytes"] = len(data)

    def quotes(columns: dict) -> None:
        columns["id"][1] = columns["id"][0]  # a duplicate primary key
        columns["speaker"][2] = None  # a required value missing
        columns["language"][3] = "English"  # a pattern broken

    def occurrences(columns: dict) -> None:
        columns["quote_id" if "quote_id" in columns else "quote"][0] = "quote:nowhere-at-all"  # a dangling foreign key

    rewrite("quotes", quotes)
    rewrite("quote_occurrences", occurrences)
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"seconds": 0.0, "path": str(out)}


def generate(out: str, quotes: int, seed: int) -> dict:
    from benchmarks.generate import generate as make

    start = time.perf_counter()
    summary = make(out, quotes, seed)
    return {
        "seconds": time.perf_counter() - start,
        "counts": summary.counts,
        "bytes": summary.bytes,
        "files": summary.files,
    }


def command(argv: list[str], env: dict | None = None) -> dict:
    """Run a command as this process's only child: its wall time and peak memory."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "child_peak_mb": peak,
        "returncode": done.returncode,
        "stdout": done.stdout.decode("utf-8", errors="replace"),
        "stderr": done.stderr.decode("utf-8", errors="replace")[-2000:],
    }


STEPS = {
    f.__name__: f
    for f in (
        parse_floor,
        load_floor,
        hash_floor,
        validate,
        build,
        validate_and_write,
        download,
        fetch_floor,
        plant_release,
        generate,
        command,
    )
}

if __name__ == "__main__":
    step, arguments = sys.argv[1], json.loads(sys.argv[2])
    result = STEPS[step](**arguments)
    result["peak_mb"] = result.pop("child_peak_mb", None) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # both processes of a build may hold their peak at once: their sum bounds the build's memory
    result["peak_mb"] += result.get("worker_peak_mb", 0)
    print(json.dumps(result))
