"""release_on(date): the release that was current on a day, from the bundled index and each descriptor."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import import_module
from pathlib import Path

import pytest
from _release_fixture import make_release

import nato_corpus as nc
from nato_corpus import cli, errors

bundled_module = import_module("nato_corpus.access.bundled")
REPO = Path(__file__).resolve().parent.parent


def _release(root: Path, version: str, created: str | None, title: str = "Test corpus") -> None:
    """A fake bundled release whose descriptor declares ``created`` (left out when None), pinned in the index."""
    make_release(root, version, title=title)
    path = root / version / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor.pop("created")
    if created is not None:
        descriptor["created"] = created
    data = json.dumps(descriptor, indent=2).encode("utf-8")
    path.write_bytes(data)
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    index["versions"][version]["descriptor_sha256"] = hashlib.sha256(data).hexdigest()
    index["latest"] = max(index["versions"], key=lambda v: tuple(int(p) for p in v.split(".")))
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")


@pytest.fixture
def bundled(tmp_path, monkeypatch) -> Path:
    """Releases 1.0.0 (2026-11-22, titled Old) and 1.1.0 (2026-11-27, titled New) bundled; no mirror."""
    root = tmp_path / "bundled"
    _release(root, "1.0.0", "2026-11-22T00:00:00Z", title="Old")
    _release(root, "1.1.0", "2026-11-27T00:00:00Z", title="New")
    monkeypatch.setattr(bundled_module, "root", lambda: root)
    monkeypatch.delenv("NATO_CORPUS_URL", raising=False)
    return root


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2026-11-22", "1.0.0"),
        ("2026-11-25", "1.0.0"),
        ("2026-11-27", "1.1.0"),
        ("2031-01-01", "1.1.0"),
    ],
)
def test_the_newest_release_on_or_before_the_day(bundled, day, version):
    """A release is current from its release day until the next one; after the newest, the newest."""
    assert nc.release_on(day) == version


def test_a_date_object_is_accepted(bundled):
    """A datetime.date (or datetime) works as well as its YYYY-MM-DD text."""
    assert nc.release_on(dt.date(2026, 11, 26)) == "1.0.0"
    assert nc.release_on(dt.datetime(2026, 11, 27, 23, 59)) == "1.1.0"


def test_what_the_corpus_said_on_a_day_is_one_call(bundled):
    """load/info with version=release_on(D) read the release that was current on D."""
    assert nc.info(nc.release_on("2026-11-24"))["title"] == "Old"
    assert nc.load("quotes", version=nc.release_on("2026-11-24")).num_rows == 3


def test_a_day_before_the_first_release_is_a_usage_error(bundled):
    """Before the first release the error names that release and its day."""
    with pytest.raises(
        errors.UsageError,
        match=r"no release existed on 2026-11-21: the first, 1\.0\.0, was released on 2026-11-22",
    ):
        nc.release_on("2026-11-21")


@pytest.mark.parametrize("value", ["2026-02-30", "25/11/2026", "2026-11", "", 20261125, None])
def test_a_value_that_is_not_a_day_is_a_usage_error(bundled, value):
    """Impossible dates, other formats and non-strings are refused with the value and the form expected."""
    with pytest.raises(errors.UsageError, match=r"is not a day; give a date as YYYY-MM-DD") as caught:
        nc.release_on(value)
    assert repr(value) in str(caught.value)


def test_two_releases_on_one_day_give_the_higher_version(bundled):
    """Of two releases published the same day, the later version is current."""
    _release(bundled, "1.1.1", "2026-11-27T00:00:00Z")
    assert nc.release_on("2026-11-27") == "1.1.1"


def test_a_descriptor_without_a_release_day_is_named(bundled):
    """A bundled descriptor with no usable created is reported with its path, not guessed."""
    _release(bundled, "1.2.0", None)
    with pytest.raises(errors.NatoCorpusError, match=r"1\.2\.0/datapackage\.json declares created = None"):
        nc.release_on("2026-11-30")


def test_no_bundled_release_is_a_usage_error(tmp_path, monkeypatch):
    """With nothing bundled the error says there is no release to be current."""
    monkeypatch.setattr(bundled_module, "root", lambda: None)
    with pytest.raises(errors.UsageError, match="no release is bundled with this installation"):
        nc.release_on("2026-11-30")


def test_every_committed_release_is_current_on_its_release_day():
    """In this checkout, each release in dist/ is the answer for the day its descriptor declares."""
    index = json.loads((REPO / "dist" / "index.json").read_text(encoding="utf-8"))
    assert index["versions"]
    for version in index["versions"]:
        created = json.loads((REPO / "dist" / version / "datapackage.json").read_text(encoding="utf-8"))["created"]
        assert nc.release_on(created[:10]) == version


def test_cli_prints_the_version(bundled, capsys):
    """`nato-corpus release-on DATE` prints the version alone and exits 0."""
    assert cli.main(["release-on", "2026-11-25"]) == 0
    assert capsys.readouterr().out == "1.0.0\n"


def test_cli_bad_date_is_a_message_and_exit_2(bundled, capsys):
    """A date that is not a day exits 2 with the message on stderr and nothing on stdout."""
    assert cli.main(["release-on", "tomorrow"]) == 2
    out, err = capsys.readouterr()
    assert (
        out == ""
        and err == "error: 'tomorrow' is not a day; give a date as YYYY-MM-DD (e.g. 2026-11-25) or a datetime.date\n"
    )
