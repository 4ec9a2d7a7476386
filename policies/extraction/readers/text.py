"""Plain text and Markdown readers.

Plain text keeps its lines (the segmenter finds the structure); Markdown is parsed into heading,
list, table and paragraph blocks with its inline markup stripped.
"""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, ReadResult
from policies.extraction.readers.base import (
    TEXT_MARKDOWN,
    TEXT_PLAIN,
    ReadError,
    _assemble,
    _Piece,
    decode_bytes,
    guess_title,
    normalise_text,
)


def _read_plain(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
    text = normalise_text(decode_bytes(data))
    if text.count("\ufffd") > max(10, len(text) // 10):
        raise ReadError(
            "bad_encoding",
            f"{name}: the text is in an encoding we could not recognise; "
            "please save it as UTF-8 and upload it again.",
        )
    return ReadResult(text=text, media_type=TEXT_PLAIN, title=guess_title(text))


_MD_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_LIST = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MD_CODE = re.compile(r"`+([^`\n]+?)`+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_INLINE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]*)?/?>")


def _markdown_inline(text: str) -> str:
    """Strip inline Markdown so clauses read as prose; links keep their target in brackets."""
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_IMAGE.sub(r"\1", text)

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if target.startswith("#") or target == label or target.removeprefix("mailto:") == label:
            return label
        return f"{label} ({target})"

    text = _MD_LINK.sub(link, text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_INLINE_HTML.sub("", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_STRIKE.sub(r"\1", text)
    text = _MD_EM_STAR.sub(r"\1", text)
    text = _MD_EM_UNDER.sub(r"\1", text)
    return _MD_ESCAPE.sub(r"\1", text)


def _markdown_pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    paragraph: list[str] = []
    item: list[str] | None = None
    fence: str | None = None

    def flush() -> None:
        nonlocal item
        if paragraph:
            pieces.append(_Piece(PARAGRAPH, 0, _markdown_inline("\n".join(paragraph))))
            paragraph.clear()
        if item is not None:
            pieces.append(_Piece(LIST_ITEM, 0, item[0] + _markdown_inline("\n".join(item[1:]))))
            item = None

    lines = text.split("\n")
    for index, raw in enumerate(lines):
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
                flush()
            else:
                paragraph.append(raw)
            continue
        if match := _MD_FENCE.match(raw):
            flush()
            fence = match.group(1)[:3]
            continue
        line = _MD_QUOTE.sub("", raw)
        if not line.strip():
            flush()
            continue
        if match := _MD_ATX.match(line):
            flush()
            pieces.append(
                _Piece(HEADING, len(match.group(1)), _markdown_inline(match.group(2) or ""))
            )
            continue
        if _MD_RULE.match(line) and not (_MD_SETEXT.match(line) and paragraph and item is None):
            flush()
            continue
        if (match := _MD_SETEXT.match(line)) and paragraph and item is None:
            level = 1 if match.group(1).startswith("=") else 2
            pieces.append(_Piece(HEADING, level, _markdown_inline(" ".join(paragraph))))
            paragraph.clear()
            continue
        stripped = line.strip()
        if stripped.startswith("|") or (
            "|" in stripped and index + 1 < len(lines) and _MD_TABLE_SEP.match(lines[index + 1])
        ):
            if _MD_TABLE_SEP.match(stripped):
                continue
            flush()
            cells = [_markdown_inline(cell.strip()) for cell in stripped.strip("|").split("|")]
            pieces.append(_Piece(TABLE_ROW, 0, " | ".join(cell for cell in cells if cell)))
            continue
        if _MD_TABLE_SEP.match(stripped) and not paragraph:
            continue
        if match := _MD_LIST.match(line):
            flush()
            marker = match.group(2)
            item = ["- " if marker in "-*+" else marker + " ", match.group(3)]
            continue
        if item is not None:
            item.append(stripped)
        else:
            paragraph.append(stripped)
    flush()
    return pieces


def _read_markdown(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
    pieces = _markdown_pieces(normalise_text(decode_bytes(data)))
    text, blocks = _assemble(pieces)
    headings = [text[b.start : b.end] for b in blocks if b.kind == HEADING]
    top = [text[b.start : b.end] for b in blocks if b.kind == HEADING and b.level == 1]
    title = (top or headings or [guess_title(text)])[0]
    return ReadResult(text=text, media_type=TEXT_MARKDOWN, title=title, blocks=blocks)
