"""User rights and choices: which rights are offered, how to exercise them, how requests are
verified, authorised agents, and the Do Not Track / Global Privacy Control stance.

A right is offered to the reader ("you may", "you have the right", "you can request"), not
something the organisation does to its own policy ("we may update this policy"): so most rights
need a rights context in the sentence, except wordings that are unambiguous on their own
("right to erasure", "data portability").
"""

from __future__ import annotations

import re

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues, headindex
from policies.extraction.facts.prefilter import Guarded
from policies.extraction.facts.sentences import ClauseView

_RIGHT_CONTEXT = anchors.compile(
    r"\b(?:you\s+(?:may|can|have|could|are\s+entitled|also\s+have|will\s+be\s+able)|your\s+(?:\w+\s+)?rights?|"
    r"rights?\s+(?:to|of)|right\b|request|entitled|choose\s+to|option|ask\s+us|contact\s+us|"
    r"parents?\s+(?:may|can|have)|(?:users|residents|individuals)\s+(?:may|can|have|are\s+entitled))",
    re.IGNORECASE,
)
# (right, pattern, needs a rights context in the sentence)
_RIGHTS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    (
        "access",
        anchors.compile(
            r"right\s+(?:of|to)\s+access|(?<!our\s)(?<!revoke\s)\baccess(?:ing)?\s+(?:to\s+)?(?:your|the|their|any\s+of\s+your|[\w’']+\s+children[’']?s?)\s+(?:\w+\s+){0,2}(?:personal\s+)?(?:data|information|account)|(?:obtain|receive|request)\s+a\s+copy|\breview\s+(?:your|their|the)\s+(?:\w+[’']?s?\s+)?(?:personal\s+)?(?:data|information)|\bretrieve\s+(?:your\s+)?(?:personal\s+)?data|rights?\s+to\s+access",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        "rectification",
        anchors.compile(
            r"rectif\w+|\bcorrect(?:ion)?\b(?!ly)|\bamend\b|\bupdate\s+(?:your|any|the)?\s*(?:\w+\s+)?(?:personal\s+)?(?:data|information|details|account|profile)|\bchange\s+your\s+(?:account\s+)?(?:information|data|details)|\b(?:provide,\s+)?update,",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        "erasure",
        anchors.compile(
            r"\berasure\b|right\s+to\s+be\s+forgotten|\bdelet(?:e|ion|ed)\b(?:\s+of)?\s+(?:(?:your|the|their|my|any|all|this|such|that)\s+)?(?:\w+\s+){0,2}?(?:personal\s+)?(?:data|information|account|profile|it|them|records?)\b|request\w*\s+(?:\w+\s+){0,3}delet\w+|\bdelete\s+(?:and|or)\s+update|have\s+it\s+deleted|\berase\b|\bremov(?:e|al)\s+(?:of\s+)?(?:your|their)\s+(?:personal\s+)?(?:data|information)",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        "restriction",
        anchors.compile(
            r"\brestrict(?:ion)?\b(?:\s+(?:of\s+)?(?:the\s+)?processing)?|\brestrict\b",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        "portability",
        anchors.compile(
            r"portability|portable\s+format|machine[- ]readable\s+format|structured,\s+commonly\s+used",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "objection",
        anchors.compile(
            r"right\s+to\s+object|\bobject\s+to\b|\bobjection\b|prevent\s+(?:its\s+)?further\s+use",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        "withdraw_consent",
        anchors.compile(
            r"withdraw\w*\s+(?:your\s+|their\s+|such\s+|of\s+)?consent|revok\w+\s+(?:your\s+|their\s+)?consent|consent\s+may\s+be\s+withdrawn",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "complaint_authority",
        anchors.compile(
            r"(?:complain|complaint)\w*\s+(?:\w+\s+){0,4}(?:supervisory|data\s+protection|privacy|regulatory)\s+(?:authority|commission|commissioner|regulator|agency)|(?:supervisory|data\s+protection)\s+authorit(?:y|ies)|information\s+commissioner|\bICO\b|federal\s+trade\s+commission|attorney\s+general",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "opt_out_marketing",
        anchors.compile(
            r"opt(?:-|\s)?out\s+of\s+(?:receiving\s+)?(?:\w+\s+){0,3}(?:promotional|marketing|newsletters?|e-?mails|communications|such\s+information|messages)|unsubscrib\w+|opted\s+out\s+of\s+receiving|opt-?out\s+of\s+receiving",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "opt_out_sale",
        anchors.compile(
            r"opt(?:-|\s)?out\s+of\s+(?:the\s+)?(?:sale|selling|sharing)|do\s+not\s+sell\s+(?:or\s+share\s+)?my|right\s+to\s+opt[- ]out",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "limit_sensitive",
        anchors.compile(
            r"limit\s+(?:the\s+)?use\s+(?:and\s+disclosure\s+)?of\s+(?:my\s+|your\s+)?sensitive",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "non_discrimination",
        anchors.compile(
            r"not\s+(?:\w+\s+)?discriminat\w+|non-?discriminat\w+|discriminat\w+\s+against\s+you",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        "know",
        anchors.compile(
            r"right\s+to\s+know|request\s+(?:that\s+we\s+disclose|disclosure)|(?:request\s+and\s+)?receive\s+(?:[\w,]+\s+){0,10}(?:notice|list)\s+(?:\w+\s+){0,3}categories|categories\s+of\s+personal\s+(?:\w+\s+)?information\s+(?:we|that\s+we)\s+(?:have\s+)?(?:collected|shared|disclosed)",
            re.IGNORECASE,
        ),
        False,
    ),
)
_RIGHT_WORDS = (
    "right",
    "access",
    "rectif",
    "correct",
    "delet",
    "eras",
    "restrict",
    "portab",
    "object",
    "withdraw",
    "revok",
    "complain",
    "authorit",
    "commission",
    "opt",
    "unsubscrib",
    "discriminat",
    "know",
    "request",
    "retriev",
    "review",
    "update",
    "amend",
    "remov",
    "prevent",
    "sensitive",
)
# Any of the words, as one pattern: the head index finds them (or their absence) at once.
_RIGHT_WORDING = anchors.compile("|".join(re.escape(w) for w in _RIGHT_WORDS))
# Sentences where "delete", "update", "access" describe what we do, not what the reader may ask.
_NOT_A_RIGHT = anchors.compile(
    r"^\s*(?:we|our|the\s+company|it|this|they|cookies?|session|\w+\s+will\s+be\s+deleted)\b(?!.*\b(?:you|your\s+request|upon\s+request|at\s+your)\b)",
    re.IGNORECASE,
)

_METHODS = (
    (
        "email",
        anchors.AnchoredUnless(  # "\S+@" has no literal to skip to: only texts with "@" need it
            r"\be-?mail(?:ing)?\s+(?:us|to)|by\s+e-?mail|via\s+e-?mail|\S+@\S+\.\w+|e-?mail\s+(?:\w+\s+){0,2}customer\s+service",
            "@",
            re.IGNORECASE,
        ),
    ),
    (
        "web_form",
        anchors.compile(
            r"(?:web|online|request|contact|privacy)\s*[- ]?form|webform|click\s+here|through\s+our\s+(?:website|portal)|privacy\s+portal",
            re.IGNORECASE,
        ),
    ),
    (
        "toll_free_phone",
        anchors.AnchoredUnless(  # the number can start with a space: only texts with "8" need it
            r"toll[- ]?free|\b1?[\s.-]?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]\d{3}",
            "8",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        anchors.compile(r"\bcall(?:ing)?\s+us|by\s+(?:tele)?phone|\btelephone\b", re.IGNORECASE),
    ),
    (
        "postal",
        anchors.compile(
            r"written\s+(?:notice|request)|in\s+writing|by\s+(?:postal\s+)?mail\b|write\s+to\s+us|postal\s+(?:mail|address)|contact\s+address",
            re.IGNORECASE,
        ),
    ),
    (
        "in_app",
        anchors.compile(
            r"in[- ]app|within\s+the\s+(?:app|application|platform)|directly\s+from\s+the\s+\w+|in\s+the\s+(?:app|application)",
            re.IGNORECASE,
        ),
    ),
    (
        "account_settings",
        anchors.compile(
            r"account\s+(?:settings|preferences)|privacy\s+settings|settings\s+(?:page|in\s+the\s+application)|log(?:ging)?\s+in(?:to)?\s+(?:to\s+)?your\s+account",
            re.IGNORECASE,
        ),
    ),
)


# The same tables with literal pre-checks (see prefilter): most clauses mention no right at all.
# A complaint to the named authority: whole words ("BrightBoard" holds no right).
_COMPLAINT_WORDING = anchors.compile(
    r"\b(?:complain\w*|lodge\w*|file|filing|report\w*|contact\w*|rights?)\b", re.IGNORECASE
)
_RIGHT_WORD = anchors.compile(r"\bright", re.IGNORECASE)
# "we will delete ..." describes what we do, unless the reader asks for it.
_WE_DELETE = anchors.compile(r"\bwe\s+will\s+delete\b|\bwe\s+(?:may\s+)?delete\b", re.IGNORECASE)
_ERASURE_REQUESTED = anchors.compile(r"request|you\s+(?:may|can)|right", re.IGNORECASE)
# In a rights clause, a sentence about contacting us names how to exercise them.
_CONTACT_WORDING = anchors.compile(r"contact|e-?mail|write|call|settings|directly", re.IGNORECASE)
_GUARDED_RIGHTS = tuple((right, Guarded(p), needs) for right, p, needs in _RIGHTS)
_GUARDED_METHODS = tuple((method, Guarded(p)) for method, p in _METHODS)
# Per right, its cue bit and its presence bits (see ``cues.gate``).
_RIGHT_GATES = tuple((p.bit, headindex.slot_bits((p,))) for _right, p, _needs in _GUARDED_RIGHTS)
_RIGHT_BITS = sum(1 << p.bit for _right, p, _needs in _GUARDED_RIGHTS)
_METHOD_BITS = sum(1 << p.bit for _method, p in _GUARDED_METHODS)
_VERIFY_CUES = cues.register("verification", ("verif", "identity"))
_AGENT_CUES = cues.register("authorized_agent", ("agent",))
_DNT_CUES = cues.register("dnt", ("track", "dnt"))
_GPC_CUES = cues.register("gpc", ("global privacy", "gpc"))


def _is_rights_clause(view: ClauseView) -> bool:
    cats = view.clause.categories
    heading = view.heading
    return (
        "right" in heading
        or "User Access, Edit and Deletion" in cats
        or "User Choice/Control" in cats
    )


@cues.gate(_RIGHT_BITS, *(p for _right, p, _needs in _GUARDED_RIGHTS))
def right_facts(view: ClauseView, section_method: str | None = None) -> list[Fact]:
    """Rights offered in the clause; ``section_method`` is how the clause's section says to
    exercise rights, used when the clause itself names no method."""
    if not view.mask & _RIGHT_BITS:
        return []
    if not view.search(_RIGHT_WORDING, lower=True):
        return []
    rights_clause = _is_rights_clause(view)
    method: str | None = None  # the clause's own method, looked for once a right is found
    out: list[Fact] = []
    found: dict[tuple[str, int], bool] = {}  # (test, sentence start) -> result: rights share them

    def sentence_has(test: str, pattern: re.Pattern[str], s: int, e: int) -> bool:
        key = (test, s)
        if key not in found:
            found[key] = view.search(pattern, s, e) is not None
        return found[key]

    mask, heads = view.mask, view.heads
    for (right, pattern, needs_context), (bit, slots) in zip(
        _GUARDED_RIGHTS, _RIGHT_GATES, strict=True
    ):
        if not (mask >> bit) & 1 or not heads & slots:
            continue  # (what view.finditer would check, without the call: most rights are absent)
        for m in view.finditer(pattern):
            s, e = view.sentence_at(m.start())
            sentence = view.text[s:e]
            if sentence.rstrip().endswith("?") and len(sentence) < 120:
                continue  # a heading question promises a topic, it does not offer the right
            if needs_context and not (
                rights_clause or sentence_has("context", _RIGHT_CONTEXT, s, e)
            ):
                continue
            if (
                needs_context
                and not rights_clause
                and sentence_has("not_a_right", _NOT_A_RIGHT, s, e)
            ):
                continue
            if right == "complaint_authority" and not sentence_has(
                "complaint", _COMPLAINT_WORDING, s, e
            ):
                continue  # an authority named for another reason ("as the FTC allows")
            if (
                right not in ("non_discrimination",)
                and view.negated(m.start(), m.end())
                and not view.search(_RIGHT_WORD, s, m.start())
            ):
                continue
            if (
                right == "erasure"
                and view.search(_WE_DELETE, s, e)
                and not view.search(_ERASURE_REQUESTED, s, e)
            ):
                continue
            if not out:
                method = _method(view) or section_method
            out.append(view.fact("right", {"right": right, "method": method}, m.start(), m.end()))
            break
    return out


def _method(view: ClauseView) -> str | None:
    if not view.mask & _METHOD_BITS:
        return None
    for method, pattern in _GUARDED_METHODS:
        if view.search(pattern):
            return method
    return None


_EXERCISE = anchors.compile(
    r"\b(?:exercise|request|make\s+a\s+request|submit|opt[- ]?out|unsubscrib\w*|exclude[d]?|"
    r"access\s+or\s+change|delete\s+and\s+update|would\s+like\s+a\s+copy|withdraw|to\s+be\s+excluded)\b",
    re.IGNORECASE,
)


@cues.gate(_METHOD_BITS, _EXERCISE, _CONTACT_WORDING)
def request_method_facts(view: ClauseView) -> list[Fact]:
    """How rights are exercised: only sentences about exercising a right or making a request."""
    if not view.mask & _METHOD_BITS:
        return []
    rights_clause = _is_rights_clause(view)
    if not (rights_clause or view.search(_EXERCISE)):
        return []
    out = []
    for s, e in view.sentences:
        if not view.search(_EXERCISE, s, e) and not (
            rights_clause and view.search(_CONTACT_WORDING, s, e)
        ):
            continue
        for method, pattern in _METHODS:  # not cue-gated, as ever (see practices._sentence_source)
            m = view.search(pattern, s, e)
            if m:
                out.append(
                    view.fact("request_method", {"method": method}, s + m.start(), s + m.end())
                )
    return out


_VERIFY = anchors.compile(
    r"verif(?:y|ied|ication)\s+(?:\w+\s+){0,3}(?:identity|request|you)|(?:confirm|prove)\s+your\s+identity|identity\s+verification",
    re.IGNORECASE,
)
_AGENT = anchors.compile(r"authori[sz]ed\s+agents?", re.IGNORECASE)


@cues.gate(1 << _VERIFY_CUES, _VERIFY)
def verification_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_VERIFY_CUES):
        return []
    if "verif" not in view.lower and "identity" not in view.lower:
        return []
    m = view.search(_VERIFY)
    if m is None:
        return []
    return [
        view.sentence_fact("verification", {"text": view.sentence_text(m.start())[:300]}, m.start())
    ]


@cues.gate(1 << _AGENT_CUES, _AGENT)
def authorized_agent_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_AGENT_CUES):
        return []
    if "agent" not in view.lower:
        return []
    m = view.search(_AGENT)
    if m is None:
        return []
    return [
        view.sentence_fact(
            "authorized_agent", {"text": view.sentence_text(m.start())[:300]}, m.start()
        )
    ]


_DNT = anchors.compile(r"do[- ]not[- ]track|\bDNT\b", re.IGNORECASE)
_GPC = anchors.compile(r"global\s+privacy\s+control|\bGPC\b", re.IGNORECASE)
_RESPONSE = anchors.compile(
    r"\b(?:respond\w*|honou?r\w*|recogni[sz]\w*|support\w*|comply|complies|process\w*|acknowledge\w*|"
    r"obey\w*|treat\w*\s+(?:\w+\s+){0,5}as\s+(?:a\s+)?(?:valid\s+)?(?:request|opt)|"
    r"alter\w*|chang\w*\s+(?:our|its)\s+(?:practices|behaviou?r)|act\w*\s+on|track(?:ing)?\s+disabled|"
    r"configured\s+to\s+respond|adhere\w*)\b",
    re.IGNORECASE,
)


def _stance(view: ClauseView, pattern: re.Pattern[str], kind: str) -> list[Fact]:
    m = view.search(pattern)
    if m is None:
        return []
    best = None
    for mm in view.finditer(pattern):
        s, e = view.sentence_at(mm.start())
        sentence = view.text[s:e]
        if sentence.rstrip().endswith("?"):
            continue  # "How do we respond to Do Not Track signals?" is a heading, not a stance
        for r in view.finditer(_RESPONSE, s, e):
            stance = "does_not_honor" if view.negated(s + r.start(), s + r.end()) else "honors"
            if (
                stance == "honors"
                and re.search(
                    r"no\s+(?:uniform\s+|industry\s+|common\s+)?(?:standard|consensus)|not\s+yet|unable",
                    sentence,
                    re.IGNORECASE,
                )
                and re.search(r"\bnot\b|n't", sentence)
            ):
                stance = "does_not_honor"
            best = view.fact(kind, {"stance": stance}, s, e)
            break
        if best:
            break
    if best is None:
        best = view.sentence_fact(kind, {"stance": "mentioned"}, m.start())
    return [best]


@cues.gate(1 << _DNT_CUES, _DNT)
def dnt_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_DNT_CUES):
        return []
    if "track" not in view.lower and "dnt" not in view.lower:
        return []
    return _stance(view, _DNT, "dnt")


@cues.gate(1 << _GPC_CUES, _GPC)
def gpc_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_GPC_CUES):
        return []
    if "global privacy" not in view.lower and "gpc" not in view.lower:
        return []
    return _stance(view, _GPC, "gpc")
