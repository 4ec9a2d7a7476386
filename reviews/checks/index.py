"""A per-policy search index the scope detector and the check rules share.

Built once per policy: clauses by id and by classifier category, facts by kind, the clauses that
only list topics (a table of contents promises a topic; it is never evidence), and a cache of
regex hits over the whole text so each pattern runs once per policy however many rules use it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from policies.extraction.document import HEADING, ClauseInput, Fact
from reviews.checks.literals import (
    Need,
    TokenIndex,
    anchor_keys,
    gate_words,
    literal_need,
    looks_before_start,
    match_anchors,
    match_plan,
    may_span_clauses,
    may_start_with_newline,
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the policy text that supports a verdict or a scope decision."""

    clause_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    """One regex match inside one clause (absolute offsets into the policy text)."""

    clause: ClauseInput
    start: int
    end: int
    text: str

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.clause.id, self.start, self.end)


_LOWERED: dict[re.Pattern[str], re.Pattern[str]] = {}


def lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern for lower-cased text: literals lower-cased (escapes kept, so ``\\S`` stays
    ``\\S``) and, for ASCII patterns, without IGNORECASE, which lets the regex engine skip ahead
    on literal prefixes instead of case-folding every character."""
    low = _LOWERED.get(pattern)
    if low is None:
        source, out, i = pattern.pattern, [], 0
        while i < len(source):
            if source[i] == "\\" or source.startswith("(?P", i):
                step = 2 if source[i] == "\\" else 3
                out.append(source[i : i + step])
                i += step
            else:
                out.append(source[i].lower())
                i += 1
        flags = pattern.flags
        if source.isascii():
            flags &= ~re.IGNORECASE
        low = _LOWERED[pattern] = re.compile("".join(out), flags)
    return low


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one pattern is scanned over the lower-cased text, worked out once per process. A dict
    lookup keyed by a compiled pattern hashes its whole compiled code (about a microsecond for a
    long alternation), and scans made several such lookups per pattern and per hit: plans and
    the per-policy caches are keyed by the pattern's id instead."""

    pattern: re.Pattern[str]  # kept, so the id is not reused while the plan exists
    low: re.Pattern[str]
    need: Need
    windowed: bool  # windows from the need; else (a match may start with a newline) the gate's
    anchors: tuple[str, ...] | None  # of match_plan: where a match can start
    anchor_keys: tuple[str | None, ...]  # their words' leaves (see ``TokenIndex.holding``)
    others: re.Pattern[str] | None
    first: tuple[str, ...] | None  # match_anchors: every match starts with one of these
    first_keys: tuple[str | None, ...]
    in_place: bool  # a search of a clause may run on its span of the text (no ^ or lookbehind)


_SCAN_PLANS: dict[int, _Plan] = {}


def _plan(pattern: re.Pattern[str]) -> _Plan:
    plan = _SCAN_PLANS.get(id(pattern))
    if plan is None or plan.pattern is not pattern:
        low = lowered(pattern)
        anchors, others = match_plan(low) or (None, None)
        first = match_anchors(low)
        plan = _SCAN_PLANS[id(pattern)] = _Plan(
            pattern,
            low,
            literal_need(low, whole=not may_span_clauses(low)),
            not may_start_with_newline(low),
            anchors,
            anchor_keys(anchors or ()),
            others,
            first,
            anchor_keys(first or ()),
            not looks_before_start(low),
        )
    return plan


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern: case-insensitive, ``\\s`` tolerant of line breaks inside clauses."""
    return re.compile(pattern, re.IGNORECASE)


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation over cue phrases, matched on word boundaries where the cue has them."""
    parts = []
    for cue in cues:
        cue = cue.strip()
        if not cue:
            continue
        body = r"\s+".join(re.escape(word) for word in cue.split())
        left = r"\b" if cue[0].isalnum() else ""
        right = r"\b" if cue[-1].isalnum() else ""
        parts.append(f"{left}{body}{right}")
    return rx("|".join(parts)) if parts else None


_NEGATION = re.compile(
    r"\b(?:not|never|no|nor|neither|without|none)\b|n't\b|\bwon't\b", re.IGNORECASE
)
_SENTENCE_BREAK = re.compile(r"[.;!?:](?:\s|$)|\n")

# A line that announces a list of topics ("learn more about the following:").
_TOC_INTRO = rx(
    r"table of contents|^\s*contents\s*:?\s*$|(?:learn|read) more about the following"
    r"|(?:this|our) (?:privacy )?(?:policy|notice|statement) (?:covers|explains|describes|"
    r"addresses) the following|the following (?:topics|sections)|in this (?:privacy )?policy:\s*$"
)
_TOC_MAX_WORDS = 25
# Every _TOC_INTRO match holds one of these (lower-cased ASCII text; others run the pattern).
_TOC_INTRO_WORDS = ("contents", "following", "policy:")


def _may_intro(text: str) -> bool:
    if not text.isascii():
        return True
    low = text.lower()
    return any(word in low for word in _TOC_INTRO_WORDS)


# Joins clause texts so one regex pass covers a policy; neither ``\s`` nor ``[^.\n]`` crosses it.
_SEPARATOR = "\n\x00\n"
_WORD = re.compile(r"\w+")
_ONES = re.compile("1+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


# "More than 12 words", read only as far as the 13th word (most clauses are long paragraphs).
_OVER_12_WORDS = re.compile(r"\W*(?:\w+\W+){12}\w")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _spots(anchors: tuple[str, ...], text: str, begin: int, end: int) -> list[int]:
    """Sorted positions in ``text[begin:end]`` where one of ``anchors`` starts."""
    spots: list[int] = []
    find = text.find
    for anchor in anchors:
        pos = find(anchor, begin, end)
        while pos != -1:
            spots.append(pos)
            pos = find(anchor, pos + 1, end)
    return sorted(set(spots)) if len(anchors) > 1 else spots


def _intro_texts(
    lower_joined: str, starts: list[int], clauses: Sequence[ClauseInput]
) -> dict[int, str]:
    """Position -> lower-cased text of the clauses holding a ``_TOC_INTRO_WORDS`` word, found by
    one ``str.find`` pass per word over the index's lower-cased text (in which IGNORECASE's
    look-alikes are folded, so no clause that ``_TOC_INTRO`` matches is missed)."""
    found: dict[int, str] = {}
    for word in _TOC_INTRO_WORDS:
        pos = lower_joined.find(word)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            found[i] = lower_joined[starts[i] : starts[i] + len(clauses[i].text)]
            if i + 1 == len(starts):
                break
            pos = lower_joined.find(word, starts[i + 1])
    return found


def detect_toc(
    clauses: Sequence[ClauseInput], intro: dict[int, str] | None = None
) -> frozenset[int]:
    """Clause ids that only list topics: a run of short lines after an announcing line, or a run
    of three or more short lines each repeated later as a heading. ``intro`` (from
    ``_intro_texts``) names the clauses that may announce, with their lower-cased text, on which
    the lower-cased twin of the pattern runs without IGNORECASE."""
    toc: set[int] = set()
    intro_low = lowered(_TOC_INTRO)
    for i, clause in enumerate(clauses):
        if intro is not None:
            low = intro.get(i)
            if low is None or not intro_low.search(low):
                continue
        elif not _may_intro(clause.text) or not _TOC_INTRO.search(clause.text):
            continue
        for j in range(i + 1, min(i + 16, len(clauses))):
            follower = clauses[j]
            if _words(follower.text) > _TOC_MAX_WORDS or "@" in follower.text:
                break
            # A heading followed by running text starts the body: the list is over.
            if (
                follower.kind == HEADING
                and j + 1 < len(clauses)
                and _OVER_12_WORDS.match(clauses[j + 1].text)
            ):
                break
            toc.add(follower.id)
    # First position of each heading text; a clause repeats a heading found after it.
    later_headings: dict[str, int] = {}
    norms: dict[str, str] = {}
    for i, clause in enumerate(clauses):
        if clause.kind == HEADING or clause.heading:
            raw = clause.text if clause.kind == HEADING else clause.heading
            key = norms.get(raw)
            if key is None:
                key = norms[raw] = _norm(raw)
            later_headings.setdefault(key, i)
    run: list[int] = []
    for i, clause in enumerate(clauses):
        repeated = (
            clause.kind != HEADING
            and not _OVER_12_WORDS.match(clause.text)
            and later_headings.get(_norm(clause.text), -1) > i
        )
        if repeated:
            run.append(clause.id)
            continue
        if len(run) >= 3:
            toc.update(run)
        run = []
    if len(run) >= 3:
        toc.update(run)
    return frozenset(toc)


@dataclass
class PolicyIndex:
    """Read-only view of one policy for the rules. Build with :func:`build_index`."""

    text: str
    clauses: tuple[ClauseInput, ...]
    facts: tuple[Fact, ...]
    toc_ids: frozenset[int]
    by_id: dict[int, ClauseInput]
    by_category: dict[str, list[ClauseInput]]
    facts_by_kind: dict[str, list[Fact]]
    _starts: list[int]
    _order: dict[int, int]
    _joined: str
    _joined_starts: list[int]
    _tokens: TokenIndex
    _lower_joined: str | None
    # Keyed by id(pattern) (see ``_Plan``); ``_patterns`` keeps each pattern alive meanwhile.
    _patterns: dict[int, re.Pattern[str]] = field(default_factory=dict)
    _hits: dict[int, list[Hit]] = field(default_factory=dict)
    _outside_toc: dict[int, list[Hit]] = field(default_factory=dict)
    _pending: dict[int, Iterator[Hit]] = field(default_factory=dict)
    _clause_has: dict[tuple[int, int], bool] = field(default_factory=dict)
    _fact_pairs: dict[str, list[tuple[Fact, Hit]]] = field(default_factory=dict)
    _negated: dict[tuple[int, int], bool] = field(default_factory=dict)
    _memo: dict[str, object] = field(default_factory=dict)

    def search(self, pattern: re.Pattern[str], *, include_toc: bool = False) -> list[Hit]:
        """Every match of ``pattern`` that lies inside one clause, in text order. Callers must
        not change the returned list: it is shared by every rule that asks for the pattern."""
        key = id(pattern)
        hits = self._outside_toc.get(key)
        if hits is None:
            hits = self._pull(pattern, None)
            self._outside_toc[key] = (
                [h for h in hits if h.clause.id not in self.toc_ids] if self.toc_ids else hits
            )
            if include_toc:
                return hits
        return self._hits[key] if include_toc else self._outside_toc[key]

    def iter_hits(self, pattern: re.Pattern[str]) -> Iterator[Hit]:
        """The hits of :meth:`search` (outside tables of contents), scanned only as far as the
        caller reads: rules that need the first hit or two stop the scan there."""
        key = id(pattern)
        done = self._outside_toc.get(key)
        if done is not None:
            yield from done
            return
        hits = self._hits.get(key)
        if hits is None:
            hits = self._start(pattern)
        toc, pending, i = self.toc_ids, self._pending, 0
        while True:
            if i < len(hits):
                hit = hits[i]
                i += 1
                if hit.clause.id not in toc:
                    yield hit
                continue
            scan = pending.get(key)
            if scan is None:
                return
            hit = next(scan, None)
            if hit is None:
                pending.pop(key, None)
                return
            hits.append(hit)

    def clauses_matching(self, pattern: re.Pattern[str]) -> list[ClauseInput]:
        """The clauses (outside tables of contents, in text order) holding a hit of ``pattern``:
        the clauses of :meth:`search`, answered by one search per candidate clause when the
        hits themselves are not needed (cue phrases for the "considered" list)."""
        done = self._outside_toc.get(id(pattern))
        plan = _plan(pattern) if self._lower_joined is not None else None
        if done is not None or plan is None or not plan.windowed:
            return list({h.clause.id: h.clause for h in self.search(pattern)}.values())
        low = plan.low
        bits = self._tokens.evaluate(plan.need)
        if bits is None:
            return list({h.clause.id: h.clause for h in self.search(pattern)}.values())
        if bits == 0:
            return []
        # The first match at or after the clause start is the clause's first hit in a scan of
        # the whole text (no match starts in a separator); a clause has a hit iff it fits.
        scanned, starts, clauses, toc = (
            self._lower_joined,
            self._joined_starts,
            self.clauses,
            self.toc_ids,
        )
        if plan.first is None:
            out = []
            for run in _ONES.finditer(bin(bits)[:1:-1]):
                for pos in range(run.start(), run.end()):
                    clause = clauses[pos]
                    if clause.id in toc:
                        continue
                    begin = starts[pos]
                    end = starts[pos + 1] if pos + 1 < len(starts) else len(scanned)
                    match = low.search(scanned, begin, end)
                    if match is None:
                        continue
                    if match.end() == match.start():
                        return list({h.clause.id: h.clause for h in self.search(pattern)}.values())
                    if match.end() - begin <= len(clause.text):
                        out.append(clause)
            return out
        found = self._first_matches(low, scanned, plan.first, plan.first_keys, bits)
        if found is None:  # an empty match: let the scan decide
            return list({h.clause.id: h.clause for h in self.search(pattern)}.values())
        return [clause for clause in found if clause.id not in toc]

    def _first_matches(
        self,
        low: re.Pattern[str],
        scanned: str,
        anchors: tuple[str, ...],
        keys: tuple[str | None, ...],
        bits: int,
    ) -> list[ClauseInput] | None:
        """The candidate clauses whose first match (tried at the anchors, in text order, up to
        the next clause) fits in the clause; None if a first match is empty. Walks the anchor
        positions rather than the clauses: most candidate clauses hold none."""
        starts, clauses, out = self._joined_starts, self.clauses, []
        held = self._tokens.holding(anchors, keys, bits)
        runs = [(run.start(), run.end()) for run in _ONES.finditer(bin(bits)[:1:-1])]
        for first, last in runs:
            mask = ((1 << (last - first)) - 1) << first
            chosen = tuple(anchor for anchor, held_bits in held if held_bits & mask)
            run_end = starts[last] if last < len(starts) else len(scanned)
            decided = -1  # the last clause whose first match was found
            for spot in _spots(chosen, scanned, starts[first], run_end):
                pos = bisect.bisect_right(starts, spot) - 1
                if pos <= decided:
                    continue
                end = starts[pos + 1] if pos + 1 < len(starts) else len(scanned)
                match = low.match(scanned, spot, end)
                if match is None:
                    continue
                if match.end() == match.start():
                    return None
                decided = pos
                if match.end() - starts[pos] <= len(clauses[pos].text):
                    out.append(clauses[pos])
        return out

    def _start(self, pattern: re.Pattern[str]) -> list[Hit]:
        key = id(pattern)
        self._patterns[key] = pattern
        hits = self._hits[key] = []
        scan = self._scan(pattern)
        if scan is not None:
            self._pending[key] = scan
        return hits

    def _pull(self, pattern: re.Pattern[str], count: int | None) -> list[Hit]:
        """The pattern's hits, scanned until there are ``count`` of them (None: all)."""
        key = id(pattern)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._start(pattern)
        pending = self._pending.get(key)
        if pending is not None and (count is None or len(hits) < count):
            for hit in pending:
                hits.append(hit)
                if count is not None and len(hits) >= count:
                    return hits
            self._pending.pop(key, None)
        return hits

    def _scan(self, pattern: re.Pattern[str]) -> Iterator[Hit] | None:
        """The pattern's hits, found as they are read; None when no clause can hold one."""
        # Only the clauses that hold the words every match needs can match; runs of such clauses
        # are scanned as one window of the joined text, so a match sees exactly the context it
        # would see in a scan of the whole text.
        if self._lower_joined is None:
            windows = self._gate_windows(self._tokens.candidates(gate_words(pattern)))
            return self._hits_of(self._finditer(pattern, self._joined, windows))
        scanned, plan = self._lower_joined, _plan(pattern)
        low, bits = plan.low, None
        if plan.windowed:
            bits = self._tokens.evaluate(plan.need)
            if bits == 0:
                return None  # no clause holds the words every match needs
            windows = self._windows(bits)
        else:
            windows = self._gate_windows(self._tokens.candidates(gate_words(low)))
        if plan.anchors is None:
            return self._hits_of(self._finditer(low, scanned, windows))
        return self._hits_of(
            self._anchored(low, scanned, windows, plan.anchors, plan.others, bits, plan.anchor_keys)
        )

    def _hits_of(self, matches: Iterator[re.Match[str]]) -> Iterator[Hit]:
        """The matches that lie inside one clause, as hits (offsets into the policy text)."""
        joined, starts, clauses = self._joined, self._joined_starts, self.clauses
        for match in matches:
            m_start, m_end = match.span()
            if m_end == m_start:
                continue
            pos = bisect.bisect_right(starts, m_start) - 1
            clause = clauses[pos]
            rel = m_start - starts[pos]
            if rel + (m_end - m_start) > len(clause.text):
                continue
            start = clause.start + rel
            yield Hit(clause, start, start + m_end - m_start, joined[m_start:m_end])

    def _matches(
        self,
        pattern: re.Pattern[str],
        scanned: str,
        windows: list[tuple[int, int]],
        candidates: int | None = None,
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer`` over each window, in order (anchored where it can be)."""
        plan = match_plan(pattern) if scanned is self._lower_joined else None
        if plan is None:
            return self._finditer(pattern, scanned, windows)
        return self._anchored(pattern, scanned, windows, plan[0], plan[1], candidates)

    @staticmethod
    def _finditer(
        pattern: re.Pattern[str], scanned: str, windows: list[tuple[int, int]]
    ) -> Iterator[re.Match[str]]:
        for begin, end in windows:
            yield from pattern.finditer(scanned, begin, end)

    def _anchored(
        self,
        pattern: re.Pattern[str],
        scanned: str,
        windows: list[tuple[int, int]],
        anchors: tuple[str, ...],
        others: re.Pattern[str] | None,
        candidates: int | None,
        keys: tuple[str | None, ...] | None = None,
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer`` over each window when every match starts with one of a few
        literals (or, for ``others``, where their lookahead holds): the pattern is tried only
        where they occur (found by ``str.find``, in C), the same attempts finditer makes there,
        and it fails everywhere else. ``candidates`` (clause bits holding the windows' clauses)
        lets anchors no such clause holds go unsought: an anchor lies inside one clause (it
        holds no separator character), and most anchors of a big alternation are absent from
        any one policy, so searching every window for each of them cost more than matching."""
        if keys is None:
            keys = anchor_keys(anchors)
        held = self._tokens.holding(anchors, keys, -1 if candidates is None else candidates)
        if not held and others is None:
            return
        anchors = tuple(anchor for anchor, _ in held)
        starts, match = self._joined_starts, pattern.match
        for begin, end in windows:
            if candidates is not None and len(windows) > 1:
                # Only the anchors whose word a clause of this window holds.
                first, last = bisect.bisect_left(starts, begin), bisect.bisect_left(starts, end)
                mask = ((1 << (last - first)) - 1) << first
                anchors = tuple(anchor for anchor, bits in held if bits & mask)
            resume, spots = begin, _spots(anchors, scanned, begin, end)
            if others is not None:  # alternatives without an anchor: where their lookahead holds
                spots = sorted({*spots, *(m.start() for m in others.finditer(scanned, begin, end))})
            for spot in spots:
                if spot < resume:
                    continue  # inside the previous match: finditer resumes after it
                found = match(scanned, spot, end)
                if found is not None:
                    yield found
                    resume = found.end()

    def _windows(self, bits: int | None) -> list[tuple[int, int]]:
        """Runs of consecutive candidate clauses (bits of ``bits``) as spans of the joined text,
        each up to the start of the next clause (its separator included)."""
        joined, starts = self._joined, self._joined_starts
        if bits is None:
            return [(0, len(joined))]
        windows = []
        flags = bin(bits)[:1:-1]  # lowest bit first: flags[i] is clause i
        for run in _ONES.finditer(flags):
            last = run.end()
            windows.append(
                (starts[run.start()], starts[last] if last < len(starts) else len(joined))
            )
        return windows

    def _gate_windows(self, candidates: list[int] | None) -> list[tuple[int, int]]:
        joined, starts = self._joined, self._joined_starts
        if candidates is None:
            return [(0, len(joined))]
        windows: list[tuple[int, int]] = []
        for pos in candidates:
            end = starts[pos + 1] if pos + 1 < len(starts) else len(joined)
            if windows and windows[-1][1] == starts[pos]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((starts[pos], end))
        return windows

    def clause_has(self, pattern: re.Pattern[str], clause: ClauseInput) -> bool:
        """Whether ``pattern`` matches somewhere in the clause (memoised: rules ask repeatedly)."""
        key = (id(pattern), clause.id)
        found = self._clause_has.get(key)
        if found is None:
            self._patterns[key[0]] = pattern
            plan = _plan(pattern) if self._lower_joined is not None else None
            if plan is not None and plan.in_place:
                # The lower-cased twin over the clause's span of the lower-cased text: without
                # IGNORECASE the regex engine skips ahead on literals (several times faster).
                begin = self._joined_starts[self._order[clause.id]]
                end = begin + len(clause.text)
                found = plan.low.search(self._lower_joined, begin, end) is not None
            else:
                found = pattern.search(clause.text) is not None
            self._clause_has[key] = found
        return found

    def negated(self, hit: Hit) -> bool:
        """:func:`is_negated`, memoised: rules read the same hits through ``found`` again."""
        key = (hit.clause.id, hit.start)
        found = self._negated.get(key)
        if found is None:
            found = self._negated[key] = is_negated(hit)
        return found

    def fact_pairs(self, kind: str) -> list[tuple[Fact, Hit]]:
        """Facts of a kind whose clause is known, each with its evidence as a hit (built once)."""
        pairs = self._fact_pairs.get(kind)
        if pairs is None:
            pairs = []
            for fact in self.facts_of(kind):
                clause = self.by_id.get(fact.clause_id)
                if clause is not None:
                    hit = Hit(clause, fact.start, fact.end, self.text[fact.start : fact.end])
                    pairs.append((fact, hit))
            self._fact_pairs[kind] = pairs
        return pairs

    def facts_of(self, kind: str) -> list[Fact]:
        """Facts of one kind, ignoring any that sit in a table of contents."""
        return self.facts_by_kind.get(kind, [])

    def in_category(self, *categories: str, min_confidence: float = 0.0) -> list[ClauseInput]:
        seen: dict[int, ClauseInput] = {}
        for category in categories:
            for clause in self.by_category.get(category, []):
                if clause.categories.get(category, 0.0) >= min_confidence:
                    seen[clause.id] = clause
        return sorted(seen.values(), key=lambda c: self._order[c.id])

    def clause_at(self, offset: int) -> ClauseInput | None:
        pos = bisect.bisect_right(self._starts, offset) - 1
        if pos < 0:
            return None
        clause = self.clauses[pos]
        return clause if clause.start <= offset < max(clause.end, clause.start + 1) else None

    def following(self, clause: ClauseInput, count: int = 6) -> list[ClauseInput]:
        pos = self._order[clause.id]
        return list(self.clauses[pos + 1 : pos + 1 + count])

    def preceding(self, clause: ClauseInput, count: int = 3) -> list[ClauseInput]:
        """Up to ``count`` clauses just before this one under the same heading."""
        pos = self._order[clause.id]
        before = self.clauses[max(0, pos - count) : pos]
        return [c for c in before if c.heading_path == clause.heading_path]

    def context(self, clause: ClauseInput) -> str:
        """The clause with the headings above it, for rules that care about the section."""
        return " / ".join((*clause.heading_path, clause.text))


def build_index(text: str, clauses: Sequence[ClauseInput], facts: Sequence[Fact]) -> PolicyIndex:
    ordered = tuple(sorted(clauses, key=lambda c: (c.start, c.order)))
    texts = [c.text for c in ordered]
    joined = _SEPARATOR.join(texts)
    # Lower-casing keeps offsets except for a few letters (e.g. U+0130); then scan the original.
    lower_joined: str | None = joined.lower()
    if not lower_joined.isascii():
        # IGNORECASE also equates these two with "i" and "s"; str.lower() does not.
        lower_joined = lower_joined.replace("\u0131", "i").replace("\u017f", "s")
    if len(lower_joined) != len(joined):
        lower_joined = None
    joined_starts = list(
        itertools.accumulate((len(c.text) + len(_SEPARATOR) for c in ordered), initial=0)
    )[:-1]
    intro = None if lower_joined is None else _intro_texts(lower_joined, joined_starts, ordered)
    toc = set(detect_toc(ordered, intro))
    for fact in facts:
        if fact.kind == "table_of_contents":
            toc.add(fact.clause_id)
    by_category: dict[str, list[ClauseInput]] = {}
    for clause in ordered:
        for category in clause.categories:
            by_category.setdefault(category, []).append(clause)
    facts_by_kind: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.clause_id in toc and fact.kind != "table_of_contents":
            continue
        facts_by_kind.setdefault(fact.kind, []).append(fact)
    return PolicyIndex(
        text=text,
        clauses=ordered,
        facts=tuple(facts),
        toc_ids=frozenset(toc),
        by_id={c.id: c for c in ordered},
        by_category=by_category,
        facts_by_kind=facts_by_kind,
        _starts=[c.start for c in ordered],
        _order={c.id: i for i, c in enumerate(ordered)},
        _joined=joined,
        _joined_starts=joined_starts,
        _tokens=(
            TokenIndex(texts)
            if lower_joined is None
            else TokenIndex(texts, lower_joined, joined_starts, _SEPARATOR)
        ),
        _lower_joined=lower_joined,
    )


class LazyHits:
    """A list of hits read from an iterator only as far as it is used: ``hits[:2]``, ``hits[0]``
    and truth tests pull what they need; ``len``, ``+`` and full iteration read everything."""

    __slots__ = ("_items", "_source")

    def __init__(self, source: Iterable[Hit]) -> None:
        self._items: list[Hit] = []
        self._source: Iterator[Hit] | None = iter(source)

    def _fill(self, count: int | None) -> list[Hit]:
        source, items = self._source, self._items
        if source is not None and (count is None or len(items) < count):
            for hit in source:
                items.append(hit)
                if count is not None and len(items) >= count:
                    return items
            self._source = None
        return items

    def __bool__(self) -> bool:
        return bool(self._fill(1))

    def __len__(self) -> int:
        return len(self._fill(None))

    def __iter__(self) -> Iterator[Hit]:
        i = 0
        while True:
            items = self._items if i < len(self._items) else self._fill(i + 1)
            if i >= len(items):
                return
            yield items[i]
            i += 1

    def __getitem__(self, key):
        if isinstance(key, slice):
            stop = key.stop
            if key.step is None and stop is not None and stop >= 0 and (key.start or 0) >= 0:
                return self._fill(stop)[key]
            return self._fill(None)[key]
        return self._fill(key + 1 if key >= 0 else None)[key]

    def __add__(self, other: Iterable[Hit]) -> list[Hit]:
        return list(self._fill(None)) + list(other)

    def __radd__(self, other: Iterable[Hit]) -> list[Hit]:
        return list(other) + list(self._fill(None))


def sentence_of(hit: Hit) -> str:
    """The sentence of the clause that holds the hit."""
    text, rel = hit.clause.text, hit.start - hit.clause.start
    begin = 0
    for m in _SENTENCE_BREAK.finditer(text, 0, rel):
        begin = m.end()
    end_match = _SENTENCE_BREAK.search(text, hit.end - hit.clause.start)
    end = end_match.start() + 1 if end_match else len(text)
    return text[begin:end]


def is_negated(hit: Hit, window: int = 60) -> bool:
    """A negation word earlier in the same sentence, close to the hit ("we do not sell")."""
    text, rel = hit.clause.text, hit.start - hit.clause.start
    begin = max(0, rel - window)
    for m in _SENTENCE_BREAK.finditer(text, begin, rel):
        begin = m.end()
    return bool(_NEGATION.search(text, begin, rel))


def first_per_clause(hits: Iterable[Hit]) -> list[Hit]:
    seen: set[int] = set()
    out = []
    for hit in hits:
        if hit.clause.id not in seen:
            seen.add(hit.clause.id)
            out.append(hit)
    return out
