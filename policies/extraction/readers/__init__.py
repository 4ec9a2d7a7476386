"""Turn an uploaded policy file (bytes) into normalised text plus structural hints.

Untrusted input: every reader has a size cap, a wall-clock cap, and format-specific guards
(zip-bomb check before opening DOCX, nesting-depth cap for HTML, page and character caps for PDF).
Failures raise :class:`ReadError` whose ``code`` is a stable slug and whose message is written for
a compliance reviewer ("report.pdf: the PDF is password-protected, ...").

Timeout approach: the parse runs in a daemon worker thread and the caller stops waiting after
``timeout_seconds``. Python cannot kill a thread, so the parsers also check a shared deadline
between pages / elements and give up on their own soon after; the Celery task's time limit is the
outer bound for a parser stuck inside a single C call.

This module holds the entry points and the dispatch table; the readers live beside it, one module
per format (``text`` for plain text and Markdown, ``html``, ``pdf``, ``docx``), with what they
share (limits, ``ReadError``, normalisation, decoding) in ``base``.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import PurePath

from policies.extraction.document import ReadResult
from policies.extraction.readers.base import (
    _EXTENSION_TYPES,
    _KNOWN_BINARY_MAGIC,
    APPLICATION_DOCX,
    APPLICATION_PDF,
    MAX_EXTRACTED_CHARS,
    MAX_HTML_DEPTH,
    MAX_PDF_PAGES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    SUPPORTED_EXTENSIONS,
    SUPPORTED_FORMATS_LABEL,
    TEXT_HTML,
    TEXT_MARKDOWN,
    TEXT_PLAIN,
    UNKNOWN_BINARY,
    ZIP_UNPACK_FACTOR,
    ReadError,
    _looks_like_text,
    _size,
    _timeout_error,
    decode_bytes,
    guess_title,
    normalise_text,
)
from policies.extraction.readers.docx import _read_docx
from policies.extraction.readers.html import _read_html
from policies.extraction.readers.pdf import _read_pdf
from policies.extraction.readers.text import _read_markdown, _read_plain

__all__ = [
    "APPLICATION_DOCX",
    "APPLICATION_PDF",
    "MAX_EXTRACTED_CHARS",
    "MAX_HTML_DEPTH",
    "MAX_PDF_PAGES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL_BYTES",
    "SUPPORTED_EXTENSIONS",
    "SUPPORTED_FORMATS_LABEL",
    "TEXT_HTML",
    "TEXT_MARKDOWN",
    "TEXT_PLAIN",
    "UNKNOWN_BINARY",
    "ZIP_UNPACK_FACTOR",
    "ReadError",
    "decode_bytes",
    "detect_media_type",
    "guess_title",
    "normalise_text",
    "read_document",
]

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


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _describe_unsupported(data: bytes, media_type: str) -> str:
    for magic, label in _KNOWN_BINARY_MAGIC:
        if data.startswith(magic):
            return f"the file is {label}, which"
    if media_type == "application/zip":
        return "the file is a ZIP archive, which"
    return "the file is binary data, which"
