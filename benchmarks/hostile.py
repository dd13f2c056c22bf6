"""Corpora built to hit the validator's slowest paths on bad input: ``python -m benchmarks.hostile KIND OUT``.

Two kinds, each a small generated corpus with one hostile addition:

* ``broken-references``: 3,000 more actors, and 3,000 events each naming a participant
  whose id is one character off a real one (3,000 "did you mean" searches among 3,000+ ids);
* ``near-miss``: one capture grown to 1 MB, and a 2,000-character quotation that differs
  from a passage of it in a few characters (the closest-text search over the whole capture).

Both must validate in about two seconds (see benchmarks.run, "hostile input").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

import yaml

from benchmarks.generate import generate

BASE_QUOTES = 200
ACTORS = 3_000
BROKEN = 3_000
CAPTURE_BYTES = 1_000_000
QUOTE_CHARS = 2_000
WORDS = [
    "alliance",
    "border",
    "charter",
    "eastward",
    "enlargement",
    "guarantee",
    "membership",
    "partnership",
    "security",
    "summit",
    "treaty",
    "withdrawal",
]


def _first_document(root: Path) -> dict:
    for path in sorted((root / "documents").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            if record.get("capture"):
                return record
    raise SystemExit("the generated corpus has no document with a capture")


def broken_references(out: str | Path, seed: int = 1) -> dict:
    """A corpus with ``ACTORS`` extra actors and ``BROKEN`` events naming a misspelt one each."""
    root = Path(out)
    generate(root, BASE_QUOTES, seed)
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [
        f"{''.join(rng.choice(letters) for _ in range(6))}-{''.join(rng.choice(letters) for _ in range(8))}"
        for _ in range(ACTORS)
    ]
    actors = [f"- id: actor:{name}-{i}\n  name: {name.title()}\n  kind: person\n" for i, name in enumerate(names)]
    (root / "actors" / "hostile.yaml").write_text("".join(actors), encoding="utf-8")
    evidence = _first_document(root)["id"]
    events = []
    for i in range(BROKEN):
        name = names[i % ACTORS]
        cut = rng.randrange(len(name))
        broken = name[:cut] + rng.choice(letters) + name[cut + 1 :]
        events.append(
            f"- id: event:hostile-{i}\n  title: A meeting\n  kind: meeting\n  date: 1994-12-05\n"
            f"  participants: [actor:{broken}-{i % ACTORS}x]\n  summary: A meeting.\n  evidence: [{evidence}]\n"
            f"  credibility:\n    grade: 6\n    rationale: Generated for a benchmark.\n"
        )
    (root / "events" / "hostile.yaml").write_text("".join(events), encoding="utf-8")
    return {"actors": ACTORS, "broken": BROKEN}


def near_miss(out: str | Path, seed: int = 1) -> dict:
    """A corpus whose first captured page is grown to 1 MB and quoted, slightly wrongly, at length."""
    root = Path(out)
    generate(root, BASE_QUOTES, seed)
    rng = random.Random(seed)
    document = _first_document(root)
    stem = document["capture"].split(":", 1)[1]
    text_path = root / "captures" / f"{stem}.txt"
    original = text_path.read_text(encoding="utf-8")
    filler = []
    size = len(original)
    while size < CAPTURE_BYTES:
        word = rng.choice(WORDS)
        filler.append(word)
        size += len(word) + 1
    text = original + "\n" + " ".join(filler)
    text_path.write_bytes(text.encode("utf-8"))
    record_path = root / "captures" / f"{stem}.yaml"
    record = record_path.read_text(encoding="utf-8")
    old = yaml.safe_load(record)[0]
    data = text.encode("utf-8")
    record = record.replace(f"sha256: {old['sha256']}", f"sha256: {hashlib.sha256(data).hexdigest()}")
    record = record.replace(f"bytes: {old['bytes']}", f"bytes: {len(data)}").replace(
        f"characters: {old['characters']}", f"characters: {len(text)}"
    )
    record_path.write_text(record, encoding="utf-8")
    start = len(text) // 2
    passage = list(text[start : start + QUOTE_CHARS])
    for at in (300, 1000, 1700):
        passage[at] = "#"
    speaker = yaml.safe_load((root / "actors" / "actors-0001.yaml").read_text(encoding="utf-8"))[0]["id"]
    quote = (
        f"- id: quote:hostile-near-miss\n  text: {json.dumps(''.join(passage))}\n  speaker: {speaker}\n"
        f"  date: 1994-12-05\n  document: {document['id']}\n  occurrences:\n    - capture: {document['capture']}\n      start: {start}\n"
        f"      end: {start + QUOTE_CHARS}\n      document: {document['id']}\n  language: en\n  translated: false\n"
        f"  relays: 0\n  form: fragment\n  credibility:\n    grade: 6\n    rationale: Generated for a benchmark.\n"
    )
    (root / "quotes" / "hostile.yaml").write_text(quote, encoding="utf-8")
    return {"capture_bytes": len(data), "quote_chars": QUOTE_CHARS}


KINDS = {"broken-references": broken_references, "near-miss": near_miss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("out", help="directory to write raw/ into (replaced if it exists)")
    args = parser.parse_args(argv)
    print(json.dumps(KINDS[args.kind](args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
