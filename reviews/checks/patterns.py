"""Phrase patterns shared by scope detection and the check rules, compiled once at import.

Patterns are deliberately about wording that generalises across policies (legal terms, common
drafting), not about any one sample. ``[^.\\n]{0,N}`` keeps a pattern inside one sentence.
"""

from __future__ import annotations

import datetime
import functools
import re

from reviews.checks.index import PolicyIndex, is_negated, rx

S = r"[^.\n]{0,80}"  # "the rest of the sentence", bounded
SHORT = r"[^.\n]{0,40}"

# --- scope --------------------------------------------------------------------------------------
GDPR_STRONG = rx(
    r"\bGDPR\b|General Data Protection Regulation|\bEuropean (?:Union|Economic Area)\b|\bEEA\b"
    r"|\bEU\b|\bUK GDPR\b|United Kingdom|supervisory authority|data protection authority"
    r"|\bdata controller\b|\bcontroller of your\b|\b(?:legal|lawful) basis\b|Art(?:icle|\.)\s*6\b"
    r"|\bdata subjects?\b|Information Commissioner"
)
GDPR_STYLE = rx(
    r"legitimate interests?|data portability|right to be forgotten|rectif(?:y|ied|ication)"
    r"|restrict(?:ion of)? (?:the )?processing|right to object|data processor"
)
_CANON = (
    ("legitimate", "legitimate interests"),
    ("portab", "portability"),
    ("forgotten", "forgotten"),
    ("rectif", "rectification"),
    ("restrict", "restriction"),
    ("object", "objection"),
    ("processor", "processor"),
)


def canonical(found: str) -> str:
    low = found.lower()
    return next((name for key, name in _CANON if key in low), low)


US_ONLY = rx(
    r"(?:applies|is intended) (?:only )?(?:to|for) [^.\n]{0,60}\b(?:users?|visitors?|residents?|"
    r"customers?) (?:located )?in the (?:USA|United States|U\.S\.)"
)
CALIFORNIA_CONSUMER = rx(
    r"\bCCPA\b|\bCPRA\b|California Consumer Privacy Act|California Privacy Rights Act"
    r"|California residents?|residents? of California|California consumers?"
    r"|Do Not Sell(?: or Share)? My|\b1798\.\d{2,3}\b|Shine the Light"
)
CHILDREN_MENTION = rx(r"\bchild(?:ren)?\b|\bunder (?:the age of )?13\b|\bCOPPA\b|\bminors?\b")
CHILDREN_DIRECTED = rx(
    r"(?:students?|children|kids|pupils)(?: who are)? (?:under|younger than) (?:the age of )?13"
    r"(?! (?:may not|must not|should not|are not))"
    r"|verifiable parental consent|(?:consent|permission) (?:directly )?from (?:the |their |a )?"
    r"parents?|on behalf of (?:the )?parents|directed (?:to|at|towards) children"
    r"|designed for children|children'?s privacy policy|\bK-?12\b|kindergarten|elementary school"
)
COLLECTS_PII = rx(
    r"\bwe (?:may )?(?:collect|receive|obtain|gather|process|store)\b"
    r"|personal (?:data|information)|personally identifiable|e-?mail address"
)
SCHOOL = rx(
    r"\bschools?\b|school district|\bdistricts?\b|\buniversit(?:y|ies)\b|\bcolleges?\b"
    r"|institution license|educational institutions?|\bclassrooms?\b"
)
STUDENT = rx(r"\bstudents?\b|\bpupils?\b|education records?")
FERPA_EXPLICIT = rx(
    r"\bFERPA\b|Family Educational Rights|education records?|school officials?"
    r"|legitimate educational interest"
)
K12 = rx(
    r"\bK-?12\b|kindergarten|elementary school|middle school|high school|primary school"
    r"|secondary school|\bSOPIPA\b|Student Online Personal Information"
)
YOUNG_STUDENTS = rx(r"students? (?:who are )?(?:under|younger than) (?:the age of )?1[38]\b")
CANADA = rx(r"\bPIPEDA\b|\bCanad(?:a|ian)\b|Personal Information Protection and Electronic")
BRAZIL = rx(r"\bLGPD\b|\bBra[sz]il(?:ian)?\b|Lei Geral de Prote")

# --- conditions ---------------------------------------------------------------------------------
DPO = rx(r"data protection officer|\bDPO\b")
LEGITIMATE_INTEREST = rx(r"legitimate interests?|\b(?:based on|on the basis of) our interests?\b")
CONSENT_BASIS = rx(
    r"(?:with|based on|on the basis of|upon) your (?:prior |explicit )?consent|you consent to"
    r"|(?:granted|given|give) us (?:the |your )?(?:permission|consent)|withdraw (?:your )?consent"
    r"|\bopt[- ]in\b"
)
DISCLOSES = rx(
    r"\b(?:share|disclose|provide|transfer|pass)\b" + S + r"\b(?:third[- ]part(?:y|ies)|service "
    r"providers?|partners?|affiliates?|authorities|law enforcement|vendors?|processors?)"
)
TRANSFER = rx(
    r"\btransfer\w*\b" + S + r"(?:outside|abroad|worldwide|other countries|another country|"
    r"international|third countr)|\bthird countr(?:y|ies)\b|standard contractual clauses"
    r"|Privacy Shield|Data Privacy Framework|adequacy decision|outside (?:of )?(?:the )?(?:EEA|"
    r"European Economic Area|EU|European Union)|servers? (?:located )?in the (?:United States|US)"
)
AUTOMATED_DECISION = rx(r"automated decision|solely automated|automated individual decision")
NEW_PURPOSE = rx(
    r"(?:new|different|another|unrelated) purpose|purpose other than|purposes other than"
    r"|further processing"
)
OTHER_SOURCES = rx(
    r"from (?:other |third[- ]party |third )(?:sources|parties|services)|publicly available"
    r" information|we (?:may )?(?:also )?(?:receive|obtain|collect)" + S + r"\bfrom (?:third|"
    r"other|your school|our partners|social|these services|the school)"
    r"|authenticate yourself with|sign (?:in|up) with (?:your )?(?:Google|Facebook|Microsoft|Apple)"
    r"|integrated services?|(?:will|may) receive" + S + r"from these services"
)
SELLS = rx(
    r"\bwe (?:may )?(?:sell|rent|have sold)\b(?! (?:some|all|or transfer)\b)"
    + SHORT
    + r"(?:personal|your|information|data)"
)
AD_SHARING = rx(
    r"(?:facebook|meta) pixel|retargeting|re-targeting|interest-based advertising|targeted "
    r"advertising|cross-context behaviou?ral|third[- ]party advertising compan|advertis(?:ers|ing "
    r"(?:partners|companies|networks))" + S + r"(?:cookies|pixels|web beacons|track)"
    r"|target (?:marketing and )?advertising to you"
)
SENSITIVE_BEYOND = rx(
    r"Limit the Use of My Sensitive|use sensitive personal information (?:to|for) (?:infer|"
    r"advertis|market)"
)
FINANCIAL_INCENTIVE = rx(
    r"financial incentive|loyalty (?:program|programme|scheme)|rewards? program"
    r"|price or service difference|discount" + SHORT + r"in exchange for"
)
SELLS_MINORS = rx(
    r"\b(?:sell|share)\b" + S + r"(?:under (?:the age of )?16|minors|consumers under)"
)
TEN_MILLION = rx(r"10,000,000|ten million")
PERSISTENT_INTERNAL = rx(r"persistent identifiers?" + S + r"internal operations")
CHILD_AUDIO = rx(
    r"(?:child|children|kids|students?)'?s? (?:voice|audio)|(?:voice|audio) (?:recordings? )?"
    r"(?:of|from) (?:a |your )?(?:child|children)"
)
SCHOOL_CONSENT = rx(
    r"(?:schools?|teachers?|districts?)" + S + r"(?:consent|on behalf of (?:the )?parents)"
    r"|school consent"
)
ACCOUNTS = rx(
    r"\baccounts?\b|\bprofiles?\b|\bregist(?:er|ration)\b|\blog ?in\b|\bsign[- ]?(?:up|in)\b"
)
THIRD_PARTY_TRACKING = rx(
    r"google analytics|(?:facebook|meta) pixel|third[- ]part(?:y|ies)" + SHORT + r"(?:cookies|"
    r"pixels|web beacons|tracking technologies)|(?:advertisers|advertising compan\w+|ad networks|"
    r"analytics providers)" + S + r"(?:cookies|pixels|beacons|track)|across (?:different|other|"
    r"third[- ]party|multiple) (?:web)?sites|(?:social media|social network) (?:features|plugins|"
    r"widgets)|web beacons"
)
TRACKING_HINT = rx(r"cookies?|pixels?|web beacons?|tracking")
AFFILIATES = rx(r"\baffiliat\w*|subsidiar(?:y|ies)|corporate group|related compan(?:y|ies)")

# --- contact and identity -----------------------------------------------------------------------
EMAIL = rx(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = rx(r"(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{2,4}\)[\s.\-]?|\d{2,4}[\s.\-])\d{3,4}[\s.\-]\d{3,4}\b")
TOLL_FREE = rx(r"toll[- ]free|\b1[\s.\-]?8(?:00|33|44|55|66|77|88)[\s.\-]?\d{3}[\s.\-]?\d{4}\b")
POSTAL = rx(
    r"\b\d{1,5}[A-Za-z]?,? [\w .'-]{2,40}\b(?:street|st\.?|avenue|ave\.?|road|rd\.?|blvd\.?|"
    r"boulevard|lane|drive|suite|floor|main|cross|way|place|square)\b"
    r"|\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\bP\.?O\.? Box\b|\b\d{6}\b(?=[,\s]*\n?\s*India)"
)
URL = rx(r"\bhttps?://\S+|\bwww\.\S+")
ORG = rx(
    r"\b[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,4},? (?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|"
    r"S\.A\.|SAS|B\.V\.|Corp\.?|Corporation|Pty|PLC|LLP|S\.r\.l\.|Innovations|Technologies)(?=\W|$)"
)
CONTACT_POINTER = rx(
    r"contact (?:us|information|details|address)?" + SHORT + r"\b(?:below|above)\b"
    r"|click here to contact|contact us (?:page|form)|via (?:our|the) contact form"
)
EU_COUNTRIES = rx(
    r"\b(?:Austria|Belgium|Bulgaria|Croatia|Cyprus|Czech|Denmark|Estonia|Finland|France|Germany|"
    r"Greece|Hungary|Ireland|Italy|Latvia|Lithuania|Luxembourg|Malta|Netherlands|Poland|Portugal|"
    r"Romania|Slovakia|Slovenia|Spain|Sweden|Norway|Iceland|Liechtenstein)\b"
)
NON_EU_ESTABLISHMENT = rx(
    r"\b(?:Inc\.?|LLC|Corp\.?|Corporation)(?=\W|$)|\bUNITED STATES\b|\bUSA\b|\bU\.S\.A\.|\bIndia\b"
    r"|\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\+1[\s.(-]|\bAustralia\b|\bSingapore\b|\bCanada\b"
)


def established_outside_eu(index: PolicyIndex) -> bool:
    """The organisation shows a non-EU seat (US corporation form, address, +1 number) and names
    no EU/EEA country or EU establishment."""
    if next(index.iter_hits(EU_COUNTRIES), None) or index.facts_of("eu_representative"):
        return False
    return next(index.iter_hits(NON_EU_ESTABLISHMENT), None) is not None


# --- dates --------------------------------------------------------------------------------------
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_DATE = (
    r"(?P<d1>(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,2},? \d{4})"
    r"|(?P<d2>\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4})|(?P<d3>\d{4}-\d{2}-\d{2})|(?P<d4>\d{1,2}/\d{1,2}/\d{4})"
)
LAST_UPDATED = rx(
    r"(?:last (?:updated|revised|modified|amended)|effective (?:date|as of|from|on)|updated on"
    r"|revised on|date of last (?:update|revision)|valid from|in effect as of)\s*(?:on)?\s*[:\-]?\s*"
    r"(?:" + _DATE + ")"
)


def parse_date(found: str) -> datetime.date | None:
    found = found.strip().replace(",", "")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", found):
            return datetime.date.fromisoformat(found)
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", found):
            month, day, year = (int(x) for x in found.split("/"))
            return datetime.date(year, month, day)
        parts = found.replace(".", "").split()
        if parts[0].isdigit():
            day, month_name, year = parts
        else:
            month_name, day, year = parts
        return datetime.date(
            int(year),
            _MONTHS[
                month_name.lower()[:3] if month_name.lower()[:3] in _MONTHS else month_name.lower()
            ],
            int(day),
        )
    except (ValueError, KeyError, IndexError):
        return None


def own_last_updated(index: PolicyIndex) -> datetime.date | None:
    """Our own reading of a labelled policy date; an archive/capture banner has no such label."""
    for hit in index.iter_hits(LAST_UPDATED):
        if is_negated(hit):
            continue
        match = LAST_UPDATED.search(hit.text)
        if match is None:
            continue
        found = next((g for g in match.groups() if g), None)
        date = parse_date(found) if found else None
        if date is not None:
            return date
    return None


_SHINE = rx(r"1798\.8[34]|Shine the Light|(?:their|its) (?:own )?direct marketing purposes")
_SECURITY_CONTEXT = rx(r"password|log ?in|encrypt")


def is_shine(hit, index: PolicyIndex | None = None) -> bool:
    """The hit sits in a California "Shine the Light" passage (Civ. Code 1798.83): a separate law
    about direct-marketing disclosures, neither CCPA rights nor CalOPPA. With ``index``, the
    clauses just before it under the same heading count too (segmenters split sentences)."""
    if index is None:
        return bool(_SHINE.search(hit.clause.text)) or _shine_heading(hit.clause.heading)
    clauses = [hit.clause, *index.preceding(hit.clause)]
    return any(index.clause_has(_SHINE, c) for c in clauses) or _shine_heading(hit.clause.heading)


@functools.lru_cache(maxsize=4096)
def _shine_heading(heading: str) -> bool:
    return _SHINE.search(heading) is not None


def is_security_context(hit) -> bool:
    """ "Private information can be accessed only with your password" is security, not a right."""
    from reviews.checks.index import sentence_of

    return bool(_SECURITY_CONTEXT.search(sentence_of(hit)))
