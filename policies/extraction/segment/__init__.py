"""Cut a policy's normalised text into clauses grouped under their section headings.

Pure and linear-time. Works line by line ("pieces": a line, further cut at block boundaries when
a reader supplied blocks), in three passes:

1. Each piece gets a provisional role from its own shape: list marker, table cells, numbering,
   Markdown ``#``, decoration, plain text. Pieces inside reader blocks take the block's kind.
2. Headings are decided with one line of context on each side (rules in
   ``structure._decide_heading``; summary in docs/ingestion.md). A short line ending in a colon
   that introduces a list is a lead-in paragraph unless it is in Title Case.
3. Pieces are grouped into units (a heading, a list item with its continuation lines, a table row,
   a paragraph of soft-wrapped lines). Paragraphs and list items over ``MAX_CLAUSE_WORDS`` are
   split into sentences (abbreviation-aware) and regrouped into clauses of ~20-80 words.

Heading paths: a clause's ``heading_path`` lists the enclosing headings, outermost first. A
heading clause's own path ends with itself, so its "nearest heading" is itself; this equals the
``heading_path`` of the section it opens. Clauses before the first heading belong to a lead-in
section (order 0, level 0, heading "", empty path), which exists only when there are such clauses.

Layout: ``pieces`` (pass 0 and the piece record), ``roles`` (pass 1), ``structure`` (pass 2 and
heading levels), ``units`` (pass 3), ``sentences`` (splitting long paragraphs) and ``clauses``
(building clauses and sections). This module holds the entry point.
"""

from __future__ import annotations

from collections.abc import Sequence

from policies.extraction.document import Block, Segmentation
from policies.extraction.segment.clauses import _build
from policies.extraction.segment.pieces import _clean_blocks, _split_pieces
from policies.extraction.segment.roles import _assign_roles
from policies.extraction.segment.sentences import (
    LONG_SENTENCE_WORDS,
    MAX_CLAUSE_WORDS,
    MIN_CLAUSE_WORDS,
    TARGET_CLAUSE_WORDS,
)
from policies.extraction.segment.structure import _assign_heading_levels, _decide_structure
from policies.extraction.segment.units import _group_units, _wrap_width

__all__ = [
    "LONG_SENTENCE_WORDS",
    "MAX_CLAUSE_WORDS",
    "MIN_CLAUSE_WORDS",
    "TARGET_CLAUSE_WORDS",
    "segment",
]


def segment(text: str, blocks: Sequence[Block] = ()) -> Segmentation:
    """Split ``text`` into sections and clauses; ``blocks`` are optional hints from a reader.

    Blocks that are out of range, overlapping or of unknown kind are ignored, so any hints are
    safe to pass. Every non-whitespace character of ``text`` ends up in exactly one clause.
    """
    valid_blocks = _clean_blocks(blocks, len(text))
    pieces = _split_pieces(text, valid_blocks)
    if not pieces:
        return Segmentation(sections=(), clauses=())
    _assign_roles(pieces)
    wrap = _wrap_width(pieces)
    _decide_structure(pieces, wrap)
    _assign_heading_levels(pieces)
    units = _group_units(pieces, wrap)
    return _build(text, pieces, units)
