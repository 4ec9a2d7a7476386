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
import itertools
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from re import _constants as C, _parser as sre_parse  # stable since 3.11; no public equivalent

from policies.extraction.facts.prefilter import top_level_alternatives

_WORD_RUN = re.compile(r"[a-z0-9_]+")
# Characters that separate tokens: ASCII that ``\w`` does not match. Non-ASCII stays inside
# tokens, so a gate word (ASCII word characters only) always lies inside one token.
_NON_WORD = bytes(
    b for b in range(128) if not (chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_"))
)
_TO_SPACE = bytes.maketrans(_NON_WORD, b" " * len(_NON_WORD))
_CLAUSE_BREAK = "\x01"
_NON_ASCII_NON_WORD = re.compile(r"[^\w\x00-\x7f]")
# A token holding a digit, in the "\n"-separated vocabulary (match start = its separator).
_DIGIT_TOKEN = re.compile(rb"\n[^\n\d]*\d")

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


# --- literal requirements -----------------------------------------------------------------------
# A finer necessary condition than the gate: an and/or tree over the words a match must contain,
# each word marked by how it sits in its token. ``\bEU\b`` needs the token "eu" exactly (not
# "queue"); "supervisory authority" needs both words. Leaves: ("exact"|"prefix"|"suffix"|"sub",
# word); inner nodes: ("and"|"or", [children]); None: no requirement (any clause can match).
Need = tuple | None

_NEEDS: dict[re.Pattern[str], Need] = {}
_MIN_PARTIAL = 3  # a shorter prefix/suffix/substring passes nearly every clause


def _is_space_class(op, av) -> bool:
    return op is C.IN and all(o is C.CATEGORY and a is C.CATEGORY_SPACE for o, a in av)


def _bounds(item) -> bool:
    """Whether ``item`` guarantees a non-word character (or the text edge) next to a word."""
    op, av = item
    if op is C.AT:
        return av is C.AT_BOUNDARY
    if _is_space_class(op, av):
        return True
    if op is C.LITERAL:
        ch = chr(av)
        return ch.isascii() and not (ch.isalnum() or ch == "_")
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        sub = list(av[2])
        return len(sub) == 1 and _bounds(sub[0])
    if op is C.IN:  # \W
        return all(o is C.CATEGORY and a is C.CATEGORY_NOT_WORD for o, a in av)
    if op is C.ASSERT and av[0] == 1:  # a lookahead such as (?=\W|$): what follows is bounded
        sub = list(av[1])
        if len(sub) == 1 and sub[0][0] is C.BRANCH:
            return all(branch and _bounds_or_end(list(branch)[0]) for branch in sub[0][1][1])
        return bool(sub) and _bounds_or_end(sub[0])
    return False


def _bounds_or_end(item) -> bool:
    op, av = item
    return (op is C.AT and av in (C.AT_END, C.AT_END_STRING)) or _bounds(item)


def _leaf(word: str, left: bool, right: bool, digits: bool = False) -> Need:
    if left and right:
        return ("exact", word)
    if len(word) < _MIN_PARTIAL:
        # A short number still needs a token with a digit (with ``digits``: for "K-12", "13").
        return ("digit", "") if digits and any(ch.isdigit() for ch in word) else None
    return ("prefix" if left else "suffix" if right else "sub", word)


def _run_need(chars: list[str], left: bool, right: bool, digits: bool = False) -> list[Need]:
    """Words of a literal run: an ASCII non-word character bounds the words beside it; a
    non-ASCII character may or may not be a word character, so it bounds nothing."""
    needs, word, word_left, marks = [], "", left, ""
    for ch in chars:
        low = ch.lower()
        if len(low) == 1 and low.isascii() and (low.isalnum() or low == "_"):
            word += low
            if marks:
                needs.append(_marks_need(marks))
                marks = ""
            continue
        hard = len(low) == 1 and low.isascii()
        if hard and low in _RARE_MARKS:
            marks += low
        elif marks:
            needs.append(_marks_need(marks))
            marks = ""
        if word:
            needs.append(_leaf(word, word_left, hard, digits))
        word, word_left = "", hard
    if word:
        needs.append(_leaf(word, word_left, right, digits))
    if marks:
        needs.append(_marks_need(marks))
    return needs


# Punctuation rare enough in prose that finding it narrows the clauses (not "." or ",").
_RARE_MARKS = frozenset("@/#$%&*+=<>[]{}|~^\\:;")


def _marks_need(marks: str) -> Need:
    return ("char", marks)


def _is_digit_class(op, av) -> bool:
    if op is C.IN:
        return all(
            (o is C.CATEGORY and a is C.CATEGORY_DIGIT) or (o is C.RANGE and a == (48, 57))
            for o, a in av
        )
    return False


def _and(parts: list[Need]) -> Need:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("and", parts)


def _seq_need(items, left: bool, right: bool, distribute: bool = False) -> Need:
    items = list(items)
    parts: list[Need] = []
    i, n = 0, len(items)
    while i < n:
        op, av = items[i]
        lb = left if i == 0 else _bounds(items[i - 1])
        if op is C.LITERAL:
            j = i
            while j < n and items[j][0] is C.LITERAL:
                j += 1
            if distribute and j < n and items[j][0] is C.BRANCH:
                # The parser pulls a prefix the alternatives share out of them ("\\bd(?:o\\s+not
                # \\s+track\\b|nt\\b)" for "do not track|dnt"), which leaves words cut in two;
                # put it back into each alternative.
                prefix, branches = items[i:j], items[j][1][1]
                rb = right if j == n - 1 else _bounds(items[j + 1])
                alternatives = [
                    _seq_need(prefix + list(branch), lb, rb, distribute) for branch in branches
                ]
                if all(need is not None for need in alternatives):
                    parts.append(("or", alternatives))
                i = j + 1
                continue
            rb = right if j == n else _bounds(items[j])
            parts.extend(_run_need([chr(a) for _, a in items[i:j]], lb, rb, distribute))
            i = j
            continue
        rb = right if i == n - 1 else _bounds(items[i + 1])
        if _is_digit_class(op, av):
            parts.append(("digit", ""))
        elif op is C.SUBPATTERN:
            parts.append(_seq_need(av[-1], lb, rb, distribute))
        elif op is C.ATOMIC_GROUP:
            parts.append(_seq_need(av, lb, rb, distribute))
        elif op is C.BRANCH:
            branches = [_seq_need(b, lb, rb, distribute) for b in av[1]]
            if all(b is not None for b in branches):
                parts.append(("or", branches))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            # Repeated copies border each other, so only a single copy keeps the outer bounds.
            single = av[1] == 1
            parts.append(_seq_need(av[2], lb and single, rb and single, distribute))
        i += 1
    return _and(parts)


def literal_need(pattern: re.Pattern[str], *, whole: bool = False) -> Need:
    """The and/or word requirement every match of ``pattern`` meets, read off its parse. With
    ``whole``, words the parser cut in two (a prefix the alternatives share) are joined again
    and a short number needs a digit: a finer requirement (fewer alternatives end up with none,
    which made the whole pattern run everywhere), used where the choice of candidate clauses
    cannot change what a scan finds (see :func:`may_span_clauses`)."""
    cache = _WHOLE_NEEDS if whole else _NEEDS
    try:
        return cache[pattern]
    except KeyError:
        pass
    need: Need = None
    if isinstance(pattern.pattern, str) and not pattern.flags & re.VERBOSE:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        need = _seq_need(parsed, False, False, distribute=whole)
    cache[pattern] = need
    return need


_WHOLE_NEEDS: dict[re.Pattern[str], Need] = {}
_SPANS: dict[re.Pattern[str], bool] = {}
_NUL, _NL = 0, 10
# For each category: can it match (a newline, a NUL)?
_CATEGORY_TAKES = {
    C.CATEGORY_DIGIT: (False, False),
    C.CATEGORY_NOT_DIGIT: (True, True),
    C.CATEGORY_SPACE: (True, False),
    C.CATEGORY_NOT_SPACE: (False, True),
    C.CATEGORY_WORD: (False, False),
    C.CATEGORY_NOT_WORD: (True, True),
    C.CATEGORY_LINEBREAK: (True, False),
    C.CATEGORY_NOT_LINEBREAK: (False, True),
}


def _set_takes(av) -> tuple[bool, bool]:
    newline = nul = negate = False
    for o, a in av:
        if o is C.NEGATE:
            negate = True
        elif o is C.LITERAL:
            newline, nul = newline or a == _NL, nul or a == _NUL
        elif o is C.RANGE:
            newline, nul = newline or a[0] <= _NL <= a[1], nul or a[0] == _NUL
        elif o is C.CATEGORY and a in _CATEGORY_TAKES:
            takes = _CATEGORY_TAKES[a]
            newline, nul = newline or takes[0], nul or takes[1]
        else:
            return True, True
    return (not newline, not nul) if negate else (newline, nul)


def _takes(items, dotall: bool, found: list[bool]) -> None:
    """Set found[0] if some part of the parsed sequence can match a newline, found[1] if a NUL."""
    for op, av in items:
        newline = nul = False
        if op is C.LITERAL:
            newline, nul = av == _NL, av == _NUL
        elif op is C.NOT_LITERAL:
            newline, nul = av != _NL, av != _NUL
        elif op is C.ANY:
            newline, nul = dotall, True
        elif op is C.IN:
            newline, nul = _set_takes(av)
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
            newline = nul = True  # a backreference repeats whatever its group matched
        elif op is not C.AT:
            for part in _parts(op, av):
                _takes(part, dotall, found)
            if op not in _CONTAINERS:
                newline = nul = True  # something this reading does not know
        found[0] = found[0] or newline
        found[1] = found[1] or nul


def may_span_clauses(pattern: re.Pattern[str]) -> bool:
    """Whether a match (or a lookaround) of ``pattern`` might run across the clause separator
    "\\n\\x00\\n", which takes a newline followed by a NUL. A pattern no part of which
    matches one of the two never does: its matches lie inside one clause (or end on the
    separator's first newline), so which runs of candidate clauses it is scanned in cannot
    change what it finds, and a finer requirement (``literal_need(whole=True)``) is safe."""
    found = _SPANS.get(pattern)
    if found is None:
        takes = [False, False]
        _takes(
            sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.DOTALL), takes
        )
        found = _SPANS[pattern] = takes[0] and takes[1]
    return found


_NEWLINE_START: dict[re.Pattern[str], bool] = {}


def _class_has_newline(av) -> bool:
    """Whether a character class may match a newline or NUL (the clause separator's parts)."""
    for o, a in av:
        if o is C.NEGATE:
            return True
        if o is C.LITERAL and a in (0, 10):
            return True
        if o is C.RANGE and a[0] <= 10:
            return True
        if o is C.CATEGORY and a not in (C.CATEGORY_WORD, C.CATEGORY_DIGIT):
            return True  # \s, \W, \D, \S ...: do not reason further
        if o not in (C.LITERAL, C.RANGE, C.CATEGORY):
            return True
    return False


def _first_newline(items, dotall: bool) -> tuple[bool, bool]:
    """(may the sequence's first character be a newline, may the sequence match empty)."""
    for op, av in items:
        if op is C.AT or op in (C.ASSERT, C.ASSERT_NOT):
            continue
        if op is C.LITERAL:
            can, empty = av in (0, 10), False
        elif op is C.NOT_LITERAL:
            can, empty = True, False
        elif op is C.ANY:
            can, empty = dotall, False
        elif op is C.IN:
            can, empty = _class_has_newline(av), False
        elif op is C.SUBPATTERN:
            can, empty = _first_newline(av[-1], dotall)
        elif op is C.ATOMIC_GROUP:
            can, empty = _first_newline(av, dotall)
        elif op is C.BRANCH:
            found = [_first_newline(b, dotall) for b in av[1]]
            can, empty = any(f[0] for f in found), any(f[1] for f in found)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            can, sub_empty = _first_newline(av[2], dotall)
            empty = av[0] == 0 or sub_empty
        else:
            return True, True
        if can:
            return True, True
        if not empty:
            return False, False
    return False, True


def may_start_with_newline(pattern: re.Pattern[str]) -> bool:
    """Whether a match can begin with a newline or NUL (or match empty): such a match may start
    in the separator before a clause, so its windows must stay as the gate makes them."""
    found = _NEWLINE_START.get(pattern)
    if found is None:
        can, empty = _first_newline(
            sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.DOTALL)
        )
        found = _NEWLINE_START[pattern] = can or empty
    return found


# --- match anchors ------------------------------------------------------------------------------
# Literal strings one of which starts every match (the first text a match consumes). Matching
# only where they occur (``str.find`` runs in C) and calling ``pattern.match`` there gives the
# same matches as ``finditer``, which otherwise tries the whole pattern at every position.

_ANCHORS: dict[re.Pattern[str], tuple[str, ...] | None] = {}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_MAX_ANCHORS = 64  # alternatives multiply; past this, one regex pass is cheaper


def _first_literals(items) -> list[str] | None:
    """Strings one of which every match of the parsed sequence starts with; None if unknown."""
    items = list(items)
    for i, (op, av) in enumerate(items):
        if op is C.AT or op in (C.ASSERT, C.ASSERT_NOT):
            continue  # zero-width: the match still starts at the next consumed character
        if op is C.LITERAL:
            j = i
            while j < len(items) and items[j][0] is C.LITERAL:
                j += 1
            run = "".join(chr(a) for _, a in items[i:j])
            rest = _first_literals(items[j:]) if j < len(items) else None
            return [run + more for more in rest] if rest else [run]
        if op is C.SUBPATTERN:
            if av[1] & re.IGNORECASE:  # (?i:...): its literals match other characters too
                return None
            return _first_literals(av[-1])
        if op is C.ATOMIC_GROUP:
            return _first_literals(av)
        if op is C.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                sub = _first_literals(branch)
                if not sub:
                    return None
                out.extend(sub)
            return out
        if op in _REPEATS:
            sub = _first_literals(av[2])
            if av[0] >= 1 or not sub:
                return sub
            rest = _first_literals(items[i + 1 :])  # an optional part: it may be skipped
            return sub + rest if rest else None
        if op is C.IN and av and all(o is C.LITERAL for o, _ in av):
            return [chr(a) for _, a in av]
        return None
    return None  # nothing consumed for sure: the pattern may match empty


def match_anchors(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal strings (case as in the pattern) one of which starts every match of ``pattern``;
    None when the pattern does not guarantee one, or ignores case (then a literal could also
    match other characters)."""
    try:
        return _ANCHORS[pattern]
    except KeyError:
        pass
    found: tuple[str, ...] | None = None
    if isinstance(pattern.pattern, str) and not pattern.flags & (re.VERBOSE | re.IGNORECASE):
        literals = _first_literals(sre_parse.parse(pattern.pattern, pattern.flags))
        if literals and all(literals) and len(literals) <= _MAX_ANCHORS:
            # A string that starts with another one adds no positions: keep the shorter.
            kept = sorted(set(literals), key=len)
            found = tuple(
                a for i, a in enumerate(kept) if not any(a.startswith(b) for b in kept[:i])
            )
    _ANCHORS[pattern] = found
    return found


_ANCHOR_LEAVES: dict[str, Need] = {}


def anchor_leaf(anchor: str) -> Need:
    """A leaf every clause holding ``anchor`` meets (its longest word, marked by how it sits in
    its token), so anchors a policy's candidate clauses lack are never searched for; None when
    the anchor has no usable word or could run into the clause separator."""
    try:
        return _ANCHOR_LEAVES[anchor]
    except KeyError:
        pass
    leaf: Need = None
    if "\n" not in anchor and "\x00" not in anchor:
        leaves = [n for n in _run_need(list(anchor), False, False) if n is not None]
        if leaves:
            leaf = max(leaves, key=lambda n: (n[0] == "exact", len(n[1])))
    _ANCHOR_LEAVES[anchor] = leaf
    return leaf


def anchor_keys(anchors: tuple[str, ...]) -> tuple[str | None, ...]:
    """The cache key of each anchor's leaf (see :func:`anchor_leaf`), or None."""
    return tuple(leaf and _key(leaf) for leaf in map(anchor_leaf, anchors))


_LOOKS_OUTSIDE: dict[re.Pattern[str], bool] = {}
_CONTAINERS = (
    C.SUBPATTERN,
    C.ATOMIC_GROUP,
    C.BRANCH,
    C.MAX_REPEAT,
    C.MIN_REPEAT,
    C.POSSESSIVE_REPEAT,
    C.ASSERT,
    C.ASSERT_NOT,
)
_BEGINNINGS = (C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_BEGINNING_LINE)


def _parts(op, av) -> list:
    """The parsed sub-sequences of an item: of groups, branches, repeats and lookarounds."""
    if op is C.SUBPATTERN:
        return [av[-1]]
    if op is C.ATOMIC_GROUP:
        return [av]
    if op is C.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]
    return []


def _looks_outside(items) -> bool:
    for op, av in items:
        if op is C.AT and av in _BEGINNINGS:
            return True
        if op in (C.ASSERT, C.ASSERT_NOT) and av[0] == -1:  # a lookbehind
            return True
        if any(_looks_outside(part) for part in _parts(op, av)):
            return True
    return False


def looks_before_start(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` has ``^``/``\\A`` or a lookbehind: the only parts whose answer
    changes when a string is searched from an offset in a longer text (``search(text, pos,
    endpos)`` sees what lies before ``pos``; ``$`` and lookaheads stop at ``endpos``)."""
    found = _LOOKS_OUTSIDE.get(pattern)
    if found is None:
        found = _LOOKS_OUTSIDE[pattern] = _looks_outside(
            sre_parse.parse(pattern.pattern, pattern.flags)
        )
    return found


_PLANS: dict[re.Pattern[str], tuple[tuple[str, ...], re.Pattern[str] | None] | None] = {}


def match_plan(
    pattern: re.Pattern[str],
) -> tuple[tuple[str, ...], re.Pattern[str] | None] | None:
    """Where a match of ``pattern`` can start: the positions of its anchors plus, when some
    top-level alternatives have no anchor (``[A-Z]{2} \\d{5}``), the positions where the returned
    lookahead of those alternatives matches. None when no alternative has an anchor."""
    if pattern in _PLANS:
        return _PLANS[pattern]
    plan: tuple[tuple[str, ...], re.Pattern[str] | None] | None = None
    anchors = match_anchors(pattern)
    if anchors is not None:
        plan = (anchors, None)
    elif isinstance(pattern.pattern, str) and not pattern.flags & (re.VERBOSE | re.IGNORECASE):
        try:
            plan = _mixed_plan(pattern)
        except re.error:
            plan = None
    _PLANS[pattern] = plan
    return plan


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _mixed_plan(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], re.Pattern[str]] | None:
    if _BACKREFERENCE.search(pattern.pattern):
        return None  # group numbers change when alternatives are compiled apart
    parts = top_level_alternatives(pattern.pattern)
    literals: list[str] = []
    rest: list[str] = []
    for part in parts:
        found = _first_literals(sre_parse.parse(part, pattern.flags))
        if found and all(found):
            literals.extend(found)
        else:
            rest.append(part)
    if len(parts) < 2 or not literals or not rest or len(literals) > _MAX_ANCHORS:
        return None
    kept = sorted(set(literals), key=len)
    anchors = tuple(a for i, a in enumerate(kept) if not any(a.startswith(b) for b in kept[:i]))
    lookahead = re.compile("(?=" + "|".join(f"(?:{part})" for part in rest) + ")", pattern.flags)
    return anchors, lookahead


def _lower(text: str) -> str:
    """Lower-cased; IGNORECASE also equates dotless i and long s with "i" and "s"."""
    low = text.lower()
    return low if low.isascii() else low.replace("\u0131", "i").replace("\u017f", "s")


def _word_bytes(text: str) -> bytes:
    return (text if text.isascii() else _NON_ASCII_NON_WORD.sub(" ", text)).encode()


def _positions(bits: int) -> list[int]:
    return [i for i, flag in enumerate(bin(bits)[:1:-1]) if flag == "1"]


def _regex_find(regex: re.Pattern[bytes], text: bytes, pos: int) -> int:
    found = regex.search(text, pos)
    return -1 if found is None else found.start()


# --- known leaves, looked up for every token at once ---------------------------------------------
# A policy asks for hundreds of leaves; looking each up on its own (a dict lookup for a token, a
# search of the vocabulary for a piece of one) cost more than all the regex scans. Every leaf ever
# asked for is remembered here, and a new policy gets all of them at once: exact tokens by one
# ``map`` over its token dict, partial ones from what each token is known to hold. Which partial
# leaves a token holds depends on the token alone, so it is worked out once per token (kept for
# every later policy): per partial mode one regex, a trie of the pieces, runs over the new tokens.
# The trie matches the longest piece a token starts with (ends with, holds at a position); the
# shorter pieces on the same path are known ahead (``chains``). It has no capturing group per
# piece: with hundreds, the regex engine copies its marks at every branch.
_PARTIAL = ("prefix", "suffix", "sub")
_ASKED: dict[str, None] = {}  # keys of the exact and partial leaves asked for so far, in order
_Trie = tuple[re.Pattern[bytes], dict[bytes, tuple[str, ...]]]
_KEYS: dict[tuple[str, str], str] = {}
_LEAVES: dict[str, tuple[str, str]] = {}


def _key(leaf: tuple[str, str]) -> str:
    """The cache key of a leaf: one interned string per leaf. Python keeps a string's hash (a
    tuple's is recomputed at every lookup) and equal keys are the same object."""
    key = _KEYS.get(leaf)
    if key is None:
        key = _KEYS[leaf] = sys.intern(f"{leaf[0]}\x1f{leaf[1]}")
        _LEAVES[key] = leaf
    return key


_DIGIT_KEY = _key(("digit", ""))
_MAX_TOKENS = 200_000  # tokens whose partial leaves are kept (a bound on the memory)


@dataclass(frozen=True)
class _Known:
    asked: int  # len(_ASKED) when built
    exact: tuple[str, ...]
    exact_tokens: tuple[bytes, ...]
    partial: dict[str, int]  # every partial leaf and the digit leaf, each 0 (filled per policy)
    tries: dict[str, _Trie]
    # token -> the partial leaves it holds (and the digit leaf), for every token seen since;
    # the tokens that hold some; and those a policy needs clause bits for (these and the exact)
    leaves_of: dict[bytes, tuple[str, ...]] = field(default_factory=dict)
    holding: set[bytes] = field(default_factory=set)
    wanted: set[bytes] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.wanted.update(self.exact_tokens, self.holding)

    def classify(self, tokens: list[bytes]) -> None:
        """Work out the partial leaves of new tokens: the tries run over them in one string."""
        found: dict[int, list[str]] = {}
        vocabulary = b"\n" + b"\n".join(tokens) + b"\n"
        starts = list(itertools.accumulate((len(t) + 1 for t in tokens), initial=0))
        last = len(vocabulary) - 1
        for mode, (regex, chains) in self.tries.items():
            # The token of a match: a prefix match starts at the "\n" before it, a suffix match
            # (in the reversed string) at the "\n" after it, a substring lookahead inside it.
            reverse = mode == "suffix"
            for m in regex.finditer(vocabulary[::-1] if reverse else vocabulary):
                if reverse:
                    token = bisect.bisect_left(starts, last - m.start()) - 1
                else:
                    token = bisect.bisect_right(starts, m.start()) - 1
                found.setdefault(token, []).extend(chains[m.group(1)])
        for m in _DIGIT_TOKEN.finditer(vocabulary):  # starts at the "\n" before its token
            found.setdefault(bisect.bisect_right(starts, m.start()) - 1, []).append(_DIGIT_KEY)
        self.leaves_of.update(dict.fromkeys(tokens, ()))
        self.leaves_of.update((tokens[i], tuple(keys)) for i, keys in found.items())
        holding = [tokens[i] for i in found]
        self.holding.update(holding)
        self.wanted.update(holding)


_KNOWN = _Known(0, (), (), {}, {})
_KNOWN_FIXED = ("asked", "exact", "exact_tokens", "partial", "tries")
_LOCK = threading.Lock()


def _trie_source(node: dict) -> str:
    """Regex source matching the longest piece of the trie below ``node`` (a piece ends where a
    node holds the key None): past such a node the rest is optional, elsewhere required."""
    branches = [
        re.escape(chr(byte)) + _trie_source(child)
        for byte, child in sorted((k, v) for k, v in node.items() if k is not None)
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if None in node else body


def _trie(keys: list[str], mode: str) -> _Trie:
    root: dict = {}
    pieces = {key: _LEAVES[key][1].encode()[:: -1 if mode == "suffix" else 1] for key in keys}
    for key, piece in pieces.items():
        node = root
        for byte in piece:
            node = node.setdefault(byte, {})
        node[None] = key
    # What a match reads (the longest piece) -> every piece that is a prefix of it: the pieces
    # ending on its way down the trie.
    chains = {}
    for piece in pieces.values():
        node, chain = root, []
        for byte in piece:
            node = node[byte]
            if None in node:
                chain.append(node[None])
        chains[piece] = tuple(chain)
    source = _trie_source(root)
    if mode == "sub":  # at every position, also inside another piece: a lookahead
        return re.compile(f"(?=({source}))".encode()), chains
    # Prefixes (and reversed suffixes) start right after the "\n" before a token.
    return re.compile(f"\n({source})".encode()), chains


def _known() -> _Known:
    """Every leaf asked for so far, ready for bulk lookup (rebuilt when new ones were asked; in a
    running process that stops once each rule pattern has been seen). The tries are recompiled
    only when new partial leaves came."""
    global _KNOWN
    known = _KNOWN
    if known.asked != len(_ASKED):
        keys = list(_ASKED)
        exact = tuple(k for k in keys if _LEAVES[k][0] == "exact")
        partial = dict.fromkeys((k for k in keys if _LEAVES[k][0] != "exact"), 0)
        tries = known.tries
        if partial.keys() != known.partial.keys() - {_DIGIT_KEY}:
            tries = {}
            for mode in _PARTIAL:
                chosen = [k for k in partial if _LEAVES[k][0] == mode]
                if chosen:
                    tries[mode] = _trie(chosen, mode)
        exact_tokens = tuple(_LEAVES[k][1].encode() for k in exact)
        partial[_DIGIT_KEY] = 0
        if tries is known.tries:  # what each token holds stays true: keep it
            known = _KNOWN = _Known(
                len(keys), exact, exact_tokens, partial, tries, known.leaves_of, known.holding
            )
        else:
            known = _KNOWN = _Known(len(keys), exact, exact_tokens, partial, tries)
    return known


# --- need programs ---------------------------------------------------------------------------------
# A need tree evaluated node by node costs a Python call per node and a lookup per leaf, for every
# pattern of every policy. Each tree is turned once into one expression over its leaves' bits
# (``c[k[3]] & (c[k[0]] | c[k[7]])``), which Python evaluates without any calls. The generated
# source holds only operators and indexes; the leaves' keys themselves are passed in as a tuple.
_Program = tuple[tuple[str, ...], Callable[[dict], int]] | None
_PROGRAMS: dict[int, tuple[Need, _Program]] = {}


def _simplified(node: Need) -> Need:
    """The tree with the semantics :meth:`TokenIndex.evaluate` gives None children: an "and"
    ignores them, an "or" with one is no requirement at all."""
    if node is None or (node[0] != "and" and node[0] != "or"):
        return node
    parts = [_simplified(part) for part in node[1]]
    if node[0] == "or":
        return None if any(part is None for part in parts) else ("or", parts)
    parts = [part for part in parts if part is not None]
    return ("and", parts) if parts else None


def _program(need: Need) -> _Program:
    found = _PROGRAMS.get(id(need))
    if found is not None and found[0] is need:
        return found[1]
    tree = _simplified(need)
    program: _Program = None
    if tree is not None:
        keys: dict[str, int] = {}

        def source(node: tuple) -> str:
            op, arg = node
            if op == "and" or op == "or":
                return "(" + (" & " if op == "and" else " | ").join(map(source, arg)) + ")"
            return f"c[k[{keys.setdefault(_key(node), len(keys))}]]"

        body = source(tree)
        program = (tuple(keys), eval(f"lambda c, k=k: {body}", {"k": tuple(keys)}))
    _PROGRAMS[id(need)] = (need, program)  # the need is kept, so its id is never reused
    return program


class TokenIndex:
    """For each clause, the set of its lower-cased tokens; per leaf (and gate word), the clauses
    whose tokens meet it: every leaf known to the process at once on first use (see ``_Known``),
    a new one alone, then kept."""

    __slots__ = (
        "_bits",
        "_covered",
        "_nl_vocabulary",
        "_post_bits",
        "_posting",
        "_starts",
        "_text",
        "_text_starts",
        "_tokens",
        "_word_clauses",
    )

    def __init__(
        self,
        texts: list[str],
        lowered: str | None = None,
        starts: list[int] | None = None,
        separator: str = "",
    ) -> None:
        """``texts`` are the clauses; an index that has them lower-cased already (each at
        ``starts[i]`` of ``lowered``, joined by ``separator``, with IGNORECASE's look-alikes
        folded as below) passes that text, so it is not lower-cased twice."""
        if lowered is None or starts is None:
            lowered, separator = _lower(_CLAUSE_BREAK.join(texts)), _CLAUSE_BREAK
            starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))[:-1]
        self._text = lowered
        self._text_starts = starts
        # A non-ASCII word character stays inside its token; any other non-ASCII character
        # becomes a space, so every token is exactly one ``\w+`` run of the text (what ``\b``
        # sees) whatever its script or punctuation. Then bytes.translate and bytes.split (in C)
        # split the clauses at the other (ASCII) characters that are not word characters.
        parts = _word_bytes(lowered).split(separator.encode())
        if len(parts) != len(texts):  # a clause holds the separator itself
            parts = [_word_bytes(_lower(t)) for t in texts]
        self._tokens = [set(p.translate(_TO_SPACE).split()) for p in parts]
        # Built on first use by _invert: token -> clause bits, the tokens in one string, and
        # where each token starts in it.
        self._posting: dict[bytes, int] | None = None
        self._post_bits: list[int] = []
        self._nl_vocabulary = b""
        self._starts: list[int] = []
        self._covered = None  # True once every known leaf was looked up (``_find_known``)
        self._word_clauses: dict[str, frozenset[int]] = {}
        self._bits: dict[str, int] = {}  # leaf key (see ``_key``) -> clause bits

    def _invert(self) -> dict[bytes, int]:
        # Clause bits per token directly (each clause adds its own bit), so a leaf that names a
        # token is one dict lookup and no posting list is ever turned into bits again.
        posting: dict[bytes, int] = {}
        get = posting.get
        for i, tokens in enumerate(self._tokens):
            bit = 1 << i
            for token in tokens:
                posting[token] = get(token, 0) | bit
        # All tokens in one string, "\n" before and after each, so finding the tokens that
        # contain, start or end with a word is one C search; token i follows the "\n" at
        # starts[i].
        vocabulary = list(posting)
        self._nl_vocabulary = b"\n" + b"\n".join(vocabulary) + b"\n"
        self._starts = list(itertools.accumulate((len(t) + 1 for t in vocabulary), initial=0))
        self._starts.pop()
        self._post_bits = list(posting.values())
        self._posting = posting
        return posting

    def clauses_with(self, word: str) -> frozenset[int]:
        """Positions of the clauses holding a token that contains ``word`` (lower-case ASCII)."""
        found = self._word_clauses.get(word)
        if found is None:
            found = self._word_clauses[word] = frozenset(_positions(self.bits("sub", word)))
        return found

    def bits(self, mode: str, piece: str) -> int:
        """Clause positions (as bits of an int) holding a token equal to ``piece`` ("exact"),
        starting with it ("prefix"), ending with it ("suffix") or containing it ("sub")."""
        key = _key((mode, piece))
        found = self._bits.get(key)
        if found is not None:
            return found
        if self._covered is None:  # the first leaf: look up every known one at once
            self._find_known()
            found = self._bits.get(key)
            if found is not None:
                return found
        if mode == "char":
            out = self._char_bits(piece)
        elif mode == "digit":
            if self._posting is None:
                self._invert()
            out = self._search_bits(_DIGIT_TOKEN, b"")
        else:  # asked for the first time: looked up alone, in bulk from the next policy on
            _ASKED[key] = None
            posting = self._posting if self._posting is not None else self._invert()
            needle = piece.encode()
            if mode == "exact":
                out = posting.get(needle, 0)
            else:
                if mode == "prefix":
                    needle = b"\n" + needle
                elif mode == "suffix":
                    needle += b"\n"
                out = self._search_bits(None, needle)
        self._bits[key] = out
        return out

    def _find_known(self) -> None:
        """Clause bits of every leaf asked for so far (see ``_known``), into the cache. Only
        the tokens some known leaf names or holds get clause bits: the others would cost a dict
        update per clause and token for nothing."""
        global _KNOWN
        tokens = self._tokens
        with _LOCK:  # a token must not be seen as known before its leaves are
            known = _known()
            # (A set minus a dict walks the set; minus a keys view it would walk the dict.)
            new = set().union(*tokens).difference(known.leaves_of)
            if len(known.leaves_of) + len(new) > _MAX_TOKENS:  # start afresh (a new object:
                # an index reading the old one meanwhile still sees it whole)
                known = _KNOWN = _Known(*(getattr(known, f) for f in _KNOWN_FIXED))
                new = set().union(*tokens)
            if new:
                known.classify(list(new))
        self._covered = True
        wanted, posting = known.wanted, {}
        get = posting.get
        for i, held in enumerate(tokens):
            bit = 1 << i
            for token in held & wanted:
                posting[token] = get(token, 0) | bit
        cache = self._bits
        found = map(posting.get, known.exact_tokens, itertools.repeat(0))
        cache.update(zip(known.exact, found, strict=False))  # map stops with the tokens
        cache.update(known.partial)
        get, leaves_of = cache.get, known.leaves_of
        for token in posting.keys() & known.holding:
            bits = posting[token]
            for key in leaves_of[token]:
                cache[key] = get(key, 0) | bits

    def _search_bits(self, regex: re.Pattern[bytes] | None, needle: bytes) -> int:
        """Clause bits of the tokens where ``needle`` (or ``regex``) occurs in the vocabulary
        string, each token counted once: the search goes on after the token it found."""
        vocabulary, starts, post_bits, out = self._nl_vocabulary, self._starts, self._post_bits, 0
        last = len(starts) - 1
        pos = vocabulary.find(needle) if regex is None else _regex_find(regex, vocabulary, 0)
        while pos != -1:
            # The token holding the match: a leading "\n" (prefix needle, digit regex) is the
            # token's own separator, so the token is the one that starts after it.
            i = bisect.bisect_right(starts, pos) - 1
            out |= post_bits[i]
            if i >= last:
                break
            nxt = starts[i + 1]
            pos = (
                vocabulary.find(needle, nxt)
                if regex is None
                else _regex_find(regex, vocabulary, nxt)
            )
        return out

    def _char_bits(self, piece: str) -> int:
        """Clauses whose lower-cased text contains ``piece`` (punctuation such as "@", "://")."""
        text, starts, out = self._text, self._text_starts, 0
        pos = text.find(piece)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            out |= 1 << i
            if i + 1 == len(starts):
                break
            pos = text.find(piece, starts[i + 1])
        return out

    def evaluate(self, need: Need) -> int | None:
        """Clause positions (bits) that can satisfy ``need``; None when every clause can."""
        program = _program(need)
        if program is None:
            return None
        leaves, run = program
        try:
            return run(self._bits)
        except KeyError:  # the first need of a policy, or leaves new to this process
            for key in leaves:
                self.bits(*_LEAVES[key])
            return run(self._bits)

    def holding(
        self, anchors: tuple[str, ...], keys: tuple[str | None, ...], candidates: int
    ) -> list[tuple[str, int]]:
        """The anchors whose word (``keys``: see :func:`anchor_keys`) some ``candidates``
        clause holds, each with those clauses (bits; all candidates for an anchor without a
        usable word)."""
        cache, kept = self._bits, []
        for anchor, key in zip(anchors, keys, strict=True):
            bits = candidates
            if key is not None:
                found = cache.get(key)
                bits &= self.bits(*_LEAVES[key]) if found is None else found
            if bits:
                kept.append((anchor, bits))
        return kept

    def candidates(self, gate: Gate) -> list[int] | None:
        """Sorted clause positions that pass the gate, or None when every clause must be tried."""
        if gate is None:
            return None
        out: set[int] = set()
        for word in gate:
            out |= self.clauses_with(word)
        return sorted(out)


__all__ = [
    "Gate",
    "Need",
    "TokenIndex",
    "anchor_keys",
    "anchor_leaf",
    "gate_words",
    "literal_need",
    "looks_before_start",
    "match_anchors",
    "may_span_clauses",
    "match_plan",
    "may_start_with_newline",
]
