"""Docs that cannot drift: README's generated sections, commands and Quick start."""

from __future__ import annotations

import re

from conftest import REPO

from nato_corpus.cli import build_parser
from nato_corpus.problems import RULES
from tools import readme as _docs

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_generated_sections_are_current():
    """The scales, rule table and CLI reference in README.md match the code (run `python -m nato_corpus._docs`)."""
    assert _docs.render(README) == README


def test_every_rule_is_documented_with_an_example():
    """Every rule code is in README's table and has a committed example or release test."""
    for code in RULES:
        assert f"| `{code}` |" in README


def test_every_command_is_documented():
    """Every CLI command has a section in README.md."""
    parser = build_parser()
    (action,) = parser._subparsers._group_actions
    for name in action.choices:
        assert f"### `nato-corpus {name}`" in README


def test_quick_start_comes_first_with_two_lines():
    """README opens with '## Quick start' and a two-line sh block: set up and run, then test."""
    assert README.startswith("## Quick start\n\n```sh\n")
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert len(block) == 2
    assert "pip install" in block[0] and "nato-corpus build" in block[0]
    assert "pytest" in block[1]


def test_committed_schemas_are_current():
    """schema/ is what `nato-corpus schema` generates from the models today."""
    from nato_corpus.release import schemas as tabular

    assert tabular.stale_schemas(REPO / "schema") == []


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_readme_python_example_runs():
    """The first Python example in README.md runs as written."""
    code = _blocks("python")[0]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["quotes"].num_rows == len(namespace["df"]) > 0


def test_readme_sql_example_runs(monkeypatch):
    """The DuckDB example in README.md runs against the committed release and joins every quote."""
    import duckdb

    monkeypatch.chdir(REPO)
    sql = _blocks("sql")[0]  # the first: the release on disk (the one over HTTP: test_engine_duckdb.py)
    rows = duckdb.sql(sql).fetchall()
    occurrences = duckdb.sql("SELECT count(*) FROM 'dist/1.1.0/data/quote_occurrences.parquet'").fetchall()[0][0]
    assert len(rows) == occurrences
