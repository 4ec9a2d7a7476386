"""Last step of the segmenter: turn units into clauses and the sections that enclose them."""

from __future__ import annotations

from policies.extraction.document import HEADING, TABLE_ROW, SectionSpan, Segment, Segmentation
from policies.extraction.segment.pieces import _Piece
from policies.extraction.segment.sentences import (
    MAX_CLAUSE_WORDS,
    _count_words,
    _group_sentences,
    _sentences,
)
from policies.extraction.segment.units import _Unit


def _build(text: str, pieces: list[_Piece], units: list[_Unit]) -> Segmentation:
    sections: list[list] = []  # [order, start, end, heading, level, path], ends patched later
    clauses: list[Segment] = []
    open_sections: list[tuple[int, int, str]] = []  # (level, section order, heading)
    lead_in_open = False
    section = -1
    path: tuple[str, ...] = ()
    last_end = 0
    for unit in units:
        if unit.kind == HEADING:
            title = _heading_text(pieces[unit.first].s) or text[unit.start : unit.end].strip()
            if lead_in_open:
                sections[0][2] = last_end
                lead_in_open = False
            while open_sections and open_sections[-1][0] >= unit.level:
                sections[open_sections.pop()[1]][2] = last_end
            open_sections.append((unit.level, len(sections), title))
            path = tuple(entry[2] for entry in open_sections)
            section = len(sections)
            sections.append([section, unit.start, unit.end, title, unit.level, path])
            spans = [(unit.start, unit.end)]
        else:
            if section < 0:
                section = 0
                lead_in_open = True
                sections.append([0, unit.start, unit.end, "", 0, ()])
            spans = _clause_spans(text, unit)
        for start, end in spans:
            clauses.append(Segment(len(clauses), start, end, unit.kind, section, path))
            last_end = end
    if lead_in_open:
        sections[0][2] = last_end
    for _level, order, _title in open_sections:
        sections[order][2] = last_end
    return Segmentation(
        sections=tuple(SectionSpan(*fields) for fields in sections), clauses=tuple(clauses)
    )


def _heading_text(s: str) -> str:
    """The heading as it should appear in a path: no Markdown hashes, no closing colon."""
    if s.startswith("#"):
        s = s.lstrip("#").rstrip("#")
    s = " ".join(s.split())
    return s.rstrip(":").strip()


def _clause_spans(text: str, unit: _Unit) -> list[tuple[int, int]]:
    if unit.kind == TABLE_ROW:
        return [(unit.start, unit.end)]
    words = _count_words(text, unit.start, unit.end)
    if words <= MAX_CLAUSE_WORDS:
        return [(unit.start, unit.end)]
    sentences = _sentences(text, unit.start, unit.end)
    return _group_sentences(text, sentences)
