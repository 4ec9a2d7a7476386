"""Where the heads of every anchored pattern occur in one document, found in one vectorised pass.

``anchors.AnchoredPattern`` looks for its heads (the literals every match starts with) with one
regex scan per call, so a clause searched by twenty patterns is scanned twenty times, mostly to
find nothing. ``HeadIndex`` does the work once per document for all patterns together (the
multi-literal scan that ``docs/facts.md`` called for): the lower-cased text is mapped to 5-bit
codes with numpy, each position's key is looked up in tables built from the heads of all
registered patterns (heads of up to four characters by their codes, longer ones, up to eight,
whole), and every pattern gets the sorted list of document positions where one of its heads
may start. A search inside a clause (or a sentence, or any slice of the document) then bisects
that list and tries ``plain.match`` only there; ``presence`` tells, per clause, which patterns
have any candidate at all, so most searches end on one bit test.

The code alphabet is coarse (every non-ASCII character is one code, all digits another), so
the lists are supersets of the true head positions. That is enough for exact results: every
match starts at a head, so trying the candidates in order finds the first position where the
pattern matches, which is the match ``re.search`` returns (see ``anchors``). A document is not
indexed (the callers use the pattern's own scan) when lower-casing moves offsets, when it holds
a character that IGNORECASE folds onto an ASCII letter without ``str.lower`` doing so, or a
non-ASCII digit (``\\d`` heads list ASCII digits only): the same exceptions ``anchors`` makes
per text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

import numpy as np

from policies.extraction.facts import anchors
from policies.extraction.facts.prefilter import Guarded

# 5-bit codes: a-z 1..26, white space 27, digits 28, "." 29, "," 30, anything else 31; 0 pads the
# end of the text. Heads and text are coded by the same function, so a head occurrence always
# has the head's codes.
_OTHER = 31
_CODES = np.full(128, _OTHER, dtype=np.uint32)
for _i, _ch in enumerate("abcdefghijklmnopqrstuvwxyz"):
    _CODES[ord(_ch)] = _i + 1
for _ch in (c for c in map(chr, range(128)) if c.isspace()):
    _CODES[ord(_ch)] = 27
for _ch in "0123456789":
    _CODES[ord(_ch)] = 28
_CODES[ord(".")] = 29
_CODES[ord(",")] = 30
_KEY = 4  # characters per table key: 20 bits, a table of 1M entries
_LONGEST = 8  # heads are at most this long (``anchors._MAX_HEAD``)


def _code(ch: str) -> int:
    low = ch.lower()
    if len(low) != 1:  # such a character makes the document unindexable anyway
        return _OTHER
    o = ord(low)
    return int(_CODES[o]) if o < 128 else _OTHER


def _key(head: str) -> int:
    key = 0
    for ch in head:
        key = (key << 5) | _code(ch)
    return key


class _Tables:
    """Heads -> groups of patterns, for the patterns registered when it was built.

    Heads of one to four characters are looked up by the codes at a position: ``by4`` maps
    4-character keys (a 3-character head fills every fourth character), ``by2`` 2-character
    keys, ``by1`` single codes, each to a group number. Longer heads are matched whole: where
    ``long4`` marks a key as the start of one, the 8-character key there is compared with the
    sorted keys of the heads of each length (``long_keys[n]``, their groups in
    ``long_groups[n]``). ``groups[g]`` lists the slots of the patterns with a head that may
    start where group ``g`` was found. A group belongs to one of these lookups (each finds its
    positions in ascending order), so a group's positions come in order.
    """

    def __init__(self, patterns: list[anchors.AnchoredPattern]) -> None:
        self.count = len(patterns)
        short: tuple[dict[int, set[int]], ...] = ({}, {}, {})  # by4, by2, by1
        long: dict[int, dict[int, set[int]]] = {n: {} for n in range(_KEY + 1, _LONGEST + 1)}
        self.long4 = np.zeros(1 << (5 * _KEY), dtype=bool)
        for slot, pattern in enumerate(patterns):
            for head in pattern.heads:
                key = _key(head[:_LONGEST])
                if len(head) > _KEY:
                    long[min(len(head), _LONGEST)].setdefault(key, set()).add(slot)
                    self.long4[_key(head[:_KEY])] = True
                elif len(head) >= 3:
                    keys = [key] if len(head) == _KEY else [(key << 5) | c for c in range(32)]
                    for k in keys:
                        short[0].setdefault(k, set()).add(slot)
                else:
                    short[1 if len(head) == 2 else 2].setdefault(key, set()).add(slot)
        numbers: dict[tuple[int, frozenset[int]], int] = {}
        self.groups: list[tuple[int, ...]] = [()]

        def group(lookup: int, slots: set[int]) -> int:
            members = (lookup, frozenset(slots))
            if members not in numbers:
                numbers[members] = len(self.groups)
                self.groups.append(tuple(sorted(slots)))
            return numbers[members]

        self.by4 = np.zeros(1 << (5 * _KEY), dtype=np.uint16)
        self.by2 = np.zeros(1 << 10, dtype=np.uint16)
        self.by1 = np.zeros(1 << 5, dtype=np.uint16)
        for lookup, (table, entries) in enumerate(
            zip((self.by4, self.by2, self.by1), short, strict=True)
        ):
            for key, slots in entries.items():
                table[key] = group(lookup, slots)
        self.long_keys: dict[int, np.ndarray] = {}
        self.long_groups: dict[int, np.ndarray] = {}
        for n, entries in long.items():
            keys = sorted(entries)
            self.long_keys[n] = np.array(keys, dtype=np.uint64)
            self.long_groups[n] = np.array([group(n, entries[k]) for k in keys], dtype=np.uint16)
        if len(self.groups) >= 1 << 16:
            raise ValueError("too many head groups for a uint16 table")


_tables: _Tables | None = None


def _current_tables() -> _Tables:
    global _tables
    if _tables is None or _tables.count != len(anchors.registry):
        _tables = _Tables(list(anchors.registry))
    return _tables


class HeadIndex:
    """Per anchored pattern (by ``slot``), the ascending document positions where one of its
    heads may start. Build with ``HeadIndex.build``."""

    __slots__ = ("_arrays", "lists")

    def __init__(self, arrays: list[np.ndarray | None]) -> None:
        self._arrays = arrays
        # The same as lists, made on first use (most patterns run on a few clauses only).
        self.lists: list[list[int] | None] = [None] * len(arrays)

    @classmethod
    def build(cls, text: str, lower: str) -> HeadIndex | None:
        """The index of ``text`` (``lower`` is ``text.lower()``), or None when it cannot be
        exact for this text (see the module docstring)."""
        if len(lower) != len(text):
            return None
        if not text.isascii():
            if any(ch in text for ch in anchors._FOLD_TRAPS):
                return None
            points = np.frombuffer(lower.encode("utf-32-le"), dtype=np.uint32)
            wide = np.unique(points[points > 127]).tolist()
            if any(chr(p).isdigit() for p in wide):
                return None
            codes = _CODES[np.minimum(points, 127)]
            codes[points > 127] = _OTHER
        else:
            codes = _CODES[np.frombuffer(lower.encode("ascii"), dtype=np.uint8)]
        tables = _current_tables()
        n = len(codes)
        # Keys of 2 and 4 codes at every position (and 4 beyond, for the second half of a
        # long head), the text padded with code 0, which no head holds.
        padded = np.zeros(n + _LONGEST - 1, dtype=np.uint32)
        padded[:n] = codes
        m = n + _KEY
        key2 = (padded[:m] << 5) | padded[1 : m + 1]
        key4 = (key2 << 10) | (padded[2 : m + 2] << 5) | padded[3 : m + 3]
        where, groups = [], []
        lookups = ((tables.by4, key4[:n]), (tables.by2, key2[:n]), (tables.by1, codes))
        for table, keys in lookups:
            found = table[keys]
            at = np.flatnonzero(found)
            where.append(at)
            groups.append(found[at])
        at = np.flatnonzero(tables.long4[key4[:n]])
        key8 = (key4[at].astype(np.uint64) << np.uint64(5 * _KEY)) | key4[at + _KEY]
        for size, heads in tables.long_keys.items():
            if not len(heads):
                continue
            key = key8 >> np.uint64(5 * (_LONGEST - size))
            i = np.searchsorted(heads, key)
            i[i == len(heads)] = 0
            hit = heads[i] == key
            where.append(at[hit])
            groups.append(tables.long_groups[size][i[hit]])
        positions = np.concatenate(where)
        group_of = np.concatenate(groups)
        # Sort by group, positions ascending inside each group (stable), then hand each group's
        # run of positions to its patterns.
        order = np.argsort(group_of, kind="stable")
        positions, group_of = positions[order], group_of[order]
        cuts = np.flatnonzero(np.diff(group_of)) + 1
        starts = [0, *cuts.tolist()]
        ends = [*cuts.tolist(), len(group_of)]
        runs: list[list[np.ndarray]] = [[] for _ in range(tables.count)]
        firsts = group_of[starts].tolist() if len(group_of) else []
        for group, a, z in zip(firsts, starts, ends, strict=False):
            run = positions[a:z]
            for slot in tables.groups[group]:
                runs[slot].append(run)
        arrays: list[np.ndarray | None] = [
            None if not parts else parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))
            for parts in runs
        ]
        return cls(arrays)

    def presence(self, spans: list[tuple[int, int]]) -> list[int] | None:
        """Per ``(start, end)`` span, the bits (``1 << slot``) of the patterns that may match
        inside it: those with a candidate position in the span, those that can match at the
        start of the searched text (``^``) and those made after this index (not indexed). None
        unless the spans are in order and do not overlap (each position in one span at most).
        """
        if any(e > s2 for (_s, e), (s2, _e) in zip(spans, spans[1:], strict=False)):
            return None
        count = len(self._arrays)
        starts = np.array([s for s, _e in spans], dtype=np.int64)
        ends = np.array([e for _s, e in spans], dtype=np.int64)
        kept = [(slot, a) for slot, a in enumerate(self._arrays) if a is not None and len(a)]
        present = np.zeros((len(spans), count), dtype=bool)
        if kept and len(spans):
            where = np.concatenate([a for _slot, a in kept])
            slots = np.repeat([slot for slot, _a in kept], [len(a) for _slot, a in kept])
            span = np.searchsorted(starts, where, side="right") - 1
            inside = (span >= 0) & (where < ends[np.maximum(span, 0)])
            present[span[inside], slots[inside]] = True
        present[:, [p.slot for p in anchors.registry[:count] if p._at_start]] = True
        packed = np.packbits(present, axis=1, bitorder="little")
        width = packed.shape[1]
        raw = packed.tobytes()
        later = -1 << count
        return [
            int.from_bytes(raw[i : i + width], "little") | later for i in range(0, len(raw), width)
        ]

    def positions(self, slot: int) -> list[int] | None:
        """Candidate positions of pattern ``slot`` (None: not indexed, search the plain way)."""
        if slot >= len(self.lists):
            return None  # a pattern made after this index
        found = self.lists[slot]
        if found is None:
            array = self._arrays[slot]
            found = self.lists[slot] = [] if array is None else array.tolist()
        return found


def slot_bits(patterns: Iterable[object]) -> int:
    """The presence bits (``HeadIndex.presence``) one of which a clause has when one of
    ``patterns`` (anchored, or ``Guarded`` around an anchored one) can match in it; every bit
    when there are none or one is not anchored (no use gating on it)."""
    bits = 0
    for pattern in patterns:
        if type(pattern) is Guarded:
            pattern = pattern.pattern
        if type(pattern) is not anchors.AnchoredPattern:
            return -1
        bits |= 1 << pattern.slot
    return bits or -1


def _candidates(index: HeadIndex | None, pattern: object) -> list[int] | None:
    if index is None or type(pattern) is not anchors.AnchoredPattern:
        return None
    lists = index.lists
    slot = pattern.slot
    if slot < len(lists) and (found := lists[slot]) is not None:
        return found
    return index.positions(slot)


def search(
    index: HeadIndex | None, pattern: re.Pattern[str] | anchors.AnchoredPattern, hay: str, at: int
) -> re.Match[str] | None:
    """``pattern.search(hay)``, where ``hay`` is the document's text from position ``at`` (or
    its lower-cased text there)."""
    if index is None or type(pattern) is not anchors.AnchoredPattern:
        return pattern.search(hay)
    # (``_candidates`` inlined: this is the most frequent call)
    lists, slot = index.lists, pattern.slot
    found = lists[slot] if slot < len(lists) else None
    if found is None and (found := index.positions(slot)) is None:
        return pattern.search(hay)
    match = pattern.plain.match
    if pattern._at_start and (m := match(hay)) is not None:
        return m
    i = bisect_left(found, at)
    for p in found[i : bisect_left(found, at + len(hay), i)]:
        if (m := match(hay, p - at)) is not None:
            return m
    return None


def search_window(
    index: HeadIndex | None,
    pattern: re.Pattern[str] | anchors.AnchoredPattern,
    text: str,
    pos: int,
    endpos: int,
) -> re.Match[str] | None:
    """``pattern.search(text, pos, endpos)`` where ``text`` is the whole document (a match
    must lie inside the window, but look-arounds see past it)."""
    found = _candidates(index, pattern)
    if found is None:
        return pattern.search(text, pos, endpos)
    endpos = min(endpos, len(text))
    match = pattern.plain.match
    if pattern._at_start and pos == 0 and (m := match(text, 0, endpos)) is not None:
        return m
    i, n = bisect_left(found, pos), len(found)
    while i < n and (p := found[i]) < endpos:
        if (m := match(text, p, endpos)) is not None:
            return m
        i += 1
    return None


def finditer(
    index: HeadIndex | None, pattern: re.Pattern[str] | anchors.AnchoredPattern, hay: str, at: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(hay)``, ``hay`` as for ``search``."""
    found = _candidates(index, pattern)
    if found is None:
        yield from pattern.finditer(hay)
        return
    match = pattern.plain.match
    resume = 0  # where re would go on searching (relative to hay)
    if pattern._at_start and (m := match(hay)) is not None:
        yield m
        resume = m.end()
    i = bisect_left(found, at + resume)
    stop = at + len(hay)
    n = len(found)
    while i < n:
        p = found[i] - at
        i += 1
        if p < resume:
            continue
        if p + at >= stop:
            break
        if (m := match(hay, p)) is not None:
            yield m
            resume = m.end()  # never empty: patterns that can match "" are not anchored


def span(
    index: HeadIndex | None, pattern: object, at: int, end: int
) -> tuple[list[int], int, int] | None:
    """``(positions, i, j)``: ``positions[i:j]`` are the candidate positions of ``pattern`` in
    ``[at, end)`` (document positions); None when the pattern is not indexed."""
    found = _candidates(index, pattern)
    if found is None:
        return None
    i = bisect_left(found, at)
    return found, i, bisect_left(found, end, i)
