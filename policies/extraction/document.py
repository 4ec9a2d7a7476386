"""The pipeline's shared vocabulary: plain, immutable records passed between pure stages.

Every stage under ``policies/extraction/`` (readers, segmenter, classifier, fact extractors) and
the compliance check engine in ``reviews/`` takes and returns these records, never Django models,
so each stage is unit-testable with strings. Offsets are always character offsets into the
normalised text of one policy version (``ReadResult.text`` == ``PolicyVersion.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Kinds of structural block / clause. The same four strings are stored in ``Clause.kind``.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW)

# The ten OPP-115 data-practice categories, spelled exactly as in the corpus.
CATEGORIES = (
    "First Party Collection/Use",
    "Third Party Sharing/Collection",
    "User Choice/Control",
    "User Access, Edit and Deletion",
    "Data Retention",
    "Data Security",
    "Policy Change",
    "Do Not Track",
    "International and Specific Audiences",
    "Other",
)


@dataclass(frozen=True, slots=True)
class Block:
    """A structural hint from a reader (HTML, DOCX, Markdown): ``text[start:end]`` is one block.

    Plain-text readers return no blocks; the segmenter then infers structure from the lines.
    """

    start: int
    end: int
    kind: str  # one of BLOCK_KINDS
    level: int = 0  # heading level 1-6 when kind == HEADING and known, else 0


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader makes of one uploaded file."""

    text: str  # normalised text: NFC, "\n" line ends, no NUL/control chars, blocks split by blank lines
    media_type: str  # e.g. "text/plain", "text/html", "application/pdf"
    title: str = ""  # detected document title, "" when none
    blocks: tuple[Block, ...] = ()
    warnings: tuple[str, ...] = ()  # things a reviewer should know (e.g. "3 pages had no text layer")


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """A section: a heading and everything up to the next heading of the same or higher level."""

    order: int
    start: int
    end: int
    heading: str  # the heading's text ("" for text before the first heading)
    level: int  # 1 = top; 0 for the untitled lead-in section
    heading_path: tuple[str, ...]  # outer headings first, this section's heading last


@dataclass(frozen=True, slots=True)
class Segment:
    """One clause produced by the segmenter. ``text[start:end]`` is the clause text, trimmed."""

    order: int
    start: int
    end: int
    kind: str  # one of BLOCK_KINDS
    section: int  # SectionSpan.order of the section holding it
    heading_path: tuple[str, ...]  # headings above the clause, nearest last (empty before any)

    @property
    def heading(self) -> str:
        return self.heading_path[-1] if self.heading_path else ""


@dataclass(frozen=True, slots=True)
class Segmentation:
    sections: tuple[SectionSpan, ...]
    clauses: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class ClauseInput:
    """A clause as later stages see it: identity, position, text, context and predicted labels.

    ``id`` is the database id of the clause when there is one; pure tests may use the order.
    ``categories`` maps category name -> confidence for the labels the classifier assigned.
    """

    id: int
    order: int
    start: int
    end: int
    text: str
    kind: str = PARAGRAPH
    heading: str = ""
    heading_path: tuple[str, ...] = ()
    categories: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fact:
    """A typed fact found in the text, with the evidence that states it.

    ``start``/``end`` are absolute offsets into the version text (inside clause ``clause_id``);
    ``value`` is the normalised value (JSON-serialisable), its shape fixed per ``kind``
    (documented in ``docs/analyze-json.md``).
    """

    kind: str
    value: Any
    clause_id: int
    start: int
    end: int
