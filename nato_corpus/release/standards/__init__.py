"""Exports of a release in standards other tools read: W3C Web Annotations, W3C PROV,
MLCommons Croissant, schema.org, Zenodo metadata and citations; and capture verification.

Pure functions over a release's tables (`dict[str, pyarrow.Table]`), its parsed
`datapackage.json` and, where words are anchored, the captures' texts.
"""

from .annotations import Anchor, anchors, annotations
from .citation import cite
from .discovery import croissant, dataset_jsonld, zenodo_json
from .lineage import lineage
from .provenance import provenance
from .verify import CaptureVerification, OccurrenceCheck, anchors_from_annotations, verify_capture

__all__ = [
    "Anchor",
    "CaptureVerification",
    "OccurrenceCheck",
    "anchors",
    "anchors_from_annotations",
    "annotations",
    "cite",
    "croissant",
    "dataset_jsonld",
    "lineage",
    "provenance",
    "verify_capture",
    "zenodo_json",
]
