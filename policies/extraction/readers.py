"""Turn an uploaded policy file (bytes) into normalised text plus structural hints.

Untrusted input: every reader has a size cap, a wall-clock cap, and format-specific guards
(zip-bomb check before opening DOCX, nesting-depth cap for HTML, page and character caps for PDF).
Failures raise :class:`ReadError` whose ``code`` is a stable slug and whose message is written for
a compliance reviewer ("report.pdf: the PDF is password-protected, ...").

Timeout approach: the parse runs in a daemon worker thread and the caller stops waiting after
``timeout_seconds``. Python cannot kill a thread, so the parsers also check a shared deadline
between pages / elements and give up on their own soon after; the Celery task's time limit is the
outer bound for a parser stuck inside a single C call.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block, ReadResult

SUPPORTED_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
SUPPORTED_FORMATS_LABEL = (
    "plain text (.txt), Markdown (.md), HTML (.html), PDF (.pdf), Word (.docx)"
)

TEXT_PLAIN = "text/plain"
TEXT_MARKDOWN = "text/markdown"
TEXT_HTML = "text/html"
APPLICATION_PDF = "application/pdf"
APPLICATION_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNKNOWN_BINARY = "application/octet-stream"

_EXTENSION_TYPES = {
    ".txt": TEXT_PLAIN,
    ".text": TEXT_PLAIN,
    ".md": TEXT_MARKDOWN,
    ".markdown": TEXT_MARKDOWN,
    ".html": TEXT_HTML,
    ".htm": TEXT_HTML,
    ".pdf": APPLICATION_PDF,
    ".docx": APPLICATION_DOCX,
}

# Limits. Kept as module constants so tests and docs can name them.
MAX_PDF_PAGES = 2000
MAX_EXTRACTED_CHARS = 5_000_000
MAX_HTML_DEPTH = 200  # libxml2 silently drops content below depth 255, so we refuse earlier
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for members over 1 MB
ZIP_UNPACK_FACTOR = 20  # total uncompressed size may be at most this many times the upload cap

# Binary formats people upload by mistake: refuse with a helpful name instead of decoding junk.
_KNOWN_BINARY_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel (.doc/.xls) file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program file"),
    (b"MZ", "a program file"),
    (b"{\\rtf", "an RTF file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


class ReadError(Exception):
    """The file cannot be turned into text. ``code`` is a stable slug; ``str(err)`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class _Piece:
    """One structural block before assembly: kind, heading level and raw text."""

    kind: str
    level: int
    text: str


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def detect_media_type(data: bytes, filename: str) -> str:
    """Guess the media type: magic bytes first, then the file extension, then a text sniff."""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return APPLICATION_PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            names = set()
        if "word/document.xml" in names or _extension(filename) == ".docx":
            return APPLICATION_DOCX
        return "application/zip"
    for magic, _label in _KNOWN_BINARY_MAGIC:
        if head.startswith(magic):
            return UNKNOWN_BINARY
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or (
        sniff.startswith(b"<") and b"<html" in sniff[:1024]
    ):
        return TEXT_HTML
    by_extension = _EXTENSION_TYPES.get(_extension(filename))
    if by_extension is not None:
        return by_extension
    return TEXT_PLAIN if _looks_like_text(head) else UNKNOWN_BINARY


def read_document(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    timeout_seconds: float = 30.0,
) -> ReadResult:
    """Read one uploaded file. Raises :class:`ReadError` for anything we cannot or will not read."""
    name = PurePath(filename or "document").name or "document"
    if len(data) > max_bytes:
        raise ReadError(
            "too_large",
            f"{name}: the file is {_size(len(data))}, over the {_size(max_bytes)} limit for uploads.",
        )
    if not data.strip():
        raise ReadError("empty", f"{name}: the file is empty.")
    media_type = detect_media_type(data, name)
    reader = _READERS.get(media_type)
    if reader is None:
        raise ReadError(
            "unsupported_type",
            f"{name}: {_describe_unsupported(data, media_type)} is not a supported format. "
            f"Supported formats: {SUPPORTED_FORMATS_LABEL}.",
        )
    deadline = time.monotonic() + timeout_seconds
    result = _run_with_deadline(
        lambda: reader(data, name, max_bytes, deadline), timeout_seconds, name
    )
    if not result.text.strip():
        raise ReadError("empty", f"{name}: the file contains no readable text.")
    return result


# --------------------------------------------------------------------------------------------
# Normalisation shared by all readers
# --------------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# C0/C1 controls except \t and \n, plus invisible format characters that only add noise.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff\ufffe]")
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no control characters, no trailing spaces, at most one blank line.

    Idempotent: ``normalise_text(normalise_text(t)) == normalise_text(t)``. Tabs are kept (the
    segmenter reads tab-separated cells as table rows); odd Unicode spaces become plain spaces.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL_CHARS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def _assemble(pieces: list[_Piece]) -> tuple[str, tuple[Block, ...]]:
    """Join normalised pieces with blank lines and record each one as a Block."""
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for piece in pieces:
        body = _BLANK_RUNS.sub("\n", normalise_text(piece.text).replace("\n\n", "\n")).strip()
        if not body:
            continue
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(body)
        level = piece.level if piece.kind == HEADING else 0
        blocks.append(Block(start=offset, end=offset + len(body), kind=piece.kind, level=level))
        offset += len(body)
    return "".join(parts), tuple(blocks)


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WESTERN_SINGLE_BYTE = frozenset(
    {
        "ascii",
        "cp1252",
        "latin_1",
        "iso8859_15",
        "cp1250",
        "iso8859_2",
        "mac_roman",
        "mac_iceland",
        "mac_latin2",
        "cp850",
        "cp437",
        "cp858",
        "iso8859_9",
        "cp1254",
        "iso8859_3",
        "iso8859_4",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_16",
        "cp1257",
        "mac_turkish",
    }
)


def decode_bytes(data: bytes) -> str:
    """Decode text in any common encoding; never raises.

    Order: BOM, UTF-16 without BOM (NUL pattern), strict UTF-8, then charset-normalizer for texts
    that are mostly non-Latin (Cyrillic, Greek, CJK...). Short Western texts fool the detector
    (cp1252 smart quotes come back as "mac_iceland"), so anything Latin-looking is read as
    Windows-1252, the superset of Latin-1 that Windows editors write, with Latin-1 as last resort.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # Before UTF-8: UTF-16 text of ASCII characters is also valid UTF-8 (full of NULs).
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    high = sum(1 for byte in data[:65536] if byte >= 0x80)
    letters = sum(1 for byte in data[:65536] if byte >= 0x80 or chr(byte).isalpha())
    if letters and high / letters > 0.3:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data[:262144]).best()
        if best is not None and best.encoding not in _WESTERN_SINGLE_BYTE:
            return data.decode(best.encoding, errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    if any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(head):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / len(head) < 0.05


# --------------------------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------------------------

_TITLE_WORDS = re.compile(r"privacy|policy|policies|notice|statement|datenschutz", re.IGNORECASE)


def guess_title(text: str) -> str:
    """Title of a plain document: an early short line naming the policy, else a short first line."""
    lines = [line.strip() for line in text.split("\n", 40)[:40] if line.strip()][:6]
    for line in lines:
        if (
            len(line) <= 120
            and _TITLE_WORDS.search(line)
            and not line.endswith((".", ",", ";", ":"))
        ):
            return line
    if lines and len(lines[0]) <= 120 and not lines[0].endswith((".", ",", ";", ":")):
        return lines[0]
    return ""


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


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
_SOFT_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def _read_pdf(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise ReadError(
                    "encrypted_pdf",
                    f"{name}: the PDF is encrypted with a method we cannot open; "
                    "please upload an unprotected copy.",
                ) from exc
            if not unlocked:
                raise ReadError(
                    "encrypted_pdf",
                    f"{name}: the PDF is password-protected, so its text cannot be read. "
                    "Please upload a copy without a password.",
                )
        page_count = len(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError as exc:
        raise ReadError(
            "encrypted_pdf", f"{name}: the PDF is password-protected, so its text cannot be read."
        ) from exc
    except Exception as exc:  # pypdf raises many exception types on malformed input
        raise ReadError(
            "corrupt_pdf", f"{name}: the PDF is damaged or incomplete and could not be opened."
        ) from exc

    warnings: list[str] = []
    if page_count > MAX_PDF_PAGES:
        warnings.append(f"Only the first {MAX_PDF_PAGES} of {page_count} pages were read.")
    pages: list[str] = []
    empty_pages = 0
    total = 0
    for index in range(min(page_count, MAX_PDF_PAGES)):
        _check_deadline(deadline, name)
        try:
            page_text = reader.pages[index].extract_text() or ""
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            if index == 0 and page_count == 1:
                raise ReadError(
                    "corrupt_pdf", f"{name}: the PDF is damaged and its text could not be read."
                ) from exc
            warnings.append(f"Page {index + 1} is damaged and was skipped.")
            continue
        page_text = _clean_pdf_page(page_text)
        if not page_text.strip():
            empty_pages += 1
            continue
        pages.append(page_text)
        total += len(page_text)
        if total > MAX_EXTRACTED_CHARS:
            warnings.append(
                f"Reading stopped after page {index + 1}: the text exceeds "
                f"{MAX_EXTRACTED_CHARS:,} characters."
            )
            break
    if not pages:
        raise ReadError(
            "no_text",
            f"{name}: the PDF has no text layer; it looks like a scanned image. "
            "Please upload a text PDF or run OCR first.",
        )
    if empty_pages:
        warnings.append(
            f"{empty_pages} page(s) had no text layer (scanned images?) and were skipped."
        )
    text = normalise_text(_join_pages(pages))
    title = ""
    try:
        metadata_title = (reader.metadata or {}).get("/Title")
        title = str(metadata_title or "").strip()
    except Exception:  # noqa: BLE001 - metadata is optional decoration; never fail on it
        title = ""
    if not title or title.lower().startswith(("microsoft word", "untitled")):
        title = guess_title(text)
    return ReadResult(text=text, media_type=APPLICATION_PDF, title=title, warnings=tuple(warnings))


def _join_pages(pages: list[str]) -> str:
    """Pages are separate blocks, except where a sentence runs on across the page break."""
    parts = pages[:1]
    for page in pages[1:]:
        runs_on = parts[-1].rstrip()[-1:] in ",-–" or page.lstrip()[:1].islower()
        parts.append("\n" if runs_on else "\n\n")
        parts.append(page)
    return "".join(parts)


def _clean_pdf_page(page_text: str) -> str:
    lines = normalise_text(page_text).split("\n")
    # Drop bare page numbers at the top or bottom of the page ("3", "Page 3 of 10").
    while lines and _PAGE_NUMBER_LINE.match(lines[-1]):
        lines.pop()
    while lines and _PAGE_NUMBER_LINE.match(lines[0]):
        lines.pop(0)
    return _SOFT_HYPHEN_BREAK.sub("", "\n".join(lines))


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^heading\s*(\d)", re.IGNORECASE)


def _check_zip_safety(data: bytes, name: str, max_bytes: int) -> None:
    """Refuse archives that would expand far beyond the upload (zip bombs) before opening them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(
            "corrupt_docx", f"{name}: the Word file is damaged and could not be opened."
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ReadError(
                "zip_bomb",
                f"{name}: the Word file holds {len(members)} parts, more than a document needs; "
                "it was not opened for safety.",
            )
        limit = min(ZIP_UNPACK_FACTOR * max_bytes, MAX_ZIP_TOTAL_BYTES)
        total = sum(member.file_size for member in members)
        worst_ratio = max(
            (
                member.file_size / max(1, member.compress_size)
                for member in members
                if member.file_size > 1024 * 1024
            ),
            default=0.0,
        )
        if total > limit or worst_ratio > MAX_ZIP_RATIO:
            raise ReadError(
                "zip_bomb",
                f"{name}: the Word file would unpack to {_size(total)} "
                f"(limit {_size(limit)}) or is compressed suspiciously tightly; "
                "it was not opened for safety.",
            )


def _read_docx(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
    _check_zip_safety(data, name, max_bytes)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx / lxml / zipfile raise many types on broken files
        raise ReadError(
            "corrupt_docx", f"{name}: the Word file is damaged and could not be opened."
        ) from exc

    pieces: list[_Piece] = []
    title_paragraph = ""
    try:
        for count, item in enumerate(document.iter_inner_content()):
            if count % 500 == 0:
                _check_deadline(deadline, name)
            if isinstance(item, Table):
                pieces.extend(_docx_table_rows(item))
                continue
            style = (item.style.name if item.style is not None else "") or ""
            text = item.text
            if match := _HEADING_STYLE.match(style):
                pieces.append(_Piece(HEADING, min(6, max(1, int(match.group(1)))), text))
                if not title_paragraph and match.group(1) == "1":
                    title_paragraph = text.strip()
            elif style.lower() == "title":
                pieces.append(_Piece(HEADING, 1, text))
                title_paragraph = title_paragraph or text.strip()
            elif style.lower().startswith("list") or _has_numbering(item):
                pieces.append(_Piece(LIST_ITEM, 0, text))
            else:
                pieces.append(_Piece(PARAGRAPH, 0, text))
        core_title = (document.core_properties.title or "").strip()
    except ReadError:
        raise
    except Exception as exc:  # malformed XML inside a structurally valid package
        raise ReadError(
            "corrupt_docx", f"{name}: the Word file is damaged and its text could not be read."
        ) from exc
    text, blocks = _assemble(pieces)
    title = core_title or title_paragraph or guess_title(text)
    return ReadResult(text=text, media_type=APPLICATION_DOCX, title=title, blocks=blocks)


def _has_numbering(paragraph) -> bool:  # noqa: ANN001 - python-docx Paragraph
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _docx_table_rows(table) -> list[_Piece]:  # noqa: ANN001 - python-docx Table
    rows: list[_Piece] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # Merged cells are returned once per grid column; keep each physical cell once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cell_text = " ".join(cell.text.split())
            if cell_text:
                cells.append(cell_text)
        rows.append(_Piece(TABLE_ROW, 0, " | ".join(cells)))
    return rows


# --------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------

_READERS: dict[str, Callable[[bytes, str, int, float], ReadResult]] = {
    TEXT_PLAIN: _read_plain,
    TEXT_MARKDOWN: _read_markdown,
    TEXT_HTML: _read_html,
    APPLICATION_PDF: _read_pdf,
    APPLICATION_DOCX: _read_docx,
}


def _run_with_deadline(work: Callable[[], ReadResult], timeout: float, name: str) -> ReadResult:
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"read-document:{name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _timeout_error(name, timeout)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def _check_deadline(deadline: float, name: str) -> None:
    if time.monotonic() > deadline:
        raise _timeout_error(name, None)


def _timeout_error(name: str, timeout: float | None) -> ReadError:
    limit = f" of {timeout:g} seconds" if timeout is not None else ""
    return ReadError(
        "timeout", f"{name}: reading the file took longer than the limit{limit} and was stopped."
    )


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _size(size: int) -> str:
    """A human size: "12 MB", "1.5 MB", "300 KB", "20 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _describe_unsupported(data: bytes, media_type: str) -> str:
    for magic, label in _KNOWN_BINARY_MAGIC:
        if data.startswith(magic):
            return f"the file is {label}, which"
    if media_type == "application/zip":
        return "the file is a ZIP archive, which"
    return "the file is binary data, which"
