"""Every cross-record rule the validator runs: the corpus and evidence rules of ``checks``
and the curator's rules of ``workbench_checks``, in the order they run.

The quick verdict (``quick``) must decide each of them; a rule added here and not there
turns the quick path off (tests/test_quick.py holds the two to one answer).
"""

from __future__ import annotations

from . import checks, workbench_checks

CHECKS = (*checks.CHECKS, *workbench_checks.CHECKS)
