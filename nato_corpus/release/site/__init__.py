"""The static site of a release: a page per record, index pages, search, no server.

``render_site(tables, descriptor, captures)`` returns every file as bytes under
``site/``; the build writes them into ``dist/<version>/site/``.
"""

from __future__ import annotations

from .corpus import SiteDataError
from .render import render_site

__all__ = ["SiteDataError", "render_site"]
