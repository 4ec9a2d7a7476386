"""The policy's own "last updated" / "effective" date.

Only a date introduced by such a label counts: web archives, print-outs and crawlers stamp their
own dates on the text ("archived on 2019-08-28", "captured", "printed on"), and those are not
the policy's date.
"""

from __future__ import annotations

import datetime
import re

from policies.extraction.facts import anchors, headindex
from policies.extraction.facts.headindex import HeadIndex

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"

DATE = anchors.compile(
    "|".join(
        [
            # 2020-05-01, 2020/05/01, 2020.05.01
            r"(?P<iy>(?:19|20)\d\d)[-/.](?P<im>[01]?\d)[-/.](?P<id>[0-3]?\d)\b",
            # 01/05/2020, 1.5.2020, 01-05-20 (month first unless the first number > 12)
            r"\b(?P<na>[0-3]?\d)[/.-](?P<nb>[0-3]?\d)[/.-](?P<ny>(?:19|20)?\d\d)\b",
            # March 3, 2021 / Sept. 3 2021 / May 5th, 2020
            _MONTH.format(g="m1") + r"\s+" + _DAY.format(g="d1") + r",?\s+" + _YEAR.format(g="y1"),
            # 1st May 2020 / 5 May, 2020 / 5. Mai 2020-like
            _DAY.format(g="d2")
            + r"\.?\s+(?:of\s+)?"
            + _MONTH.format(g="m2")
            + r",?\s+"
            + _YEAR.format(g="y2"),
            # March 2021 (day unknown: the first of the month)
            _MONTH.format(g="m3") + r",?\s+" + _YEAR.format(g="y3"),
        ]
    ),
    re.IGNORECASE,
)

# Labels that introduce the policy's own date; the date must follow within a few words.
_LABEL = anchors.compile(
    r"(?P<label>last\s+(?:updated|modified|revised|amended|changed|reviewed)|"
    r"(?:date\s+of\s+(?:the\s+)?)?last\s+(?:update|revision|modification)|"
    r"(?:was\s+)?(?:updated|revised|modified|amended)(?:\s+(?:on|as\s+of))?|"
    r"effective\s+(?:date|as\s+of|from|on)|effective|date\s+effective|in\s+effect\s+(?:as\s+of|from)|"
    r"version\s+date|dated|as\s+of|revision\s+date|policy\s+date)",
    re.IGNORECASE,
)
# Words that mark a date as stamped by someone other than the author.
_FOREIGN = anchors.compile(
    r"archiv|captur|snapshot|wayback|retriev|accessed|printed|downloaded|crawl|scraped|"
    r"generated\s+on|copyright|©|\(c\)",
    re.IGNORECASE,
)
# "This version replaces the notice dated ...", "the previous policy, effective ...": the date
# of a superseded text. Only determiners and document nouns may stand between the word and the
# label, so "replaces all prior versions and is effective as of" still counts.
_SUPERSEDED = anchors.compile(
    r"\b(?:replac\w*|supersed\w*|previous|prior|earlier|former|older|old)\s*[,(]?\s*"
    r"(?:(?:the|our|this|that|a|an|any|all|privacy|policy|policies|notice|notices|statement|"
    r"version|versions|terms|document)\s*[,(]?\s*)*$",
    re.IGNORECASE,
)
_MAX_GAP = 40  # characters allowed between the label and its date


def parse_date(m: re.Match[str]) -> datetime.date | None:
    """The date a ``DATE`` match names, or None when it is no real calendar day."""
    g = m.groupdict()
    try:
        if g["iy"]:
            return datetime.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["na"]:
            a, b, y = int(g["na"]), int(g["nb"]), int(g["ny"])
            if y < 100:
                y += 2000
            month, day = (b, a) if a > 12 else (a, b)
            return datetime.date(y, month, day)
        for mk, dk, yk in (("m1", "d1", "y1"), ("m2", "d2", "y2"), ("m3", None, "y3")):
            if g[mk]:
                month = _MONTHS[g[mk].lower().rstrip(".")[:3]]
                day = int(g[dk]) if dk else 1
                return datetime.date(int(g[yk]), month, day)
    except (ValueError, KeyError):
        return None
    return None


def _label_kind(label: str) -> str:
    lowered = label.lower()
    if "effect" in lowered or lowered.startswith("dated") or lowered.startswith("as of"):
        return "effective"
    return "last_updated"


def labelled_dates(
    text: str, index: HeadIndex | None = None
) -> list[tuple[datetime.date, int, int, str]]:
    """Every (date, start, end, label) where a last-updated/effective label introduces a date.

    ``start``/``end`` cover the label and the date. Dates whose sentence carries an archive or
    capture marker are skipped. ``index``: the head index of ``text`` (only saves time).
    """
    found: list[tuple[datetime.date, int, int, str]] = []
    last_end = -1
    for lm in headindex.finditer(index, _LABEL, text, 0):
        if lm.start() < last_end:
            continue
        dm = headindex.search_window(index, DATE, text, lm.end(), lm.end() + _MAX_GAP + 30)
        if dm is None or dm.start() - lm.end() > _MAX_GAP:
            continue
        gap = text[lm.end() : dm.start()]
        # The gap may hold ":", "on", "this policy was", but no sentence end or another date label.
        if re.search(r"[.!?]\s|\n\s*\n", gap):
            continue
        line_start = max(text.rfind("\n", 0, lm.start()), text.rfind(". ", 0, lm.start())) + 1
        if _FOREIGN.search(text[line_start : dm.end()]):
            continue
        if _SUPERSEDED.search(text[max(line_start, lm.start() - 80) : lm.start()]):
            continue
        day = parse_date(dm)
        if day is None:
            continue
        found.append((day, lm.start(), dm.end(), _label_kind(lm.group("label"))))
        last_end = dm.end()
    return found


def find_last_updated(text: str) -> tuple[datetime.date, int, int] | None:
    """The policy's own last-updated (else effective) date with its span, or None.

    A "last updated" label wins over "effective"; among several of the same label the latest
    date wins (policies often list their history).
    """
    found = labelled_dates(text)
    if not found:
        return None
    updated = [f for f in found if f[3] == "last_updated"] or found
    day, start, end, _label = max(updated, key=lambda f: (f[0], -f[1]))
    return day, start, end
