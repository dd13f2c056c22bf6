"""The built wheel carries the latest release: in a fresh venv it loads every table offline.

The wheel is built from this checkout and pip-installed (no dependencies, no index) into a new
virtual environment. That environment sees the test environment's installed libraries
(pyarrow, pooch...) through a plain path in a .pth file, listed after its own site-packages,
so the nato_corpus it imports is the one from the wheel; the test checks that it is.
"""

from __future__ import annotations

import importlib.util
import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"


def latest_release() -> Path | None:
    try:
        latest = json.loads((DIST / "index.json").read_text(encoding="utf-8"))["latest"]
    except (OSError, ValueError, KeyError):
        return None
    folder = DIST / latest
    return folder if (folder / "datapackage.json").is_file() else None


pytestmark = [
    pytest.mark.skipif(
        latest_release() is None,
        reason="dist/ holds no release yet (no dist/index.json with a built latest version)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("hatchling") is None,
        reason="hatchling is not installed, so the wheel cannot be built offline (pip install hatchling)",
    ),
]

# Run inside the fresh venv: any socket use fails, so loading must need no network.
NO_NETWORK = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("the network was used")
socket.socket.connect = _refuse
socket.create_connection = _refuse
"""
LOAD_ALL = (
    NO_NETWORK
    + """
import json, nato_corpus as nc
print(json.dumps({
    "file": nc.__file__,
    "version": nc.info()["version"],
    "counts": {name: nc.load(name).num_rows for name in nc.tables()},
}))
"""
)


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory) -> Path:
    """A fresh venv with only the built wheel installed in it."""
    tmp = tmp_path_factory.mktemp("wheel")
    run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp / "out"),
            str(REPO),
        ]
    )
    (wheel,) = (tmp / "out").glob("nato_corpus-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "nato_corpus/_dist/index.json" in names
    # only the index and the released versions it lists: no stray build output from dist/
    released = json.loads((DIST / "index.json").read_text(encoding="utf-8"))["versions"]
    bundled = {n.split("/")[2] for n in names if n.startswith("nato_corpus/_dist/")}
    assert bundled == {"index.json", *released}
    run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")])
    python = tmp / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # Plain paths: the test environment's libraries, without running its .pth files
    # (an editable install of nato_corpus there stays invisible).
    (Path(purelib) / "test-environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


def clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NATO_CORPUS_", "PYTHON"))}
    env.update(NATO_CORPUS_OFFLINE="1", NATO_CORPUS_CACHE=str(tmp / "empty-cache"))
    return env


def test_installed_wheel_prints_the_quote_count(venv_python, tmp_path):
    """The new user's first line prints the bundled release's number of quotes."""
    expected = pq.ParquetFile(latest_release() / "data" / "quotes.parquet").metadata.num_rows
    code = "import nato_corpus as nc; print(nc.load('quotes').num_rows)"
    result = run([str(venv_python), "-c", code], cwd=tmp_path, env=clean_env(tmp_path))
    assert result.stdout.strip() == str(expected)


def test_installed_wheel_loads_every_table_offline(venv_python, tmp_path):
    """Every table of the latest release loads from the installed wheel with the network refused."""
    release = latest_release()
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    expected = {r["name"]: pq.ParquetFile(release / r["path"]).metadata.num_rows for r in descriptor["resources"]}
    result = run([str(venv_python), "-c", LOAD_ALL], cwd=tmp_path, env=clean_env(tmp_path))
    loaded = json.loads(result.stdout)
    assert (
        Path(loaded["file"]).resolve().is_relative_to(venv_python.parent.parent.resolve())
    )  # the wheel, not the checkout
    assert loaded["version"] == release.name
    assert loaded["counts"] == expected
