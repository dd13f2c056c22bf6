"""Exports of a release in standards other tools read: W3C Web Annotations, W3C PROV,
MLCommons Croissant, schema.org, Zenodo metadata and citations; and capture verification.

Pure functions over a release's tables (`dict[str, pyarrow.Table]`), its parsed
`datapackage.json` and, where words are anchored, the captures' texts.
"""

from .annotations import Anchor, anchors, annotations

__all__ = sorted(["Anchor", "anchors", "annotations"])
