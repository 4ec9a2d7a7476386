"""Special audiences: children (COPPA) and students (FERPA, SOPIPA).

One children fact per clause, merging what the clause's sentences say: the age threshold,
whether the service is directed to children, who consents (parents or the school), whether
parents have rights, and the kind of statement.
"""

from __future__ import annotations

import re

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues
from policies.extraction.facts.sentences import ClauseView

_CHILD = anchors.compile(
    r"\b(?:child(?:ren)?(?:[’']s)?|minors?|kids?|coppa|under\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?\d{1,2}\b|"
    r"parental\s+consent|younger\s+than\s+\d{1,2}|\d{1,2}\s+years\s+(?:of\s+age|old))",
    re.IGNORECASE,
)
_AGE = anchors.compile(
    r"\b(?:under|below|younger\s+than|less\s+than)\s+(?:the\s+age\s+of\s+|age\s+)?(?P<a>\d{1,2})\b|"
    r"\b(?:age[sd]?\s+(?:of\s+)?)(?P<b>\d{1,2})\s+(?:or|and)\s+(?:under|younger|below)|"
    r"\b(?P<c>\d{1,2})\s+years\s+(?:of\s+age|old)|"
    r"\bat\s+least\s+(?P<d>\d{1,2})\b",
    re.IGNORECASE,
)
_DIRECTED = anchors.compile(
    r"\b(?:intended|directed|designed|targeted|aimed|meant|marketed|offered)\s+(?:\w+\s+){0,2}(?:for|to|at|towards)\s+"
    r"(?:use\s+by\s+)?(?:children|kids|minors|anyone|individuals|persons|people|users)|"
    r"\b(?:child|children|kid)[- ]directed|\bfor\s+(?:use\s+by\s+)?children\b",
    re.IGNORECASE,
)
_KNOWINGLY = anchors.compile(
    r"\bknowingly\s+(?:\w+\s+){0,3}(?:collect|solicit|request|process|gather|obtain|allow)\w*",
    re.IGNORECASE,
)
_DELETE_IF = anchors.compile(
    r"(?:learn|discover|become\s+aware|find\s+out|are\s+notified|determine)\w*\s+(?:\w+\s+){0,14}"
    r"(?:delet|eras|remov|destroy)\w*|(?:delet|remov)\w*\s+(?:\w+\s+){0,6}(?:as\s+soon\s+as|promptly|immediately)",
    re.IGNORECASE,
)
_PARENT_CONSENT = anchors.compile(
    r"parent(?:al|s)?[’']?\s+(?:or\s+(?:legal\s+)?guardian[’']?s?\s+)?consent|consent\s+(?:\w+\s+){0,3}(?:from|of|by)\s+(?:the\s+|their\s+|a\s+)?parents?|verifiable\s+parental",
    re.IGNORECASE,
)
_SCHOOL_CONSENT = anchors.compile(
    r"school\s+consent|(?:school|teacher|educator|institution)s?\s+(?:[\w,]+\s+){0,12}(?:on\s+behalf\s+of\s+(?:the\s+)?parents|consent)|"
    r"consent\s+(?:\w+\s+){0,3}(?:from|of|by)\s+(?:the\s+)?(?:school|teacher|institution)",
    re.IGNORECASE,
)
_PARENT_RIGHTS = anchors.compile(
    r"parent(?:s|al)?[’']?s?\s+(?:\w+\s+){0,3}(?:rights?|may|can|have\s+the\s+right)\s+(?:\w+\s+){0,3}(?:review|delet|refuse|access|request|revoke|prevent)|"
    r"parent[’']?s?\s+rights|(?:review|delete|access)\s+(?:their|your)\s+child(?:ren)?[’']?s?",
    re.IGNORECASE,
)


# A "directed to" statement is about children when such a word follows it closely.
_CHILD_WORD = anchors.compile(r"child|kid|minor|under|\d", re.IGNORECASE)
_STUDENT_WORD = anchors.compile(r"student|pupil|education", re.IGNORECASE)


_CHILD_CUES = cues.register(
    "children", ("child", "minor", "kid", "coppa", "under", "parent", "age")
)
_STUDENT_CUES = cues.register(
    "student", ("student", "school", "pupil", "ferpa", "sopipa", "teacher")
)


@cues.gate(1 << _CHILD_CUES, _CHILD)
def children_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_CHILD_CUES):
        return []
    low = view.lower
    if not (
        "child" in low
        or "minor" in low
        or "kid" in low
        or "coppa" in low
        or "under" in low
        or "parent" in low
        or "age" in low
    ):
        return []
    m = view.search(_CHILD)
    if m is None:
        return []
    min_age = None
    for am in view.finditer(_AGE):
        age = int(next(g for g in am.groups() if g))
        if 5 <= age <= 21:
            min_age = age
            break
    directed: bool | None = None
    statement = "other"
    dm = view.search(_DIRECTED)
    if dm and view.search(_CHILD_WORD, dm.start(), dm.end() + 40):
        negated = view.negated(dm.start(), dm.end())
        directed = not negated
        statement = "not_directed" if negated else "directed"
    km = view.search(_KNOWINGLY)
    if km and view.negated(km.start(), km.end()):
        if directed is None:
            directed = False
        if statement == "other":
            statement = "knowingly_collect"
    if statement == "other" and view.search(_DELETE_IF):
        statement = "delete_if_discovered"
    consent = None
    school = view.search(_SCHOOL_CONSENT)
    if school and not re.search(r"school\s+consent\s+(?:is|does)\s+not", low):
        consent = "school"
    elif view.search(_PARENT_CONSENT):
        consent = "parent"
    parental_rights = bool(view.search(_PARENT_RIGHTS))
    if (
        min_age is None
        and directed is None
        and consent is None
        and not parental_rights
        and not re.search(r"child|minor|kid|coppa", low)
    ):
        return []
    value = {
        "min_age": min_age,
        "directed_to_children": directed,
        "consent": consent,
        "parental_rights": parental_rights,
        "statement": statement,
    }
    s, _e = view.sentence_at(m.start())
    e = view.sentence_at(max(m.start(), (km or dm or m).start()))[1]
    return [view.fact("children", value, s, max(e, _e))]


_STUDENT = anchors.compile(
    r"\b(?:students?|pupils?|school|ferpa|sopipa|education\s+records?|teachers?|educational\s+institution)\b",
    re.IGNORECASE,
)
_STUDENT_STATEMENTS = (
    ("school_official", anchors.compile(r"school\s+official", re.IGNORECASE)),
    (
        "school_controls",
        anchors.compile(
            r"on\s+behalf\s+of\s+(?:the\s+|your\s+|their\s+)?(?:school|institution|district|educational)|(?:school|institution|district)s?\s+(?:\w+\s+){0,2}(?:owns?|controls?|remains?\s+the\s+(?:owner|controller))|contact\s+your\s+(?:school|institution|teacher)|under\s+the\s+(?:direct\s+)?control\s+of\s+the\s+(?:school|district)",
            re.IGNORECASE,
        ),
    ),
    (
        "no_targeted_ads",
        anchors.compile(
            r"(?:targeted|behaviou?ral|interest-based)\s+advertising|advertis\w+\s+to\s+students",
            re.IGNORECASE,
        ),
    ),
    (
        "no_profiling",
        anchors.compile(r"(?:build|create|amass|compile)\s+(?:a\s+)?profiles?", re.IGNORECASE),
    ),
    (
        "deletion_on_request",
        anchors.compile(
            r"delet\w+\s+(?:\w+\s+){0,8}(?:request|direct|instruct)\w*\s+(?:\w+\s+){0,2}(?:the\s+)?(?:school|district|institution|teacher)|(?:school|district|institution)\s+(?:\w+\s+){0,3}request\w*\s+(?:\w+\s+){0,3}delet",
            re.IGNORECASE,
        ),
    ),
    ("security", anchors.compile(r"secur\w+|encrypt\w*|protect\s+(?:student|the)", re.IGNORECASE)),
    ("no_sale", anchors.compile(r"\b(?:sell|sold|rent)\b", re.IGNORECASE)),
    (
        "other",
        anchors.compile(
            r"use\s+and\s+benefit\s+of\s+(?:the|their)\s+school|for\s+(?:the\s+)?(?:school|educational)\s+purposes|FERPA|SOPIPA",
            re.IGNORECASE,
        ),
    ),
)
_NEGATED_KIND = frozenset({"no_sale", "no_targeted_ads", "no_profiling"})


@cues.gate(1 << _STUDENT_CUES, _STUDENT)
def student_data_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_STUDENT_CUES):
        return []
    low = view.lower
    if not (
        "student" in low
        or "school" in low
        or "pupil" in low
        or "ferpa" in low
        or "sopipa" in low
        or "teacher" in low
    ):
        return []
    out = []
    for s, e in view.sentences:
        if not view.search(_STUDENT, s, e):
            continue
        for statement, pattern in _STUDENT_STATEMENTS:
            m = view.search(pattern, s, e)
            if m is None:
                continue
            if statement == "security" and not view.search(_STUDENT_WORD, s, e):
                continue
            negated = view.negated(s + m.start(), s + m.end())
            if statement in _NEGATED_KIND and not negated:
                continue  # "we sell" is no student-data commitment; the sale fact records it
            out.append(
                view.fact("student_data", {"statement": statement, "negated": negated}, s, e)
            )
            break
    return out
