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
_UNICODE_WORD = re.compile(r"\w+")
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


def _as_bits(positions: list[int]) -> int:
    out = 0
    for pos in positions:
        out |= 1 << pos
    return out


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


def _leaf(word: str, left: bool, right: bool) -> Need:
    if left and right:
        return ("exact", word)
    if len(word) < _MIN_PARTIAL:
        return None
    return ("prefix" if left else "suffix" if right else "sub", word)


def _run_need(chars: list[str], left: bool, right: bool) -> list[Need]:
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
            needs.append(_leaf(word, word_left, hard))
        word, word_left = "", hard
    if word:
        needs.append(_leaf(word, word_left, right))
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


def _seq_need(items, left: bool, right: bool) -> Need:
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
            rb = right if j == n else _bounds(items[j])
            parts.extend(_run_need([chr(a) for _, a in items[i:j]], lb, rb))
            i = j
            continue
        rb = right if i == n - 1 else _bounds(items[i + 1])
        if _is_digit_class(op, av):
            parts.append(("digit", ""))
        elif op is C.SUBPATTERN:
            parts.append(_seq_need(av[-1], lb, rb))
        elif op is C.ATOMIC_GROUP:
            parts.append(_seq_need(av, lb, rb))
        elif op is C.BRANCH:
            branches = [_seq_need(b, lb, rb) for b in av[1]]
            if all(b is not None for b in branches):
                parts.append(("or", branches))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            # Repeated copies border each other, so only a single copy keeps the outer bounds.
            single = av[1] == 1
            parts.append(_seq_need(av[2], lb and single, rb and single))
        i += 1
    return _and(parts)


def literal_need(pattern: re.Pattern[str]) -> Need:
    """The and/or word requirement every match of ``pattern`` meets, read off its parse."""
    try:
        return _NEEDS[pattern]
    except KeyError:
        pass
    need: Need = None
    if isinstance(pattern.pattern, str) and not pattern.flags & re.VERBOSE:
        need = _seq_need(sre_parse.parse(pattern.pattern, pattern.flags), False, False)
    _NEEDS[pattern] = need
    return need


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


def _top_alternatives(source: str) -> list[str]:
    """The pattern source split at its top-level ``|`` (not inside groups, classes or escapes)."""
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
    parts = _top_alternatives(pattern.pattern)
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


class TokenIndex:
    """For each clause, the set of its lower-cased tokens; and per gate word, the clauses whose
    tokens contain it (computed on first use, then kept)."""

    __slots__ = (
        "_bits",
        "_by_token",
        "_text",
        "_text_starts",
        "_post_bits",
        "_postings",
        "_starts",
        "_tokens",
        "_vocabulary",
        "_nl_vocabulary",
        "_sorted",
        "_word_clauses",
    )

    def __init__(self, texts: list[str]) -> None:
        joined = _CLAUSE_BREAK.join(texts).lower()
        if not joined.isascii():
            # IGNORECASE equates dotless i and long s with "i" and "s"; str.lower() does not.
            joined = joined.replace("\u0131", "i").replace("\u017f", "s")
        self._text = joined
        self._text_starts: list[int] = []
        pos = 0
        for t in texts:
            self._text_starts.append(pos)
            pos += len(t) + 1
        if any(_CLAUSE_BREAK in t for t in texts):
            parts = [
                t.lower().replace("\u0131", "i").replace("\u017f", "s").encode() for t in texts
            ]
        else:
            parts = joined.encode().split(_CLAUSE_BREAK.encode())
        # bytes.translate and bytes.split run in C: the whole tokenisation is two passes. A
        # non-ASCII clause is split on Unicode word runs instead, so that every token is exactly
        # one ``\w+`` run of the text (what ``\b`` sees) whatever its script or punctuation.
        self._tokens = [
            set(p.translate(_TO_SPACE).split())
            if p.isascii()
            else {w.encode() for w in _UNICODE_WORD.findall(p.decode())}
            for p in parts
        ]
        self._vocabulary = b""
        self._nl_vocabulary = b""  # the same after a "\n": every token sits between two
        # Tokens sorted (as is, and reversed), each with its token number: built on first use.
        self._sorted: dict[bool, tuple[list[bytes], list[int]]] = {}
        self._postings: list[list[int]] = []
        self._post_bits: list[int] = []  # per token, its postings as bits; 0 = not built yet
        self._starts: list[int] = []
        self._word_clauses: dict[str, frozenset[int]] = {}
        self._by_token: dict[bytes, int] = {}
        self._bits: dict[tuple[str, str], int] = {}

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
        self._nl_vocabulary = b"\n" + self._vocabulary
        self._postings = list(by_token.values())
        self._post_bits = [0] * len(self._postings)
        self._starts = starts
        self._by_token = {token: i for i, token in enumerate(by_token)}

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

    def bits(self, mode: str, piece: str) -> int:
        """Clause positions (as bits of an int) holding a token equal to ``piece`` ("exact"),
        starting with it ("prefix"), ending with it ("suffix") or containing it ("sub")."""
        key = (mode, piece)
        found = self._bits.get(key)
        if found is not None:
            return found
        if not self._starts and any(self._tokens):
            self._invert()
        out = 0
        if mode == "char":
            out = self._char_bits(piece)
        elif mode == "digit":
            found_tokens = _DIGIT_TOKEN.finditer(self._nl_vocabulary)
            for m in found_tokens:
                out |= self._posting_bits(bisect.bisect_right(self._starts, m.start()) - 1)
        elif mode == "exact":
            i = self._by_token.get(piece.encode())
            if i is not None:
                out = self._posting_bits(i)
        elif mode == "prefix" or mode == "suffix":
            # Tokens starting with the piece are a run of the sorted tokens (found by bisection,
            # not by a search of the whole vocabulary); reversed tokens serve the suffixes.
            backwards = mode == "suffix"
            needle = piece.encode()[::-1] if backwards else piece.encode()
            ordered, numbers = self._sorted_tokens(backwards)
            at = bisect.bisect_left(ordered, needle)
            while at < len(ordered) and ordered[at].startswith(needle):
                out |= self._posting_bits(numbers[at])
                at += 1
        else:
            needle = piece.encode()
            # Token i sits at starts[i] + 1 of this string, after a "\n" at starts[i].
            vocabulary, starts = self._nl_vocabulary, self._starts
            pos = vocabulary.find(needle)
            while pos != -1:
                i = bisect.bisect_right(starts, pos - 1) - 1
                out |= self._posting_bits(i)
                if i + 1 == len(starts):
                    break
                pos = vocabulary.find(needle, starts[i + 1])
        self._bits[key] = out
        return out

    def _sorted_tokens(self, backwards: bool) -> tuple[list[bytes], list[int]]:
        found = self._sorted.get(backwards)
        if found is None:
            tokens = list(self._by_token)  # in token-number order
            keys = [t[::-1] for t in tokens] if backwards else tokens
            number = dict(zip(keys, range(len(keys)), strict=True))
            ordered = sorted(keys)
            found = self._sorted[backwards] = (ordered, [number[k] for k in ordered])
        return found

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

    def _posting_bits(self, i: int) -> int:
        found = self._post_bits[i]
        if not found:  # every token sits in some clause, so built bits are never 0
            found = self._post_bits[i] = _as_bits(self._postings[i])
        return found

    def evaluate(self, need: Need) -> int | None:
        """Clause positions (bits) that can satisfy ``need``; None when every clause can."""
        if need is None:
            return None
        op, arg = need
        if op != "and" and op != "or":
            found = self._bits.get(need)  # a leaf (mode, piece) is its own cache key
            return found if found is not None else self.bits(op, arg)
        # Leaves are looked up here rather than by a call each: trees have hundreds of them.
        cache, both = self._bits, op == "and"
        out: int | None = None
        for part in arg:
            kind = part[0]
            if kind == "and" or kind == "or":
                bits = self.evaluate(part)
                if bits is None:
                    if not both:
                        return None
                    continue
            else:
                bits = cache.get(part)
                if bits is None:
                    bits = self.bits(kind, part[1])
            if both:
                out = bits if out is None else out & bits
                if not out:
                    return 0
            else:
                out = bits if out is None else out | bits
        return out if both else (out or 0)

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
    "gate_words",
    "literal_need",
    "match_anchors",
    "match_plan",
    "may_start_with_newline",
]
