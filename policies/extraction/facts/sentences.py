"""Sentences inside one clause, and the negation rule every extractor shares.

Facts are stated by sentences, and negation only reaches as far as its sentence (and, inside it,
as far as the next scope break such as "but" or ";"). Keeping that rule here means "we never
sell", "we do not respond to Do Not Track" and "not intended for children" are decided the same
way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from policies.extraction.document import ClauseInput, Fact
from policies.extraction.facts import anchors, headindex
from policies.extraction.facts.cues import ALL
from policies.extraction.facts.headindex import HeadIndex
from policies.extraction.facts.prefilter import Guarded

# A sentence ends at . ! ? followed by space and an upper-case/quote/digit start, or at a line end.
_SENTENCE_END = anchors.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z\"“‘'(\d•\-−–])|\n+")
# Abbreviations after which a full stop does not end the sentence.
_ABBREVIATION = anchors.compile(
    r"(?:\b(?:e\.g|i\.e|etc|inc|ltd|co|corp|no|nr|mr|mrs|ms|dr|st|ave|blvd|vs|approx|incl"
    r"|u\.s|u\.k|e\.u|art|sec|para|cf|viz|al|jr|sr|llc|s\.a|b\.v|p\.o|ph)\.|\b[A-Z]\.)$",
    re.IGNORECASE,
)

NEGATION = anchors.compile(
    r"\b(?:not|never|no|neither|nor|without|cannot|none|nothing|nobody|"
    r"won't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|can't|shan't|wouldn't|"
    r"shouldn't|haven't|hasn't)\b|n[’']t\b",
    re.IGNORECASE,
)
# "not only ... but also" and "no later than" state something positive.
_NOT_NEGATION = anchors.compile(
    r"\bnot\s+only\b|\bno\s+later\s+than\b|\bno\s+more\s+than\b|\bno\s+less\s+than\b"
    r"|\bnot\s+limited\s+to\b|\bwithout\s+limitation\b|\bnot\s+less\s+than\b|\bno\s+matter\b"
    r"|\bnotwithstanding\b",
    re.IGNORECASE,
)
# Where a negation stops reaching forwards inside a sentence.
_SCOPE_BREAK = anchors.compile(
    r";|:|\bbut\b|\bhowever\b|\bunless\b|\bexcept\b|\bother than\b|\bif you\b|\bwhich\b|"
    r"\bwhen\b|\bwhere\b|\bso that\b|\bin order to\b|\bbecause\b|\bwhile\b|\bwhereas\b|"
    r",\s+(?:and|or)\s+(?:we|you|they)\b|\.\s",
    re.IGNORECASE,
)
# How far back (characters) a negation may stand from the word it negates.
NEGATION_WINDOW = 70
_AFTER_NEGATION = anchors.compile(r"^\W*(?:\w+\W+)?(?:no|none|nothing|neither)\b", re.IGNORECASE)


def negated_before(
    text: str,
    cue_start: int,
    *,
    window: int = NEGATION_WINDOW,
    index: HeadIndex | None = None,
    at: int = 0,
) -> bool:
    """Whether the word at ``cue_start`` of ``text`` (one sentence) is negated.

    A negation counts when it stands before the cue in the same scope (no break in between),
    within ``window`` characters. Positive look-alikes ("not only", "not limited to") are masked.
    ``index``: the document's head index, ``text`` starting at document position ``at``.
    """
    lo = max(0, cue_start - window)
    if index is not None:
        # No negation word may start in the window: then none is in what the rules below keep
        # of it either (scope breaks only cut the window short, the "not only" masking only
        # blanks phrases, and no negation word holds a space).
        got = headindex.span(index, NEGATION, at + lo, at + cue_start)
        if got is not None and got[1] == got[2]:
            return False
    before = text[lo:cue_start]
    breaks = list(headindex.finditer(index, _SCOPE_BREAK, before, at + lo))
    if breaks:
        cut = breaks[-1].end()
        before, lo = before[cut:], lo + cut
    if headindex.search(index, _NOT_NEGATION, before, at + lo):
        before = _NOT_NEGATION.sub(" ", before)
        index = None  # the text no longer is the document's
    return headindex.search(index, NEGATION, before, at + lo) is not None


def negated_around(
    text: str, cue_start: int, cue_end: int, *, index: HeadIndex | None = None, at: int = 0
) -> bool:
    """``negated_before`` or a negative object right after the verb ("we sell no data")."""
    if negated_before(text, cue_start, index=index, at=at):
        return True
    return _AFTER_NEGATION.match(text[cue_end : cue_end + 24]) is not None


# Where a sentence end can begin: right after ". ! ?" (the look-behind of ``_SENTENCE_END``) or
# at a line break (its other alternative). ``split_sentences`` tries the pattern only there, in
# order, going on after each match's end: the matches ``_SENTENCE_END.finditer`` gives, without
# ``re`` trying the pattern at every character.
_STOP = re.compile(r"[.!?\n]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, trimmed, in order."""
    spans: list[tuple[int, int]] = []
    pos = resume = 0
    match = _SENTENCE_END.match
    for stop in _STOP.finditer(text):
        at = stop.start()
        if text[at] != "\n":
            at += 1
        if at < resume or (m := match(text, at)) is None:
            continue
        resume = m.end()  # never empty
        if (
            text[at - 1] == "."  # (an abbreviation ends with a full stop: skip "!" and "?")
            and "\n" not in m.group(0)
            and _ABBREVIATION.search(text[max(pos, at - 8) : at])
        ):
            continue
        spans.append((pos, at))
        pos = resume
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


Pattern = re.Pattern[str] | anchors.AnchoredPattern | anchors.AnchoredUnless | Guarded


@dataclass(slots=True)
class ClauseView:
    """One clause as the extractors see it: text, lower-cased text, sentences, and fact making."""

    clause: ClauseInput
    text: str
    offset: int
    mask: int = ALL  # cue bits of the clause (``cues.clause_masks``); ALL when not gated
    index: HeadIndex | None = None  # the document's head index (``headindex``), if any
    # Bits (``1 << slot``) of the anchored patterns that may match in the clause
    # (``HeadIndex.presence``); every bit set when unknown.
    heads: int = -1
    lower: str = field(init=False)
    _sentences: list[tuple[int, int]] | None = field(default=None, init=False)
    memo: dict = field(default_factory=dict, init=False)  # per-clause results shared by extractors
    _heading: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.lower = self.text.lower()

    def has(self, bit: int) -> bool:
        """Whether a cue of ``bit`` may occur in the clause."""
        return bool((self.mask >> bit) & 1)

    @property
    def heading(self) -> str:
        """The clause's heading path, joined with spaces, lower-cased."""
        if self._heading is None:
            self._heading = " ".join(self.clause.heading_path).lower()
        return self._heading

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = split_sentences(self.text)
        return self._sentences

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span (clause-relative) holding clause-relative position ``pos``."""
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return 0, len(self.text)

    def negated(self, start: int, end: int) -> bool:
        """Whether the cue at clause-relative ``start:end`` is negated within its sentence."""
        s, e = self.sentence_at(start)
        if self.index is None:
            return negated_around(self.text[s:e], start - s, end - s)
        # ``negated_around`` on the sentence, without copying it: the window before the cue
        # (skipped when the clause holds no negation word at all) and the words after it.
        lo = max(s, start - NEGATION_WINDOW)
        if (self.heads >> NEGATION.slot) & 1 and negated_before(
            self.text[lo:start], start - lo, index=self.index, at=self.offset + lo
        ):
            return True
        return _AFTER_NEGATION.match(self.text[end : min(end + 24, e)]) is not None

    # Searches through the document's head index: each is exactly ``pattern.search`` (or
    # ``finditer``) of ``text[s:e]`` (``lower``: of the lower-cased text), match positions
    # relative to ``s``, but it tries the pattern only where one of its heads occurs instead of
    # scanning the text again. A ``Guarded`` pattern whose cue bit the clause lacks finds nothing.

    def search(
        self, pattern: Pattern, s: int = 0, e: int | None = None, *, lower: bool = False
    ) -> re.Match[str] | None:
        if type(pattern) is Guarded:
            if not (self.mask >> pattern.bit) & 1:
                return None
            pattern = pattern.pattern
        if type(pattern) is anchors.AnchoredPattern and not (self.heads >> pattern.slot) & 1:
            return None
        source = self.lower if lower else self.text
        hay = source if s == 0 and e is None else source[s:e]
        if type(pattern) is anchors.AnchoredUnless:
            pattern = pattern.for_text(hay)
        return headindex.search(self.index, pattern, hay, self.offset + s)

    def finditer(
        self, pattern: Pattern, s: int = 0, e: int | None = None, *, lower: bool = False
    ) -> Iterator[re.Match[str]]:
        if type(pattern) is Guarded:
            if not (self.mask >> pattern.bit) & 1:
                return iter(())
            pattern = pattern.pattern
        if type(pattern) is anchors.AnchoredPattern and not (self.heads >> pattern.slot) & 1:
            return iter(())
        source = self.lower if lower else self.text
        hay = source if s == 0 and e is None else source[s:e]
        if type(pattern) is anchors.AnchoredUnless:
            pattern = pattern.for_text(hay)
        return headindex.finditer(self.index, pattern, hay, self.offset + s)

    def fact(self, kind: str, value: dict, start: int, end: int) -> Fact:
        """A fact whose evidence is clause-relative ``start:end`` (clamped into the clause)."""
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return Fact(kind, value, self.clause.id, self.offset + start, self.offset + end)

    def sentence_fact(self, kind: str, value: dict, pos: int) -> Fact:
        s, e = self.sentence_at(pos)
        return self.fact(kind, value, s, e)

    def sentence_text(self, pos: int) -> str:
        s, e = self.sentence_at(pos)
        return self.text[s:e]
