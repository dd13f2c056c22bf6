"""Curation: read raw/ with the file, line and column of every value, check it, report.

``reader`` (files and YAML with positions), ``checks`` (cross-record rules), ``evidence``
(quotations against their captures), ``validate`` (the four layers, the Report) and
``cache`` (per-file results keyed on content), and the curator's ``workbench`` (``quoting``,
``workbench_checks``). Only ``workbench.add_capture`` writes raw/ (atomically).
"""
