"""Campaign exports as JSONL and CSV (pure: rows in, text out).

One row per clause and label: who gave it (an annotator, or ``gold`` for the settled label
set), when, and where the clause lies in its version's text. An annotator who judged a clause
and gave no label gets one row with an empty label, so "none of these" survives the export.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Row:
    campaign: str
    document: str
    version_id: int
    clause_id: int
    clause_order: int
    start: int
    end: int
    source: str  # "annotation" | "gold"
    annotator: str  # username, "" for gold
    label: str  # "" = judged, no label
    time: str  # ISO 8601
    unsure: bool = False
    comment: str = ""
    spans: tuple[tuple[int, int], ...] = ()  # highlights, offsets into the version text
    text: str = ""  # the clause text (optional)


COLUMNS = [f.name for f in fields(Row)]


def to_jsonl(rows: Iterable[Row]) -> Iterator[str]:
    for row in rows:
        record = asdict(row)
        record["spans"] = [list(s) for s in row.spans]
        yield json.dumps(record, ensure_ascii=False) + "\n"


def to_csv(rows: Iterable[Row]) -> Iterator[str]:
    """CSV lines with a header; spans as ``start-end`` joined by spaces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield _drain(buffer)
    for row in rows:
        values = asdict(row)
        values["spans"] = " ".join(f"{s}-{e}" for s, e in row.spans)
        values["unsure"] = "yes" if row.unsure else ""
        writer.writerow([values[c] for c in COLUMNS])
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value


def agreement_csv(header: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()
