"""Word (.docx) reader: zip-bomb check before opening, then paragraphs, lists and tables."""

from __future__ import annotations

import io
import re
import zipfile

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, ReadResult
from policies.extraction.readers.base import (
    APPLICATION_DOCX,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    ZIP_UNPACK_FACTOR,
    ReadError,
    _assemble,
    _check_deadline,
    _Piece,
    _size,
    guess_title,
)

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
