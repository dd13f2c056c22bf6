"""Generated sections of README.md: the grade scales, the rule table, the CLI reference.

`python tools/readme.py` rewrites them; tests/test_docs.py fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def scales() -> str:
    from nato_corpus.records.grades import CREDIBILITY, RELIABILITY

    lines = ["| source reliability | | information credibility | |", "|---|---|---|---|"]
    for (r, (r_label, _)), (c, (c_label, _)) in zip(RELIABILITY.items(), CREDIBILITY.items(), strict=False):
        lines.append(f"| **{r}** | {r_label} | **{c}** | {c_label} |")
    return "\n".join(lines)


def rules() -> str:
    from nato_corpus.problems import RULES

    lines = ["| code | layer | severity | what it means | how to fix it |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| `{rule.code}` | {rule.layer} | {rule.severity} | {rule.title} | {rule.hint} |")
    return "\n".join(lines)


def cli() -> str:
    import argparse
    import inspect

    from nato_corpus.cli import build_parser

    parser = build_parser()
    sections = []
    for action in parser._subparsers._group_actions:  # argparse keeps sub-commands here
        for name, sub in action.choices.items():
            formatter = argparse.RawDescriptionHelpFormatter(sub.prog, width=100)  # fixed width: no terminal dependence
            formatter.add_usage(sub.usage, sub._actions, sub._mutually_exclusive_groups, prefix="")
            usage = formatter.format_help().strip()
            sections.append(f"### `nato-corpus {name}`\n\n```\n{usage}\n\n{inspect.cleandoc(sub.description)}\n```")
    return "\n\n".join(sections)


def benchmarks() -> str:
    """The results table of benchmarks/RESULTS.md (written by `python -m benchmarks.run`)."""
    results = Path(__file__).resolve().parent.parent / "benchmarks" / "RESULTS.md"
    if not results.is_file():
        return "(no results yet: run `python -m benchmarks.run`)"
    lines = results.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    machine = [line for line in lines[:start] if line.startswith("- ")]
    return "\n".join(machine + [""] + lines[start:end])


SECTIONS = {"scales": scales, "rules": rules, "cli": cli, "benchmarks": benchmarks}


def render(text: str) -> str:
    """README text with every generated section replaced by its current content."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        content = make()
        text = pattern.sub(lambda m, content=content: m.group(1) + content + "\n" + m.group(2), text)
    return text


def main(readme: str = "README.md") -> int:
    path = Path(readme)
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
