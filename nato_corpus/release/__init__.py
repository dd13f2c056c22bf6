"""Release: turn checked records into an immutable, reproducible data package, and check one.

``layout`` is the release format, written once (file names, index, version order, hashes,
safe paths, how a folder verifies); ``tables`` and ``columns`` turn records into Arrow
tables and Table Schemas; ``card`` and ``timeline`` are what a person reads; ``build``
publishes; ``diff`` compares versions (``changes`` publishes a diff as a table);
``check`` verifies a release as a downloader would.
"""
