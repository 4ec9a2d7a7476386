"""Which clauses can hold which facts, decided for the whole document in one vectorised pass.

Every extractor and every keyword pattern registers the literals one of which any of its matches
must contain (its *cues*), and gets a bit. ``clause_masks`` maps the lower-cased document to
3-character codes once (numpy), looks each trigram up in a table of cue bits, and ORs the bits
over each clause, so a clause's mask says which extractors and patterns can match in it. A
regex then runs only where its bit is set, instead of every pattern scanning every clause
(``re`` costs tens of nanoseconds per character and pattern; this pass costs a few per character
for all of them together).

A cue of three or more characters is looked up by its rarest trigram, a shorter cue by every
trigram it starts, so the gate is a superset of "the clause contains the cue": it may let a
clause through needlessly ("sel" of "self" for "sell"), never keep one out. Characters outside
ASCII letters, digits and a little punctuation share one code, which keeps that property.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np

_F = TypeVar("_F", bound=Callable)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 @[]().-+/:'\"$,;&#%_?!*<>=|"
_SPACE = _ALPHABET.index(" ") + 1
_OTHER = 63
_CODES = np.full(128, _OTHER, dtype=np.uint32)
for _i, _ch in enumerate(_ALPHABET):
    _CODES[ord(_ch)] = _i + 1
for _ch in "\t\n\r\x0b\x0c":
    _CODES[ord(_ch)] = _SPACE
_KEYS = 1 << 18  # three 6-bit codes

_names: list[str] = []
_literals: list[tuple[str, ...]] = []
_tables: list[np.ndarray] | None = None
ALL = -1  # the mask of a clause nobody gated: every bit set


def _code(ch: str) -> int:
    o = ord(ch.lower())
    return int(_CODES[o]) if o < 128 else _OTHER


def register(name: str, literals: Iterable[str] | None) -> int:
    """A new cue bit for ``literals`` (lower case); ``None`` means "cannot tell": always set."""
    global _tables
    _tables = None
    _names.append(name)
    _literals.append(tuple(literals) if literals is not None else ("",))
    return len(_names) - 1


# Extractor -> (cue bits, patterns): what a clause needs for the extractor to find anything.
gates: dict[Callable, tuple[int, tuple[object, ...]]] = {}


def gate(bits: int, *patterns: object) -> Callable[[_F], _F]:
    """Declare that the decorated extractor finds nothing in a clause whose mask has none of
    ``bits`` (its own first check), nor where none of ``patterns`` (anchored patterns, or
    ``Guarded`` ones) can match, so ``extract_facts`` need not call it there. The patterns are
    checked with the document's head index (``headindex.slot_bits``)."""

    def declare(extractor: _F) -> _F:
        gates[extractor] = (bits, patterns)
        return extractor

    return declare


# English letters from most to least frequent: a trigram of rare letters gates more sharply.
_FREQUENT = "etaoinsrhldcumfpgwybvkxjqz"


def _rarity(trigram: str) -> int:
    return sum(_FREQUENT.index(ch) if ch in _FREQUENT else 20 for ch in trigram)


def _trigram_keys(literal: str) -> np.ndarray:
    """The table keys that stand for ``literal``: its rarest trigram, or every trigram a
    shorter literal starts."""
    if len(literal) > 3:
        literal = max((literal[i : i + 3] for i in range(len(literal) - 2)), key=_rarity)
    codes = [_code(ch) for ch in literal[:3]]
    base = 0
    for c in codes:
        base = (base << 6) | c
    free = 3 - len(codes)  # positions after a short cue take any code
    return base * (1 << (6 * free)) + np.arange(1 << (6 * free), dtype=np.int64)


def _build() -> list[np.ndarray]:
    columns = (len(_names) + 63) // 64
    tables = [np.zeros(_KEYS, dtype=np.uint64) for _ in range(columns)]
    for bit, literals in enumerate(_literals):
        table, value = tables[bit // 64], np.uint64(1 << (bit % 64))
        for literal in literals:
            keys = _trigram_keys(literal)
            table[keys] |= value
    return tables


def _codes(lower: str) -> np.ndarray:
    points = np.frombuffer(lower.encode("utf-32-le"), dtype=np.uint32)
    codes = _CODES[np.minimum(points, 127)]
    codes[points > 127] = _OTHER
    return codes


def clause_masks(lower: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each ``(start, end)`` span of ``lower`` (the lower-cased document), the OR of the
    cue bits of the trigrams starting inside it."""
    global _tables
    if not spans:
        return []
    if _tables is None:
        _tables = _build()
    n = len(lower)
    if n == 0:
        return [0] * len(spans)
    c = np.concatenate([_codes(lower), np.zeros(2, dtype=np.uint32)])
    # One key per position, plus a final zero key so a span may end at ``n``.
    trigrams = np.empty(n + 1, dtype=np.uint32)
    trigrams[:n] = (c[:-2] << 12) | (c[1:-1] << 6) | c[2:]
    trigrams[n] = 0
    bounds = np.empty(2 * len(spans), dtype=np.int64)
    bounds[0::2] = [min(max(s, 0), n) for s, _e in spans]
    bounds[1::2] = [min(max(e, 0), n) for _s, e in spans]
    masks = [0] * len(spans)
    for column, table in enumerate(_tables):
        bits = table[trigrams]
        # reduceat ORs bits[b[i]:b[i+1]]; the even slots are the clauses, the odd ones gaps.
        ored = np.bitwise_or.reduceat(bits, bounds)[0::2].tolist()
        shift = 64 * column
        for i, value in enumerate(ored):
            if value:
                masks[i] |= value << shift
    for i, (s, e) in enumerate(spans):
        if e <= s or s >= n:
            masks[i] = 0  # reduceat gives one element for an empty slice
    return masks
