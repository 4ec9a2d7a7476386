"""Reading the OPP-115 corpus as a multi-annotator campaign (pure: files in, records out).

Format: ``/work/shared/data/opp115/README.md``. A policy is ``sanitized_policies/<stem>.html``
split on ``|||`` into segments, and ``annotations/<stem>.csv`` (no header) with one row per data
practice: column 3 the annotator id, column 5 the 0-based segment id, column 6 the category.

The policy text we store is the segments' texts (tags stripped, entities decoded, whitespace
normalised, as the classifier's OPP-115 loader does) joined by blank lines; each segment is one
clause with exact offsets into that text. An annotator's rating of a segment is the set of
categories they created at least one practice of there (once per category however many
practices). Attribute spans are not imported: their offsets index the raw HTML segment.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from policies.extraction.training import opp115_segment

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Segment:
    index: int  # the corpus segment id
    start: int
    end: int
    heading: str


@dataclass(frozen=True)
class Policy:
    name: str  # the file stem, e.g. "1017_sci-news.com"
    text: str
    segments: tuple[Segment, ...]
    # annotator id -> segment id -> categories given
    ratings: dict[str, dict[int, frozenset[str]]]

    @property
    def annotators(self) -> list[str]:
        return sorted(self.ratings)


def policy_names(root: Path) -> list[str]:
    """Stems of the policies that have both a sanitized text and an annotations file."""
    root = Path(root)
    texts = {p.stem for p in (root / "sanitized_policies").glob("*.html")}
    annotated = {p.stem for p in (root / "annotations").glob("*.csv")}
    return sorted(texts & annotated, key=_numeric_first)


def _numeric_first(stem: str) -> tuple[int, str]:
    head = stem.split("_", 1)[0]
    return (int(head) if head.isdigit() else 1 << 30, stem)


def join_segments(raw_segments: list[str]) -> tuple[str, list[Segment]]:
    """The policy text and one :class:`Segment` per non-empty segment, offsets exact:
    ``text[s.start:s.end]`` is the segment's cleaned text."""
    parts: list[str] = []
    segments: list[Segment] = []
    position = 0
    for index, raw in enumerate(raw_segments):
        text, heading = opp115_segment(raw)
        if not text:
            continue  # an empty segment cannot be a clause (and carries no practice)
        if parts:
            parts.append(SEPARATOR)
            position += len(SEPARATOR)
        segments.append(Segment(index, position, position + len(text), heading))
        parts.append(text)
        position += len(text)
    return "".join(parts), segments


def read_ratings(path: Path) -> dict[str, dict[int, frozenset[str]]]:
    found: dict[str, dict[int, set[str]]] = {}
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) < 6 or not row[4].strip().lstrip("-").isdigit():
                continue
            annotator, segment, category = row[2].strip(), int(row[4]), row[5].strip()
            found.setdefault(annotator, {}).setdefault(segment, set()).add(category)
    return {a: {s: frozenset(c) for s, c in segs.items()} for a, segs in found.items()}


def read_policy(root: Path, name: str) -> Policy:
    root = Path(root)
    raw = (root / "sanitized_policies" / f"{name}.html").read_text(encoding="utf-8")
    text, segments = join_segments(raw.split("|||"))
    return Policy(
        name=name,
        text=text,
        segments=tuple(segments),
        ratings=read_ratings(root / "annotations" / f"{name}.csv"),
    )
