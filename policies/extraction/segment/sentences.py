"""Clause sizes: split long paragraphs into sentences (abbreviation-aware) and regroup them.

Long means over ``MAX_CLAUSE_WORDS``; groups aim at ``TARGET_CLAUSE_WORDS`` and never close below
``MIN_CLAUSE_WORDS``.
"""

from __future__ import annotations

import re

from policies.extraction.segment.pieces import _CLOSERS

MAX_CLAUSE_WORDS = 80  # paragraphs longer than this are split into sentence groups
TARGET_CLAUSE_WORDS = 60  # a sentence group stops growing once it reaches this
MIN_CLAUSE_WORDS = 20  # ...but never closes below this
LONG_SENTENCE_WORDS = 120  # sentences longer than this may also split at semicolons

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_SEMICOLON = re.compile(r";(?=\s)")
_NON_SPACE = re.compile(r"\S")

_ABBREVIATIONS = frozenset(
    [
        "e.g.",
        "i.e.",
        "etc.",
        "inc.",
        "ltd.",
        "co.",
        "corp.",
        "llc.",
        "plc.",
        "u.s.",
        "u.k.",
        "e.u.",
        "u.s.a.",
        "no.",
        "nos.",
        "art.",
        "arts.",
        "sec.",
        "secs.",
        "para.",
        "paras.",
        "vs.",
        "v.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "st.",
        "jr.",
        "sr.",
        "p.",
        "pp.",
        "fig.",
        "approx.",
        "dept.",
        "est.",
        "cf.",
        "viz.",
        "al.",
        "ave.",
        "blvd.",
        "rd.",
        "ph.d.",
        "a.m.",
        "p.m.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "tel.",
        "ext.",
        "min.",
        "max.",
        "gmbh.",
        "s.a.",
        "ag.",
        "b.v.",
        "n.v.",
        "pty.",
        "ch.",
        "reg.",
        "ref.",
        "incl.",
    ]
)


def _count_words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, words) of each sentence in text[start:end]; spans are trimmed."""
    spans: list[tuple[int, int, int]] = []
    current = start
    for match in _SENTENCE_END.finditer(text, start, end):
        boundary = match.end()
        following = _NON_SPACE.search(text, boundary, end)
        if following is None:
            break
        if text[following.start()].islower() or not _is_sentence_end(text, current, match):
            continue
        spans.extend(_split_long(text, current, boundary))
        current = following.start()
    spans.extend(_split_long(text, current, end))
    return spans


def _is_sentence_end(text: str, sentence_start: int, match: re.Match[str]) -> bool:
    punct_at = match.start()
    if match.group().rstrip(_CLOSERS) != ".":
        return True  # "!", "?", "..." always end a sentence before a capital
    # Only the last word matters; look back a bounded distance to stay linear.
    window = max(sentence_start, punct_at - 24)
    space = max(text.rfind(" ", window, punct_at), text.rfind("\n", window, punct_at))
    token = text[max(space + 1, window) : punct_at + 1].lstrip("(\"'“‘[").lower()
    if token in _ABBREVIATIONS:
        return False
    core = token[:-1]
    # Initials ("J.") and dotted acronyms ("U.S.A.") are not sentence ends.
    return not (len(core) == 1 and core.isalpha()) and not (
        "." in core and all(len(part) <= 2 for part in core.split("."))
    )


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """One sentence, or for a very long one, its parts at semicolons."""
    words = _count_words(text, start, end)
    if words <= LONG_SENTENCE_WORDS:
        return [(start, end, words)]
    parts: list[tuple[int, int, int]] = []
    current = start
    for match in _SEMICOLON.finditer(text, start, end):
        following = _NON_SPACE.search(text, match.end(), end)
        if following is None:
            break
        parts.append((current, match.end(), _count_words(text, current, match.end())))
        current = following.start()
    parts.append((current, end, _count_words(text, current, end)))
    return parts


def _group_sentences(text: str, sentences: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Greedy grouping: close a group once it reaches the target or would pass the maximum."""
    groups: list[list[int]] = []  # [start, end, words]
    for start, end, words in sentences:
        if groups:
            group = groups[-1]
            ready = group[2] >= MIN_CLAUSE_WORDS and (
                group[2] >= TARGET_CLAUSE_WORDS or group[2] + words > MAX_CLAUSE_WORDS
            )
            if not ready:
                group[1], group[2] = end, group[2] + words
                continue
        groups.append([start, end, words])
    if len(groups) > 1 and groups[-1][2] < MIN_CLAUSE_WORDS:
        tail = groups.pop()
        groups[-1][1], groups[-1][2] = tail[1], groups[-1][2] + tail[2]
    return [(start, end) for start, end, _words in groups]
