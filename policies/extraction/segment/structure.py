"""Pass 2 of the segmenter: headings, tables and lists decided with their neighbours as context.

Then heading levels: explicit ones from Markdown or reader blocks, inferred ones by style.
"""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, LIST_ITEM, TABLE_ROW
from policies.extraction.segment.pieces import (
    _CLOSERS,
    _HEAD,
    _LIST,
    _ORDERED,
    _PLAIN,
    _TABLE,
    _Piece,
)

_TAB_CELLS = re.compile(r"\S\t+\S")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_DATE_LINE = re.compile(
    r"(?:last\s+(?:updated|modified|revised|changed)|effective(?:\s+date)?|updated|revised|"
    r"date)\b",
    re.IGNORECASE,
)
_CONTACTISH = re.compile(r"@|https?:|www\.", re.IGNORECASE)

# Words that stay lowercase in Title Case and that cannot end a heading-like line.
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "nor",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "onto",
        "over",
        "under",
        "via",
        "per",
        "vs",
        "is",
        "are",
        "be",
        "we",
        "us",
        "our",
        "you",
        "your",
        "it",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "do",
        "does",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "whom",
        "if",
        "than",
        "then",
        "not",
        "no",
        "can",
        "may",
        "will",
    ]
)
_SENTENCE_PUNCT = ".!?…"


def _decide_structure(pieces: list[_Piece], wrap: int) -> None:
    """Settle tables, numbered lines and headings; lines after a "...:" lead-in become items.

    Unmarked list items (web copies often lose the bullets) are lines after a lead-in ending in
    ":" that do not end a sentence ("To provide our Services"); the run stops at the first line
    that ends with ".", "!" or "?". Not applied to hard-wrapped text, whose lines are fragments.
    """
    count = len(pieces)
    lead_in = False
    for index, piece in enumerate(pieces):
        if piece.role not in (_PLAIN, _TABLE, _ORDERED) or piece.block_kind in (
            HEADING,
            LIST_ITEM,
            TABLE_ROW,
        ):
            lead_in = False
            continue
        previous = pieces[index - 1] if index else None
        following = pieces[index + 1] if index + 1 < count else None
        if piece.role == _TABLE:
            if not _is_table_row(piece, previous, following):
                piece.role = _PLAIN
            else:
                continue
        if piece.role == _ORDERED:
            _decide_ordered(piece, previous, following)
            lead_in = False
            continue
        if piece.block >= 0 and (
            (previous is not None and previous.block == piece.block)
            or (following is not None and following.block == piece.block)
        ):
            lead_in = False
            continue  # a line inside a reader's multi-line paragraph is plain text
        if lead_in and not wrap and _unmarked_item(piece):
            piece.role = _LIST
            continue
        before = pieces[index - 2] if index >= 2 else None
        style = _decide_heading(piece, previous, following, before)
        if style:
            piece.role = _HEAD
            piece.style = (style, 0)
            lead_in = False
        else:
            lead_in = piece.s[-1] == ":"


def _unmarked_item(piece: _Piece) -> bool:
    body = piece.s.rstrip(_CLOSERS) or piece.s
    return body[-1] not in ".!?…:" and piece.s.count(" ") < 40


def _is_table_row(piece: _Piece, previous: _Piece | None, following: _Piece | None) -> bool:
    """Pipe- or tab-separated cells; a lone "a | b" line needs a neighbour with cells too."""
    s = piece.s
    if "|" in s:
        if s[0] == "|" or s[-1] == "|" or s.count("|") >= 2:
            return True
        separator = "|"
    elif _TAB_CELLS.search(s):
        if s.count("\t") >= 2:
            return True
        separator = "\t"
    else:
        return False
    if previous is not None and not piece.blank_before and separator in previous.s:
        return True
    return following is not None and not following.blank_before and separator in following.s


def _decide_ordered(piece: _Piece, previous: _Piece | None, following: _Piece | None) -> None:
    """A numbered line is a heading when it is heading-shaped and not one of a run of siblings."""
    kind, depth = piece.style
    siblings = (
        other is not None
        and other.numbering == piece.numbering
        and other.shape_ok
        and other.block == piece.block
        for other in (previous, following)
    )
    if (
        piece.shape_ok
        and following is not None
        and not following.s[0].islower()
        and not any(siblings)
    ):
        piece.role = _HEAD
        return
    if kind in ("num", "roman", "alpha") and (kind != "num" or depth == 1):
        piece.role = _LIST
    else:
        piece.role = _PLAIN
    piece.style = ("", 0)


def _decide_heading(
    piece: _Piece, previous: _Piece | None, following: _Piece | None, before: _Piece | None
) -> str:
    """Return a heading style ("caps" or "text") for an unmarked line, or "" for body text.

    Rules (all need a following line that does not continue this one in lowercase):
    - ``?`` questions up to 120 chars ("What information do we collect?");
    - ``:`` lines up to 80 chars / 10 words in Title Case, or of 1-2 words not introducing a list;
    - ALL CAPS or Title Case lines up to 80 chars followed by substantial text (5+ words or a list);
    - a short line (<= 6 words) after the end of a paragraph ("Third party links").
    None of them applies after a line ending in ``:`` or ``,`` (unmarked list items), to dates
    ("Last updated ..."), to contact lines (e-mail, URLs) or to lines ending in ``.``/``,``/``;``.
    """
    s = piece.s
    if following is None or len(s) > 120 or following.s[0].islower():
        return ""
    last = s[-1]
    if last in ".,;" or not (s[0].isupper() or s[0].isdigit() or not s[0].isalpha()):
        return ""
    if s[0].isdigit() or _CONTACTISH.search(s) or _DATE_LINE.match(s):
        return ""
    words = s.count(" ") + 1
    allowed = _previous_allows_heading(previous, piece)
    substantial = following.role in (_LIST, _TABLE, _ORDERED) or following.s.count(" ") >= 4
    if last == "?":
        return "text" if allowed and words <= 16 else ""
    if last == ":":
        if not allowed or len(s) > 80 or words > 10:
            return ""
        if _is_title_case(s[:-1]):
            return "text"
        short = words <= 2 and len(s) <= 40
        return "text" if short and following.role not in (_LIST, _ORDERED) else ""
    if len(s) > 80 or words > 12 or ". " in s:
        return ""
    if allowed and substantial and s.isupper() and sum(c.isalpha() for c in s) >= 3:
        return "caps"
    if allowed and substantial and _is_title_case(s):
        return "text"
    if words <= 6 and len(s) <= 50 and last not in "!:" and _after_paragraph(previous, before):
        return "caps" if s.isupper() else "text"
    return ""


def _after_paragraph(previous: _Piece | None, before: _Piece | None) -> bool:
    """The previous line closes a real paragraph (or is a date line under a title)."""
    if previous is None or previous.role != _PLAIN:
        return False
    if _DATE_LINE.match(previous.s):
        return True
    if previous.s.rstrip(_CLOSERS)[-1:] not in ".!?":
        return False
    if previous.s.count(" ") >= 11:
        return True
    # A short last line of a hard-wrapped paragraph: the line before it runs on into it.
    return (
        before is not None
        and not previous.blank_before
        and before.role == _PLAIN
        and before.s.rstrip(_CLOSERS)[-1:] not in ".!?:;"
    )


def _previous_allows_heading(previous: _Piece | None, piece: _Piece) -> bool:
    if previous is None or piece.blank_before or previous.role in (_HEAD, _TABLE):
        return True
    body = previous.s.rstrip(_CLOSERS) or previous.s
    last = body[-1]
    if last in ":,;(&/-–—":
        return False
    if last in _SENTENCE_PUNCT:
        return True
    # No closing punctuation: fine after a short line (an address, a date), not after a long
    # line, which is a wrapped sentence that this line continues.
    last_word = body.rsplit(None, 1)[-1].lower()
    return len(body) <= 60 and last_word not in _SMALL_WORDS


def _is_title_case(s: str) -> bool:
    words = _WORD.findall(s)
    if not words or not words[0][0].isupper():
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(significant) < 2:
        # "Cookies", "Contacting Us" are labels; "Write to us at" is a sentence fragment.
        return len(words) <= 2 and all(w[0].isupper() for w in words)
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised * 3 >= len(significant) * 2


# --------------------------------------------------------------------------------------------
# Heading levels
# --------------------------------------------------------------------------------------------


def _assign_heading_levels(pieces: list[_Piece]) -> None:
    """Explicit levels (Markdown, reader blocks) win; inferred styles rank by first appearance.

    With explicit levels present, an inferred heading sits one level below the last explicit one.
    Without them, the first style seen is level 1, the next new style level 2, and so on, except
    that ALL CAPS ranks above other unnumbered headings and "1." above "1.1".
    """
    headings = [p for p in pieces if p.role == _HEAD]
    if not headings:
        return
    if any(p.style[0] == "h" for p in headings):
        last_explicit = 0
        for piece in headings:
            if piece.style[0] == "h":
                piece.level = last_explicit = piece.style[1]
            else:
                piece.level = min(6, last_explicit + 1)
        return
    order: list[tuple[str, int]] = []
    for piece in headings:
        if piece.style not in order:
            order.append(piece.style)
    caps, text = ("caps", 0), ("text", 0)
    if caps in order and text in order and order.index(text) < order.index(caps):
        order.remove(caps)
        order.insert(order.index(text), caps)
    numbered = [i for i, style in enumerate(order) if style[0] == "num"]
    for position, style in zip(numbered, sorted(order[i] for i in numbered), strict=True):
        order[position] = style
    rank = {style: position + 1 for position, style in enumerate(order)}
    for piece in headings:
        piece.level = rank[piece.style]
