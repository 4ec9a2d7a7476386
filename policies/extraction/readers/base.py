"""What every reader shares: formats and limits, ``ReadError``, text normalisation, decoding.

Also the block assembly used by the structured readers (Markdown, HTML, DOCX), the title guess for
documents without a usable title, and the deadline and size helpers behind the error messages.
"""

from __future__ import annotations

import codecs
import re
import time
import unicodedata
from dataclasses import dataclass

from policies.extraction.document import HEADING, Block

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
# Titles
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


# --------------------------------------------------------------------------------------------
# Deadline and sizes
# --------------------------------------------------------------------------------------------


def _check_deadline(deadline: float, name: str) -> None:
    if time.monotonic() > deadline:
        raise _timeout_error(name, None)


def _timeout_error(name: str, timeout: float | None) -> ReadError:
    limit = f" of {timeout:g} seconds" if timeout is not None else ""
    return ReadError(
        "timeout", f"{name}: reading the file took longer than the limit{limit} and was stopped."
    )


def _size(size: int) -> str:
    """A human size: "12 MB", "1.5 MB", "300 KB", "20 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
