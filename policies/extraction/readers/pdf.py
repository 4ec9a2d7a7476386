"""PDF reader: pypdf text layer, page and character caps, page numbers and hyphen breaks removed."""

from __future__ import annotations

import io
import re

from policies.extraction.document import ReadResult
from policies.extraction.readers.base import (
    APPLICATION_PDF,
    MAX_EXTRACTED_CHARS,
    MAX_PDF_PAGES,
    ReadError,
    _check_deadline,
    guess_title,
    normalise_text,
)

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
