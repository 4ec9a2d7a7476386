"""Regexes that skip to where a match can begin, with exactly ``re``'s results.

``re`` finds no literal prefix in a pattern such as ``\\b(?:(?:full |first )?names?|e-?mail)``
(a word boundary, optional groups, alternations), so it attempts a match at every character:
tens of nanoseconds per character and pattern. ``compile`` derives from the parsed pattern the
literal *heads* one of which every match starts with ("full ", "first ", "name", "e-mail",
"email"), finds the heads with one literal-prefixed scan, and tries the real pattern only where a
head starts. Because every match starts at a head, the first head at which the pattern matches
is the match ``re`` itself would find, so results (spans, groups, iteration) are identical.

Patterns whose heads cannot be derived (a leading ``\\w``, ``\\S``, ``.``, a large character
class, back-references), that can match the empty string, or whose heads include a lone space or
common letter stay plain ``re`` patterns (``AnchoredUnless`` rescues a pattern spoilt by
alternatives that need a rare character). Every anchored pattern is listed in ``registry``, from
which ``headindex`` finds the heads of all of them in a whole document at once; the pattern's own
scan (and ``HeadScan``, the same for several patterns: the labels of a keyword table) serve
texts without such an index. See "Speed" in ``docs/facts.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from re import (
    _constants as C,  # noqa: N812  (the parser's opcode names)
    _parser,
)

from policies.extraction.facts.prefilter import top_level_alternatives

# Heads longer than this add nothing to selectivity; more heads than this scan slower than re.
_MAX_HEAD = 8
_MAX_HEADS = 120
# Texts shorter than this are searched the plain way: finding heads costs more than it saves.
_SHORT = 16
_MAX_CLASS = 10  # a character class of up to this many characters becomes single-character heads
_MANY_FIRSTS = 12  # see _head_scan
# Characters that IGNORECASE matches to an ASCII letter although ``str.lower`` does not map them
# to it (Kelvin sign, long s, dotless i, dotted I): text holding one is searched the plain way.
_FOLD_TRAPS = frozenset("\u212a\u017f\u0131\u0130")

# One-character heads so frequent (a space, a common letter) that jumping from one to the next
# costs more than ``re``'s own scan (measured: 2.5x slower for the sentence-end pattern).
_FREQUENT = frozenset(" \t\n\r" + "etaoinshrdlu")
# Every character ``\\s`` matches (str.isspace; none lies above U+3000).
_SPACES = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())
# Stands for "the start of the string" among the heads of a pattern beginning with ``^``/``\\A``.
_START = "\x00^"
_multiline = False  # whether the pattern being analysed has re.MULTILINE (``^`` at every line)

_Heads = set[tuple[str, bool]]  # (literal prefix, whether the prefix is the whole match so far)

# Every anchored pattern made so far, in order (see ``AnchoredPattern.slot``).
registry: list[AnchoredPattern] = []


def _item_heads(op, av, ignorecase: bool) -> _Heads | None:
    if op is C.AT and av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
        return None if _multiline else {(_START, False)}
    if op is C.LITERAL:
        ch = chr(av)
        return {(ch.lower() if ignorecase else ch, True)}
    if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
        return {("", True)}  # zero width: does not move the start
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return None
        return _seq_heads(list(sub), ignorecase)
    if op is C.BRANCH:
        out: _Heads = set()
        for alternative in av[1]:
            heads = _seq_heads(list(alternative), ignorecase)
            if heads is None:
                return None
            out |= heads
        return _shrink(out)
    if op is C.IN:
        chars: set[str] = set()
        spaces: set[str] = set()
        for kind, value in av:
            if kind is C.LITERAL:
                chars.add(chr(value))
            elif kind is C.RANGE and value[1] - value[0] < _MAX_CLASS:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is C.CATEGORY and value is C.CATEGORY_DIGIT:
                chars.update("0123456789")  # ASCII digits only: see _text_info
            elif kind is C.CATEGORY and value is C.CATEGORY_SPACE:
                spaces.update(_SPACES)
            else:
                return None
        if ignorecase:
            chars = {ch.lower() for ch in chars}
        if len(chars) > _MAX_CLASS:
            return None
        chars |= spaces
        return {(ch, True) for ch in chars}
    if op is C.MAX_REPEAT or op is C.MIN_REPEAT or op is C.POSSESSIVE_REPEAT:
        lo, hi, sub = av
        heads = _seq_heads(list(sub), ignorecase)
        if heads is None:
            return None
        out = {(h, is_open and hi == 1) for h, is_open in heads}
        if lo == 0:
            out.add(("", True))
        return out
    return None


def _shrink(heads: _Heads) -> _Heads:
    """At most _MAX_HEADS heads: too many combinations are cut to shorter (still valid)
    prefixes, which stop growing."""
    while len(heads) > _MAX_HEADS:
        cut = max(len(h) for h, _open in heads) - 1
        if cut <= 0:
            break
        heads = {(h[:cut], is_open and len(h) <= cut) for h, is_open in heads}
    return heads


def _seq_heads(items: list, ignorecase: bool) -> _Heads | None:
    heads: _Heads = {("", True)}
    for op, av in items:
        if not any(is_open and len(h) < _MAX_HEAD for h, is_open in heads):
            break
        item = _item_heads(op, av, ignorecase)
        grown: _Heads = set()
        for h, is_open in heads:
            if not is_open or len(h) >= _MAX_HEAD or item is None:
                grown.add((h, False))
            else:
                grown.update((h + s, o) for s, o in item)
        heads = _shrink(grown)
    return heads


def _at_word_start(items: list) -> bool:
    """Whether every match of ``items`` begins with ``\\b`` (then, as its heads start with a word
    character, at the start of a word)."""
    if not items:
        return False
    op, av = items[0]
    if op is C.AT:
        return av in (C.AT_BOUNDARY, C.AT_UNI_BOUNDARY)
    if op is C.SUBPATTERN:
        return _at_word_start(list(av[3]))
    if op is C.BRANCH:
        return all(_at_word_start(list(alternative)) for alternative in av[1])
    return False


@functools.lru_cache(maxsize=8)
def _parse(pattern: str, flags: int):
    """The parsed pattern (read, never changed), shared by ``derive_heads`` and ``word_start``."""
    return _parser.parse(pattern, flags)


def word_start(pattern: str, flags: int = 0) -> bool:
    """Whether every match of ``pattern`` starts at a word boundary."""
    return _at_word_start(list(_parse(pattern, flags)))


def derive_heads(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Literals one of which every match of ``pattern`` starts with (lower case under
    IGNORECASE; ``_START`` for "at the start of the string"); None when they cannot be derived
    or one of them would be empty."""
    global _multiline
    parsed = _parse(pattern, flags)
    if parsed.getwidth()[0] == 0:
        return None  # an empty match: finditer's rules for those are not reproduced here
    ignorecase = bool(parsed.state.flags & re.IGNORECASE)
    _multiline = bool(parsed.state.flags & re.MULTILINE)
    heads = _seq_heads(list(parsed), ignorecase)
    if heads is None:
        return None
    literals = {h[:_MAX_HEAD] for h, _open in heads}
    if "" in literals:
        return None
    # A head that starts with another head is redundant: the shorter one is found first.
    kept = sorted(literals, key=len)
    minimal: list[str] = []
    for h in kept:
        if not any(h.startswith(m) for m in minimal):
            minimal.append(h)
    if len(minimal) > _MAX_HEADS:
        return None
    return tuple(sorted(minimal))


class AnchoredPattern:
    """A compiled pattern whose ``search``/``finditer`` jump from head to head (see module doc).

    Every other attribute (``sub``, ``match``, ``pattern``, ``flags`` ...) is the plain pattern's.
    """

    __slots__ = (
        "_at_start", "_digits", "_heads", "_lower", "heads", "plain", "slot", "word_start",
    )  # fmt: skip

    def __init__(self, plain: re.Pattern[str], heads: tuple[str, ...]) -> None:
        self.plain = plain
        # Its number in ``registry``: the document head index (``headindex``) lists, per
        # pattern, where its heads occur.
        self.slot = len(registry)
        registry.append(self)
        self._at_start = _START in heads  # also try position 0 (``^`` never matches later)
        self.heads = tuple(h for h in heads if h != _START)
        self._lower = bool(plain.flags & re.IGNORECASE)
        self._digits = any(h[:1].isdigit() for h in self.heads)
        # Heads that can only start a word may be looked for after ``\\b`` (``_head_scan``). On a
        # lower-cased or sliced text ``\\b`` can only differ at the slice start, where it lets a
        # head through needlessly, never misses one.
        self.word_start = (
            bool(self.heads)
            and not plain.flags & re.ASCII  # an ASCII \\b is a boundary where a Unicode one is not
            and word_start(plain.pattern, plain.flags)
            and all(h[0].isalnum() or h[0] == "_" for h in self.heads)
        )
        trie = _trie(self.heads) if self.heads else "(?!)"
        self._heads = re.compile(_head_scan(trie, self.heads, self.word_start))

    def __getattr__(self, name: str):
        return getattr(self.plain, name)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        if end - pos < _SHORT or self._at_start:
            return next(self._matches(text, pos, end), None)
        # The loop of ``_matches`` without a generator: search is the most frequent call.
        base = pos if 4 * (end - pos) < len(text) else 0
        hay = text[base:end] if base or end < len(text) else text
        if self._lower or self._digits:
            low, digits_safe = _text_info(hay, self._digits)
            if (self._digits and not digits_safe) or (self._lower and low is None):
                return self.plain.search(text, pos, end)
            if self._lower:
                hay = low
        find, match = self._heads.search, self.plain.match
        at = pos - base
        while (h := find(hay, at)) is not None:
            m = match(text, base + h.start(), end)
            if m is not None:
                return m
            at = h.start() + 1
        return None

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        return self._matches(text, pos, len(text) if endpos is None else endpos)

    def _matches(self, text: str, pos: int, end: int) -> Iterator[re.Match[str]]:
        if end - pos < _SHORT:
            yield from self.plain.finditer(text, pos, end)
            return
        # Heads are looked for in ``hay``, which is ``text[base:end]`` (lower-cased under
        # IGNORECASE); a small window of a long text is sliced rather than analysed whole.
        base = pos if 4 * (end - pos) < len(text) else 0
        hay = text[base:end] if base or end < len(text) else text
        if self._lower or self._digits:
            low, digits_safe = _text_info(hay, self._digits)
            if (self._digits and not digits_safe) or (self._lower and low is None):
                yield from self.plain.finditer(text, pos, end)
                return
            if self._lower:
                hay = low
        find, match = self._heads.search, self.plain.match
        at = pos - base
        if pos == 0 and self._at_start and (m := match(text, 0, end)) is not None:
            yield m
            at = m.end()
        while (h := find(hay, at)) is not None:
            m = match(text, base + h.start(), end)
            if m is None:
                at = h.start() + 1
                continue
            yield m
            at = m.end() - base  # never empty: patterns that can match "" are not anchored

    def findall(self, text: str, pos: int = 0, endpos: int | None = None) -> list:
        end = len(text) if endpos is None else endpos
        if self.plain.groups:
            return self.plain.findall(text, pos, end)
        return [m.group(0) for m in self.finditer(text, pos, end)]


# What ``_text_info`` found for the last few texts (id -> (text, lowered, digits_safe)):
# extractors run many patterns over one clause's text and its lower-cased copy in turn.
_seen: dict[int, tuple[str, str | None, bool]] = {}
_SEEN_MAX = 8


def _text_info(text: str, digits: bool) -> tuple[str | None, bool]:
    """``(lowered, digits_safe)``: ``text.lower()`` when it keeps offsets and IGNORECASE folds
    nothing else onto ASCII letters, else None; whether every digit in ``text`` is ASCII (``\\d``
    heads list only ASCII digits), computed only when ``digits`` asks (else True)."""
    hit = _seen.get(id(text))
    if hit is not None and hit[0] is text and (hit[2] or not digits):
        return hit[1], hit[2] or not digits
    low: str | None = text.lower()
    digits_safe = True
    if not text.isascii():
        if len(low) != len(text) or any(ch in text for ch in _FOLD_TRAPS):
            low = None
        if digits:
            digits_safe = not any(ch.isdigit() and not ch.isascii() for ch in set(text))
    if len(_seen) >= _SEEN_MAX:
        _seen.clear()
    # digits_safe is stored as False when unknown, so a later digits query recomputes it.
    _seen[id(text)] = (text, low, digits_safe and (digits or text.isascii()))
    return low, digits_safe


def _head_scan(trie: str, heads: tuple[str, ...], at_words: bool) -> str:
    """The regex that finds heads. ``re`` skips quickly to the characters that can start one;
    when those are most letters, a leading ``\\b`` (heads of word-start patterns) skips the
    inside of words instead, which is faster then (and ~3x slower for a few rare letters)."""
    if at_words and len({h[0] for h in heads}) > _MANY_FIRSTS:
        return rf"\b(?:{trie})"
    return trie


def _trie(words: tuple[str, ...]) -> str:
    """An alternation of ``words`` with shared prefixes factored out ("pa|po" -> "p(?:a|o)"):
    ``re`` then tests each character once instead of once per word."""
    if len(words) == 1:
        return re.escape(words[0])
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(w[1:])
    alternatives = []
    for first, rests in sorted(by_first.items()):
        if "" in rests:  # a word ends here; heads are minimal, so nothing else shares it
            alternatives.append(re.escape(first))
        else:
            alternatives.append(
                re.escape(first) + "(?:" + _trie(tuple(rests)) + ")"
                if len(rests) > 1
                else re.escape(first) + re.escape(rests[0])
            )
    return alternatives[0] if len(alternatives) == 1 else "|".join(alternatives)


class AnchoredUnless:
    """A pattern that cannot be anchored only because of alternatives that need ``char`` (such
    as ``\\S+@\\S+``, which ``re`` tries at every character): in a text without ``char`` those
    alternatives match nowhere, so the pattern less them (``without``, anchored) finds exactly
    the same matches there; a text with ``char`` is searched with the whole pattern.

    Precondition: every top-level alternative in which ``char`` occurs needs it to match.
    """

    __slots__ = ("char", "flags", "full", "pattern", "without")

    def __init__(self, source: str, char: str, flags: int = 0) -> None:
        self.char = char
        self.full = re.compile(source, flags)
        self.pattern, self.flags = source, self.full.flags
        kept = [a for a in top_level_alternatives(source) if char not in a]
        self.without = compile("|".join(kept), flags)

    def for_text(self, text: str) -> AnchoredPattern | re.Pattern[str]:
        """The pattern that finds this pattern's matches in ``text``."""
        return self.full if self.char in text else self.without

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        return self.for_text(text).search(text, pos, end)

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        return self.for_text(text).finditer(text, pos, end)


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds one of the literal ``words`` wherever one occurs (for presence
    tests: which word it reports is unspecified). Words that start with another word are
    dropped (the shorter one occurs wherever they do), the rest become a trie, which ``re``
    tests in one pass per position instead of one per word."""
    every = sorted(set(words), key=len)
    minimal: list[str] = []
    for w in every:
        if not any(w.startswith(m) for m in minimal):
            minimal.append(w)
    return re.compile(_trie(tuple(sorted(minimal))))


class HeadScan:
    """One scan of a text for the heads of several case-sensitive anchored patterns at once
    (a keyword table's labels), giving each pattern the positions where one of its heads starts.

    ``plain.match`` at those positions, in order, finds what ``finditer`` would: one scan instead
    of one per pattern.
    """

    def __init__(self, patterns: list[AnchoredPattern]) -> None:
        for p in patterns:
            if p._lower or p._digits or p._at_start:
                raise ValueError("HeadScan needs case-sensitive patterns without digit heads")
        every = sorted({h for p in patterns for h in p.heads}, key=len)
        minimal: list[str] = []
        for h in every:
            if not any(h.startswith(m) for m in minimal):
                minimal.append(h)
        trie = _trie(tuple(sorted(minimal)))
        at_words = all(p.word_start for p in patterns)
        self._scan = re.compile(_head_scan(trie, tuple(minimal), at_words))
        # Patterns by the first two characters of their heads (one-character heads: by "x"),
        # so a position is checked only against the patterns that can start there.
        by_start: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for i, p in enumerate(patterns):
            for start in sorted({h[:2] for h in p.heads}):
                by_start.setdefault(start, []).append((i, p.heads))
        self._by_start = by_start
        self._count = len(patterns)

    def positions(self, text: str) -> list[list[int]]:
        """Per pattern, the ascending positions of ``text`` where one of its heads starts."""
        out: list[list[int]] = [[] for _ in range(self._count)]
        search, by_start, none = self._scan.search, self._by_start, ()
        pos = 0
        while (h := search(text, pos)) is not None:
            s = h.start()
            two = text[s : s + 2]
            if len(two) == 2:
                for i, heads in by_start.get(two, none):
                    if text.startswith(heads, s):
                        out[i].append(s)
            for i, heads in by_start.get(text[s], none):
                if text.startswith(heads, s):
                    out[i].append(s)
            pos = s + 1
        return out


def compile(pattern: str, flags: int = 0) -> AnchoredPattern | re.Pattern[str]:  # noqa: A001
    """``re.compile``, anchored at the pattern's heads when they can be derived."""
    plain = re.compile(pattern, flags)
    heads = derive_heads(pattern, flags)
    if heads is None or any(h in _FREQUENT for h in heads):
        return plain
    return AnchoredPattern(plain, heads)
