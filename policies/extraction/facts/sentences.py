"""Sentences inside one clause, and the negation rule every extractor shares.

Facts are stated by sentences, and negation only reaches as far as its sentence (and, inside it,
as far as the next scope break such as "but" or ";"). Keeping that rule here means "we never
sell", "we do not respond to Do Not Track" and "not intended for children" are decided the same
way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.extraction.document import ClauseInput, Fact
from policies.extraction.facts import anchors
from policies.extraction.facts.cues import ALL

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


def negated_before(text: str, cue_start: int, *, window: int = NEGATION_WINDOW) -> bool:
    """Whether the word at ``cue_start`` of ``text`` (one sentence) is negated.

    A negation counts when it stands before the cue in the same scope (no break in between),
    within ``window`` characters. Positive look-alikes ("not only", "not limited to") are masked.
    """
    lo = max(0, cue_start - window)
    before = text[lo:cue_start]
    breaks = list(_SCOPE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    if _NOT_NEGATION.search(before):  # (the anchored search is cheaper than a plain sub)
        before = _NOT_NEGATION.sub(" ", before)
    return NEGATION.search(before) is not None


def negated_around(text: str, cue_start: int, cue_end: int) -> bool:
    """``negated_before`` or a negative object right after the verb ("we sell no data")."""
    if negated_before(text, cue_start):
        return True
    return _AFTER_NEGATION.match(text[cue_end : cue_end + 24]) is not None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, trimmed, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if "\n" not in m.group(0) and _ABBREVIATION.search(
            text[max(pos, m.start() - 8) : m.start()]
        ):
            continue
        spans.append((pos, m.start()))
        pos = m.end()
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


@dataclass
class ClauseView:
    """One clause as the extractors see it: text, lower-cased text, sentences, and fact making."""

    clause: ClauseInput
    text: str
    offset: int
    mask: int = ALL  # cue bits of the clause (``cues.clause_masks``); ALL when not gated
    lower: str = field(init=False)
    _sentences: list[tuple[int, int]] | None = field(default=None, init=False)
    memo: dict = field(default_factory=dict, init=False)  # per-clause results shared by extractors

    def __post_init__(self) -> None:
        self.lower = self.text.lower()

    def has(self, bit: int) -> bool:
        """Whether a cue of ``bit`` may occur in the clause."""
        return bool((self.mask >> bit) & 1)

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
        return negated_around(self.text[s:e], start - s, end - s)

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
