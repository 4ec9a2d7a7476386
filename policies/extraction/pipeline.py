"""The pure pipeline: text -> clauses -> categories -> facts, shared by the worker, ``analyze`` and
the benchmark. No database here; ``policies.services`` stores what these functions return.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from policies.extraction import classify, facts, segment
from policies.extraction.document import Block, ClauseInput, Fact, Segmentation

# Bump when a stage changes what it produces for the same text (recorded on every run).
PIPELINE_VERSION = "2026.11.1"

_SPACES = re.compile(r"\s+")


def fingerprint(clause_text: str) -> str:
    """Identity of a clause's wording across versions: case and spacing do not matter."""
    normalised = _SPACES.sub(" ", clause_text).strip().lower()
    return hashlib.sha1(normalised.encode("utf-8"), usedforsecurity=False).hexdigest()


def blocks_from_json(rows: Sequence[Sequence]) -> tuple[Block, ...]:
    return tuple(Block(start=r[0], end=r[1], kind=r[2], level=r[3]) for r in rows)


def blocks_to_json(blocks: Sequence[Block]) -> list[list]:
    return [[b.start, b.end, b.kind, b.level] for b in blocks]


def segment_text(text: str, blocks: Sequence[Block] = ()) -> Segmentation:
    return segment.segment(text, blocks)


def clause_inputs(
    text: str, segmentation: Segmentation, ids: Sequence[int] | None = None
) -> list[ClauseInput]:
    """ClauseInputs for the segmented clauses; ``ids`` are database ids (default: the order)."""
    return [
        ClauseInput(
            id=ids[i] if ids is not None else seg.order,
            order=seg.order,
            start=seg.start,
            end=seg.end,
            text=text[seg.start : seg.end],
            kind=seg.kind,
            heading=seg.heading,
            heading_path=seg.heading_path,
        )
        for i, seg in enumerate(segmentation.clauses)
    ]


def classify_clauses(
    clauses: Sequence[ClauseInput], classifier: classify.ClauseClassifier
) -> list[ClauseInput]:
    """The same clauses with ``categories`` filled; neighbours and heading serve as context."""
    contexts = [
        classify.ClauseContext(
            text=c.text,
            heading=c.heading if c.kind != "heading" else "",
            prev_text=clauses[i - 1].text if i > 0 else "",
            next_text=clauses[i + 1].text if i + 1 < len(clauses) else "",
        )
        for i, c in enumerate(clauses)
    ]
    labels = classifier.predict(contexts)
    return [replace(c, categories=dict(found)) for c, found in zip(clauses, labels, strict=True)]


@dataclass(frozen=True)
class PureAnalysis:
    text: str
    segmentation: Segmentation
    clauses: list[ClauseInput]
    facts: list[Fact]


def analyse_text(text: str, blocks: Sequence[Block] = ()) -> PureAnalysis:
    """Every policies stage on one text, clause ids = clause order (for benchmarks and tests)."""
    segmentation = segment_text(text, blocks)
    clauses = classify_clauses(clause_inputs(text, segmentation), classify.load_default())
    return PureAnalysis(text, segmentation, clauses, facts.extract_facts(text, clauses))
