"""Table-of-contents blocks: lines that promise topics ("learn more about the following: ...")
rather than state practices, so checks must not take them as evidence.

A block is an introducing clause (a "contents" heading, or a sentence ending in ":" that
announces topics) followed by short entry clauses, or one clause holding the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues
from policies.extraction.facts.sentences import ClauseView

_INTRO = anchors.compile(
    r"^\s*(?:table\s+of\s+contents|contents|in\s+this\s+(?:privacy\s+)?(?:policy|notice)|"
    r"(?:this\s+)?(?:privacy\s+)?(?:policy|notice)\s+(?:covers|explains|describes)(?:\s+the\s+following)?|"
    r"quick\s+links|sections?|jump\s+to)\s*:?\s*$"
    r"|(?:learn\s+(?:more\s+)?about|covers?|explains?|describes?|addresses|includes?)\s+the\s+following(?:\s+(?:topics|sections|areas))?\s*:\s*$"
    r"|(?:following\s+(?:topics|sections))\s*:\s*$",
    re.IGNORECASE,
)
# Every alternative of _INTRO needs one of these.
_INTRO_CUES = cues.register(
    "table_of_contents",
    ("contents", "in this", "covers", "explains", "describes", "quick links", "section",
     "jump to", "following"),
)  # fmt: skip
_MAX_ENTRY = 160  # characters: entries are titles, not paragraphs
_MAX_ENTRIES = 30


def table_of_contents_facts(views: Sequence[ClauseView]) -> tuple[list[Fact], set[int]]:
    """ToC facts (one per clause of each block, all carrying the block's entries) and the
    clause ids they cover."""
    facts: list[Fact] = []
    covered: set[int] = set()
    for i, view in enumerate(views):
        if not view.has(_INTRO_CUES):
            continue
        line_end = view.text.find("\n")  # the first line
        if not view.search(_INTRO, 0, line_end if line_end >= 0 else None):
            continue
        lines = [ln.strip(" •-–*\t") for ln in view.text.split("\n")[1:] if ln.strip()]
        if len(lines) >= 3 and all(len(ln) <= _MAX_ENTRY for ln in lines):
            facts.append(
                view.fact("table_of_contents", {"entries": lines[:_MAX_ENTRIES]}, 0, len(view.text))
            )
            covered.add(view.clause.id)
            continue
        block: list[ClauseView] = []
        for j in range(i + 1, min(len(views), i + 1 + _MAX_ENTRIES)):
            if len(views[j].text) > _MAX_ENTRY or (block and _starts_section(j, views)):
                break
            block.append(views[j])
        if len(block) < 3:
            continue
        entries = [v.text.strip(" •-–*\t") for v in block]
        for v in [view, *block]:
            facts.append(v.fact("table_of_contents", {"entries": entries}, 0, len(v.text)))
            covered.add(v.clause.id)
    return facts, covered


def _starts_section(j: int, views: Sequence[ClauseView]) -> bool:
    """A title ending with ":" or a clause followed by a long paragraph starts the body."""
    if views[j].text.rstrip().endswith(":"):
        return True
    return j + 1 < len(views) and len(views[j + 1].text) > _MAX_ENTRY
