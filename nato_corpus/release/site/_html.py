"""The pieces of HTML the record pages share, as the templates write them: escaping, the
filters (``words``, ``date``, ``language``, ``truncate``), the small macros of
``_macros.html`` (grades, status, language chain, "More fields") and ``base.html``.

Plain functions over strings for site/pages.py; see there for how they are checked.
"""

from __future__ import annotations

from functools import cache, lru_cache

from ._grades import CREDIBILITY, RELIABILITY
from .text import describe_date, language_name

__all__ = [
    "base_html",
    "chain",
    "cred",
    "dated",
    "esc",
    "extra_fields",
    "language",
    "notes_dl_end",
    "rel",
    "status",
    "status_line",
    "truncate",
    "words",
]


def _replace(text: str) -> str:
    """markupsafe's escaping in Python (its _native module), where its C one is absent."""
    return (
        text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")
    )


try:  # the C function markupsafe.escape itself calls on a str (a third of the time of _replace)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its compiled speed-ups
    _escape_inner = _replace


def esc(value) -> str:
    """HTML-escape a value as markupsafe.escape does (& > < ' "), for a non-Markup value."""
    return _escape_inner(value if value.__class__ is str else str(value))


def truncate(text: str, length: int, leeway: int = 5, end: str = "...") -> str:
    """Jinja's ``truncate`` filter (whole words, default leeway 5)."""
    if len(text) <= length + leeway:
        return text
    return text[: length - len(end)].rsplit(" ", 1)[0] + end


@lru_cache(maxsize=4096)  # a release repeats a few thousand values
def words(value) -> str:
    """The ``words`` filter, escaped: 'public_domain' -> 'public domain'."""
    return esc(str(value).replace("_", " "))


@lru_cache(maxsize=4096)  # a release repeats a few thousand values
def date(value) -> str:
    return esc(describe_date(value))


@lru_cache(maxsize=4096)  # a release repeats a few thousand values
def language(value) -> str:
    return esc(language_name(value))


def _grade(kind: str, scale: dict, grade) -> str:
    """The ``cred`` and ``rel`` macros."""
    label, meaning = scale[grade][0], scale[grade][1]
    g = esc(grade)
    return f'<span class="grade {kind}-{g}" title="{esc(meaning)}">{g} · {esc(label)}</span>'


@cache
def cred(grade) -> str:
    return _grade("cred", CREDIBILITY, grade)


@cache
def rel(grade) -> str:
    return _grade("rel", RELIABILITY, grade)


def status(row: dict) -> str:
    """The ``status`` macro."""
    if row.get("status") and row["status"] != "current":
        return f'<span class="status">{esc(row["status"])}</span>'
    return ""


def chain(languages) -> str:
    """The ``chain`` macro."""
    return " → ".join(language(code) for code in languages)


def extra_fields(extra) -> str:
    """The ``extra_fields`` macro."""
    if not extra:
        return ""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>\n" for k, v in extra)
    return (
        '<section aria-labelledby="more-h">\n<h2 id="more-h">More fields</h2>\n<dl class="facts">\n'
        f"{items}</dl>\n</section>\n"
    )


def status_line(row: dict) -> str:
    """A record's status and its reason (the "Status" fact of a page)."""
    reason = f": {esc(row['status_reason'])}" if row.get("status_reason") else ""
    return f"<dt>Status</dt><dd>{esc(row.get('status') or 'current')}{reason}</dd>\n"


def notes_dl_end(row: dict) -> str:
    notes = f"<dt>Notes</dt><dd>{esc(row['notes'])}</dd>" if row.get("notes") else ""
    return f"{notes}</dl>\n"


def dated(row: dict) -> str:
    """The "Date" fact: the date in words, as written, and its note."""
    note = f"<br>{esc(row['date_note'])}" if row.get("date_note") else ""
    return f"<dt>Date</dt><dd>{date(row['date'])} <code>{esc(row['date'])}</code>{note}</dd>\n"


def base_html(d: dict, root: str) -> tuple[str, str, tuple[str, str]]:
    """``base.html`` cut where a page's title, JSON-LD and main go: (head, middle, (before main, after))."""
    r, version = esc(root), esc(d["version"])
    licences = "".join(f" Licence: {esc(x['title'] or x['name'])}." for x in d["licenses"] or [])
    head = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>'
    )
    middle = (
        f' · nato-corpus {version}</title>\n<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{r}assets/site.css">\n<script type="application/ld+json">\n'
    )
    before_main = (
        "\n</script>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to content</a>\n<header class="top">\n<nav aria-label="Sections">\n'
        f'<a class="brand" href="{r}index.html">nato-corpus <span>{version}</span></a>\n<ul>\n'
        f'<li><a href="{r}quotes.html">Quotations</a></li>\n'
        f'<li><a href="{r}documents.html">Documents</a></li>\n'
        f'<li><a href="{r}events.html">Timeline</a></li>\n'
        f'<li><a href="{r}actors.html">Actors</a></li>\n'
        f'<li><a href="{r}captures.html">Captures</a></li>\n'
        "</ul>\n</nav>\n"
        f'<form class="search-box" role="search" action="{r}search.html" method="get">\n'
        '<label for="site-q" class="visually-hidden">Search all records</label>\n'
        '<input id="site-q" name="q" type="search" placeholder="Search all records">\n'
        '<button type="submit">Search</button>\n</form>\n</header>\n<main id="main" tabindex="-1">\n'
    )
    after_main = (
        f"</main>\n<footer>\n<p>{esc(d['title'])}, version {version}.{licences}"
        " Grades follow the NATO Admiralty scales: source reliability A–F, information credibility 1–6.</p>\n"
        "</footer>\n</body>\n</html>\n"
    )
    return head, middle, (before_main, after_main)
