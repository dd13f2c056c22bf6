"""W3C Web Annotations for every quotation occurrence: `annotations.jsonld` in a release.

One annotation per row of `quote_occurrences`, in the Web Annotation Data Model
(https://www.w3.org/TR/annotation-model/), JSON-LD context http://www.w3.org/ns/anno.jsonld:

- target: a SpecificResource whose source is the capture, identified by its content
  (`ni:///sha-256;...`, RFC 6920) and, where the capture's page address is known, `via` it;
- selectors, alternatives for the same words: a TextQuoteSelector (exact text, with prefix
  and suffix grown until exact+context occurs once in the capture), a TextPositionSelector
  (start/end in Unicode code points, as the model defines), and the extension
  `Utf16PositionSelector` (`utf16Start`/`utf16End`: the same span in UTF-16 code units,
  which is what JavaScript's `String.slice` counts);
- body: the quotation record's id and its page in the release's site.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ...errors import UsageError
from ._common import (
    TERMS,
    by_id,
    count_occurrences,
    json_bytes,
    known,
    ni_uri,
    page_path,
    rows,
    sha256_text,
    utf16_offset,
)

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The local context that defines the extension terms (documented in the module docstring).
LOCAL_CONTEXT = {
    "nc": TERMS,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "Utf16PositionSelector": "nc:Utf16PositionSelector",
    "utf16Start": {"@id": "nc:utf16Start", "@type": "xsd:nonNegativeInteger"},
    "utf16End": {"@id": "nc:utf16End", "@type": "xsd:nonNegativeInteger"},
    "captureId": {"@id": "nc:capture", "@type": "@id"},
}
#: Context characters taken on each side to begin with, and added per round until unique.
CONTEXT_STEP = 32


@dataclass(frozen=True)
class Anchor:
    """Where one quotation occurrence sits in its capture, by position and by quote."""

    quote: str
    position: int
    capture: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def quote_context(text: str, start: int, end: int, step: int = CONTEXT_STEP) -> tuple[str, str]:
    """Prefix and suffix around text[start:end], grown by `step` until prefix+exact+suffix is unique."""
    exact = text[start:end]
    width = step
    while True:
        prefix, suffix = text[max(0, start - width) : start], text[end : end + width]
        if count_occurrences(text, prefix + exact + suffix) == 1:
            return prefix, suffix
        if start - width <= 0 and end + width >= len(text):
            raise UsageError(f"cannot make a unique quote selector for {exact!r}: it is the whole text")
        width += step


def anchors(tables: dict[str, pa.Table], captures: dict[str, str]) -> list[Anchor]:
    """Every quotation occurrence as an Anchor, in (quote, position) order.

    `captures` maps capture id -> full text (as read from raw/captures/<file>). Raises
    UsageError when a capture's text is missing or is not the text the release hashed.
    """
    meta = by_id(tables, "captures")
    checked: set[str] = set()
    result = []
    for occ in sorted(rows(tables, "quote_occurrences"), key=lambda r: (r["quote"], r["position"])):
        capture = occ["capture"]
        if capture not in captures:
            raise UsageError(
                f"no text for {capture} (needed by {occ['quote']}); pass captures read from "
                f"raw/captures/{meta.get(capture, {}).get('file', '<file>')}"
            )
        text = captures[capture]
        if capture not in checked:
            expected = meta[capture]["sha256"]
            if sha256_text(text) != expected:
                raise UsageError(
                    f"the text given for {capture} does not have the release's sha256 {expected}; "
                    "read it byte for byte from raw/captures/ (UTF-8, line ends unchanged)"
                )
            checked.add(capture)
        start, end = occ["start"], occ["end"]
        prefix, suffix = quote_context(text, start, end)
        result.append(Anchor(occ["quote"], occ["position"], capture, start, end, text[start:end], prefix, suffix))
    return result


def _annotation(anchor: Anchor, capture: dict, text: str) -> dict:
    source = {
        "id": ni_uri(capture["sha256"]),
        "type": "Text",
        "format": capture["media_type"],
        "captureId": capture["id"],
    }
    if known(capture.get("page_url")):
        source["via"] = capture["page_url"]
    body = [{"id": anchor.quote, "purpose": "identifying"}]
    page = page_path(anchor.quote)
    if page:
        body.append({"id": page, "type": "Text", "format": "text/html", "purpose": "describing"})
    return {
        "id": f"{anchor.quote}/occurrence/{anchor.position}",
        "type": "Annotation",
        "motivation": "identifying",
        "body": body,
        "target": {
            "type": "SpecificResource",
            "source": source,
            "selector": [
                {"type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix},
                {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
                {
                    "type": "Utf16PositionSelector",
                    "utf16Start": utf16_offset(text, anchor.start),
                    "utf16End": utf16_offset(text, anchor.end),
                },
            ],
        },
    }


def annotation_collection(tables: dict[str, pa.Table], descriptor: dict, captures: dict[str, str]) -> dict:
    """The annotations as one AnnotationCollection (a dict ready for JSON)."""
    meta = by_id(tables, "captures")
    items = [_annotation(a, meta[a.capture], captures[a.capture]) for a in anchors(tables, captures)]
    return {
        "@context": [ANNO_CONTEXT, LOCAL_CONTEXT],
        "id": f"{descriptor['name']}/{descriptor['version']}/annotations",
        "type": "AnnotationCollection",
        "label": f"{descriptor.get('title', descriptor['name'])}, version {descriptor['version']}: "
        "where each quotation was found",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotations(tables: dict[str, pa.Table], descriptor: dict, captures: dict[str, str]) -> dict[str, bytes]:
    """`{"annotations.jsonld": bytes}`: a W3C Web Annotation per quotation occurrence."""
    return {"annotations.jsonld": json_bytes(annotation_collection(tables, descriptor, captures))}
