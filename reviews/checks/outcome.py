"""What a rule returns, and small helpers the rule modules share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from policies.extraction.document import ClauseInput, Fact
from reviews.catalogue import RequirementSpec
from reviews.checks.index import Hit, LazyHits, PolicyIndex

SATISFIED, PARTIAL, MISSING, NOT_APPLICABLE = "satisfied", "partial", "missing", "not_applicable"
STATUSES = (SATISFIED, PARTIAL, MISSING, NOT_APPLICABLE)


@dataclass(frozen=True)
class Outcome:
    status: str
    rationale: str
    hits: tuple[Hit, ...] = ()
    considered: tuple[ClauseInput, ...] = ()
    confidence: float = 0.7


def sat(hits: Iterable[Hit], why: str, confidence: float = 0.85) -> Outcome:
    return Outcome(SATISFIED, why, tuple(hits), confidence=confidence)


def part(hits: Iterable[Hit], why: str, confidence: float = 0.6) -> Outcome:
    return Outcome(PARTIAL, why, tuple(hits), confidence=confidence)


def miss(
    why: str, considered: Iterable[Hit | ClauseInput] = (), confidence: float = 0.75
) -> Outcome:
    clauses = tuple(c.clause if isinstance(c, Hit) else c for c in considered)
    return Outcome(MISSING, why, (), clauses, confidence=confidence)


def found(index: PolicyIndex, pattern: re.Pattern[str], *, negatable: bool = True) -> LazyHits:
    """Hits outside tables of contents; with ``negatable``, drop those in a negated sentence.
    Lazy: a rule that reads ``[:2]`` or tests truth scans only as far as that."""
    hits = index.iter_hits(pattern)
    return LazyHits(h for h in hits if not index.negated(h)) if negatable else LazyHits(hits)


def negated(index: PolicyIndex, pattern: re.Pattern[str]) -> LazyHits:
    return LazyHits(h for h in index.iter_hits(pattern) if index.negated(h))


def fact_hits(
    index: PolicyIndex, kind: str, keep: Callable[[Fact], bool] = lambda f: True
) -> list[Hit]:
    """Facts of a kind as hits (so evidence and clause ids flow the same way as regex hits)."""
    return [hit for fact, hit in index.fact_pairs(kind) if keep(fact)]


def distinct_at_least(values: Iterable[object], count: int) -> bool:
    """Whether ``values`` holds ``count`` distinct values, read only until it does (hits are
    scanned lazily: ``len({...}) >= 2`` would scan a pattern to its last hit)."""
    seen: set[object] = set()
    for value in values:
        seen.add(value)
        if len(seen) >= count:
            return True
    return False


def within(hits: Sequence[Hit], clauses: Iterable[ClauseInput]) -> list[Hit]:
    ids = {c.id for c in clauses}
    return [h for h in hits if h.clause.id in ids]


def clause_ids(items: Iterable[Hit | ClauseInput], limit: int = 4) -> str:
    ids: list[int] = []
    for item in items:
        cid = item.clause.id if isinstance(item, Hit) else item.id
        if cid not in ids:
            ids.append(cid)
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (" ..." if len(ids) > limit else "")


Rule = Callable[[RequirementSpec, PolicyIndex, dict[str, bool]], Outcome]
