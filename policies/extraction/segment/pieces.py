"""Pass 0 of the segmenter: cut the text into pieces (trimmed lines, split at block boundaries).

Also holds what every later pass shares: the ``_Piece`` record and the piece roles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policies.extraction.document import BLOCK_KINDS, PARAGRAPH, Block

# Piece roles (pass 1 and 2).
_PLAIN = 0
_HEAD = 1
_LIST = 2
_TABLE = 3
_JUNK = 4  # no letters or digits: rules, underlines, stray punctuation
_CONT = 5  # forced continuation of the previous piece (same reader block)
_ORDERED = 6  # numbered / lettered line: heading or list item, decided in pass 2

# Closing quotes and brackets, skipped when looking for the punctuation that ends a line.
_CLOSERS = "\"'”’»)]"


class _Piece:
    """One trimmed line (or line fragment between block boundaries) and what we know of it."""

    __slots__ = (
        "start",
        "end",
        "indent",
        "block",
        "block_kind",
        "block_level",
        "blank_before",
        "s",
        "role",
        "style",
        "level",
        "marker_only",
        "shape_ok",
        "numbering",
    )

    def __init__(self, start: int, end: int, indent: int, block: int, s: str) -> None:
        self.start = start
        self.end = end
        self.indent = indent
        self.block = block
        self.block_kind = ""
        self.block_level = 0
        self.blank_before = False
        self.s = s
        self.role = _PLAIN
        self.style: tuple[str, int] = ("", 0)
        self.level = 0
        self.marker_only = False
        self.shape_ok = False
        self.numbering: tuple[str, int] = ("", 0)  # numbering style from pass 1, never reset


def _clean_blocks(blocks: Sequence[Block], length: int) -> list[Block]:
    cleaned: list[Block] = []
    last_end = 0
    for block in sorted(blocks, key=lambda b: (b.start, b.end)):
        if not (0 <= block.start < block.end <= length) or block.start < last_end:
            continue
        if block.kind not in BLOCK_KINDS:
            block = Block(block.start, block.end, PARAGRAPH, 0)
        cleaned.append(block)
        last_end = block.end
    return cleaned


_NON_BLANK_LINE = re.compile(r"^[^\S\n]*(\S[^\n]*)", re.MULTILINE)


def _split_lines(text: str) -> list[_Piece]:
    """Fast path without blocks: one piece per non-blank line."""
    pieces: list[_Piece] = []
    previous_end = 0
    for match in _NON_BLANK_LINE.finditer(text):
        stripped = match.group(1).rstrip()
        start = match.start(1)
        piece = _Piece(start, start + len(stripped), start - match.start(), -1, stripped)
        piece.blank_before = text.count("\n", previous_end, start) >= 2
        previous_end = piece.end
        pieces.append(piece)
    return pieces


def _split_pieces(text: str, blocks: list[Block]) -> list[_Piece]:
    """Trimmed non-blank lines, also cut at block starts and ends; blank lines set blank_before."""
    if not blocks:
        return _split_lines(text)
    cuts = sorted({b.start for b in blocks} | {b.end for b in blocks})
    cut_index = 0
    block_index = 0
    pieces: list[_Piece] = []
    blank_pending = False
    position = 0
    length = len(text)
    while position <= length:
        newline = text.find("\n", position)
        line_end = length if newline < 0 else newline
        segment_start = position
        # Cut points strictly inside this line split it into fragments.
        while cut_index < len(cuts) and cuts[cut_index] <= segment_start:
            cut_index += 1
        bounds = [segment_start]
        scan = cut_index
        while scan < len(cuts) and cuts[scan] < line_end:
            bounds.append(cuts[scan])
            scan += 1
        bounds.append(line_end)
        line_has_text = False
        for left, right in zip(bounds, bounds[1:], strict=False):
            fragment = text[left:right]
            stripped = fragment.strip()
            if not stripped:
                continue
            line_has_text = True
            lead = len(fragment) - len(fragment.lstrip())
            start = left + lead
            end = start + len(stripped)
            while block_index < len(blocks) and blocks[block_index].end <= start:
                block_index += 1
            inside = block_index < len(blocks) and blocks[block_index].start <= start
            piece = _Piece(start, end, lead if left == segment_start else 0, -1, stripped)
            if inside:
                block = blocks[block_index]
                piece.block = block_index
                piece.block_kind = block.kind
                piece.block_level = block.level
            piece.blank_before = blank_pending
            blank_pending = False
            pieces.append(piece)
        if not line_has_text:
            blank_pending = True
        if newline < 0:
            break
        position = newline + 1
    return pieces
