"""Shared by the engine tests: the committed release, its tables and README's examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import REPO

VERSION = "1.1.0"  # the release README's examples read
DIST = REPO / "dist"
RELEASE = DIST / VERSION
README = (REPO / "README.md").read_text(encoding="utf-8")


def parquet_tables(release: Path = RELEASE) -> list[tuple[str, str]]:
    """(table name, path inside the release) of every Parquet resource its descriptor lists."""
    descriptor = json.loads((release / "datapackage.json").read_bytes())
    return [(r["name"], r["path"]) for r in descriptor["resources"] if r.get("format") == "parquet"]


def readme_blocks(language: str) -> list[str]:
    """README.md's fenced code blocks in one language, in order."""
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)
