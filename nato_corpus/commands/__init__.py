"""The command line's sub-commands that live outside cli.py: export, verify-capture, lineage, cite."""
