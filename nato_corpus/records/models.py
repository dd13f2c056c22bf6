"""The record types of the corpus: Capture, Actor, Document, Event, Quote.

Every field is documented once, in the docstring under it; the JSON Schemas in
``schema/``, the Frictionless field descriptions and the Parquet column metadata are
generated from these docstrings.

Identifiers follow one pattern, ``<type>:<slug>``: the prefix names the record type
(``capture``, ``actor``, ``doc``, ``event``, ``quote``) and the slug is lower-case
ASCII letters and digits joined by single ``-``, ``_`` or ``.``. A reference field
has the identifier type of the record it points to, so ``speaker: actor:bill-clinton``
can only name an actor.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from . import dates
from .grades import CREDIBILITY, RELIABILITY, CredibilityGrade, ReliabilityGrade, scale_text
from .kinds import CHECKED_STATUSES, KINDS
from .plain import http_url

SLUG = r"[a-z0-9]+(?:[-_.][a-z0-9]+)*"


def _id(prefix: str) -> type[str]:
    # no description here: the docstring of the field using the type says what it means
    return Annotated[str, StringConstraints(pattern=rf"^{prefix}:{SLUG}$")]  # type: ignore[return-value]


CaptureId = _id("capture")
ActorId = _id("actor")
DocumentId = _id("doc")
EventId = _id("event")
QuoteId = _id("quote")


def _url(value: str) -> str:
    if not http_url(value):
        raise PydanticCustomError(
            "invalid_url", "must be an absolute http(s) URL with no spaces, like https://example.org/page"
        )
    return value


def _edtf(value: str) -> str:
    try:
        return dates.check(value)
    except dates.DateError as exc:
        raise PydanticCustomError(
            "invalid_date",
            "{reason} (EDTF: 1994-11-28, 1994-09, 1994~, 1994-12?, 1994-09-27/1994-09-28, or 'unknown')",
            {"reason": str(exc)},
        ) from None


Text = Annotated[str, StringConstraints(min_length=1)]
# Reusable field types. They carry no description: pydantic would prefer it over the
# docstring of the field that uses them, and the docstring is what a column means.
Url = Annotated[str, AfterValidator(_url)]
"""An absolute http(s) URL."""
EDTF = Annotated[str, AfterValidator(_edtf)]
"""An EDTF date (levels 0-1), or 'unknown'; see nato_corpus.dates."""
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]
"""A BCP 47 language tag: en, de, ru."""
Offset = Annotated[int, Field(ge=0)]
"""A character offset (Unicode code points, from 0)."""

Rights = Literal["public_domain", "copyrighted_excerpts_only", "unknown"]
Status = Literal["current", "disputed", "misattributed", "superseded"]


class Record(BaseModel):
    """Base of every record: strict, closed, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=False,
        defer_build=True,
    )


class Reliability(Record):
    grade: ReliabilityGrade = Field(
        description="Source reliability, A-F. " + scale_text(RELIABILITY),
        json_schema_extra={"labels": {k: v[0] for k, v in RELIABILITY.items()}},
    )
    rationale: Text
    """Why this grade: who produced or relayed the document and what is known of them."""


class Credibility(Record):
    grade: CredibilityGrade = Field(
        description="Information credibility, 1-6. " + scale_text(CREDIBILITY),
        json_schema_extra={"labels": {str(k): v[0] for k, v in CREDIBILITY.items()}},
    )
    rationale: Text
    """Why this grade: which sources confirm or contradict the information."""


class Segment(Record):
    kind: Literal["headline", "metadata", "main_text", "post", "comment", "furniture", "link"]
    """What this range of the capture is: the page's headline, metadata (bylines, dates, post numbers), the main text, a forum post, a reader comment, site furniture (menus, teasers, buttons), or a bare link."""
    start: Offset
    """First character of the range (Unicode code points from 0)."""
    end: Offset
    """One past the last character of the range: ``text[start:end]`` is the range."""
    note: str | None = None
    """What the range holds, in a few words."""


class Capture(Record):
    """One raw text as received, kept byte for byte in ``raw/captures/``."""

    id: CaptureId
    """Identifier: 'capture:' and the capture's file stem."""
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.txt$")]
    """File name of the capture in raw/captures/."""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    """SHA-256 of the file's bytes, lower-case hex."""
    bytes: Annotated[int, Field(ge=0)]
    """Size of the file in bytes."""
    characters: Annotated[int, Field(ge=0)]
    """Length of the decoded text in Unicode code points (the range of valid offsets)."""
    media_type: Literal["text/plain"] = "text/plain"
    """Media type of the capture."""
    encoding: Literal["utf-8"] = "utf-8"
    """Text encoding of the capture."""
    title: Text
    """The page's headline as captured (not ours)."""
    site: Text
    """The site or service the page comes from, as it names itself, or 'unknown'."""
    site_url: Url | None = None
    """Home page of that site, where the capture shows it."""
    page_url: Url | Literal["unknown"]
    """Address of the captured page itself, or 'unknown'."""
    captured: EDTF
    """When the page was captured (EDTF), or 'unknown'."""
    obtained: Text
    """How and from whom the capture was obtained, or 'unknown'."""
    rights: Rights
    """Rights in the captured text as a whole; a capture that is not public domain is not redistributed in releases, only its metadata."""
    segments: list[Segment] = []
    """The character ranges of the capture: main text versus site furniture and reader comments."""
    notes: str | None = None
    """Anything else a reader of the capture should know."""


class Actor(Record):
    """A person or body, with one canonical name."""

    id: ActorId
    """Identifier: 'actor:' and a slug of the canonical name."""
    name: Text
    """Canonical name."""
    kind: Literal[
        "person", "organization", "government", "agency", "news_agency", "publication", "website", "anonymous"
    ]
    """What the actor is."""
    aliases: list[Text] = []
    """Other names as they appear in the captures ("Clinton", "US President Bill Clinton")."""
    description: str | None = None
    """Who the actor is, as relevant to the corpus (offices held and when)."""
    wikidata: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")] | None = None
    """Wikidata item id, where known."""
    notes: str | None = None
    """Anything else, e.g. spellings the captures get wrong."""


class DocumentUrl(Record):
    kind: Literal["canonical", "archive_page", "copy", "mentioned"]
    """What the address is: the document's canonical home, the holding archive's page for it, a copy elsewhere, or an address a capture mentions."""
    url: Url
    """The address."""
    source: str | None = None
    """Where we have this address from (a capture, or a citation)."""


class Relation(Record):
    type: Literal[
        "relays", "copies", "translates", "reports_on", "cites", "describes", "comments_on", "replies_to", "part_of"
    ]
    """How this document relates to the target: relays it (passes it on), copies its text, translates it, reports on it, cites it, describes it (an archive's description of a document), comments on it, replies to it, or is part of it."""
    target: DocumentId
    """The document this one relates to."""
    note: str | None = None
    """Anything that qualifies the relation."""


# --- verification: how far a record was checked against its original

VerificationStatus = Literal["verified", "partly-verified", "relay-only", "contradicted", "not-checkable"]


class Difference(Record):
    kind: Literal["words", "date", "attribution", "other"]
    """What differs: the wording, the date, who is credited with the words or the act, or something else."""
    note: Text
    """What differs, in our own words: the two readings and where each comes from."""


class Verification(Record):
    """How far a record was checked against its original, against which copies, and with what result."""

    status: VerificationStatus
    """Result of the check: 'verified' (checked against the original or a faithful copy of it, and it agrees), 'partly-verified' (part checked and agreeing, part not checkable), 'relay-only' (known only through relays; the original was not found), 'contradicted' (the original differs from the record), 'not-checkable' (no original or independent copy exists or can be consulted)."""
    checked_against: list[DocumentId | Url] = []
    """What the record was compared with: document ids of the corpus and/or addresses of the copies actually consulted. Required for 'verified', 'partly-verified' and 'contradicted'."""
    checked_on: EDTF
    """When the check was made (EDTF)."""
    differences: list[Difference] = []
    """Every difference found between the record and the copies checked, or between two renderings."""
    rationale: Text
    """Why this status: what was found, and what could not be consulted."""

    @model_validator(mode="after")
    def _names_what_was_checked(self) -> Verification:
        if self.status in CHECKED_STATUSES and not self.checked_against:
            raise PydanticCustomError(
                "verification_unchecked",
                "status '{status}' says the record was compared with a copy, but checked_against is empty: "
                "name the document ids or URLs checked, or use 'relay-only' or 'not-checkable'",
                {"status": self.status},
            )
        return self


class Document(Record):
    """An intellectual item: a letter, note, memorandum, speech, posting, report, article, post or comment."""

    id: DocumentId
    """Identifier: 'doc:' and a slug."""
    title: Text
    """Title: the document's own, or a descriptive one in square brackets."""
    kind: Literal[
        "letter",
        "note",
        "memorandum",
        "memcon",
        "telcon",
        "cable",
        "report",
        "policy_paper",
        "speech",
        "statement",
        "memoir",
        "archive_posting",
        "archive_description",
        "news_report",
        "article",
        "forum_post",
        "reader_comment",
        "web_page",
    ]
    """What kind of document this is."""
    date: EDTF
    """When the document was written or published (EDTF), or 'unknown'."""
    date_note: str | None = None
    """Where the date comes from, if not obvious."""
    authors: list[ActorId] = []
    """Who wrote or issued it; empty when anonymous."""
    recipients: list[ActorId] = []
    """To whom it was addressed."""
    language: Language
    """Language of the document as we know it."""
    original_language: Language | None = None
    """Language it was first written in, when this document is a translation."""
    publisher: ActorId | None = None
    """Who published it (news agency, archive, site)."""
    holder: ActorId | None = None
    """Who holds the original (an archive); the custodian, not the originator."""
    urls: list[DocumentUrl] = []
    """Addresses of the document, each with its kind and where we have it from."""
    release: Literal[
        "foia_lawsuit",
        "foia_request",
        "official_publication",
        "publication",
        "self_published",
        "leak",
        "unpublished",
        "unknown",
    ]
    """How the document became public."""
    release_note: str | None = None
    """Details of the release (case numbers, dates)."""
    capture: CaptureId | None = None
    """The capture that holds this document's text, if the corpus has one."""
    relations: list[Relation] = []
    """Typed relations to other documents."""
    rights: Rights
    """Rights in the document's text."""
    reliability: Reliability
    """Reliability of the document's source (its originator, or for a relay the relaying party)."""
    verification: Verification | None = None
    """Whether the document's text, date and attribution were checked against the original or a copy of it, against what, and what differs."""
    status: Status = "current"
    """Whether the record stands, or is disputed, misattributed or superseded."""
    status_reason: str | None = None
    """Why the record is not current."""
    notes: str | None = None
    """Known discrepancies and anything else a reader should know."""


class Event(Record):
    """Something that happened on a date or over an interval."""

    id: EventId
    """Identifier: 'event:' and a slug."""
    title: Text
    """A short neutral title."""
    kind: Literal[
        "summit",
        "meeting",
        "briefing",
        "conference",
        "letter_sent",
        "speech",
        "statement",
        "phone_call",
        "visit",
        "accession",
        "policy_decision",
        "policy_paper",
        "publication",
        "memoir_published",
        "troop_withdrawal",
        "ratification",
        "other",
    ]
    """What kind of event this is."""
    date: EDTF
    """When it happened (EDTF), as precisely as the sources allow."""
    date_note: str | None = None
    """Where the date comes from, and any conflict between sources."""
    place: str | None = None
    """Where it happened, if known."""
    participants: list[ActorId] = []
    """Who took part."""
    summary: Text
    """A neutral summary in our own words."""
    evidence: Annotated[list[DocumentId], Field(min_length=1)]
    """The documents that attest the event."""
    credibility: Credibility
    """Credibility of the claim that the event happened as summarised."""
    verification: Verification | None = None
    """Whether the event was checked against the original record of it or an independent source, against what, and what differs."""
    status: Status = "current"
    """Whether the record stands, or is disputed, misattributed or superseded."""
    status_reason: str | None = None
    """Why the record is not current."""
    notes: str | None = None
    """Known discrepancies and anything else a reader should know."""


class Occurrence(Record):
    capture: CaptureId
    """The capture in which the quotation was found."""
    start: Offset
    """First character of the quoted text in the capture (without the quotation marks)."""
    end: Offset
    """One past its last character: ``capture_text[start:end] == quote.text``."""
    document: DocumentId
    """The document of the capture that carries the quotation (a post, a comment, a report)."""


class Quote(Record):
    """Words in quotation marks in a capture, attributed to who said or wrote them."""

    id: QuoteId
    """Identifier: 'quote:' and a slug."""
    text: Text
    """The exact text as it stands in the capture, quotation marks excluded."""
    speaker: ActorId
    """Who said or wrote the words."""
    addressee: ActorId | None = None
    """To whom, where known."""
    date: EDTF
    """When the words were said or written (EDTF), or 'unknown'."""
    date_note: str | None = None
    """Where the date comes from; required when the quote is dated after its document."""
    document: DocumentId
    """The document the words originally belong to (a letter, a memo, a speech)."""
    occurrences: Annotated[list[Occurrence], Field(min_length=1)]
    """Where the corpus found the words: capture and character span."""
    language: Language
    """Language of the text as it stands in the capture."""
    original_language: Language | None = None
    """Language the words were first said or written in, when the text is a translation."""
    translated: bool
    """Whether the text reaches us in translation (including a back-translation into the original language)."""
    via_languages: list[Language] = []
    """Languages the words passed through between the original and this text, in order: ['de'] for English words rendered into German and back into English. Empty when translated directly or not at all."""
    relays: Annotated[int, Field(ge=0)]
    """How many hands the words passed through between the original document and the capture (0: the capture is the original)."""
    form: Literal["sentence", "fragment"]
    """Whether the quoted text is a whole sentence (or several) or a fragment of one."""
    credibility: Credibility
    """Credibility that the words were said or written as quoted."""
    verification: Verification | None = None
    """Whether the words were checked against the original document or a copy of it, against what, and every difference found."""
    status: Status = "current"
    """Whether the record stands, or is disputed, misattributed or superseded."""
    status_reason: str | None = None
    """Why the record is not current."""
    notes: str | None = None
    """Known discrepancies with the original wording, and anything else a reader should know."""


class Corpus(Record):
    """The corpus's own description, in raw/corpus.yaml: what a release says about itself."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9._-]+$")]
    """Package name."""
    title: Text
    """Human title."""
    version: Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")]
    """Version of the release that raw/ builds (semantic versioning: MAJOR.MINOR.PATCH)."""
    description: Text
    """What the corpus is and for whom."""
    released: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    """The day this version is released (YYYY-MM-DD), declared here so that builds never read the clock."""
    homepage: Url | None = None
    """Home page of the corpus, once it has one."""
    keywords: list[Text] = []
    """Keywords."""
    license: Text
    """SPDX id of the licence of the curation (records, summaries, rationales)."""
    license_title: Text
    """Title of that licence."""
    license_url: Url
    """Address of that licence."""
    contributors: Annotated[list[dict[str, str]], Field(min_length=1)]
    """Contributors: each with title and role (Frictionless contributor objects)."""
    changes: Text
    """The curator's notes for this version, in a few sentences."""


#: type name -> (model, raw/ folder, id prefix)
_MODELS: dict[str, type[Record]] = {
    "capture": Capture,
    "actor": Actor,
    "document": Document,
    "event": Event,
    "quote": Quote,
}
RECORD_TYPES: dict[str, tuple[type[Record], str, str]] = {
    kind: (_MODELS[kind], folder, prefix) for kind, (folder, prefix) in KINDS.items()
}
