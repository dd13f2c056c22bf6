"""Problems as data: the catalogue of rule codes, the Problem record and the Report.

Every problem the validator can report has a stable code, listed once in RULES with
its layer, severity, title and the hint that tells a curator what to do. The README's
rule table is generated from RULES (and a test fails when it is stale).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str
    layer: Literal["file", "schema", "corpus", "evidence", "release"]
    severity: Severity
    title: str
    hint: str


_RULES = [
    # files
    Rule("unreadable-file", "file", "error", "A file cannot be read", "Check the file's permissions, or remove it."),
    Rule(
        "not-utf8",
        "file",
        "error",
        "A file is not UTF-8",
        "Save the file as UTF-8 (captures: keep the original bytes and record them elsewhere).",
    ),
    Rule(
        "file-too-large",
        "file",
        "error",
        "A file is larger than the validator reads",
        "Split the records over several files; captures over the limit do not belong in raw/.",
    ),
    Rule("empty-file", "file", "warning", "A record file holds no records", "Add records, or delete the file."),
    Rule(
        "yaml-syntax",
        "file",
        "error",
        "A YAML file cannot be parsed",
        "Fix the YAML at the line and column given (indentation, a missing colon, an unclosed quote).",
    ),
    Rule(
        "yaml-duplicate-key",
        "file",
        "error",
        "A mapping has the same key twice",
        "Keep one of the two keys; YAML would silently drop the first.",
    ),
    Rule(
        "yaml-unsupported",
        "file",
        "error",
        "A YAML feature raw/ does not allow (aliases, tags, complex keys, deep nesting)",
        "Write plain values: no anchors/aliases (*x), no tags (!x), at most 32 levels of nesting.",
    ),
    Rule(
        "yaml-ambiguous",
        "file",
        "error",
        "A plain value YAML 1.1 and YAML 1.2 read differently (010, 1:30, 1_000, 0x1f, yes, on)",
        "Quote it if it is text; write a plain decimal number (no leading zeros, underscores or colons) or true/false if it is not.",
    ),
    Rule(
        "file-structure",
        "file",
        "error",
        "A file does not have the expected shape",
        "A record file holds a YAML list of mappings (`- id: ...`); raw/corpus.yaml holds one mapping.",
    ),
    Rule(
        "unexpected-file",
        "file",
        "error",
        "A file in a place raw/ does not use",
        "Move it: records go in raw/<type>/*.yaml, capture texts in raw/captures/*.txt (see README, 'Adding a record').",
    ),
    Rule(
        "symlink-outside",
        "file",
        "error",
        "A symbolic link points outside raw/",
        "Replace the link by the file itself.",
    ),
    Rule(
        "missing-corpus-file",
        "file",
        "error",
        "raw/corpus.yaml is missing",
        "Create raw/corpus.yaml with the corpus's name, title, version, licence and contributors.",
    ),
    # schema
    Rule(
        "missing-field",
        "schema",
        "error",
        "A required field is missing",
        "Add the field; the schema in schema/ lists every field with its description.",
    ),
    Rule(
        "unknown-field",
        "schema",
        "error",
        "A field the record type does not have",
        "Remove the field or correct its spelling; the schema in schema/ lists the fields.",
    ),
    Rule(
        "wrong-type",
        "schema",
        "error",
        "A value of the wrong type",
        "Write the value as the type given (quote a number meant as text; use a list where a list is expected).",
    ),
    Rule("invalid-choice", "schema", "error", "A value outside a closed vocabulary", "Use one of the values listed."),
    Rule(
        "invalid-identifier",
        "schema",
        "error",
        "An identifier or reference that does not follow the id pattern",
        "Write '<type>:<slug>' with the right prefix (capture, actor, doc, event, quote) and a lower-case slug.",
    ),
    Rule(
        "invalid-format",
        "schema",
        "error",
        "A value that does not match its format",
        "Write the value in the format given.",
    ),
    Rule(
        "invalid-date",
        "schema",
        "error",
        "A date that is not EDTF, or an interval that ends before it starts",
        "Write the date as EDTF (https://www.loc.gov/standards/datetime/): day, month or year precision, ~ for about, ? for uncertain, start/end for an interval.",
    ),
    Rule(
        "invalid-url",
        "schema",
        "error",
        "A URL that is not an absolute http(s) address",
        "Write the full address, starting with https:// or http://.",
    ),
    Rule(
        "missing-rationale",
        "schema",
        "error",
        "A grade without a rationale",
        "Say in a sentence why the grade was given.",
    ),
    Rule(
        "empty-value",
        "schema",
        "error",
        "An empty text or list where content is required",
        "Fill the value in, or remove the field if it is optional.",
    ),
    Rule(
        "out-of-range", "schema", "error", "A number outside its allowed range", "Use a number within the range given."
    ),
    Rule(
        "invalid-value",
        "schema",
        "error",
        "A value the record type does not accept",
        "Correct the value as the message says.",
    ),
    # corpus
    Rule(
        "duplicate-id",
        "corpus",
        "error",
        "Two records share an identifier",
        "Give one of them a new identifier (and update references to it).",
    ),
    Rule(
        "dangling-reference",
        "corpus",
        "error",
        "A reference to a record that does not exist",
        "Correct the identifier, or add the record it names.",
    ),
    Rule(
        "relation-cycle",
        "corpus",
        "error",
        "Documents copy, relay or translate each other in a circle",
        "A document cannot descend from itself: fix the direction of one relation.",
    ),
    Rule("self-reference", "corpus", "error", "A record refers to itself", "Point the reference at another record."),
    Rule(
        "capture-file-missing",
        "corpus",
        "error",
        "A capture record names a file that is not in raw/captures/",
        "Copy the capture into raw/captures/ byte for byte, or correct the file name.",
    ),
    Rule(
        "capture-unrecorded",
        "corpus",
        "error",
        "A capture file has no capture record",
        "Add a capture record for the file in raw/captures/<stem>.yaml.",
    ),
    Rule(
        "capture-id-mismatch",
        "corpus",
        "error",
        "A capture's id does not match its file name",
        "Name the capture 'capture:<file stem>' (lower case).",
    ),
    Rule(
        "capture-hash-mismatch",
        "corpus",
        "error",
        "A capture file's sha256 differs from its record",
        "Captures are never edited: restore the original bytes; if the record is wrong, correct it.",
    ),
    Rule(
        "capture-size-mismatch",
        "corpus",
        "error",
        "A capture file's size or length differs from its record",
        "Restore the original bytes, or correct bytes/characters in the record.",
    ),
    Rule(
        "span-out-of-range",
        "corpus",
        "error",
        "A character range outside the capture, or one that ends before it starts",
        "Use 0 <= start <= end <= the capture's characters.",
    ),
    Rule(
        "segment-overlap",
        "corpus",
        "warning",
        "Two segments of a capture overlap",
        "Make the segments of a capture disjoint.",
    ),
    # evidence
    Rule(
        "quote-not-found",
        "evidence",
        "error",
        "A quotation's text is not in the capture it cites",
        "Copy the text exactly from the capture (typographic quotes, non-breaking spaces and all).",
    ),
    Rule(
        "quote-near-match",
        "evidence",
        "error",
        "A quotation's text differs slightly from the closest text in the capture",
        "Copy the text exactly as the capture has it; the closest text is shown.",
    ),
    Rule(
        "quote-span-mismatch",
        "evidence",
        "error",
        "A quotation's text is in the capture, but not at the recorded span",
        "Use the span given in the message.",
    ),
    Rule(
        "quote-after-document",
        "evidence",
        "error",
        "A quotation is dated after the document it belongs to",
        "Correct the date, or explain it in date_note.",
    ),
    Rule(
        "occurrence-not-in-capture",
        "evidence",
        "error",
        "An occurrence names a document that is not held by its capture",
        "Name the document whose 'capture' is this capture (the post, comment or report that carries the words).",
    ),
    Rule(
        "translation-language",
        "evidence",
        "error",
        "A translation without its original language, or an original language on an untranslated text",
        "Set original_language for a translated quote or document (and only then), different from language.",
    ),
    Rule(
        "status-reason",
        "evidence",
        "error",
        "A disputed, misattributed or superseded record without a reason",
        "Say in status_reason why the record is not current.",
    ),
    Rule(
        "comment-as-fact",
        "evidence",
        "error",
        "A reader comment cited as evidence of an event",
        "Reader comments are opinion: cite the document the comment relays instead.",
    ),
    Rule(
        "quote-same-span",
        "evidence",
        "error",
        "Two quotation records on the same span of a capture",
        "Keep one record per quotation; when one replaces the other, set status: superseded on the old one and name the new one's id in its status_reason.",
    ),
    Rule(
        "quote-unquoted",
        "evidence",
        "warning",
        "A quotation whose words stand in no quotation marks in its capture",
        "Check the span; if the words are quoted on purpose without marks, say why in the quote's notes, in a sentence starting 'Unquoted:'.",
    ),
    Rule(
        "unused-record",
        "evidence",
        "warning",
        "An actor or capture no record refers to",
        "Refer to it from a record, or remove it.",
    ),
    # releases (nato-corpus validate dist/<version>)
    Rule(
        "release-descriptor",
        "release",
        "error",
        "The release's datapackage.json is missing or not a valid Data Package",
        "Download the release again; if you built it, rebuild it with `nato-corpus build`.",
    ),
    Rule(
        "release-file-missing",
        "release",
        "error",
        "A file the descriptor lists is missing",
        "Download the release again; a release is complete or not at all.",
    ),
    Rule(
        "release-hash-mismatch",
        "release",
        "error",
        "A file's sha256 or size differs from the descriptor",
        "The file is corrupted or was changed: download it again.",
    ),
    Rule(
        "release-index-mismatch",
        "release",
        "error",
        "The descriptor's sha256 differs from the release index",
        "The release was changed after publication: download it again, and never edit a release.",
    ),
    Rule(
        "release-notes-unchanged",
        "release",
        "error",
        "A new version's release notes are those of the previous version",
        "Describe what this version changes in `changes` in raw/corpus.yaml, then build again.",
    ),
    Rule(
        "release-table",
        "release",
        "error",
        "A table's columns, types, constraints or keys differ from its schema",
        "Rebuild the release; a published table must match its Table Schema.",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


@dataclass(frozen=True)
class Problem:
    """One problem found by the validator, with where it is and what to do."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    record: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    @classmethod
    def of(cls, code: str, message: str, *, hint: str | None = None, **where) -> Problem:
        rule = RULES[code]  # KeyError here is a bug in the validator, not bad data
        return cls(code=code, message=message, severity=rule.severity, hint=hint or rule.hint, **where)

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)


@dataclass
class Report:
    """What validation found: problems as data, record counts and a verdict."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    source: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not fail validation)."""
        return not self.errors

    def codes(self) -> Counter:
        return Counter(p.code for p in self.problems)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": dict(sorted(self.counts.items())),
            "problems": [asdict(p) for p in sorted(self.problems, key=Problem.sort_key)],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
