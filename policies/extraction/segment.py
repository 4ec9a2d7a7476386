"""Cut a policy's normalised text into clauses grouped under their section headings.

Pure and linear-time. Works line by line ("pieces": a line, further cut at block boundaries when
a reader supplied blocks), in three passes:

1. Each piece gets a provisional role from its own shape: list marker, table cells, numbering,
   Markdown ``#``, decoration, plain text. Pieces inside reader blocks take the block's kind.
2. Headings are decided with one line of context on each side (rules in ``_decide_heading``;
   summary in docs/ingestion.md). A short line ending in a colon that introduces a list is a
   lead-in paragraph unless it is in Title Case.
3. Pieces are grouped into units (a heading, a list item with its continuation lines, a table row,
   a paragraph of soft-wrapped lines). Paragraphs and list items over ``MAX_CLAUSE_WORDS`` are
   split into sentences (abbreviation-aware) and regrouped into clauses of ~20-80 words.

Heading paths: a clause's ``heading_path`` lists the enclosing headings, outermost first. A
heading clause's own path ends with itself, so its "nearest heading" is itself; this equals the
``heading_path`` of the section it opens. Clauses before the first heading belong to a lead-in
section (order 0, level 0, heading "", empty path), which exists only when there are such clauses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policies.extraction.document import (
    BLOCK_KINDS,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE_ROW,
    Block,
    SectionSpan,
    Segment,
    Segmentation,
)

MAX_CLAUSE_WORDS = 80  # paragraphs longer than this are split into sentence groups
TARGET_CLAUSE_WORDS = 60  # a sentence group stops growing once it reaches this
MIN_CLAUSE_WORDS = 20  # ...but never closes below this
LONG_SENTENCE_WORDS = 120  # sentences longer than this may also split at semicolons

# Piece roles (pass 1 and 2).
_PLAIN = 0
_HEAD = 1
_LIST = 2
_TABLE = 3
_JUNK = 4  # no letters or digits: rules, underlines, stray punctuation
_CONT = 5  # forced continuation of the previous piece (same reader block)
_ORDERED = 6  # numbered / lettered line: heading or list item, decided in pass 2

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
_TAB_CELLS = re.compile(r"\S\t+\S")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_DATE_LINE = re.compile(
    r"(?:last\s+(?:updated|modified|revised|changed)|effective(?:\s+date)?|updated|revised|"
    r"date)\b",
    re.IGNORECASE,
)
_CONTACTISH = re.compile(r"@|https?:|www\.", re.IGNORECASE)

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_SEMICOLON = re.compile(r";(?=\s)")
_NON_SPACE = re.compile(r"\S")

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
_ABBREVIATIONS = frozenset(
    [
        "e.g.",
        "i.e.",
        "etc.",
        "inc.",
        "ltd.",
        "co.",
        "corp.",
        "llc.",
        "plc.",
        "u.s.",
        "u.k.",
        "e.u.",
        "u.s.a.",
        "no.",
        "nos.",
        "art.",
        "arts.",
        "sec.",
        "secs.",
        "para.",
        "paras.",
        "vs.",
        "v.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "st.",
        "jr.",
        "sr.",
        "p.",
        "pp.",
        "fig.",
        "approx.",
        "dept.",
        "est.",
        "cf.",
        "viz.",
        "al.",
        "ave.",
        "blvd.",
        "rd.",
        "ph.d.",
        "a.m.",
        "p.m.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "tel.",
        "ext.",
        "min.",
        "max.",
        "gmbh.",
        "s.a.",
        "ag.",
        "b.v.",
        "n.v.",
        "pty.",
        "ch.",
        "reg.",
        "ref.",
        "incl.",
    ]
)
_CLOSERS = "\"'”’»)]"
_SENTENCE_PUNCT = ".!?…"


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


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Pass 0: pieces
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Pass 1: roles from the piece alone
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Pass 2: headings, tables and lists with context
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Pass 3: units
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Clauses and sections
# --------------------------------------------------------------------------------------------


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


def _count_words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, words) of each sentence in text[start:end]; spans are trimmed."""
    spans: list[tuple[int, int, int]] = []
    current = start
    for match in _SENTENCE_END.finditer(text, start, end):
        boundary = match.end()
        following = _NON_SPACE.search(text, boundary, end)
        if following is None:
            break
        if text[following.start()].islower() or not _is_sentence_end(text, current, match):
            continue
        spans.extend(_split_long(text, current, boundary))
        current = following.start()
    spans.extend(_split_long(text, current, end))
    return spans


def _is_sentence_end(text: str, sentence_start: int, match: re.Match[str]) -> bool:
    punct_at = match.start()
    if match.group().rstrip(_CLOSERS) != ".":
        return True  # "!", "?", "..." always end a sentence before a capital
    # Only the last word matters; look back a bounded distance to stay linear.
    window = max(sentence_start, punct_at - 24)
    space = max(text.rfind(" ", window, punct_at), text.rfind("\n", window, punct_at))
    token = text[max(space + 1, window) : punct_at + 1].lstrip("(\"'“‘[").lower()
    if token in _ABBREVIATIONS:
        return False
    core = token[:-1]
    # Initials ("J.") and dotted acronyms ("U.S.A.") are not sentence ends.
    return not (len(core) == 1 and core.isalpha()) and not (
        "." in core and all(len(part) <= 2 for part in core.split("."))
    )


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """One sentence, or for a very long one, its parts at semicolons."""
    words = _count_words(text, start, end)
    if words <= LONG_SENTENCE_WORDS:
        return [(start, end, words)]
    parts: list[tuple[int, int, int]] = []
    current = start
    for match in _SEMICOLON.finditer(text, start, end):
        following = _NON_SPACE.search(text, match.end(), end)
        if following is None:
            break
        parts.append((current, match.end(), _count_words(text, current, match.end())))
        current = following.start()
    parts.append((current, end, _count_words(text, current, end)))
    return parts


def _group_sentences(text: str, sentences: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Greedy grouping: close a group once it reaches the target or would pass the maximum."""
    groups: list[list[int]] = []  # [start, end, words]
    for start, end, words in sentences:
        if groups:
            group = groups[-1]
            ready = group[2] >= MIN_CLAUSE_WORDS and (
                group[2] >= TARGET_CLAUSE_WORDS or group[2] + words > MAX_CLAUSE_WORDS
            )
            if not ready:
                group[1], group[2] = end, group[2] + words
                continue
        groups.append([start, end, words])
    if len(groups) > 1 and groups[-1][2] < MIN_CLAUSE_WORDS:
        tail = groups.pop()
        groups[-1][1], groups[-1][2] = tail[1], groups[-1][2] + tail[2]
    return [(start, end) for start, end, _words in groups]
