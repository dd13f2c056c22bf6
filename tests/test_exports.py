"""The public surface: small, sorted, documented, and every name resolves."""

from __future__ import annotations

import inspect

import nato_corpus

PUBLIC = [
    "DownloadError",
    "NatoCorpusError",
    "OfflineError",
    "Problem",
    "ReleaseExists",
    "Report",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "build",
    "check_release",
    "download",
    "info",
    "load",
    "release_on",
    "release_path",
    "tables",
    "validate",
    "versions",
]


def test_public_names_are_exactly_these():
    """Adding or removing a public name is a decision: this list changes with it."""
    assert nato_corpus.__all__ == PUBLIC
    assert sorted(nato_corpus.__all__) == nato_corpus.__all__


def test_every_public_name_resolves_and_is_documented():
    """Each public function or class exists and has a docstring."""
    for name in PUBLIC:
        value = getattr(nato_corpus, name)
        if name != "__version__":
            assert inspect.getdoc(value), name


def test_functions_are_not_shadowed_by_modules():
    """After every submodule is imported, the public functions are still functions."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(nato_corpus.__path__):
        if module.name != "__main__":
            importlib.import_module(f"nato_corpus.{module.name}")
    for name in ("build", "download", "info", "load", "tables", "validate", "versions"):
        assert callable(getattr(nato_corpus, name)) and not inspect.ismodule(getattr(nato_corpus, name)), name


def test_unknown_attribute_is_an_attribute_error():
    """A name that is not public raises AttributeError, as for any module."""
    try:
        nato_corpus.nonexistent  # noqa: B018
    except AttributeError as exc:
        assert "nonexistent" in str(exc)
    else:
        raise AssertionError("no AttributeError")
