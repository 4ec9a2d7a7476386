"""Tests for the compliance check engine (reviews.checks): unit tests per rule family on short
synthetic texts, the look-alikes that must not count, and agreement with the gold readings."""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, PARAGRAPH, ClauseInput

_HEADING_LINE = re.compile(r"^[^.!?]{1,60}[:?]?$")


def simple_clauses(text: str, categories: dict[int, dict[str, float]] | None = None):
    """A development-only clause split: one clause per non-empty line; short lines without a
    full stop become headings for the lines below them."""
    clauses, heading, pos = [], "", 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        offset = start + line.index(stripped)
        is_heading = bool(_HEADING_LINE.match(stripped)) and len(stripped.split()) <= 8
        order = len(clauses)
        clauses.append(
            ClauseInput(
                id=order,
                order=order,
                start=offset,
                end=offset + len(stripped),
                text=stripped,
                kind=HEADING if is_heading else PARAGRAPH,
                heading="" if is_heading else heading,
                heading_path=() if is_heading or not heading else (heading,),
                categories=(categories or {}).get(order, {}),
            )
        )
        if is_heading:
            heading = stripped
    return clauses
