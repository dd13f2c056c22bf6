"""raw/README.md's walk-through runs as written: every command, every edit, ending clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import REPO, TESTS

README = (REPO / "raw" / "README.md").read_text(encoding="utf-8")
SECTION = re.search(r"^## Walk-through.*?(?=^## )", README, re.S | re.M).group(0)
STEP = re.compile(r"(?:<!-- walk-through: (append to|replace) (\S+) -->\n)?```(sh|yaml)\n(.*?)```", re.S)


def test_the_walk_through_adds_a_page_and_its_quotations_cleanly(tmp_path):
    """Running the walk-through on a copy of raw/ records every quotation and validates clean."""
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    shutil.copy(TESTS / "data" / "workbench" / "page.txt", tmp_path / "page.txt")
    outputs = []
    for action, target, language, body in STEP.findall(SECTION):
        if language == "yaml":
            assert action, "a yaml block of the walk-through names the file it edits"
            path = tmp_path / target
            text = path.read_text(encoding="utf-8") if action == "append to" else ""
            path.write_text(text + body, encoding="utf-8")
            continue
        for line in body.splitlines():
            command = line.replace("nato-corpus", f"{sys.executable} -m nato_corpus", 1)
            done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
            assert done.returncode == 0, (line, done.stdout, done.stderr)
            outputs.append(done.stdout)
    assert len(outputs) >= 6
    assert "2 unrecorded quotation(s)" in outputs[3]
    assert outputs[-2].strip() == "0 unrecorded quotation(s)"
    assert outputs[-1].strip().splitlines()[-1].startswith("raw: clean: 0 error(s), 0 warning(s)")
