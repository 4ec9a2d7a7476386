"""Pass 1 of the segmenter: a provisional role for each piece from its own shape alone."""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, LIST_ITEM, TABLE_ROW
from policies.extraction.segment.pieces import (
    _CONT,
    _HEAD,
    _JUNK,
    _LIST,
    _ORDERED,
    _PLAIN,
    _TABLE,
    _Piece,
)

_BULLET_CHARS = "•●▪◦‣○■□➢►▸✓∙·-–—−*+"
_BULLET = re.compile(r"[•●▪◦‣○■□➢►▸✓∙·\-–—−*+](?=\s|$)")
_LETTER_MARKER = re.compile(
    r"(?:\([a-z]\)|\((?:[ivx]{1,5})\)|\(\d{1,3}\)|[ivx]{1,5}[.)]|[a-z][.)])(?=\s)"
)
# Numbering that may open a heading: "1.2", "1.2.", "3.", "3)", "IV.", "I.", "B.".
_NUMBERING = re.compile(
    r"(?:(?P<multi>\d{1,3}(?:\.\d{1,3})+)\.?|(?P<num>\d{1,3})[.)]|(?P<roman>I|[IVXLC]{2,7})[.)]"
    r"|(?P<alpha>[A-Z])[.)])(?=\s)"
)
_SECTION_WORD = re.compile(
    r"(?:section|article|part|chapter|clause|schedule|annex|appendix)\s+"
    r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}|[A-Z])\b[.:)]?",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"(#{1,6})(?:\s+|$)")
_SETEXT = re.compile(r"(?:={3,}|-{3,})")
_ALNUM = re.compile(r"[^\W_]")


def _assign_roles(pieces: list[_Piece]) -> None:
    previous: _Piece | None = None
    for piece in pieces:
        s = piece.s
        same_block = previous is not None and previous.block == piece.block and piece.block >= 0
        if piece.block_kind in (HEADING, LIST_ITEM, TABLE_ROW):
            if same_block:
                piece.role = _CONT
            elif piece.block_kind == HEADING:
                piece.role = _HEAD
                level = piece.block_level
                piece.style = ("h", level) if 1 <= level <= 6 else ("block", 0)
            else:
                piece.role = _LIST if piece.block_kind == LIST_ITEM else _TABLE
        elif not _ALNUM.search(s):
            if len(s) == 1 and s in _BULLET_CHARS:
                piece.role = _LIST
                piece.marker_only = True
            elif (
                _SETEXT.fullmatch(s)
                and previous is not None
                and previous.role == _PLAIN
                and not piece.blank_before
                and piece.block < 0
                and previous.block < 0
                and len(previous.s) <= 100
            ):
                previous.role = _HEAD
                previous.style = ("h", 1 if s[0] == "=" else 2)
                piece.role = _JUNK
            else:
                piece.role = _JUNK
        elif s[0] == "#" and piece.block < 0 and (match := _MD_HEADING.match(s)):
            piece.role = _HEAD
            piece.style = ("h", len(match.group(1)))
        elif s[0] in _BULLET_CHARS and _BULLET.match(s):
            piece.role = _LIST
        elif "|" in s or "\t" in s:
            piece.role = _TABLE  # confirmed or withdrawn in pass 2 with neighbours
        elif (match := _NUMBERING.match(s)) or (match := _SECTION_WORD.match(s)):
            piece.role = _ORDERED
            piece.style = piece.numbering = _numbering_style(match)
            piece.shape_ok = _heading_shape(s[match.end() :].strip())
        elif (s[0].islower() or s[0] == "(") and _LETTER_MARKER.match(s):
            piece.role = _LIST
        previous = piece


def _numbering_style(match: re.Match[str]) -> tuple[str, int]:
    groups = match.groupdict() if match.re is _NUMBERING else {}
    if groups.get("multi"):
        return ("num", groups["multi"].count(".") + 1)
    if groups.get("num"):
        return ("num", 1)
    if groups.get("roman"):
        return ("roman", 0)
    if groups.get("alpha"):
        return ("alpha", 0)
    return ("section", 0)


def _heading_shape(content: str) -> bool:
    """Content after a number looks like a heading: short, capitalised, not a sentence."""
    if not content or len(content) > 90 or content.count(" ") >= 14:
        return False
    if content[0].islower() or content[-1] in ".,;":
        return False
    return bool(_ALNUM.search(content))
