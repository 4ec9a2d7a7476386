"""Literal pre-checks for keyword regexes.

Python's ``re`` tries every alternative at every position, so a table of keyword patterns run
over every clause dominates the cost of fact extraction. Each pattern here carries the literal
words one of which any match must contain (derived from the pattern itself); they become the
pattern's cue bit (``cues``), and a clause whose mask lacks the bit is never searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.extraction.facts import cues

_GROUP = re.compile(r"\((?:[^()\\]|\\.)*\)[?*+]?(?:\{\d*,?\d*\})?")
_CLASS = re.compile(r"\[(?:[^\]\\]|\\.)*\][?*+]?(?:\{\d*,?\d*\})?")
_ESCAPE = re.compile(r"\\[A-Za-z](?:[?*+]|\{\d*,?\d*\})?|\\.")
_OPTIONAL_CHAR = re.compile(r".[?*](?!\?)|.\{0,?\d*\}")
_LETTERS = re.compile(r"[a-z]{3,}")


def top_level_alternatives(source: str) -> list[str]:
    """The alternatives of ``source`` at group depth 0 (``a|(b|c)|d`` -> ``a``, ``(b|c)``, ``d``):
    not split inside groups, character classes or escapes. (Also used by the check engine.)"""
    parts, depth, start, in_class, i = [], 0, 0, False, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 2 if source.startswith("^", i + 1) else 1
            if source.startswith("]", i):  # "[]...]" and "[^]...]": a literal "]"
                i += 1
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


def _required_literal(alternative: str) -> str | None:
    """The longest run of letters every match of ``alternative`` must contain, if any."""
    s = alternative.lower()
    previous = None
    while previous != s:  # innermost groups first, until none is left
        previous = s
        s = _GROUP.sub(" ", s)
    s = _CLASS.sub(" ", s)
    s = _ESCAPE.sub(" ", s)
    s = _OPTIONAL_CHAR.sub(" ", s)
    runs = _LETTERS.findall(s)
    return max(runs, key=len) if runs else None


def required_literals(source: str) -> tuple[str, ...] | None:
    """Literals one of which every match of the regex ``source`` contains; None if unknown.

    A pattern wrapped in one outer group is unwrapped first, so ``\\b(?:a|b)`` is seen as ``a|b``.
    """
    s = source
    m = re.fullmatch(r"(?:\\b)?\(\?:(.*)\)(?:\\b)?", s, re.DOTALL)
    if m and _balanced(m.group(1)):
        s = m.group(1)
    literals = []
    for alternative in top_level_alternatives(s):
        literal = _required_literal(alternative)
        if literal is None:
            return None
        literals.append(literal)
    return tuple(sorted(set(literals)))


def _balanced(s: str) -> bool:
    depth = 0
    i = 0
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(s[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0


class Guarded:
    """A compiled pattern with its cue bit (see ``cues``): it runs only where the bit is set.

    ``mask`` is the clause's cue mask (``ClauseView.mask``); the default ``cues.ALL`` runs the
    pattern unconditionally (for text that was not gated, e.g. one sentence).
    """

    __slots__ = ("bit", "literals", "pattern")

    def __init__(self, pattern: re.Pattern[str], name: str = "") -> None:
        self.pattern = pattern
        self.literals = required_literals(pattern.pattern)
        self.bit = cues.register(name or pattern.pattern[:40], self.literals)

    def possible(self, mask: int) -> bool:
        return bool((mask >> self.bit) & 1)

    def search(self, text: str, mask: int = cues.ALL) -> re.Match[str] | None:
        return self.pattern.search(text) if (mask >> self.bit) & 1 else None

    def finditer(self, text: str, mask: int = cues.ALL) -> Iterator[re.Match[str]]:
        if (mask >> self.bit) & 1:
            return self.pattern.finditer(text)
        return iter(())
