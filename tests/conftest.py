"""Shared fixtures: a small valid raw/ corpus, and a way to break it on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).parent
BASE = TESTS / "data" / "base"
INVALID = TESTS / "data" / "invalid"
REPO = TESTS.parent


def apply_edits(root: Path, edits: list[dict]) -> None:
    """Apply the edits of a tests/data/invalid/<code>.yaml case to a copy of the base corpus.

    Each edit names a file (relative to the raw root) and one of: old/new (replace
    text once; the old text must be there), text (write), hex (write bytes), size
    (write that many bytes), symlink (make a link), delete.
    """
    for edit in edits:
        path = root / edit["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "old" in edit:
            text = path.read_bytes().decode("utf-8")
            assert edit["old"] in text, f"{edit['old']!r} is not in {edit['file']}: the case is out of date"
            path.write_bytes(text.replace(edit["old"], edit["new"], 1).encode("utf-8"))
        elif "text" in edit:
            path.write_text(edit["text"], encoding="utf-8")
        elif "hex" in edit:
            path.write_bytes(bytes.fromhex(edit["hex"]))
        elif "size" in edit:
            with open(path, "wb") as handle:
                handle.truncate(edit["size"])
        elif "symlink" in edit:
            os.symlink(edit["symlink"], path)
        elif edit.get("delete"):
            path.unlink()
        else:
            raise ValueError(f"unknown edit {edit!r}")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's cache (validation cache, downloads)."""
    monkeypatch.setenv("NATO_CORPUS_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def base_raw(tmp_path: Path) -> Path:
    """A fresh copy of the small valid corpus in tests/data/base."""
    root = tmp_path / "raw"
    shutil.copytree(BASE, root)
    return root


def load_case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
