"""The benchmark suite: every step of the library against its floor, at several corpus sizes.

    python -m benchmarks.run                 # 1k, 10k and 100k quotations (about 8 minutes)
    python -m benchmarks.run --sizes 1k      # a quick run
    python -m benchmarks.run --full          # adds validation of 1M quotations (about 15 minutes)

Each measured step runs in a fresh process; its time is the best of a few runs, its
peak memory the process's maximum resident set (from the kernel; this runner keeps
itself small, since a child's maximum starts from its parent's). Every figure sits
next to its floor, measured in the same run on the same files, and the ratio; targets
are ratios, since absolute times on shared machines drift. The table is printed as it
is measured and written to benchmarks/RESULTS.md. Generated corpora, releases and caches
go to benchmarks/.work/ (git-ignored) and are reused between runs while the generator
is unchanged.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
SEED = 1
#: errors planted in a copy of a release (benchmarks._steps.plant_release): (table, kind)
PLANTED = {
    ("quotes", "primary-key"),
    ("quotes", "required"),
    ("quotes", "pattern"),
    ("quote_occurrences", "foreign-key"),
}


@dataclass
class Measure:
    seconds: float  # the step's own time (best run)
    wall: float  # the whole process, interpreter start included (best run)
    peak_mb: float  # largest resident set of the process over the runs
    out: dict = field(default_factory=dict)  # what the step printed (last run)


@dataclass
class Row:
    size: str
    name: str
    subject: Measure
    floor: Measure | None
    records: int
    target: str
    ratio: float | None
    met: bool | None
    #: "step": in-process time of the call; "process": the whole command; "growth": µs per record
    timed: str = "step"
    info: str = ""

    def cells(self) -> list[str]:
        if self.timed == "growth":  # time per record at the larger size, against the smaller
            target_met = {True: "met", False: "MISSED", None: "-"}[self.met]
            if self.floor is None:  # peak memory
                return [
                    self.size,
                    self.name,
                    "-",
                    "-",
                    f"{self.subject.peak_mb:,.0f}",
                    "-",
                    "-",
                    "-",
                    "-",
                    self.target,
                    target_met,
                ]
            return [
                self.size,
                self.name,
                f"{self.subject.seconds:.1f} µs/rec",
                "-",
                f"{self.subject.peak_mb:,.0f}",
                f"{self.floor.seconds:.1f} µs/rec",
                "-",
                f"{self.floor.peak_mb:,.0f}",
                f"{self.ratio:.2f}x",
                self.target,
                target_met,
            ]
        pick = (lambda m: m.wall) if self.timed == "process" else (lambda m: m.seconds)
        rate = lambda m: f"{self.records / pick(m):,.0f}" if m and pick(m) > 0 else "-"
        floor = self.floor
        return [
            self.size,
            self.name,
            f"{pick(self.subject):.3f} s",
            rate(self.subject),
            f"{self.subject.peak_mb:,.0f}",
            f"{pick(floor):.3f} s" if floor else "-",
            rate(floor) if floor else "-",
            f"{floor.peak_mb:,.0f}" if floor else "-",
            f"{self.ratio:.2f}x" if self.ratio is not None else "-",
            self.target,
            {True: "met", False: "MISSED", None: "-"}[self.met],
        ]


HEADER = [
    "size",
    "benchmark",
    "time",
    "records/s",
    "peak MB",
    "floor",
    "floor rec/s",
    "floor MB",
    "ratio",
    "target",
    "",
]


# --- processes ----------------------------------------------------------------------


def _run(name: str, arguments: dict) -> tuple[float, dict]:
    """Run one step of benchmarks._steps in a fresh process; return (process wall time, its output)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._steps", name, json.dumps(arguments)],
        capture_output=True,
        cwd=HERE.parent,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    out = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    if name == "command" and out["returncode"] not in (0, 1):
        raise RuntimeError(f"{' '.join(arguments['argv'][:5])} failed ({out['returncode']}):\n{out['stderr']}")
    return wall, out


def _best(runs: list[Measure]) -> Measure:
    best = min(runs, key=lambda m: m.seconds)
    best.peak_mb = max(m.peak_mb for m in runs)
    return best


def step(name: str, repeat: int = 1, **arguments) -> Measure:
    """Run benchmarks._steps.NAME in a fresh process ``repeat`` times; keep the best time."""
    runs = []
    for _ in range(repeat):
        wall, out = _run(name, arguments)
        runs.append(Measure(out["seconds"], wall, out["peak_mb"], out))
    return _best(runs)


def command(argv: list[str], repeat: int = 1, env: dict | None = None) -> Measure:
    """Run a command ``repeat`` times; its time is the whole process, best of the runs."""
    runs = []
    for _ in range(repeat):
        _, out = _run("command", {"argv": argv, "env": env})
        runs.append(Measure(out["seconds"], out["seconds"], out["peak_mb"], out))
    return _best(runs)


def interleaved(first, second, repeat: int) -> tuple[Measure, Measure]:
    """Measure two steps turn about, so drift on a shared machine hits both alike."""
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return _best(a), _best(b)


# --- corpora and releases -----------------------------------------------------------


def corpus(size: str) -> tuple[Path, dict]:
    """A generated raw/ for a size, made again only when the generator changed."""
    root = WORK / f"raw-{size}"
    stamp = WORK / f"raw-{size}.json"
    key = hashlib.sha256((HERE / "generate.py").read_bytes() + f"{SIZES[size]}:{SEED}".encode()).hexdigest()
    if root.is_dir() and stamp.is_file():
        saved = json.loads(stamp.read_text())
        if saved.get("key") == key:
            return root, saved["counts"]
    stamp.unlink(missing_ok=True)
    print(f"  generating {SIZES[size]:,} quotations into {root.relative_to(HERE.parent)} ...", flush=True)
    made = step("generate", out=str(root), quotes=SIZES[size], seed=SEED).out
    stamp.write_text(json.dumps({"key": key, "counts": made["counts"], "bytes": made["bytes"], "files": made["files"]}))
    return root, made["counts"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections kept alive, as a real mirror keeps them
    disable_nagle_algorithm = True  # headers and body leave at once (TCP_NODELAY), as from a real server

    def log_message(self, *args) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A local HTTP server (127.0.0.1 only) for a dist/ folder."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _ours_found(report: dict) -> set[tuple[str, str]]:
    found = set()
    for problem in report.get("problems", []):
        table = (problem.get("record") or "").split(":")[0] or Path(problem.get("file") or "").stem
        message = problem["message"]
        for kind, marker in (
            ("primary-key", "primary key"),
            ("required", "required but null"),
            ("pattern", "does not match the pattern"),
            ("foreign-key", "foreign key"),
        ):
            if marker in message:
                found.add((table, kind))
    return found


def _frictionless_found(report: dict) -> set[tuple[str, str]]:
    found = set()
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            kind = error.get("type")
            if kind == "constraint-error":
                note = error.get("note", "")
                kind = "required" if '"required"' in note else "pattern" if '"pattern"' in note else kind
            found.add((task.get("name"), kind))
    return found


# --- the benchmarks -----------------------------------------------------------------


def remove(folder: Path) -> None:
    """Remove what a step wrote last time, and let the disk finish with it before the next step.

    On a file system that discards freed blocks at once (ext4 mounted with ``discard``, as here),
    a write or flush soon after removing a release's 15,000-150,000 files waits for those
    discards: seconds that belong to the clean-up, not to either side of a comparison.
    """
    shutil.rmtree(folder, ignore_errors=True)
    os.sync()


def run_size(size: str, repeat: int, frictionless: bool, rows: list[Row]) -> None:
    quotes = SIZES[size]
    print(f"\n== {size}: {quotes:,} quotations", flush=True)
    raw, counts = corpus(size)
    records = sum(counts.values())
    heavy = 1 if quotes >= 100_000 else repeat  # the largest sizes run once per step beyond validate
    show = lambda row: (rows.append(row), print("  " + " | ".join(row.cells()), flush=True))

    def aim(target: str, met: bool) -> tuple[str, bool | None]:
        """The target of a validate, build or download row: they hold from 10k up (at 1k, the ratio alone)."""
        return (target, met) if quotes >= 10_000 else ("-", None)

    # 1. validate raw/ end to end vs the libyaml event stream over the same files. Every file is
    # read once first, untimed: the side that ran first used to pay for reading a corpus the
    # steps before had pushed out of the page cache (ours, at 1M: 2.3 GB), the other did not
    step("hash_floor", raw=str(raw))
    ours, floor = interleaved(
        lambda: step("validate", raw=str(raw)),
        lambda: step("parse_floor", raw=str(raw)),
        repeat if quotes < 100_000 else 2 if quotes == 100_000 else 1,
    )
    if not ours.out["ok"]:
        print(f"  WARNING: the generated corpus does not validate clean: {ours.out['problems'][:5]}")
    ratio = ours.seconds / floor.seconds
    info = f"whole process {ours.wall:.3f} s"
    if quotes < 100_000:  # yaml.load takes most of a minute at 100k: the smaller sizes show it
        loader = step("load_floor", raw=str(raw))
        info += f"; yaml.load (CSafeLoader) over the same files: {loader.seconds:.3f} s ({ours.seconds / loader.seconds:.2f}x)"
    target, met = aim("<= 1.5x", ratio <= 1.5)
    show(Row(size, "validate raw/", ours, floor, records, target, ratio, met, info=info))
    if quotes > 100_000:
        return  # at 1M only validation is measured: for growth in time and memory

    # 2. re-validate after one file changed, with the cache (largest default size)
    if quotes >= 100_000:
        cache = WORK / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        step("validate", raw=str(raw), cache_dir=str(cache))  # fills the cache
        target = sorted((raw / "quotes").glob("*.yaml"))[len(list((raw / "quotes").glob("*.yaml"))) // 2]
        original = target.read_bytes()
        (WORK / f"raw-{size}.json").rename(WORK / f"raw-{size}.editing.json")  # a stopped run regenerates
        # two kinds of change: one that keeps the file's facts (a relay count: the cross-record rules
        # need not run again) and one that changes them (full dates made months: every rule runs)
        edits = {
            "re-validate, 1 file changed (cache)": lambda n: re.sub(
                rb"relays: [0-9]+", f"relays: {n + 4}".encode(), original, count=1
            ),
            "re-validate, 1 file's dates changed (cache)": lambda n: re.sub(
                rb"date: ([0-9]{4}-[0-9]{2})-[0-9]{2}\n", rb"date: \1\n", original, count=n + 1
            ),
        }
        measured = {}
        try:
            for name, edit in edits.items():
                runs = []
                for n in range(3):  # each run sees a new change to the same file
                    changed = edit(n)
                    assert changed != original, f"{name}: the edit changed nothing"
                    target.write_bytes(changed)
                    runs.append(step("validate", raw=str(raw), cache_dir=str(cache)))
                measured[name] = _best(runs)
        finally:
            target.write_bytes(original)
            (WORK / f"raw-{size}.editing.json").rename(WORK / f"raw-{size}.json")
        hashed = step("hash_floor", repeat=3, raw=str(raw))
        for name, best in measured.items():
            if not best.out["ok"]:
                print(f"  WARNING: {name}: the edited corpus is not clean: {best.out['problems'][:5]}")
            ratio = best.seconds / hashed.seconds
            show(
                Row(
                    size,
                    name,
                    best,
                    hashed,
                    records,
                    "<= 2.5x",
                    ratio,
                    ratio <= 2.5,
                    info=f"whole process {best.wall:.3f} s; floor: read and sha256 every file",
                )
            )

    # 3. build vs validate + writing the same release (tables by pyarrow, every other file from memory),
    # turn about (the floor writes the release the build before it made), so that the disk's moods hit both
    dist = WORK / f"dist-{size}"

    def one_build() -> Measure:
        remove(dist)
        return step("build", raw=str(raw), dist=str(dist))

    builds, floors = [one_build()], []
    release = Path(builds[0].out["path"])
    version = release.name
    for turn in range(heavy):
        floors.append(step("validate_and_write", raw=str(raw), release=str(release), out=str(WORK / f"write-{size}")))
        if turn + 1 < heavy:
            builds.append(one_build())
    built, written = _best(builds), _best(floors)
    ratio = built.seconds / written.seconds
    target, met = aim("<= 1.3x", ratio <= 1.3)
    show(
        Row(
            size,
            "build",
            built,
            written,
            records,
            target,
            ratio,
            met,
            info=(
                f"floor: validate {written.out['validate']:.3f} s + pyarrow writes the tables "
                f"{written.out['tables']:.3f} s + the release's other files written from memory "
                f"{written.out['write']:.3f} s ({written.out['files']:,} files, {written.out['bytes'] / 1e6:.0f} MB "
                "in all; no flush, where the build flushes the file system once before its rename)"
            ),
        )
    )

    # 4. validate a published release vs frictionless, both finding the same planted errors
    planted = Path(step("plant_release", release=str(release), out=str(WORK / f"planted-{size}" / version)).out["path"])
    ours_cmd = command(
        [sys.executable, "-m", "nato_corpus", "validate", str(planted), "--format", "json"], repeat=repeat
    )
    found = _ours_found(json.loads(ours_cmd.out["stdout"]))
    if frictionless:
        theirs = command(
            [sys.executable, "-m", "frictionless", "validate", "--json", str(planted / "datapackage.json")]
        )
        their_found = _frictionless_found(json.loads(theirs.out["stdout"]))
        same = found >= PLANTED and their_found >= PLANTED
        speedup = theirs.wall / ours_cmd.wall
        show(
            Row(
                size,
                "validate release (vs frictionless)",
                ours_cmd,
                theirs,
                records,
                ">= 20x faster",
                speedup,
                speedup >= 20 and same,
                timed="process",
                info=f"planted {len(PLANTED)}: nato-corpus found {len(PLANTED & found)}, frictionless {len(PLANTED & their_found)}",
            )
        )
    else:
        show(
            Row(
                size,
                "validate release",
                ours_cmd,
                None,
                records,
                "-",
                None,
                None,
                timed="process",
                info=f"frictionless skipped at this size (--frictionless-max); planted {len(PLANTED)}, found {len(PLANTED & found)}",
            )
        )

    # 5. cold load in a new process vs pyarrow reading the same file
    load_cache = WORK / f"loadcache-{size}"
    shutil.rmtree(load_cache, ignore_errors=True)
    shutil.copytree(release, load_cache / version)
    env = {"NATO_CORPUS_CACHE": str(load_cache), "NATO_CORPUS_OFFLINE": "1"}
    ours_load = command([sys.executable, "-c", f"import nato_corpus; nato_corpus.load('quotes', {version!r})"], 5, env)
    floor_load = command(
        [
            sys.executable,
            "-c",
            # as load() reads a table: pq.read_table would import pyarrow's dataset layer (some 400 modules more)
            f"import pyarrow.parquet as pq; pq.ParquetFile({str(release / 'data/quotes.parquet')!r}).read()",
        ],
        5,
    )
    light = command(
        [
            sys.executable,
            "-c",
            "import json, sys, nato_corpus; print(json.dumps(sorted(m for m in ('frictionless', 'pydantic', 'pandas') if m in sys.modules)))",
        ]
    )
    heavy_imports = json.loads(light.out["stdout"])
    ratio = ours_load.wall / floor_load.wall
    show(
        Row(
            size,
            "cold load('quotes')",
            ours_load,
            floor_load,
            counts["quote"],
            "<= 1.5x",
            ratio,
            ratio <= 1.5 and not heavy_imports,
            timed="process",
            info=f"`import nato_corpus` imports {heavy_imports or 'none'} of frictionless, pydantic, pandas",
        )
    )

    # 6. download and verify from a local HTTP server vs fetching and hashing the same bytes
    server, url = serve(release.parent)
    try:

        def ours_download() -> Measure:
            cache_dir = WORK / f"download-{size}"
            remove(cache_dir)
            return step("download", base_url=url, version=version, cache_dir=str(cache_dir))

        # a release holds a file per site page: at 100k some 150,000 requests a side, so once each there
        got, fetched = interleaved(ours_download, lambda: step("fetch_floor", base_url=url, version=version), heavy)
    finally:
        server.shutdown()
    ratio = got.seconds / fetched.seconds
    target, met = aim("<= 1.5x", ratio <= 1.5)
    show(
        Row(
            size,
            "download + verify (HTTP)",
            got,
            fetched,
            records,
            target,
            ratio,
            met,
            info=f"{fetched.out['bytes'] / 1e6:.1f} MB over 127.0.0.1",
        )
    )


def run_hostile(repeat: int, rows: list[Row]) -> None:
    """Validation of the two hostile corpora of benchmarks.hostile: each in about 2 s."""
    from benchmarks import hostile

    print("\n== hostile input", flush=True)
    for kind, make in sorted(hostile.KINDS.items()):
        raw = WORK / f"hostile-{kind}"
        shutil.rmtree(raw, ignore_errors=True)
        made = make(raw)
        measured = command(
            [sys.executable, "-m", "nato_corpus", "validate", str(raw), "--no-cache", "--format", "json"], repeat=repeat
        )
        records = sum(json.loads(measured.out["stdout"])["counts"].values())
        row = Row(
            "-",
            f"validate, {kind}",
            measured,
            None,
            records,
            "<= 2 s",
            None,
            measured.wall <= 2.0,
            timed="process",
            info=f"{kind}: {made}",
        )
        rows.append(row)
        print("  " + " | ".join(row.cells()), flush=True)


def growth(rows: list[Row]) -> list[Row]:
    """Time per record from one size to the next (validate), and peak memory at 1M."""
    validated = {row.size: row for row in rows if row.name == "validate raw/"}
    extra = []
    for small, large in (("10k", "100k"), ("100k", "1M")):
        if small in validated and large in validated:
            a, b = validated[small], validated[large]
            per_a = Measure(a.subject.seconds / a.records * 1e6, 0, a.subject.peak_mb)
            per_b = Measure(b.subject.seconds / b.records * 1e6, 0, b.subject.peak_mb)
            floor_growth = (b.floor.seconds / b.records) / (a.floor.seconds / a.records)
            ratio = per_b.seconds / per_a.seconds
            extra.append(
                Row(
                    large,
                    f"growth: time/record {small} -> {large}",
                    per_b,
                    per_a,
                    b.records,
                    "<= 1.3x",
                    ratio,
                    ratio <= 1.3,
                    timed="growth",
                    info=f"the floor's own growth: {floor_growth:.2f}x",
                )
            )
    if "1M" in validated:
        peak = validated["1M"].subject.peak_mb
        extra.append(
            Row(
                "1M",
                "growth: peak memory at 1M",
                validated["1M"].subject,
                None,
                validated["1M"].records,
                "< 2,048 MB",
                None,
                peak < 2048,
                timed="growth",
                info=f"{peak:,.0f} MB",
            )
        )
    return extra


# --- the report ---------------------------------------------------------------------

#: (size, error) of each size whose measurement stopped on a failed step
STOPPED: list[tuple[str, str]] = []

WHY = {
    "validate raw/": (
        "The floor is libyaml's parser alone (PyYAML's C event parser, each event made a Python object). "
        "Validation reads the same files with libyaml driven from C (curation/_yamlc.c, faster than the floor's "
        "own event objects), checks every record as plain data against the models' shapes (records/plain.py; "
        "pydantic is not imported unless a record needs its model), takes its facts and runs the cross-record "
        "checks as set operations over columns, and looks for every quotation in its capture's quotation marks."
    ),
    "re-validate, 1 file changed (cache)": (
        "Every file is read and hashed (the floor); on top come checking the changed file again (as plain data, "
        "no pydantic) and reading the index of the pack of cached facts. The change keeps the file's facts "
        "(ids, references, date bounds, spans), so the corpus's facts are those a clean run checked and the "
        "cross-record rules are not run again; only the changed quotations' words are looked for."
    ),
    "re-validate, 1 file's dates changed (cache)": (
        "As above, and since the file's facts changed, the pack's columns are opened (every quotation's ids, "
        "references, bounds and spans: 32-bit integers and a table of texts, checked as they are read) and the "
        "cross-record rules run over the whole corpus (columns and set operations), capture texts re-hashed. "
        "Would move it: the rules checked for the changed records only, against indexes kept in the pack "
        "(which ids are named where, each document's bounds)."
    ),
    "build": (
        "The floor writes the same files from memory; the build must first make them: the static site (about "
        "4 s at 10k; from 2,000 quotations made in a second process on a machine with more than one processor), "
        "PROV (about 2 s), W3C annotations (1.5 s), the CSV edition (1 s), the tables (1 s), Croissant and "
        "schema.org metadata, the data card and the timeline; and it flushes the file system once before the "
        "release's folder is renamed into place, which the floor does not (its files are written as they are "
        "made, by a thread of their own). Here the two processes and the writer share 2 cores. The target dates "
        "from when a release was its tables and descriptor (a 10k build took 2.7 s); a release now carries some "
        "15,000 files per 10k quotations, whose making the floor leaves out. Would move it: making the site's "
        "pages and the standards files several times faster (compiled), or more processors."
    ),
    "validate release (vs frictionless)": (
        "At 1k both commands are mostly Python starting up (ours imports pyarrow: 0.4 s in all); from 10k on "
        "the ratio is about 100x and grows with size, since frictionless reads Parquet row by row."
    ),
    "cold load('quotes')": (
        "Both sides import pyarrow.parquet and read the file with ParquetFile; ours also imports nato_corpus's "
        "access modules and reads the small record made when the release verified (the descriptor's and the "
        "table's sizes and times, the pin, the descriptor's resources), never the whole descriptor. On a "
        "loaded machine the remaining gap is Python importing those modules."
    ),
    "download + verify (HTTP)": (
        "The issue's target holds from 10k up. A release holds a file per site page (about 1.5 files per "
        "record), so a download is some 15,000 requests at 10k over one kept-alive connection on both sides; "
        "what ours does beyond the floor per file is to create and write it in the staging folder (the floor "
        "writes nothing), check its size, hash and path against the descriptor and record its size and time. "
        "A body is held and its file created once the next request has left, so the server works meanwhile. "
        "On this disk (ext4 mounted with discard, on a virtual disk) creating 15,000 small files takes from "
        "about 1.3 s to 17 s from one minute to the next (plain Python writes, measured), so this row follows "
        "the disk: the same download code has given 1.09x to 2.33x at 10k. Would move it: files written by a "
        "thread of their own while the next is fetched (as the build's are), or the site shipped as one archive."
    ),
    "validate, broken-references": (
        "Reported by the detailed path (pydantic models, 3,000 problems explained). The same command took "
        "1.58 s and 1.62 s in the two runs before, on the code before this round's changes; paired in one "
        "sitting against that code (farm-bench, 7 pairs) it takes 1.00x its time: the machine was slower, "
        "not the code."
    ),
    "growth": (
        "A clean corpus is validated from compact facts, not records, and capture texts are read one at a time, "
        "so what is kept per quotation is its text, ids and spans; the YAML of each file is still assembled "
        "into Python values and checked as plain data before its facts are taken."
    ),
}


def environment() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    def first(path: str, prefix: str) -> str | None:
        try:
            with open(path, encoding="utf-8") as lines:
                return next((line for line in lines if line.startswith(prefix)), None)
        except OSError:
            return None

    cpu_line, memory_line = first("/proc/cpuinfo", "model name"), first("/proc/meminfo", "MemTotal")
    cpu = cpu_line.split(":", 1)[1].strip() if cpu_line else platform.processor() or "unknown"
    memory = f"{int(memory_line.split()[1]) / 2**20:.0f} GiB" if memory_line else "unknown"
    import yaml

    libyaml = yaml._yaml.get_version_string() if getattr(yaml, "__with_libyaml__", False) else "none"
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores, {memory}; {platform.platform()}",
        (
            f"- Python {platform.python_version()}; nato-corpus {ver('nato-corpus')}; pydantic {ver('pydantic')}; "
            f"PyYAML {ver('PyYAML')} (libyaml {libyaml}); edtf {ver('edtf')}; pyarrow {ver('pyarrow')}; "
            f"frictionless {ver('frictionless')}; pooch {ver('pooch')}"
        ),
    ]


def write_results(rows: list[Row], argv: list[str], path: Path, seconds: float) -> None:
    lines = [
        "# Benchmark results",
        "",
        (
            f"Measured by `{' '.join(['python -m benchmarks.run', *argv])}`"
            f" in {seconds / 60:.1f} minutes on {time.strftime('%Y-%m-%d')}. "
            "Generated by the command; edit `benchmarks/run.py`, not this file."
        ),
        "",
        *environment(),
        "",
        (
            "Times are the best of a few runs of a fresh process; *peak MB* is the process's largest resident "
            "set (for a build that makes its site in a second process, the sum of the two processes' peaks). For command-line rows (release validation, cold load) the time is the whole process, "
            "interpreter start included; otherwise it is the call itself. Records are the corpus's records of "
            "every type (for the cold load, the rows of the table). Growth rows give µs per record."
        ),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(row.cells()) + " |" for row in rows),
        "",
        "## Notes",
        "",
        (
            "Floors: *validate raw/*: libyaml's event parser over the same files, plus reading and decoding every "
            "capture. It is the fastest way to read YAML from Python at all: `yaml.load` with the C loader is "
            "several times slower (see below), and validation assembles its values from the same events. Both "
            "clocks start before their step imports its library (PyYAML; nato_corpus with pydantic and edtf), "
            "so each side pays for its own imports and neither for starting Python; every file of the corpus is "
            "read once, untimed, before the two run in turn, so neither pays for the disk. "
            "*re-validate*: reading and hashing every file, which a cache keyed on content cannot skip. *build*: "
            "`check_raw` plus writing every file of the release it built: the tables by pyarrow with the same "
            "settings, the other files from memory (the same bytes, files and folders; no fsync). *validate release*: "
            "`frictionless validate` of the same package, with the same planted errors (a duplicate primary key, "
            "a missing required value, a broken pattern, a dangling foreign key); the ratio is its time over "
            "ours. *cold load*: a new process that imports pyarrow.parquet and reads the same Parquet file as load() "
            "reads it (`ParquetFile(path).read()`, no dataset layer). *download*: "
            "fetching the same files from the same local server (HTTP/1.1, one kept-alive connection on both "
            "sides, as download() uses) and hashing them, nothing written; both clocks start before the imports."
        ),
        "",
    ]
    for row in rows:
        if row.info:
            lines.append(f"- {row.size}, {row.name}: {row.info}.")
    if STOPPED:
        lines += ["", "### Steps that failed", ""]
        lines += [f"- {size}: {error}" for size, error in STOPPED]
    missed = {"growth" if row.name.startswith("growth") else row.name for row in rows if row.met is False}
    if missed:
        lines += ["", "### Targets missed", ""]
        for name in sorted(missed):
            lines.append(f"- **{name}**: {WHY.get(name, 'see the figures above.')}")
    lines += [
        "",
        (
            "The validation cache (`check_raw(root, cache_dir=...)`) never hides a problem: entries are keyed on "
            "each file's sha256, its record kind and a fingerprint of the library (version, the source of the "
            "modules that read and validate (the models' among them), the rules, the versions of Python, "
            "pydantic, PyYAML and edtf); any mismatch or unreadable entry is a miss (tests/test_cache.py)."
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _compile_library() -> None:
    """Write the library's bytecode, as pip does when it installs a wheel, before anything is timed.

    An editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set (as on
    this project's CI machines) Python never writes it either: every fresh process would
    compile the library's modules again, a cost the floors (PyYAML, pyarrow: installed by
    pip, compiled) do not pay and an installed library does not have.
    """
    import compileall

    import nato_corpus

    if not compileall.compile_dir(Path(nato_corpus.__file__).parent, quiet=1, workers=1):
        raise SystemExit("could not compile the library's modules (see above)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated sizes among " + ", ".join(SIZES) + " (default: 1k,10k,100k)")
    parser.add_argument(
        "--full", action="store_true", help="add 1M quotations (validation only: growth and peak memory)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measured step (best kept; default 3)")
    parser.add_argument(
        "--frictionless-max",
        default="10k",
        help="largest size at which frictionless runs (default 10k; it takes minutes at 100k)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",") if args.sizes else ["1k", "10k", "100k"] + (["1M"] if args.full else [])
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose among {', '.join(SIZES)}")
    WORK.mkdir(exist_ok=True)
    _compile_library()
    started = time.perf_counter()
    print(" | ".join(HEADER))
    rows: list[Row] = []
    for size in sizes:
        try:
            run_size(size, args.repeat, SIZES[size] <= SIZES.get(args.frictionless_max, 0), rows)
        except RuntimeError as exc:  # a step failed: the rows so far are kept, the failure is reported
            said = str(exc).strip().splitlines()
            STOPPED.append((size, f"{said[0]} {said[-1]}" if len(said) > 1 else said[0] if said else "failed"))
            print(f"  STOPPED at {size}: {STOPPED[-1][1]}", flush=True)
    run_hostile(args.repeat, rows)
    for row in growth(rows):
        rows.append(row)
        print("  " + " | ".join(row.cells()))
    write_results(rows, argv if argv is not None else sys.argv[1:], args.out, time.perf_counter() - started)
    print(f"\nwritten to {args.out}  ({(time.perf_counter() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
