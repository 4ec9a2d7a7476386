"""Data practices: what is collected and from where, why and on what basis, who receives it,
how long it is kept, whether it is sold or shared for ads, where it travels, how it is secured
and how changes are announced.
"""

from __future__ import annotations

import re

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues
from policies.extraction.facts.prefilter import Guarded
from policies.extraction.facts.sentences import ClauseView
from policies.extraction.facts.vocabulary import (
    AMBIGUOUS_NAMES,
    COUNTRIES,
    DATA_CATEGORY_WORDS,
    PURPOSE_WORDS,
    RECIPIENT_WORDS,
    THIRD_PARTIES,
)


def _guard(*table: tuple[str, re.Pattern[str]]) -> tuple[tuple[str, Guarded], ...]:
    return tuple((name, Guarded(pattern)) for name, pattern in table)


_COLLECT = anchors.compile(
    r"\b(?:collect\w*|gather\w*|obtain\w*|receiv\w*|record\w*|log(?:s|ged)?|store[sd]?|process\w*|"
    r"provide[sd]?|enter|submit\w*|upload\w*|includ\w+|such as|use[sd]?|access(?:es)?|automatically)\b",
    re.IGNORECASE,
)
_COLLECT_HEADING = anchors.compile(r"collect|information|data|what we|gather|cookie", re.IGNORECASE)
_SOURCE = _guard(
    (
        "school_employer",
        anchors.compile(
            r"\b(?:your |the )?(?:school|employer|institution|district|teacher|administrator)s?\b(?:\W+\w+){0,6}\W+(?:provide|create|invite|share|upload|give|register|enter)|(?:from|by|through) (?:your |the )?(?:school|employer|institution|teacher)",
            re.IGNORECASE,
        ),
    ),
    (
        "third_party",
        anchors.compile(
            r"\bfrom (?:these |other |our )?(?:third[- ]part(?:y|ies)|services|partners|social (?:media|networks)|publicly available|public sources|data brokers|integrated service)|third[- ]party sources|publicly available|receive\w* (?:\w+ ){0,4}from (?:these|other|third)|(?:existing|third-party) account|when you (?:connect|link|authenticate)",
            re.IGNORECASE,
        ),
    ),
    (
        "automatic",
        anchors.compile(
            r"\bautomatic\w*|cookies?|log files?|web beacons?|pixels?|tracking technolog|server (?:automatically )?logs?|when you (?:visit|browse|use our (?:web)?site)",
            re.IGNORECASE,
        ),
    ),
    (
        "user",
        anchors.compile(
            r"\byou (?:choose to )?(?:provide|give|enter|submit|upload|send|share|store|fill)|(?:when|if) you (?:register|sign[- ]up|create an account|contact us|subscribe|fill out|respond)|you are (?:asked|required) to (?:provide|enter)|provided by you|you may be asked to|during registration|information you provide",
            re.IGNORECASE,
        ),
    ),
)


_COLLECT_CUES = cues.register(
    "collect",
    ("collect", "gather", "obtain", "receiv", "record", "log", "store", "process", "provide",
     "enter", "submit", "upload", "includ", "such as", "use", "access", "automatic"),
)  # fmt: skip


_SOURCE_BITS = sum(1 << pattern.bit for _source, pattern in _SOURCE)


def is_collection_context(view: ClauseView) -> bool:
    found = view.memo.get("collection")
    if found is None:
        found = view.memo["collection"] = _collection_context(view)
    return found


def _collection_context(view: ClauseView) -> bool:
    cats = view.clause.categories
    if cats and ("First Party Collection/Use" in cats or "Third Party Sharing/Collection" in cats):
        return True
    if view.has(_COLLECT_CUES) and view.search(_COLLECT):
        return True
    heading = " ".join(view.clause.heading_path)
    return bool(heading and _COLLECT_HEADING.search(heading))


_COLLECT_WORD = anchors.compile(r"\bcollect", re.IGNORECASE)
# The wording a clause about automatic collection needs (plain substrings of the lower text).
_COLLECT_STEMS = ("collect", "receiv", "log", "gather", "record", "use", "stor")
_DEFINITION = anchors.compile(
    r"\bmeans\s+any\b|\bis\s+defined\s+as\b|\(['‘\"“]data\s+subject", re.IGNORECASE
)


@cues.gate(DATA_CATEGORY_WORDS.bits, *DATA_CATEGORY_WORDS.guards)
def data_category_facts(view: ClauseView) -> list[Fact]:
    if (
        not DATA_CATEGORY_WORDS.possible(view.mask)
        or not is_collection_context(view)
        or view.search(_DEFINITION)
    ):
        return []
    out: list[Fact] = []
    accept = lambda category, m: not (category == "contact" and _contact_lookalike(view, m))  # noqa: E731
    for category, m in DATA_CATEGORY_WORDS.first(
        view.lower, view.mask, accept, view.index, view.offset, view.heads
    ):
        if view.search(_COLLECT_WORD, *view.sentence_at(m.start())) and view.negated(
            m.start(), m.end()
        ):
            continue  # "we do not collect biometric data"
        source = _sentence_source(view, m.start())
        if source is None:  # the clause's only source, if it has exactly one
            sources = _sources(view)
            source = sources[0] if len(sources) == 1 else None
        out.append(
            view.fact("data_category", {"category": category, "source": source}, m.start(), m.end())
        )
    return out


def _contact_lookalike(view: ClauseView, m: re.Match[str]) -> bool:
    """ "email us at", "name of the company", "domain name" are not collected contact data."""
    before = view.lower[max(0, m.start() - 12) : m.start()]
    word = m.group(0).lower()
    return ("name" in word and ("domain" in before or "user" in before or "company" in before)) or (
        "address" not in word
        and "name" not in word
        and "number" not in word
        and "contact" not in word
    )


def _sentence_source(view: ClauseView, pos: int) -> str | None:
    span = view.sentence_at(pos)
    key = ("source", span)  # several categories of one sentence share its source
    if key not in view.memo:
        # The bare patterns, without their cue gate, as these searches always were: the gate may
        # miss what IGNORECASE finds through a fold ("ſ" for "s"), so it would change facts there.
        view.memo[key] = next(
            (source for source, pattern in _SOURCE if view.search(pattern.pattern, *span)), None
        )
    return view.memo[key]


def _source_matches(view: ClauseView) -> list[tuple[str, re.Match[str] | None]]:
    """Each source's first match in the clause (data categories and sources both need it)."""
    found = view.memo.get("source_matches")
    if found is None:
        found = view.memo["source_matches"] = [
            (source, view.search(pattern)) for source, pattern in _SOURCE
        ]
    return found


def _sources(view: ClauseView) -> list[str]:
    if not view.mask & _SOURCE_BITS:
        return []
    return [source for source, m in _source_matches(view) if m]


@cues.gate(_SOURCE_BITS, *(p for _source, p in _SOURCE))
def data_source_facts(view: ClauseView) -> list[Fact]:
    if not view.mask & _SOURCE_BITS or not is_collection_context(view):
        return []
    out = []
    for source, m in _source_matches(view):
        if m is None:
            continue
        if source == "automatic" and not any(w in view.lower for w in _COLLECT_STEMS):
            continue
        out.append(view.fact("data_source", {"source": source}, m.start(), m.end()))
    return out


_USE = anchors.compile(
    r"\b(?:use[sd]?|using|purposes?|in order to|so that|help(?:s)? us|process\w*|to (?:provide|improve|send|"
    r"communicate|analy|personali|administer|protect|comply|respond|bill|market|process|enforce|ensure|monitor)|"
    r"for (?:the following|marketing|advertising|analytic|research|statistical))\b",
    re.IGNORECASE,
)


@cues.gate(PURPOSE_WORDS.bits, *PURPOSE_WORDS.guards)
def purpose_facts(view: ClauseView) -> list[Fact]:
    if not PURPOSE_WORDS.possible(view.mask):
        return []
    cats = view.clause.categories
    heading = view.heading
    if not (
        view.search(_USE)
        or "use" in heading
        or "purpose" in heading
        or "First Party Collection/Use" in cats
    ):
        return []
    out = []
    # "we do not use your data for advertising" states no purpose.
    accept = lambda _purpose, m: not view.negated(m.start(), m.end())  # noqa: E731
    for purpose, m in PURPOSE_WORDS.first(
        view.lower, view.mask, accept, view.index, view.offset, view.heads
    ):
        out.append(view.fact("purpose", {"purpose": purpose}, m.start(), m.end()))
    return out


_BASIS = _guard(
    (
        "contract",
        anchors.compile(
            r"perform(?:ance)?\s+(?:of\s+)?(?:the|a|our|your|any)\s+contract|(?:enter\s+into|conclu\w+)\s+(?:and\s+perform\s+)?(?:the|a)\s+contract|necessary\s+for\s+the\s+performance|contractual\s+necessity|art(?:icle|\.)?\s*6\s*\(1\)\s*\(?b",
            re.IGNORECASE,
        ),
    ),
    (
        "legitimate_interests",
        anchors.compile(
            r"legitimate\s+interests?|(?:based\s+on|on\s+the\s+basis\s+of)\s+our\s+(?:\w+\s+)?interests?|art(?:icle|\.)?\s*6\s*\(1\)\s*\(?f",
            re.IGNORECASE,
        ),
    ),
    (
        "legal_obligation",
        anchors.compile(
            r"comply\s+with\s+(?:a\s+|our\s+|any\s+)?legal\s+obligations?|legal\s+obligations?|art(?:icle|\.)?\s*6\s*\(1\)\s*\(?c",
            re.IGNORECASE,
        ),
    ),
    (
        "consent",
        anchors.compile(
            r"(?:on\s+the\s+basis\s+of|based\s+on|rely\s+on|with|where\s+you\s+have\s+(?:given|provided))\s+(?:your\s+)?(?:explicit\s+|prior\s+)?consent|consent\s+(?:is\s+)?(?:the|our)\s+(?:legal|lawful)\s+basis|art(?:icle|\.)?\s*6\s*\(1\)\s*\(?a",
            re.IGNORECASE,
        ),
    ),
    ("vital_interests", anchors.compile(r"vital\s+interests?", re.IGNORECASE)),
    (
        "public_task",
        anchors.compile(r"public\s+interest|official\s+authority|public\s+task", re.IGNORECASE),
    ),
)
_BASIS_BITS = sum(1 << pattern.bit for _basis, pattern in _BASIS)
_BASIS_CONTEXT = anchors.compile(
    r"basis|based on|lawful|legal ground|art(?:icle|\.)?\s*6|gdpr|we (?:process|rely)|to process",
    re.IGNORECASE,
)


@cues.gate(_BASIS_BITS, *(p for _basis, p in _BASIS))
def legal_basis_facts(view: ClauseView) -> list[Fact]:
    if not view.mask & _BASIS_BITS:
        return []
    low = view.lower
    if not (
        "contract" in low
        or "interest" in low
        or "obligation" in low
        or "consent" in low
        or "public" in low
        or "6" in low
    ):
        return []
    out = []
    for basis, pattern in _BASIS:
        m = view.search(pattern)
        if m is None:
            continue
        if basis == "consent" and not view.search(_BASIS_CONTEXT, *view.sentence_at(m.start())):
            continue
        if basis in ("public_task", "vital_interests") and not view.search(_BASIS_CONTEXT):
            continue
        if basis == "legal_obligation" and view.negated(m.start(), m.end()):
            continue
        out.append(view.fact("legal_basis", {"basis": basis}, m.start(), m.end()))
    return out


def _names_pattern(names: list[str], flags: int) -> re.Pattern[str]:
    names = sorted(set(names), key=len, reverse=True)
    return anchors.compile(
        r"(?<![\w@./-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w@-]|\.\w)", flags
    )


_CANONICAL = {alias.lower(): name for name, aliases in THIRD_PARTIES.items() for alias in aliases}
# The letters Python's IGNORECASE matches to an ASCII letter that ``str.lower`` leaves alone (or
# turns into two characters): a name matched with one of them must still find its canonical form.
_REGEX_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _canonical_name(matched: str) -> str | None:
    return _CANONICAL.get(matched.translate(_REGEX_FOLDS).lower())


_PLAIN_NAMES = _names_pattern(
    [a for aliases in THIRD_PARTIES.values() for a in aliases if a not in AMBIGUOUS_NAMES],
    re.IGNORECASE,
)
_AMBIGUOUS_NAMES = _names_pattern(sorted(AMBIGUOUS_NAMES), 0)
_FIRST_LETTERS = frozenset(a[0].lower() for aliases in THIRD_PARTIES.values() for a in aliases)
_RECIPIENT_ENTITY = anchors.compile(
    r"\b([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3}),?\s+(?:Inc\.?|LLC|Ltd\.?|Limited|GmbH|Corp\.?|"
    r"Corporation|PLC|LLP|S\.A\.|B\.V\.|AG)(?![\w])"
)
# The suffixes, one of which a clause needs before _RECIPIENT_ENTITY (a costly scan) is tried.
_RECIPIENT_SUFFIX = anchors.any_of(
    ("Inc", "LLC", "Ltd", "Limited", "GmbH", "Corp", "PLC", "LLP", "S.A.", "B.V.", "AG")
)
_SHARE = anchors.compile(
    r"\b(?:shar\w+|disclos\w+|provid\w+|transfer\w*|sell|sold|rent\w*|giv\w+|pass\w*|access|receiv\w+|"
    r"use[sd]?|using|partner\w*|engag\w+|process\w*|host\w*|store[sd]?|collect\w*|"
    r"through|via|powered by|integrat\w+)\b",
    re.IGNORECASE,
)


_PUBLIC = anchors.compile(r"publish|public|visible|other users", re.IGNORECASE)
_ONLY = anchors.compile(r"\bonly\b")
_NAME_CUES = cues.register("third_party_name", tuple(_CANONICAL))
_ENTITY_CUES = cues.register(
    "recipient_entity",
    ("inc", "llc", "ltd", "limited", "gmbh", "corp", "plc", "llp", "s.a.", "b.v.", " ag"),
)
_THIRD_PARTY_BITS = (1 << _NAME_CUES) | (1 << _ENTITY_CUES)


@cues.gate(_THIRD_PARTY_BITS)
def third_party_facts(view: ClauseView, own_names: frozenset[str]) -> list[Fact]:
    """Named services and companies. ``own_names``: lower-cased names of the policy's own
    organisation, which is never its own third party."""
    out: list[Fact] = []
    seen: set[str] = set()
    text = view.text
    if not view.mask & _THIRD_PARTY_BITS:
        return out
    for m in view.finditer(_PLAIN_NAMES) if view.has(_NAME_CUES) else ():
        name = _canonical_name(m.group(0))
        if name is None or (m.group(0).islower() and len(m.group(0)) < 5):
            continue  # "aws" in running text is too weak
        if name not in seen:
            seen.add(name)
            out.append(view.fact("third_party", {"name": name}, m.start(), m.end()))
    for m in view.finditer(_AMBIGUOUS_NAMES) if view.has(_NAME_CUES) else ():
        s, _e = view.sentence_at(m.start())
        if m.start() == s or text[max(0, m.start() - 2) : m.start()] in (". ", "• "):
            continue  # sentence-initial capital says nothing
        name = _canonical_name(m.group(0))
        if name is not None and name not in seen:
            seen.add(name)
            out.append(view.fact("third_party", {"name": name}, m.start(), m.end()))
    if view.has(_ENTITY_CUES) and _RECIPIENT_SUFFIX.search(text) and view.search(_SHARE):
        for m in _RECIPIENT_ENTITY.finditer(text):
            name = m.group(0).strip()
            first = m.group(1).split()[0].lower()
            if first in ("the", "a", "an", "our", "this", "we") or any(
                own in name.lower() for own in own_names
            ):
                continue
            if first in _CANONICAL or m.group(1).lower() in _CANONICAL:
                continue
            if name not in seen:
                seen.add(name)
                out.append(view.fact("third_party", {"name": name}, m.start(), m.end()))
    return out


@cues.gate(RECIPIENT_WORDS.bits, *RECIPIENT_WORDS.guards)
def recipient_facts(view: ClauseView) -> list[Fact]:
    if not RECIPIENT_WORDS.possible(view.mask):
        return []
    cats = view.clause.categories
    heading = view.heading
    if not (
        view.search(_SHARE)
        or "share" in heading
        or "disclos" in heading
        or "Third Party Sharing/Collection" in cats
    ):
        return []
    out = []

    def accept(category: str, m: re.Match[str]) -> bool:
        s, e = view.sentence_at(m.start())
        if not view.search(_SHARE, s, e) and "share" not in heading and "disclos" not in heading:
            return False
        if category == "public" and not view.search(_PUBLIC, s, e):
            return False
        return not view.negated(m.start(), m.end()) or bool(view.search(_ONLY, s, e))

    for category, m in RECIPIENT_WORDS.first(
        view.lower, view.mask, accept, view.index, view.offset, view.heads
    ):
        out.append(view.fact("recipient_category", {"category": category}, m.start(), m.end()))
    return out


# Retention ------------------------------------------------------------------------------------
_RETAIN = anchors.compile(
    r"\b(?:retain\w*|retention|keep|kept|store[sd]?|storing|delete[sd]?|deletion|erase[sd]?|"
    r"destroy\w*|purge[sd]?|anonymi[sz]\w*|hold)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
PERIOD = anchors.compile(
    r"\b(?P<n>\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s*\(\d{1,4}\))?[\s-]*(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)
_VAGUE_RETENTION = anchors.compile(
    r"as\s+long\s+as|for\s+as\s+long|long\s+as\s+(?:\w+\s+){0,3}necessary|no\s+longer\s+than\s+(?:is\s+)?necessary|"
    r"(?:to\s+the\s+extent|period)\s+(?:\w+\s+){0,3}necessary|as\s+(?:is\s+)?(?:necessary|needed|required)|"
    r"reasonable\s+(?:period|time)|indefinitely|until\s+(?:you|it\s+is\s+no\s+longer)",
    re.IGNORECASE,
)
_TRIGGERS = (
    (
        "account deletion",
        anchors.compile(
            r"(?:deletion|deleting|closure|closing|termination|terminating|cancell?ation|cancell?ing|deactivation|deactivating)\s+(?:of\s+)?(?:your|the|their|an?)\s+(?:\w+\s+){0,2}account|(?:you|account\s+is)\s+(?:delete|close|terminate|cancel)\w*\s+(?:your\s+)?(?:account)?",
            re.IGNORECASE,
        ),
    ),
    (
        "last activity",
        anchors.compile(
            r"last\s+(?:login|log-in|activity|use|interaction|contact)|inactiv\w+", re.IGNORECASE
        ),
    ),
    (
        "end of contract",
        anchors.compile(
            r"(?:end|termination|expiry|expiration)\s+of\s+(?:the|our|your)\s+(?:contract|agreement|relationship|subscription|services?)",
            re.IGNORECASE,
        ),
    ),
    (
        "collection",
        anchors.compile(
            r"(?:from|after)\s+(?:the\s+(?:date|time)\s+of\s+)?(?:collection|receipt|the\s+date\s+(?:we|it\s+was)\s+collected)",
            re.IGNORECASE,
        ),
    ),
    (
        "end of purpose",
        anchors.compile(
            r"(?:purpose|purposes)\s+(?:\w+\s+){0,4}(?:fulfilled|achieved|no\s+longer)",
            re.IGNORECASE,
        ),
    ),
)
_NOT_RETENTION = anchors.compile(
    r"allow\s+(?:at\s+least\s+)?\w+\s+days\s+for|respond\s+within|within\s+\w+\s+days\s+of\s+(?:receiving|receipt)|cookie",
    re.IGNORECASE,
)


_RETENTION_CUES = cues.register(
    "retention",
    ("retain", "retention", "keep", "kept", "stor", "delet", "eras", "long as", "hold", "purge",
     "destroy"),
)  # fmt: skip


@cues.gate(1 << _RETENTION_CUES, _RETAIN)
def retention_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_RETENTION_CUES):
        return []
    low = view.lower
    if not (
        "retain" in low
        or "retention" in low
        or "keep" in low
        or "kept" in low
        or "stor" in low
        or "delet" in low
        or "eras" in low
        or "long as" in low
        or "hold" in low
        or "purge" in low
        or "destroy" in low
    ):
        return []
    out = []
    for s, e in view.sentences:
        sentence = view.text[s:e]
        cue = view.search(_RETAIN, s, e)
        if cue is None:
            continue
        period = None
        for pm in view.finditer(PERIOD, s, e):
            if view.search(_NOT_RETENTION, s + max(0, pm.start() - 30), min(e, s + pm.end() + 30)):
                continue
            period = pm
            break
        if period is None and view.search(_VAGUE_RETENTION, s, e) is None:
            continue  # neither a period nor a vague one
        if view.negated(s + cue.start(), s + cue.end()) and not view.search(PERIOD, s, e):
            continue
        days = None
        if period is not None:
            n = period.group("n").lower()
            count = int(n) if n.isdigit() else _NUMBER_WORDS[n]
            days = count * _UNIT_DAYS[period.group("unit").lower()]
        trigger = next((name for name, p in _TRIGGERS if view.search(p, s, e)), None)
        out.append(
            view.fact(
                "retention",
                {
                    "text": sentence[:300],
                    "period_days": days,
                    "trigger": trigger,
                    "vague": days is None,
                },
                s,
                e,
            )
        )
    return out


# Sale and sharing for advertising --------------------------------------------------------------
_SALE = anchors.compile(
    r"\b(?:sell|sells|selling|sold|sale\s+of\s+(?:your\s+)?(?:personal|user|customer)|rent|rents|renting|rented|trade|trades|trading|traded|monetiz\w+)\b",
    re.IGNORECASE,
)
_PERSONAL = anchors.compile(
    r"personal|information|data|user|contact|email|details|\bpii\b|identifi(?:able|ers?)|"
    r"inferences|geolocation",
    re.IGNORECASE,
)
# The CCPA link title "Do Not Sell (or Share) My Personal Information" names a right, it
# states no practice.
_LINK_TITLE = anchors.compile(r"\bdo\s+not\s+sell\s+(?:or\s+share\s+)?my\b", re.IGNORECASE)
_NOT_PERSONAL_SALE = anchors.compile(
    r"assets|business|stock|company|merger|acqui|bankrupt|products|services|goods|tickets|courses|content",
    re.IGNORECASE,
)
_ANON = anchors.compile(
    r"\b(?:non-?personal(?:ly)?|aggregated?|anonymi[sz]ed|anonymous|de-?identified)\b",
    re.IGNORECASE,
)


_SALE_CUES = cues.register("sale", ("sell", "sold", "sale", "rent", "trad", "monetiz"))


@cues.gate(1 << _SALE_CUES, _SALE)
def sale_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_SALE_CUES):
        return []
    low = view.lower
    if not (
        "sell" in low
        or "sold" in low
        or "sale" in low
        or "rent" in low
        or "trad" in low
        or "monetiz" in low
    ):
        return []
    out = []
    for m in view.finditer(_SALE):
        s, e = view.sentence_at(m.start())
        sentence = view.text[s:e]
        rel = m.start() - s
        after = sentence[rel : rel + 120]
        if not _PERSONAL.search(after) and not _PERSONAL.search(sentence[max(0, rel - 60) : rel]):
            continue
        if m.group(0).lower().startswith("trad") and not re.search(
            r"trade\s+(?:your|personal|user)", after, re.IGNORECASE
        ):
            continue
        if any(t.start() <= rel < t.end() for t in _LINK_TITLE.finditer(sentence)):
            continue
        token_start = max(sentence.rfind(" ", 0, rel), sentence.rfind("\n", 0, rel)) + 1
        if "/" in sentence[token_start:rel]:
            continue  # a link: ".../do-not-sell"
        negated = view.negated(m.start(), m.end())
        if not negated and (_NOT_PERSONAL_SALE.search(after[:80]) or _ANON.search(sentence)):
            continue  # selling assets in a merger, or selling our products, is not selling your data
        if not negated and re.search(
            r"\bsell\w*\s+(?:products|services|goods)|\bwho\s+sell\b", sentence, re.IGNORECASE
        ):
            continue
        if not negated and re.search(
            r"\b(?:if|whether|right to|opt[- ]out|do not sell my)\b", sentence[:rel], re.IGNORECASE
        ):
            continue  # conditional or a right ("opt out of the sale"), not a statement of selling
        out.append(view.fact("sale", {"sells": not negated, "negated": negated}, s, e))
        break
    return out


_ADS = anchors.compile(
    r"(?:targeted|interest[- ]based|behaviou?ral|personali[sz]ed|cross[- ]context(?:ual)?|tailored|"
    r"relevant)\s+(?:behaviou?ral\s+)?(?:advertising|ads|advertisements)|serve\s+(?:you\s+)?ads\s+based|"
    r"ads\s+based\s+on|advertising\s+(?:companies|networks|partners)|retarget\w*|remarket\w*",
    re.IGNORECASE,
)


_ADS_CUES = cues.register("ads", ("advertis", "ads", "target", "market"))


@cues.gate(1 << _ADS_CUES, _ADS)
def shares_for_ads_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_ADS_CUES):
        return []
    low = view.lower
    if "ad" not in low or not (
        "advertis" in low or "ads" in low or "target" in low or "market" in low
    ):
        return []
    m = view.search(_ADS)
    if m is None:
        return []
    s, e = view.sentence_at(m.start())
    sentence = view.text[s:e]
    negated = view.negated(m.start(), m.end()) or bool(
        re.search(
            r"\b(?:do|does|will)\s+not\s+(?:share|disclose|use|sell)", sentence, re.IGNORECASE
        )
    )
    if not negated and not re.search(
        r"shar|disclos|provid|use|allow|permit|partner|third|compan|network|collect",
        sentence,
        re.IGNORECASE,
    ):
        return []
    return [view.fact("shares_for_ads", {"shares": not negated, "negated": negated}, s, e)]


# International transfers -----------------------------------------------------------------------
_TRANSFER = anchors.compile(
    r"\b(?:transfer\w*|stored|store|hosted|host|processed|located|servers?|cross-border|"
    r"international(?:ly)?|worldwide|outside)\b",
    re.IGNORECASE,
)
_TRANSFER_STRONG = anchors.compile(
    r"transfer\w*\s+(?:\w+\s+){0,6}(?:to|outside|across|abroad|worldwide|internationally)|"
    r"(?:stored|hosted|processed|located|maintained)\s+(?:\w+\s+){0,4}(?:in|on servers in|outside)\b|"
    r"servers?\s+(?:\w+\s+){0,3}(?:in|located in)\s+[A-Z]|cross-border|international\s+(?:data\s+)?transfers?|"
    r"outside\s+(?:of\s+)?(?:the|your)\s+(?:EEA|European|EU|country|jurisdiction|United)|"
    r"transfer\w*\s+(?:\w+\s+){0,6}worldwide|third\s+countr",
    re.IGNORECASE,
)
_COUNTRY = anchors.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(c) for c in sorted(COUNTRIES, key=len, reverse=True))
    + r")(?![\w])"
)
_COUNTRY_CANON = {
    "USA": "United States",
    "U.S.": "United States",
    "US": "United States",
    "UK": "United Kingdom",
}
# (Searched with their bare patterns, never through the cue gate: see ``_sentence_source``.)
_SAFEGUARDS = _guard(
    (
        "scc",
        anchors.compile(
            r"standard\s+contractual\s+clauses|model\s+(?:contract(?:ual)?\s+)?clauses|\bSCCs?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "adequacy",
        anchors.compile(
            r"adequacy\s+decision|adequate\s+level\s+of\s+(?:data\s+)?protection|deemed\s+adequate",
            re.IGNORECASE,
        ),
    ),
    ("bcr", anchors.compile(r"binding\s+corporate\s+rules|\bBCRs?\b", re.IGNORECASE)),
    ("dpf", anchors.compile(r"data\s+privacy\s+framework|\bDPF\b", re.IGNORECASE)),
    ("privacy_shield", anchors.compile(r"privacy\s+shield", re.IGNORECASE)),
    (
        "consent",
        anchors.compile(
            r"consent\s+to\s+(?:this|the|such|that)?\s*(?:\w+\s+){0,2}transfer|by\s+(?:using|accessing)\s+(?:\w+\s+){0,6}(?:you\s+)?(?:consent|agree)",
            re.IGNORECASE,
        ),
    ),
    (
        "other",
        anchors.compile(
            r"appropriate\s+safeguards|suitable\s+safeguards|contractual\s+(?:protections|safeguards|measures)|data\s+(?:transfer|processing)\s+agreements?",
            re.IGNORECASE,
        ),
    ),
)


# A transfer statement names somewhere: a country, a region, or "abroad"/"worldwide".
_GEO = anchors.compile(
    r"outside|abroad|overseas|international|cross-border|worldwide|third\s+countr|\bEEA\b|"
    r"European|other\s+countries|any\s+country|jurisdictions?|servers?\s+(?:\w+\s+){0,2}in\s+[A-Z]",
    re.IGNORECASE,
)
_NOT_GEO = anchors.compile(
    r"(?:laws?|authorities|courts?|regulators?)\s+(?:\w+\s+){0,2}(?:outside|in\s+other)",
    re.IGNORECASE,
)


_TRANSFER_CUES = cues.register(
    "transfer",
    ("transfer", "stored", "store", "hosted", "host", "processed", "located", "server",
     "cross-border", "international", "worldwide", "outside"),
)  # fmt: skip


# Certification under an EU-US framework is itself a statement about transfers to the US.
_FRAMEWORK = anchors.compile(
    r"\b(?:certif\w*|self-certif\w*|participat\w*|compl(?:y|ies)|rel(?:y|ies)|adher\w*|"
    r"subscribe[sd]?)\s+(?:\w+\s+){0,2}?(?:to|with|in|on|under)\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}?"
    r"(?:privacy\s+shield|data\s+privacy\s+framework)",
    re.IGNORECASE,
)
_FRAMEWORK_CUES = cues.register("transfer_framework", ("privacy shield", "data privacy framework"))


@cues.gate((1 << _TRANSFER_CUES) | (1 << _FRAMEWORK_CUES), _TRANSFER_STRONG, _FRAMEWORK)
def transfer_facts(view: ClauseView) -> list[Fact]:
    if not (view.has(_TRANSFER_CUES) or view.has(_FRAMEWORK_CUES)):
        return []
    for m in view.finditer(_TRANSFER_STRONG) if view.search(_TRANSFER) else ():
        s, e = view.sentence_at(m.start())
        sentence = view.text[s:e]
        geo = view.search(_GEO, s, e) or view.search(_COUNTRY, s, e)
        if geo and not view.search(_NOT_GEO, s, e):
            break
    else:
        return _framework_facts(view)
    if re.search(
        r"\b(?:transfer|sell)\w*\s+(?:\w+\s+){0,3}(?:business|assets)|merge",
        sentence,
        re.IGNORECASE,
    ) and not re.search(r"countr|worldwide|international|outside|EEA", sentence):
        return []
    countries = []
    for cm in view.finditer(_COUNTRY):
        name = _COUNTRY_CANON.get(cm.group(0), cm.group(0))
        if cm.group(0) == "US" and not re.search(
            r"\bthe US\b|\bin US\b|\bto (?:the )?US\b", view.text
        ):
            continue
        if name not in countries:
            countries.append(name)
    low = view.lower
    if re.search(
        r"outside\s+(?:of\s+)?the\s+(?:eea|european|eu)\b|from\s+the\s+(?:eea|eu|european)", low
    ):
        outside = "EEA"
    elif "United States" in countries:
        outside = "US"
    elif countries:
        outside = "other"
    else:
        outside = None
    safeguards = [name for name, p in _SAFEGUARDS if view.search(p.pattern)]
    value = {"outside": outside, "countries": countries, "safeguards": safeguards}
    return [view.fact("transfer", value, s, e)]


def _framework_facts(view: ClauseView) -> list[Fact]:
    """A transfer fact for "we are certified under the EU-U.S. Privacy Shield" when the clause
    has no other transfer sentence: the frameworks exist for transfers to the United States."""
    if not view.has(_FRAMEWORK_CUES):
        return []
    m = view.search(_FRAMEWORK)
    if m is None or view.negated(m.start(), m.end()):
        return []
    safeguards = [name for name, p in _SAFEGUARDS if view.search(p.pattern)]
    value = {"outside": "US", "countries": ["United States"], "safeguards": safeguards}
    return [view.sentence_fact("transfer", value, m.start())]


# Policy changes and security -------------------------------------------------------------------
_CHANGE = anchors.compile(r"\b(?:chang\w+|updat\w+|modif\w+|revis\w+|amend\w*)\b", re.IGNORECASE)
_CHANGE_SUBJECT = anchors.compile(r"(?:privacy\s+)?(?:policy|notice|statement)", re.IGNORECASE)
_NOTICE = (
    (
        "email",
        anchors.compile(
            r"(?:notify|inform|contact)\s+you\s+(?:\w+\s+){0,3}(?:by|via|through)\s+e-?mail|send\s+you\s+(?:an?\s+)?(?:e-?mail|notice)|e-?mail\s+notification|sent\s+to\s+you",
            re.IGNORECASE,
        ),
    ),
    (
        "in_app",
        anchors.compile(
            r"notice\s+on\s+(?:this|our|the)\s+(?:application|app|service|platform)|in-app|within\s+the\s+(?:app|service)|display\s+a\s+notice|published\s+on\s+our\s+application",
            re.IGNORECASE,
        ),
    ),
    (
        "posting",
        anchors.compile(
            r"post\w*\s+(?:\w+\s+){0,4}(?:on|to)\s+(?:this|our|the)\s+(?:page|website|site)|publish\w*\s+(?:\w+\s+){0,3}on\s+our\s+(?:web)?site|(?:updat\w+|revis\w+|chang\w+)\s+the\s+(?:\"?last\s+updated\"?|effective|modification|revision)\s+date|posted\s+in\s+updates|will\s+be\s+posted|once\s+posted|on\s+this\s+page",
            re.IGNORECASE,
        ),
    ),
)


_CHANGE_CUES = cues.register("policy_change", ("chang", "updat", "modif", "revis", "amend"))


@cues.gate(1 << _CHANGE_CUES, _CHANGE)
def policy_change_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_CHANGE_CUES) or not view.search(_CHANGE) or not view.search(_CHANGE_SUBJECT):
        return []
    heading = view.heading
    if not (
        re.search(
            r"(?:chang|updat|modif|revis)\w*\s+(?:\w+\s+){0,3}(?:privacy\s+)?(?:policy|notice|statement)|(?:policy|notice)\s+(?:\w+\s+){0,3}(?:chang|updat|modif|revis)",
            view.lower,
        )
        or "change" in heading
    ):
        return []
    out = []
    for notice, pattern in _NOTICE:
        m = view.search(pattern)
        if m:
            out.append(view.sentence_fact("policy_change", {"notice": notice}, m.start()))
    if not out:
        m = view.search(_CHANGE)
        if m:
            out.append(view.sentence_fact("policy_change", {"notice": "other"}, m.start()))
    return out


_SECURITY = _guard(
    ("encryption", anchors.compile(r"encrypt\w*|cryptograph\w*", re.IGNORECASE)),
    (
        "tls",
        anchors.compile(
            r"\b(?:TLS|SSL|HTTPS|secure\s+socket\s+layer|transport\s+layer\s+security)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "access_control",
        anchors.compile(
            r"access\s+(?:controls?|restrictions?)|(?:only|restricted\s+to)\s+(?:\w+\s+){0,3}(?:employees|personnel|staff)\s+(?:\w+\s+){0,3}(?:access|who\s+(?:need|have))|need[- ]to[- ]know|can\s+be\s+accessed\s+only|accessed\s+only\s+by",
            re.IGNORECASE,
        ),
    ),
    (
        "authentication",
        anchors.compile(
            r"(?:two|2|multi)[- ]factor|authenticat\w+|password[- ]protected|providing\s+your\s+password",
            re.IGNORECASE,
        ),
    ),
    ("backups", anchors.compile(r"back-?ups?", re.IGNORECASE)),
    ("firewall", anchors.compile(r"firewalls?", re.IGNORECASE)),
    (
        "monitoring",
        anchors.compile(
            r"monitor\w*\s+(?:\w+\s+){0,3}(?:systems|for|access|attacks)|intrusion\s+detection|audit\s+logs?|penetration\s+test",
            re.IGNORECASE,
        ),
    ),
    (
        "physical",
        anchors.compile(
            r"physical(?:ly)?\s+(?:security|safeguards|measures|secure)|certified\s+servers|data\s+cent(?:er|re)s?\s+(?:are\s+)?(?:secure|certified)",
            re.IGNORECASE,
        ),
    ),
    (
        "training",
        anchors.compile(
            r"(?:staff|employee)\s+training|trained\s+(?:staff|employees)", re.IGNORECASE
        ),
    ),
    (
        "industry_standard",
        anchors.compile(
            r"industry[- ]standard|commercially\s+reasonable\s+(?:security|measures|safeguards)|technical\s+and\s+organi[sz]ational\s+(?:security\s+)?measures|reasonable\s+(?:security\s+)?(?:measures|safeguards)",
            re.IGNORECASE,
        ),
    ),
    ("pseudonymisation", anchors.compile(r"pseudonymi[sz]\w+", re.IGNORECASE)),
)


_SECURITY_BITS = sum(1 << pattern.bit for _measure, pattern in _SECURITY)


@cues.gate(_SECURITY_BITS, *(p for _measure, p in _SECURITY))
def security_facts(view: ClauseView) -> list[Fact]:
    if not view.mask & _SECURITY_BITS:
        return []
    cats = view.clause.categories
    heading = view.heading
    low = view.lower
    if not (
        "secur" in low
        or "protect" in low
        or "secur" in heading
        or "Data Security" in cats
        or "encrypt" in low
    ):
        return []
    out = []
    for measure, pattern in _SECURITY:
        m = view.search(pattern)
        if m and not view.negated(m.start(), m.end()):
            out.append(view.fact("security", {"measure": measure}, m.start(), m.end()))
    return out
