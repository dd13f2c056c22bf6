"""Who made a release and how to cite it, from its descriptor: one rule, used everywhere.

The build writes the citation into the descriptor (``x_citation``), the data card and
CITATION.cff; ``nato_corpus.info()`` reads it back. All of them call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: contributor roles that make an author of the data set
AUTHOR_ROLES = ("author", "creator")


def authors(contributors: Any) -> list[str]:
    """The names to cite: contributors whose role is author or creator, else every named one.

    >>> authors([{"title": "A. Author", "role": "author"}, {"title": "E. Ditor", "role": "editor"}])
    ['A. Author']
    """
    named = [c for c in contributors or [] if isinstance(c, Mapping) and isinstance(c.get("title"), str)]
    chosen = [c["title"] for c in named if c.get("role", "author") in AUTHOR_ROLES]
    return chosen or [c["title"] for c in named] or ["nato-corpus contributors"]


def citation(descriptor: Mapping[str, Any]) -> str:
    """One citation line for the release a descriptor describes.

    >>> citation({"title": "NATO corpus", "version": "1.0.0", "created": "2026-01-02T00:00:00Z",
    ...           "contributors": [{"title": "A. Author", "role": "author"}]})
    'A. Author (2026). NATO corpus, version 1.0.0 [data set].'
    """
    year = str(descriptor.get("created") or "")[:4]
    when = f" ({year})" if year.isdigit() else ""
    title = descriptor.get("title") or descriptor.get("name") or "nato-corpus"
    line = f"{'; '.join(authors(descriptor.get('contributors')))}{when}. {title}, version {descriptor.get('version', '?')} [data set]."
    homepage = descriptor.get("homepage")
    return f"{line} {homepage}" if isinstance(homepage, str) and homepage else line
