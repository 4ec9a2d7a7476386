"""HTML reader: lxml parse with a nesting-depth cap, page chrome dropped, blocks kept."""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, ReadResult
from policies.extraction.readers.base import (
    _BOMS,
    _CONTROL_CHARS,
    MAX_HTML_DEPTH,
    TEXT_HTML,
    ReadError,
    _assemble,
    _check_deadline,
    _Piece,
    decode_bytes,
)

_HTML_DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "form",
        "button",
        "select",
        "option",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "canvas",
        "audio",
        "video",
        "map",
        "dialog",
        "textarea",
        "input",
    }
)
_HTML_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HTML_BLOCKS = frozenset(
    {
        "html",
        "body",
        "main",
        "article",
        "section",
        "aside",
        "div",
        "p",
        "blockquote",
        "pre",
        "address",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "figure",
        "figcaption",
        "hr",
        "fieldset",
        "details",
        "summary",
        "center",
        "legend",
        "menu",
        "td",
        "th",
    }
)
# Page chrome that is not policy text: dialogs (cookie banners), landmarks for navigation.
_CHROME_ROLES = frozenset(
    {"dialog", "alertdialog", "navigation", "banner", "contentinfo", "search", "menu", "menubar"}
)
_CHROME_NAME = re.compile(r"cookie[-_ ]?(?:banner|consent|notice|bar|popup)", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_BR = "\u2028"  # placeholder for <br> that survives whitespace collapsing


def _decode_html(data: bytes) -> str:
    if not any(data.startswith(bom) for bom, _ in _BOMS):
        match = _META_CHARSET.search(data[:4096])
        if match:
            try:
                return data.decode(match.group(1).decode("ascii"), errors="replace")
            except LookupError:
                pass
    return decode_bytes(data)


class _HtmlCollector:
    """Walks a cleaned lxml tree and cuts it into heading / list / table / paragraph pieces."""

    def __init__(self, deadline: float, name: str) -> None:
        self.pieces: list[_Piece] = []
        self.buffer: list[str] = []
        self.kinds: list[str] = [PARAGRAPH]
        self.deadline = deadline
        self.name = name
        self.visited = 0

    def flush(self) -> None:
        text = _collapse_html_text("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.pieces.append(_Piece(self.kinds[-1], 0, text))

    def walk(self, element) -> None:  # noqa: ANN001 - lxml element
        self.visited += 1
        if self.visited % 2000 == 0:
            _check_deadline(self.deadline, self.name)
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag == "br":
            self.buffer.append(_BR)
        elif tag in _HTML_HEADINGS:
            self.flush()
            self.pieces.append(_Piece(HEADING, _HTML_HEADINGS[tag], _inline_text(element)))
        elif tag == "tr":
            self.flush()
            cells = [_inline_text(cell) for cell in element if _tag(cell) in ("td", "th")]
            self.pieces.append(_Piece(TABLE_ROW, 0, " | ".join(cell for cell in cells if cell)))
        elif tag in _HTML_BLOCKS:
            self.flush()
            self.kinds.append(LIST_ITEM if tag == "li" else self.kinds[-1])
            self.buffer.append(element.text or "")
            for child in element:
                self.walk(child)
                self.buffer.append(child.tail or "")
            self.flush()
            self.kinds.pop()
        else:
            self.buffer.append(element.text or "")
            for child in element:
                self.walk(child)
                self.buffer.append(child.tail or "")


def _tag(element) -> str:  # noqa: ANN001 - lxml element
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _inline_text(element) -> str:  # noqa: ANN001 - lxml element
    """All text under ``element`` on one logical line; <br> and nested blocks become breaks."""
    parts: list[str] = []

    def visit(node) -> None:  # noqa: ANN001
        tag = _tag(node)
        if tag == "br":
            parts.append(_BR)
        else:
            if tag in _HTML_BLOCKS or tag in _HTML_HEADINGS:
                parts.append(" ")
            parts.append(node.text or "")
            for child in node:
                visit(child)
                parts.append(child.tail or "")

    parts.append(element.text or "")
    for child in element:
        visit(child)
        parts.append(child.tail or "")
    return _collapse_html_text("".join(parts))


def _collapse_html_text(text: str) -> str:
    text = _HTML_WS.sub(" ", text)
    lines = (line.strip() for line in text.split(_BR))
    return "\n".join(line for line in lines if line)


def _is_hidden(element) -> bool:  # noqa: ANN001 - lxml element
    """Hidden from readers, or page chrome (cookie banners, navigation landmarks)."""
    attrib = element.attrib
    if "hidden" in attrib or attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    if attrib.get("role", "").strip().lower() in _CHROME_ROLES:
        return True
    if _CHROME_NAME.search(attrib.get("id", "") + " " + attrib.get("class", "")):
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _tree_depth(root) -> int:  # noqa: ANN001 - lxml element
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_HTML_DEPTH:
                return deepest
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _read_html(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
    import lxml.etree
    import lxml.html

    source = _DOCTYPE.sub("", _XML_DECLARATION.sub("", _decode_html(data)), count=1)
    source = _CONTROL_CHARS.sub("", source)
    if not source.strip():
        raise ReadError("empty", f"{name}: the file contains no readable text.")
    parser = lxml.html.HTMLParser(
        recover=True,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError("corrupt_html", f"{name}: the HTML could not be parsed ({exc}).") from exc
    # libxml2 stops nesting at depth 255 and drops what is below; refuse well before that.
    if _tree_depth(root) > MAX_HTML_DEPTH:
        raise ReadError(
            "too_deep",
            f"{name}: the HTML is nested more than {MAX_HTML_DEPTH} levels deep, which real "
            "policy pages never are; it was not read.",
        )
    title = ""
    title_element = root.find(".//title")
    if title_element is not None:
        title = _collapse_html_text(title_element.text_content()).replace("\n", " ")
    doomed = [
        element
        for element in root.iter()
        if not isinstance(element.tag, str) or _tag(element) in _HTML_DROP or _is_hidden(element)
    ]
    for element in doomed:
        if element.getparent() is not None:
            _drop_keep_tail(element)
    collector = _HtmlCollector(deadline, name)
    collector.walk(root)
    collector.flush()
    text, blocks = _assemble(collector.pieces)
    if not title:
        first_h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
        title = text[first_h1.start : first_h1.end] if first_h1 else ""
    return ReadResult(text=text, media_type=TEXT_HTML, title=title.strip(), blocks=blocks)


def _drop_keep_tail(element) -> None:  # noqa: ANN001 - lxml element
    """Remove an element and its content but keep the text that follows it."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + " " + tail
        else:
            parent.text = (parent.text or "") + " " + tail
    parent.remove(element)
