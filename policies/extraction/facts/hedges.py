"""Vague wording: hedges that leave a practice open ("may", "such as", "from time to time").

Counted per clause so reviewers can see which clauses promise least. "May" the month is not a
hedge: the modal is matched in lower case, or capitalised only when a lower-case word follows
("May we ..." / "May 17, 2018" is a date).
"""

from __future__ import annotations

import re

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues
from policies.extraction.facts.sentences import ClauseView
from policies.extraction.facts.vocabulary import HEDGES

_PHRASES = anchors.compile(
    r"\b(?:"
    + "|".join(
        re.escape(h) for h in sorted((h for h in HEDGES if h != "may"), key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)
_MAY = anchors.compile(r"\bmay\b|\bMay\b(?=\s+[a-z])")


_HEDGE_CUES = cues.register("vague_term", HEDGES)


@cues.gate(1 << _HEDGE_CUES, _PHRASES, _MAY)
def vague_term_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_HEDGE_CUES):
        return []
    out = [
        view.fact("vague_term", {"term": m.group(0).lower()}, m.start(), m.end())
        for m in view.finditer(_PHRASES)
    ]
    out += [
        view.fact("vague_term", {"term": "may"}, m.start(), m.end()) for m in view.finditer(_MAY)
    ]
    out.sort(key=lambda f: f.start)
    return out
