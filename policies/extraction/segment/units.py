"""Pass 3 of the segmenter: group pieces into units, and tell whether lines are hard-wrapped.

A unit is a heading, a list item with its continuation lines, a table row, or a paragraph of
soft-wrapped lines.
"""

from __future__ import annotations

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW
from policies.extraction.segment.pieces import (
    _CLOSERS,
    _CONT,
    _HEAD,
    _JUNK,
    _LIST,
    _PLAIN,
    _TABLE,
    _Piece,
)


class _Unit:
    __slots__ = ("kind", "start", "end", "first", "last", "level", "open_marker")

    def __init__(self, kind: str, piece: _Piece, index: int) -> None:
        self.kind = kind
        self.start = piece.start
        self.end = piece.end
        self.first = index
        self.last = index
        self.level = piece.level
        self.open_marker = piece.marker_only


def _group_units(pieces: list[_Piece], wrap: int) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Unit | None = None
    for index, piece in enumerate(pieces):
        role = piece.role
        joins = False
        if current is not None:
            if role == _CONT:
                joins = True
            elif role == _JUNK:
                joins = pieces[current.last].block == piece.block
            elif role == _PLAIN and current.kind in (PARAGRAPH, LIST_ITEM):
                # Separate reader blocks stay separate clauses.
                joins = pieces[current.last].block == piece.block and _continues(
                    pieces, current, piece, wrap
                )
        if joins and current is not None:
            current.end = piece.end
            current.last = index
            if piece.role != _JUNK:
                current.open_marker = False
            continue
        kind = {_HEAD: HEADING, _LIST: LIST_ITEM, _TABLE: TABLE_ROW}.get(role, PARAGRAPH)
        current = _Unit(kind, piece, index)
        units.append(current)
    return units


def _continues(pieces: list[_Piece], unit: _Unit, piece: _Piece, wrap: int) -> bool:
    previous = pieces[unit.last]
    if unit.open_marker:
        return True  # "•" alone on a line: the item's text follows
    if piece.blank_before:
        return False
    if piece.block >= 0 and previous.block == piece.block and piece.block_kind == PARAGRAPH:
        return True
    if unit.kind == LIST_ITEM and piece.indent > pieces[unit.first].indent:
        return True
    body = previous.s.rstrip(_CLOSERS) or previous.s
    last = body[-1]
    if last not in ".!?…:;":
        if piece.s[0].islower() or last in ",&(/-–":
            return True
        if unit.kind == PARAGRAPH and len(previous.s) <= 60 and len(piece.s) <= 60:
            return True
    if wrap:
        first_word = piece.s.split(None, 1)[0]
        return len(previous.s) + 1 + len(first_word) > wrap
    return False


def _wrap_width(pieces: list[_Piece]) -> int:
    """For hard-wrapped text (e-mail style, ~72 columns) the column at which lines were broken.

    Returns 0 when lines are not hard-wrapped (web copies put a whole paragraph on one line).
    """
    lengths = sorted(len(p.s) + p.indent for p in pieces if p.role == _PLAIN)
    if len(lengths) < 6:
        return 0
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    if p90 > 100 or p90 < 40:
        return 0
    near_full = sum(1 for n in lengths if n >= 0.8 * p90)
    return int(p90 * 0.85) if near_full * 10 >= len(lengths) * 4 else 0
