"""Compact facts of record files for the quick verdict, and the cache that keeps them between runs.

``Facts`` holds what the cross-record rules need of one record file's records, as flat
columns of plain values (no objects, no nesting: see ``COLUMNS``), so that a whole
corpus's facts are a few long lists that JSON reads and checks quickly.

``FactsCache`` keeps facts in the validation cache's folder (``cache.Cache``: header,
checksum and folder checks), in two forms:

- the *pack* of a corpus (keyed on its folder): the facts of every record file of the last
  run that found the corpus clean, each file's share still keyed on its content, and the
  captures that run checked (``verified``: capture id -> [sha256, characters]). A pack
  leaves out the quotations' words: every span in it was found, in quotation marks, in a
  capture that run checked, and stays found while that capture's record and text are
  unchanged (the quick path re-reads a file whose capture changed). A pack is written only
  after a clean verdict, and only when many files were answered from outside it.
- one entry per record file (``<kind>.facts``, keyed on its content, words kept) for
  the few files read afresh between two packs: only those are written.

A pack is stored as two lines: its *index* (each file's counts and a digest of its facts
without words, each capture text's file name and id, the captures checked), read when the
cache opens, and its *columns*, read only when a run needs them. A run whose files read
afresh have, between them, the very facts of the pack's files they replaced (an edit to a
note, a grade, a quotation's words) has the facts of the corpus the pack's run found clean
(``same_as_pack``): the cross-record rules need not run again.

Everything read back is checked column by column (types, widths, counts that add up);
anything else is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import sys
from itertools import accumulate, chain, cycle
from pathlib import Path

#: column -> the allowed types of each part of one entry (an entry is that many values in a row)
COLUMNS: dict[str, tuple[tuple[type, ...], ...]] = {
    "ids": ((str,),),
    "refs": ((str,),),
    # id, file, sha256, bytes, characters
    "captures": ((str,), (str,), (str,), (int,), (int,)),
    # id, capture or None, latest day (an ordinal) or None, whether it is a reader comment
    "documents": ((str,), (str, type(None)), (int, type(None)), (bool,)),
    # document, the document it derives from
    "edges": ((str,), (str,)),
    "evidence": ((str,),),
    # words (None in a pack), document, earliest day or None, how many spans follow in ``spans``
    "quotes": ((str, type(None)), (str,), (int, type(None)), (int,)),
    # capture, start, end, document: the spans of the quotes, in their order
    "spans": ((str,), (int,), (int,), (str,)),
}
WIDTH = {name: len(parts) for name, parts in COLUMNS.items()}


class Facts:
    """The facts of one record file (or of many, joined): a flat list per column of ``COLUMNS``."""

    __slots__ = tuple(COLUMNS)
    FIELDS = __slots__

    def __init__(self, **columns):
        for name in self.FIELDS:
            setattr(self, name, list(columns.get(name, ())))

    def extend(self, other: Facts) -> None:
        for name in self.FIELDS:
            getattr(self, name).extend(getattr(other, name))

    def entries(self, name: str) -> int:
        return len(getattr(self, name)) // WIDTH[name]

    def to_plain(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


def check_columns(plain: dict) -> None:
    """Check the columns of facts (of one file or many); raises ValueError."""
    for name, parts in COLUMNS.items():
        column = plain[name]
        if type(column) is not list or len(column) % len(parts):
            raise ValueError(f"{name} is not a list of whole entries")
        for position, allowed in enumerate(parts):
            if not set(map(type, column[position :: len(parts)])) <= set(allowed):
                raise ValueError(f"an item of {name} has the wrong type" if allowed != (str,) else f"{name}: not text")
    _check_spans(plain)


def _check_spans(plain: dict) -> None:
    """Each quote's count of spans is at least 0, and they add up to the spans there are."""
    counts = plain["quotes"][3::4]
    if any(n < 0 for n in counts) or sum(counts) * WIDTH["spans"] != len(plain["spans"]):
        raise ValueError("the quotes' spans have the wrong shape")


def facts_from_plain(plain) -> Facts:
    """Facts from the JSON a FactsCache stored, every part checked; raises ValueError otherwise."""
    if not isinstance(plain, dict) or set(plain) != set(Facts.FIELDS):
        raise ValueError("not facts")
    check_columns(plain)
    return Facts(**plain)


def _json(data: bytes):
    """JSON read back from the cache; ValueError for anything json refuses, nesting too deep included."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deep") from None


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class PackUnusable(ValueError):
    """A pack's columns, read when first needed, do not fit its index: the run must start again
    without it (``FactsCache.refuse_pack``)."""


class FactsCache:
    """Each record file's facts, in the validation cache's folder, keyed on its content (see the module).

    A run asks ``packed`` first (a file of the pack: only its count is handed back, and
    ``packed_facts`` joins the facts of all such files at the end), then ``get`` (an entry
    of its own), and hands the facts of a file read afresh to ``put``.
    """

    def __init__(self, directory, fingerprint: str):
        from .cache import Cache

        self._cache = Cache(directory, fingerprint)
        self._pack_key = ""
        #: file key -> its place in the pack (index, then per column: first entry, entries)
        self._files: dict[str, tuple[int, list[int], list[int]]] = {}
        self._columns_line = b""  # the pack's columns, as stored: decoded by _columns_of()
        self._columns: dict[str, list] | None = {}
        #: file key -> the digest of its facts without words (facts_digest), for the pack's files
        self._digests: dict[str, str] = {}
        #: capture text file name -> capture id, as the pack's run found them
        self.texts: dict[str, str] = {}
        #: capture id -> [sha256, characters] of the captures the pack's run checked
        self.verified: dict[str, list] = {}
        self._hits: list[str] = []  # the files of this run found in the pack, in the run's order
        self._used: dict[str, Facts] = {}  # the files of this run found elsewhere or read afresh
        self._fresh: dict[str, Facts] = {}
        self._order: dict[str, None] = {}  # every file of this run, in its order
        self._refused = False  # a pack found unusable this run is not read again

    def open(self, root: Path) -> None:
        """Read the pack of the corpus at ``root``, if there is a trustworthy one."""
        self._pack_key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
        self._forget()
        self._hits, self._used, self._fresh, self._order = [], {}, {}, {}
        payload = None if self._refused else self._cache.payload(self._pack_key, "facts-pack")
        if payload is None:
            return
        index, _, self._columns_line = payload.partition(b"\n")
        try:
            self._files, self._digests, self.texts, self.verified = _read_index(_json(index))
        except (ValueError, TypeError, KeyError):  # an unreadable pack is a miss
            self._forget()
            return
        self._columns = None  # not read yet

    def refuse_pack(self) -> None:
        """Read no pack again (open); one written after a clean verdict replaces it."""
        self._refused = True

    def _forget(self) -> None:
        self._files, self._columns, self._digests, self.texts, self.verified = {}, {}, {}, {}, {}
        self._columns_line = b""

    def _columns_of(self) -> dict[str, list]:
        """The pack's columns, read on first use; raises PackUnusable when they do not fit its index
        (the run cannot trust what it was told of the pack's files: it starts again without it)."""
        if self._columns is None:
            try:
                self._columns = _read_columns(self._columns_line, self._files)
            except (ValueError, TypeError, KeyError) as exc:
                raise PackUnusable(f"the pack's columns do not fit its index: {exc}") from None
            self._columns_line = b""
        return self._columns

    def same_as_pack(self) -> bool:
        """Whether this run's record files have, between them, exactly the facts (without words)
        of the files of the pack: the ones found in it, once each, and for every file of it not
        found, a file read afresh (or from an entry) of its kind with the same facts. The
        corpus's facts are then those of the run that wrote the pack, which found it clean."""
        if not self._digests:
            return False
        missing: dict[tuple[str, str], int] = {}
        for key in self._files.keys() - set(self._hits):
            pair = (key.rsplit(".", 1)[1], self._digests[key])
            missing[pair] = missing.get(pair, 0) + 1
        for key, facts in self._used.items():
            pair = (key.rsplit(".", 1)[1], facts_digest(facts))
            if not missing.get(pair):
                return False
            missing[pair] -= 1
        return not any(missing.values())

    def packed(self, digest: str, kind: str) -> int | None:
        """The number of records of a file of the pack (its facts join ``packed_facts``), else None.
        A second file with the same bytes in one run is not answered from the pack: it is read
        afresh, so every copy counts (and any copy quoting a changed capture is read again)."""
        key = f"{digest}.{kind}"
        place = self._files.get(key)
        if place is None or key in self._order:
            return None
        self._hits.append(key)
        self._order[key] = None
        return place[2][0]

    def packed_facts(self) -> Facts:
        """The facts of this run's files found in the pack, joined (neighbours in one slice)."""
        joined = Facts()
        run: list[str] = []
        for key in [*self._hits, None]:
            if run and (key is None or self._files[key][0] != self._files[run[-1]][0] + 1):
                first, last = self._files[run[0]], self._files[run[-1]]
                for name, start, end, n in zip(Facts.FIELDS, first[1], last[1], last[2], strict=True):
                    width = WIDTH[name]
                    getattr(joined, name).extend(self._columns_of()[name][start * width : (end + n) * width])
                run = []
            if key is not None:
                run.append(key)
        return joined

    def stale(self, changed: set[str]) -> list[str]:
        """This run's files of the pack with a span in one of the ``changed`` captures; they leave
        the pack's share (``packed_facts``) and must be read afresh."""
        spans = self._columns_of().get("spans", []) if self._files else []
        where = Facts.FIELDS.index("spans")
        found = []
        for key in dict.fromkeys(self._hits):
            _, start, n = self._files[key]
            if not changed.isdisjoint(spans[start[where] * 4 : (start[where] + n[where]) * 4 : 4]):
                found.append(key)
        gone = set(found)
        self._hits = [key for key in self._hits if key not in gone]
        return found

    def get(self, digest: str, kind: str) -> Facts | None:
        """The facts of a file from an entry of its own, or None when there is no trustworthy one."""
        payload = self._cache.payload(digest, f"{kind}.facts")
        if payload is None:
            return None
        try:
            found = facts_from_plain(_json(payload))
        except ValueError:  # json's errors are ValueErrors too: any unreadable entry is a miss
            return None
        self._used[f"{digest}.{kind}"] = found
        self._order[f"{digest}.{kind}"] = None
        return found

    def put(self, digest: str, kind: str, facts: Facts) -> None:
        """Keep a file's fresh facts; ``finish`` decides whether they go into a pack or an entry of their own."""
        key = f"{digest}.{kind}"
        self._used[key] = self._fresh[key] = facts
        self._order[key] = None

    def finish(self, verified: dict[str, list] | None) -> None:
        """Write what this run learnt: a new pack after a clean verdict (``verified``: the captures
        it checked) when many files came from outside the pack, else an entry per fresh file."""
        outside = len(self._used)
        if self._pack_key and verified is not None and outside > max(8, (outside + len(self._hits)) // 10):
            every = {key: self._used[key] if key in self._used else self._slice(key) for key in self._order}
            index, strings, columns = _pack(every, verified, self._digests)
            try:
                encoded = _encode_columns(strings, columns)
            except OverflowError:  # a number past 32 bits (a capture of 2 GB): entries, not a pack
                encoded = None
            if encoded is not None:
                self._cache.store(self._pack_key, "facts-pack", _dumps(index) + b"\n" + encoded)
                return
        for key, facts in self._fresh.items():
            digest, kind = key.split(".", 1)
            self._cache.store(digest, f"{kind}.facts", _dumps(facts.to_plain()))

    def _slice(self, key: str) -> Facts:
        _, start, n = self._files[key]
        return Facts(
            **{
                name: self._columns_of()[name][a * WIDTH[name] : (a + b) * WIDTH[name]]
                for name, a, b in zip(Facts.FIELDS, start, n, strict=True)
            }
        )


def facts_digest(facts: Facts) -> str:
    """A digest of a file's facts without the quotations' words (what the cross-record rules see)."""
    plain = facts.to_plain()
    plain["quotes"] = list(plain["quotes"])
    plain["quotes"][0::4] = [None] * (len(plain["quotes"]) // 4)
    return hashlib.sha256(_dumps(plain)).hexdigest()


def _pack(every: dict[str, Facts], verified: dict[str, list], known: dict[str, str]) -> tuple[dict, list, dict]:
    """The pack of a run's files (in the run's order, so the next run reads long slices):
    its index, its texts and its columns (each text as its place in the texts).
    ``known``: the facts digests of files of the last pack.

    Each text is kept once, in the texts; the columns hold its place there (ids recur in
    references, spans and documents), so that they are numbers only (``_encode_columns``).
    """
    files, columns = {}, Facts()
    for key, facts in every.items():
        files[key] = [facts.entries(name) for name in Facts.FIELDS]
        columns.extend(facts)
    columns.quotes[0::4] = [None] * (len(columns.quotes) // 4)  # the words are checked: see the module
    rows = columns.captures
    texts = {rows[i + 1]: rows[i] for i in range(0, len(rows), 5)}  # capture text file -> capture id
    strings: dict[str, int] = {}
    plain = columns.to_plain()
    for name, parts in COLUMNS.items():
        width, column = len(parts), plain[name]
        for position, allowed in enumerate(parts):
            if str in allowed:
                column[position::width] = [
                    None if value is None else strings.setdefault(value, len(strings))
                    for value in column[position::width]
                ]
    index = {
        "files": files,
        "facts": {key: known.get(key) or facts_digest(facts) for key, facts in every.items()},
        "texts": texts,
        "verified": verified,
    }
    return index, list(strings), plain


#: an absent number (None) in a pack's columns; a text's absence is -1, its place in the texts otherwise
_NONE = -(2**31)
#: a column's numbers: 32-bit integers (spans, sizes and day numbers fit; a larger one writes no pack)
_INT = "i"


def _encode_columns(strings: list[str], plain: dict) -> bytes:
    """A pack's columns as stored: a line of JSON (the texts, and each column's length), then every
    column as 32-bit little-endian integers, in the order of ``COLUMNS``.

    Numbers are read back many times faster than from JSON. Texts (as places in ``strings``) may
    be None (-1), numbers None (``_NONE``), flags are 0 or 1. OverflowError past 32 bits (or at ``_NONE``).
    """
    from array import array

    numbers = array(_INT)
    for name, parts in COLUMNS.items():
        if _NONE in plain[name]:  # a number that would read back as None (a text here is its place, not -2**31)
            raise OverflowError(f"{name} holds {_NONE}, which stands for None")
        numbers.extend(
            (-1 if str in allowed else _NONE) if value is None else int(value)
            for value, allowed in zip(plain[name], cycle(parts))
        )
    if sys.byteorder == "big":
        numbers.byteswap()
    header = {"strings": strings, "lengths": [len(plain[name]) for name in COLUMNS]}
    return _dumps(header) + b"\n" + numbers.tobytes()


def _decode_columns(data: bytes) -> dict:
    """The columns of a pack as stored (``_encode_columns``), texts and None in their places;
    raises ValueError when they are not whole, or a number is not what its place allows."""
    from array import array

    numbers = array(_INT)
    head, newline, body = data.partition(b"\n")
    header = _json(head)
    if not newline or not isinstance(header, dict) or set(header) != {"strings", "lengths"}:
        raise ValueError("not a pack")
    strings, lengths = header["strings"], header["lengths"]
    if type(strings) is not list or not set(map(type, strings)) <= {str}:
        raise ValueError("not a pack's texts")
    if (
        type(lengths) is not list
        or len(lengths) != len(COLUMNS)
        or not set(map(type, lengths)) <= {int}
        or any(n < 0 for n in lengths)
        or sum(lengths) * numbers.itemsize != len(body)
    ):
        raise ValueError("the columns' lengths do not fit their bytes")
    numbers.frombytes(body)
    if sys.byteorder == "big":
        numbers.byteswap()
    texts = [*strings, None]  # a text's place -1 is None
    found, at = {}, 0
    for (name, parts), length in zip(COLUMNS.items(), lengths, strict=True):
        width = len(parts)
        if length % width:
            raise ValueError(f"{name} is not a list of whole entries")
        values = numbers[at : at + length].tolist()
        at += length
        column: list = [None] * length
        for position, allowed in enumerate(parts):
            part = values[position::width]
            low, high = (min(part), max(part)) if part else (0, -1)
            if str in allowed:
                if low < (-1 if type(None) in allowed else 0) or high >= len(strings):
                    raise ValueError(f"{name}: not text")
                column[position::width] = list(map(texts.__getitem__, part))
            elif bool in allowed:
                if low < 0 or high > 1:
                    raise ValueError(f"{name} is not a flag where one is due")
                column[position::width] = list(map(bool, part))
            elif type(None) in allowed:
                column[position::width] = [None if n == _NONE else n for n in part]
            elif low == _NONE:
                raise ValueError(f"an item of {name} has the wrong type")
            else:
                column[position::width] = part
        found[name] = column
    return found


def _read_index(plain) -> tuple[dict, dict, dict, dict]:
    """(files, digests, texts, verified) of a pack's index, every part checked; raises ValueError otherwise.
    ``files``: file key -> (its place in the pack's order, the first entry of each column, its entries)."""
    if not isinstance(plain, dict) or set(plain) != {"files", "facts", "texts", "verified"}:
        raise ValueError("not a pack")
    files, digests, texts, verified = plain["files"], plain["facts"], plain["texts"], plain["verified"]
    if not isinstance(files, dict) or not isinstance(digests, dict) or set(digests) != set(files):
        raise ValueError("not a pack")
    if not all(type(key) is str and key.count(".") and type(value) is str for key, value in digests.items()):
        raise ValueError("not the digests of the files' facts")
    if not isinstance(texts, dict) or not all(type(v) is str for v in texts.values()):
        raise ValueError("not the captures' texts")
    if not isinstance(verified, dict) or not all(
        type(v) is list and len(v) == 2 and type(v[0]) is str and type(v[1]) is int for v in verified.values()
    ):
        raise ValueError("not the captures a run checked")
    if set(texts.values()) != set(verified) or len(texts) != len(verified):
        raise ValueError("the captures' texts are not the captures checked")
    rows, width = list(files.values()), len(Facts.FIELDS)
    if not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {width}:
        raise ValueError("not a file's counts")
    flat = list(chain.from_iterable(rows))
    if not set(map(type, flat)) <= {int} or (flat and min(flat) < 0):
        raise ValueError("not a file's counts")
    starts = [list(accumulate(flat[column::width], initial=0)) for column in range(width)]
    starts_of = zip(*(column[:-1] for column in starts), strict=True)
    places = dict(zip(files, zip(range(len(rows)), starts_of, rows, strict=True), strict=True))
    return places, digests, texts, verified


def _read_columns(data: bytes, places: dict) -> dict:
    """The columns of a pack as stored, checked against the files of its index (``_read_index``);
    raises ValueError."""
    columns = _decode_columns(data)  # every value of the type its place allows
    _check_spans(columns)
    if columns["quotes"][0::4] != [None] * (len(columns["quotes"]) // 4):
        raise ValueError("a pack holds no words")
    width = len(Facts.FIELDS)
    totals = [sum(place[2][i] for place in places.values()) for i in range(width)]
    if [total * WIDTH[name] for name, total in zip(Facts.FIELDS, totals, strict=True)] != [
        len(columns[name]) for name in Facts.FIELDS
    ]:
        raise ValueError("the files' counts do not add up to the columns")
    # each file's quotes own exactly its spans: its spans start where those of the quotes before it end
    quote_ends = list(accumulate(columns["quotes"][3::4], initial=0))
    quotes, spans = Facts.FIELDS.index("quotes"), Facts.FIELDS.index("spans")
    if [quote_ends[place[1][quotes]] for place in places.values()] != [place[1][spans] for place in places.values()]:
        raise ValueError("the spans of a file are out of place")
    return columns
