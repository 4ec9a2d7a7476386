"""Cheap literal gates for the rule patterns, so a pattern runs only on clauses that could match.

Running ~200 case-insensitive patterns over a whole policy costs seconds on long documents. Every
pattern, however, needs some literal wording somewhere in a match ("encrypt", "privacy", "do not
track"). :func:`gate_words` reads that requirement off the compiled pattern (the set of words of
which any match must contain one, as a substring of a token); :class:`TokenIndex` tokenises the
lower-cased policy once and answers "which clauses hold a token containing this word". A gate is
a necessary condition only: the precise pattern still decides on the clauses that pass it.
"""

from __future__ import annotations

import bisect
import re
from re import _constants as C, _parser as sre_parse  # stable since 3.11; no public equivalent

_WORD_RUN = re.compile(r"[a-z0-9_]+")
# Characters that separate tokens: ASCII that ``\w`` does not match. Non-ASCII stays inside
# tokens, so a gate word (ASCII word characters only) always lies inside one token.
_NON_WORD = bytes(
    b for b in range(128) if not (chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_"))
)
_TO_SPACE = bytes.maketrans(_NON_WORD, b" " * len(_NON_WORD))
_CLAUSE_BREAK = "\x01"

Gate = frozenset[str] | None  # None: no usable literal, run the pattern everywhere

_GATES: dict[re.Pattern[str], Gate] = {}


def _choose(options: list[frozenset[str]]) -> Gate:
    """The most selective requirement: longest shortest word, then fewest words."""
    if not options:
        return None
    return max(options, key=lambda words: (min(map(len, words)), -len(words)))


def _as_words(literals: frozenset[str]) -> frozenset[str] | None:
    words = set()
    for literal in literals:
        if not literal.isascii():
            return None
        runs = _WORD_RUN.findall(literal.lower())
        if not runs:
            return None
        words.add(max(runs, key=len))
    return frozenset(words)


def _required(items) -> frozenset[str] | None:
    """Literal strings of which every match of the parsed sequence contains at least one."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            words = _as_words(frozenset(["".join(run)]))
            if words:
                options.append(words)
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        sub: frozenset[str] | None = None
        if op is C.SUBPATTERN:
            sub = _required(av[-1])
        elif op is C.ATOMIC_GROUP:
            sub = _required(av)
        elif op is C.BRANCH:
            parts = [_required(branch) for branch in av[1]]
            if all(parts):
                sub = frozenset().union(*parts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _required(av[2])
        if sub:
            options.append(sub)
    close_run()
    return _choose(options)


def gate_words(pattern: re.Pattern[str]) -> Gate:
    """Lower-case ASCII words, one of which lies inside a token of every clause ``pattern`` can
    match in; None when the pattern has no such literal (e.g. an e-mail address pattern)."""
    try:
        return _GATES[pattern]
    except KeyError:
        pass
    gate: Gate = None
    if isinstance(pattern.pattern, str) and not pattern.flags & re.VERBOSE:
        gate = _required(sre_parse.parse(pattern.pattern, pattern.flags))
        if gate is not None and any(len(w) < 2 for w in gate):
            gate = None  # a one-letter gate passes nearly every clause; not worth the lookup
    _GATES[pattern] = gate
    return gate


class TokenIndex:
    """For each clause, the set of its lower-cased tokens; and per gate word, the clauses whose
    tokens contain it (computed on first use, then kept)."""

    __slots__ = ("_tokens", "_vocabulary", "_postings", "_starts", "_word_clauses")

    def __init__(self, texts: list[str]) -> None:
        joined = _CLAUSE_BREAK.join(texts).lower()
        if not joined.isascii():
            # IGNORECASE equates dotless i and long s with "i" and "s"; str.lower() does not.
            joined = joined.replace("\u0131", "i").replace("\u017f", "s")
        if any(_CLAUSE_BREAK in t for t in texts):
            parts = [
                t.lower().replace("\u0131", "i").replace("\u017f", "s").encode() for t in texts
            ]
        else:
            parts = joined.encode().split(_CLAUSE_BREAK.encode())
        # bytes.translate and bytes.split run in C: the whole tokenisation is two passes.
        self._tokens = [set(p.translate(_TO_SPACE).split()) for p in parts]
        self._vocabulary = b""
        self._postings: list[list[int]] = []
        self._starts: list[int] = []
        self._word_clauses: dict[str, frozenset[int]] = {}

    def _invert(self) -> None:
        by_token: dict[bytes, list[int]] = {}
        for i, tokens in enumerate(self._tokens):
            for token in tokens:
                by_token.setdefault(token, []).append(i)
        # All tokens in one string, so finding the tokens that contain a word is one C search.
        starts, pos = [], 0
        for token in by_token:
            starts.append(pos)
            pos += len(token) + 1
        self._vocabulary = b"\n".join(by_token) + b"\n"
        self._postings = list(by_token.values())
        self._starts = starts

    def clauses_with(self, word: str) -> frozenset[int]:
        """Positions of the clauses holding a token that contains ``word`` (lower-case ASCII)."""
        found = self._word_clauses.get(word)
        if found is not None:
            return found
        if not self._starts and any(self._tokens):
            self._invert()
        needle, vocabulary, starts = word.encode(), self._vocabulary, self._starts
        out: set[int] = set()
        pos = vocabulary.find(needle)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            out.update(self._postings[i])
            nxt = i + 1
            if nxt == len(starts):
                break
            pos = vocabulary.find(needle, starts[nxt])
        found = self._word_clauses[word] = frozenset(out)
        return found

    def candidates(self, gate: Gate) -> list[int] | None:
        """Sorted clause positions that pass the gate, or None when every clause must be tried."""
        if gate is None:
            return None
        out: set[int] = set()
        for word in gate:
            out |= self.clauses_with(word)
        return sorted(out)


__all__ = ["Gate", "TokenIndex", "gate_words"]
