"""The one place the site imports the grade scales from (they are stated once, in grades)."""

from __future__ import annotations

from ...records.grades import CREDIBILITY, RELIABILITY

__all__ = ["CREDIBILITY", "RELIABILITY"]
