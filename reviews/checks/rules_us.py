"""Rules for the US laws: CCPA/CPRA privacy-policy items, COPPA notice items, and the FERPA and
SOPIPA commitments an ed-tech policy is expected to state."""

from __future__ import annotations

import functools

from reviews.catalogue import RequirementSpec
from reviews.checks import patterns as P, rules_general as G
from reviews.checks.index import Hit, PolicyIndex, is_negated, rx, sentence_of
from reviews.checks.outcome import (
    Outcome,
    distinct_at_least,
    fact_hits,
    found,
    miss,
    negated,
    part,
    sat,
)

Conds = dict[str, bool]
S = P.S

# --- CCPA ---------------------------------------------------------------------------------------
_STATUTORY_CATEGORIES = rx(
    r"\bidentifiers\b|commercial information|internet or other (?:electronic )?network activity|"
    r"geolocation data|\binferences\b|professional or employment|biometric information|sensitive "
    r"personal information|audio, electronic, visual|characteristics of protected classifications"
)
_TWELVE_MONTHS = rx(r"(?:preceding|past|last|prior) (?:12|twelve) months")


def ccpa_categories(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    statutory = found(index, _STATUTORY_CATEGORIES, negatable=False)
    months = found(index, _TWELVE_MONTHS, negatable=False)
    plain = G.data_categories(spec, index, conds)
    if distinct_at_least((h.text.lower() for h in statutory), 2) or (
        months and plain.status == "satisfied"
    ):
        return sat(
            (statutory or months)[:3],
            "Lists the categories of personal information collected in CCPA terms.",
        )
    if plain.status != "missing":
        return part(
            plain.hits,
            "Lists data collected in plain words, not as the CCPA categories "
            "collected in the past 12 months.",
        )
    return miss("The categories of personal information collected are not listed.")


_SOURCE_KINDS = {
    "the consumer": rx(
        r"directly from you|you (?:provide|give|submit|enter)|when you (?:register|"
        r"sign|create|fill|visit|use|contact|subscribe|respond)|we collect "
        r"(?:your )?(?:personal )?(?:data|information) when you"
    ),
    "devices (automatically)": rx(
        r"automatic\w*|cookies|log files|from your (?:computer|device|"
        r"browser)"
    ),
    "third parties": P.OTHER_SOURCES,
}


def sources(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    have = {}
    for name, pattern in _SOURCE_KINDS.items():
        hits = found(index, pattern, negatable=False)
        if hits:
            have[name] = hits
    hit_of = {id(fact): hit for fact, hit in index.fact_pairs("data_source")}
    for fact in index.facts_of("data_source"):
        key = str(fact.value.get("source"))
        if key not in have:
            have[key] = [hit_of[id(fact)]] if id(fact) in hit_of else []
    # A source fact whose clause is unknown counts as a source but has no evidence to show.
    first = [v[0] for v in have.values() if v]
    if len(have) >= 2:
        return sat(first, f"Names sources: {', '.join(have)}.")
    if have:
        return part(first, "Names only one kind of source.")
    return miss("The sources of personal information are not described.")


_SELL_WORD = rx(r"\b(?:sell|sold|rent|rented|sale of (?:your )?(?:personal|data|information))\b")
_SHARE_DENIAL = rx(
    r"\bshare\b" + S + r"(?:cross-context|behaviou?ral|targeted) advertising|"
    r"(?:sell|sold) or shar\w*|shar\w* or (?:sell|sold)"
)
_QUALIFIED = rx(
    r"for (?:their |its |our )?(?:own )?(?:marketing|monetary|advertising|"
    r"commercial) purposes"
)
_ASSET_SALE = rx(r"assets|merger|acquisition|bankruptcy|business transfer|stock")


def _sale_statements(index: PolicyIndex) -> list[Hit]:
    return [
        h
        for h in index.search(_SELL_WORD)
        if not _ASSET_SALE.search(sentence_of(h)) and not P.is_shine(h, index)
    ]


def ccpa_sold_shared(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    statements = _sale_statements(index)
    denials = [h for h in statements if is_negated(h)]
    full = [
        h
        for h in denials
        if _SHARE_DENIAL.search(sentence_of(h)) and not _QUALIFIED.search(sentence_of(h))
    ]
    if full:
        return sat(full[:1], "States that personal information is not sold or shared.")
    listed = [
        h
        for h in found(
            index,
            rx(
                r"(?:sold|shared)" + S + r"(?:preceding|past|last) "
                r"(?:12|twelve) months|categories of personal information "
                r"(?:we )?(?:have )?(?:sold|shared)"
            ),
            negatable=False,
        )
    ]
    if listed:
        return sat(listed[:2], "Lists personal information sold or shared in the past 12 months.")
    if denials:
        qualified = any(_QUALIFIED.search(sentence_of(h)) for h in denials)
        detail = (
            "denies selling only for some purposes"
            if qualified
            else "denies selling but says nothing about sharing for cross-context "
            "behavioural advertising"
        )
        return part(
            denials[:2],
            f"Clause {denials[0].clause.id} {detail}; that alone does not "
            "meet the sold/shared disclosure.",
            confidence=0.7,
        )
    return miss(
        "Nothing says whether personal information is sold or shared.",
        statements or found(index, _QUALIFIED, negatable=False),
    )


def ccpa_business_purpose_disclosure(
    spec: RequirementSpec, index: PolicyIndex, conds: Conds
) -> Outcome:
    hits = found(
        index,
        rx(
            r"(?:disclosed|disclose) (?:\w+ ){0,6}for a business purpose|"
            r"business purpose disclosures?"
        ),
        negatable=False,
    )
    if hits:
        return sat(hits[:2], "Lists personal information disclosed for a business purpose.")
    providers = G.recipient_hits(index).get("service providers")
    if providers:
        return part(
            providers[:2],
            "Describes disclosures to service providers, but not as a "
            "list of categories disclosed for a business purpose in the past 12 months.",
        )
    return miss("Disclosures for a business purpose are not listed.")


_UNDER_16 = rx(r"(?:under|younger than|below) (?:the age of )?(?:16|sixteen)|13 (?:and|to|-) 15")


def ccpa_under_16(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _UNDER_16, negatable=False)
    if hits:
        return sat(hits[:2], "States whether it knowingly sells or shares data of under-16s.")
    under13 = found(index, P.CHILDREN_MENTION, negatable=False)
    return miss(
        "No statement on selling or sharing data of consumers under 16"
        + (" (the clauses on children only address under-13s)." if under13 else "."),
        under13,
    )


_SENSITIVE = rx(r"sensitive personal (?:information|data)")


def ccpa_sensitive(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _SENSITIVE, negatable=False)
    stated = [
        h for h in hits if rx(r"\b(?:use|disclos|process|collect|limit)").search(h.clause.text)
    ]
    if stated:
        return sat(stated[:2], "Addresses the use of sensitive personal information.")
    loose = found(index, rx(r"sensitive (?:information|data)"), negatable=False)
    return miss(
        "No statement on how sensitive personal information is used"
        + (" (the mention of 'sensitive information' concerns something else)." if loose else "."),
        loose,
    )


_KNOW = rx(
    r"right to know|specific pieces|request (?:that we disclose|disclosure of)|categories "
    r"of personal information (?:we|that we) (?:have )?collected about you"
)


def ccpa_right_to_know(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    know = [h for h in found(index, _KNOW) if not P.is_shine(h, index)]
    if know:
        return sat(know[:2], "Describes the CCPA right to know.")
    access = [
        h for h in G.rights_found(index, ("access",)).get("access", []) if not P.is_shine(h, index)
    ]
    if access:
        return part(
            access[:2],
            "Describes a right of access only; the right to know also "
            "covers categories, sources, purposes, recipients and specific pieces.",
        )
    shine = [h for h in index.search(P.CALIFORNIA_CONSUMER) if P.is_shine(h, index)]
    if shine:
        return miss(
            "Only a 'Shine the Light' (Civ. Code 1798.83) notice is offered, which is "
            "not the CCPA right to know.",
            shine,
        )
    return miss("The right to know is not described.")


_OPT_OUT = rx(
    r"Do Not Sell(?: or Share)? My Personal Information|opt[- ]out of (?:the )?(?:sale|"
    r"sharing|selling)|Your Privacy Choices|right to opt[- ]out"
)


def ccpa_opt_out(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _OPT_OUT, negatable=False)
    if hits:
        return sat(hits[:2], "Describes the right to opt out of sale or sharing.")
    cookie_opt = found(
        index,
        rx(
            r"opt[- ]?out" + S + r"(?:cookies|advertis)|(?:cookies|"
            r"advertis\w+)" + S + r"opt[- ]?out"
        ),
        negatable=False,
    )
    if cookie_opt:
        return miss(
            f"Clause {cookie_opt[0].clause.id} only offers a cookie or advertising "
            "opt-out, which is not the right to opt out of sale or sharing.",
            cookie_opt,
        )
    return miss(
        "The business appears to sell or share personal information but describes no "
        "right to opt out."
    )


def ccpa_limit(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, rx(r"Limit the Use of My Sensitive|right to limit"), negatable=False)
    if hits:
        return sat(hits[:2], "Describes the right to limit use of sensitive personal information.")
    return miss("The right to limit use of sensitive personal information is not described.")


def non_discrimination(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, rx(r"discriminat\w*|retaliat\w*"), negatable=False)
    if hits:
        return sat(hits[:1], "Promises no discrimination for exercising rights.")
    return miss("No promise of non-discrimination for exercising privacy rights.")


_RIGHTS_CONTEXT = rx(
    r"exercis\w+ (?:any of )?(?:your|these|such|the|those)" + S + r"rights|"
    r"(?:make|submit|send) (?:a |your )?(?:verifiable )?(?:consumer )?request|"
    r"to (?:exercise|make use of) (?:your|these) rights"
)


def ccpa_request_methods(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    context = [
        h for h in found(index, _RIGHTS_CONTEXT, negatable=False) if not P.is_shine(h, index)
    ]
    hits = [h for h in fact_hits(index, "request_method") if not P.is_shine(h, index)]
    methods = {
        h.text and f.value.get("method")
        for h, f in zip(
            fact_hits(index, "request_method"), index.facts_of("request_method"), strict=False
        )
        if not P.is_shine(h, index)
    }
    for hit in context:
        window = [hit.clause, *index.following(hit.clause, 2)]
        text = " ".join(c.text for c in window)
        if P.TOLL_FREE.search(text):
            methods.add("toll_free_phone")
        if P.EMAIL.search(text):
            methods.add("email")
        if P.URL.search(text) or rx(r"web ?form|online form").search(text):
            methods.add("web_form")
        if rx(r"written (?:notice|request)|by (?:mail|post)|postal").search(text):
            methods.add("postal")
        hits.append(hit)
    if "toll_free_phone" in methods and len(methods) >= 2:
        return sat(
            hits[:3], "Gives two or more ways to submit requests, including a toll-free number."
        )
    if methods:
        return part(
            hits[:3],
            f"Gives {', '.join(sorted(m for m in methods if m))} for requests; "
            "a toll-free number is required unless the business is online-only.",
        )
    return miss("No instructions for submitting privacy requests.", context)


def verification(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = fact_hits(index, "verification") + found(
        index,
        rx(
            r"verif\w+ (?:your |the )?(?:identity|request)|verifiable (?:consumer )?request|"
            r"verification process"
        ),
        negatable=False,
    )
    if hits:
        return sat(hits[:2], "Describes how requests are verified.")
    return miss("The verification process for requests is not described.")


def authorized_agent(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = fact_hits(index, "authorized_agent") + found(
        index, rx(r"authori[sz]ed agent"), negatable=False
    )
    if hits:
        return sat(hits[:2], "Explains requests through an authorised agent.")
    return miss("Nothing explains how an authorised agent can make a request.")


def gpc(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "gpc")
    hits = found(
        index, rx(r"Global Privacy Control|\bGPC\b|opt[- ]out preference signals?"), negatable=False
    )
    if facts or hits:
        return sat((facts or hits)[:2], "Says how opt-out preference signals are handled.")
    dnt_hits = found(index, rx(r"do[- ]not[- ]track|\bDNT\b"), negatable=False)
    if dnt_hits:
        return miss(
            "Only a Do Not Track answer is given; opt-out preference signals such as "
            "Global Privacy Control are a different thing.",
            dnt_hits,
        )
    return miss("Opt-out preference signals (Global Privacy Control) are not addressed.")


def financial_incentive(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.FINANCIAL_INCENTIVE)
    terms = [h for h in hits if rx(r"value|opt[- ]in|withdraw|terms").search(h.clause.text)]
    if terms:
        return sat(terms[:2], "Gives the terms of the financial incentive.")
    if hits:
        return part(hits[:2], "Mentions an incentive without its terms or the value of the data.")
    return miss("The financial incentive is not described.")


def minors_opt_in(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(
        index,
        rx(
            r"opt[- ]in"
            + S
            + r"(?:16|minor|parent)|(?:16|minor|parent)"
            + S
            + r"opt[- ]in|affirmatively authori[sz]"
        ),
        negatable=False,
    )
    if hits:
        return sat(hits[:2], "Describes the opt-in process for consumers under 16.")
    return miss("No opt-in process for selling or sharing data of consumers under 16.")


def request_metrics(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(
        index,
        rx(r"metrics|number of requests|median (?:number of )?days|mean number"),
        negatable=False,
    )
    if hits:
        return sat(hits[:2], "Publishes request metrics.")
    return miss("Request metrics are not published.")


# --- COPPA --------------------------------------------------------------------------------------
CHILD = rx(
    r"\bchild(?:ren)?'?s?\b|\bkids?\b|\bminors?\b|under (?:the age of )?13|students? under"
    r"|\bparents?'?s?\b"
)


@functools.lru_cache(maxsize=4096)
def _child_heading(heading: str) -> bool:
    return CHILD.search(heading) is not None


def _child_clauses(index: PolicyIndex) -> list:
    memo = index._memo.get("child_clauses")
    if memo is not None:
        return list(memo)  # type: ignore[call-overload]
    seen = {}
    for hit in index.search(CHILD):
        seen.setdefault(hit.clause.id, hit.clause)
    for clause in index.clauses:
        if clause.id not in index.toc_ids and any(_child_heading(h) for h in clause.heading_path):
            seen.setdefault(clause.id, clause)
    index._memo["child_clauses"] = tuple(seen.values())
    return list(seen.values())


def _child_hits(index: PolicyIndex, pattern) -> list[Hit]:
    ids = {c.id for c in _child_clauses(index)}
    return [h for h in found(index, pattern, negatable=False) if h.clause.id in ids]


def coppa_collection(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    specific = _child_hits(index, G.DATA_TYPES)
    collect = _child_hits(index, rx(r"\bcollect\w*|\bprocess\w*|\bobtain\w*"))
    general = G.data_categories(spec, index, conds)
    if specific and collect:
        return sat(specific[:2] + collect[:1], "Describes what is collected from children.")
    if collect or general.status == "satisfied":
        return part(
            collect[:1] + list(general.hits[:1]),
            "Describes collection in general "
            "terms; what is collected from children (and whether they can make it "
            "public) is not spelled out.",
        )
    return miss("Nothing describes what is collected from children.")


def coppa_use(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    uses = _child_hits(index, rx(r"use and benefit|(?:use|process)\w*" + S + r"(?:to|for)\b"))
    if uses:
        return sat(uses[:2], "Says how children's information is used.")
    general = G.purposes(spec, index, conds)
    if general.status != "missing":
        return part(
            general.hits[:2],
            "Only the general purposes are given; children's data are not addressed specifically.",
        )
    return miss("Nothing says how children's information is used.")


def coppa_disclosure(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    child = _child_hits(index, rx(r"\b(?:share|disclos\w*|third parties)\b"))
    general = G.recipients(spec, index, conds)
    named = bool(index.facts_of("third_party"))
    if conds.get("coppa_2025_amendments") and general.status == "satisfied" and not named:
        return part(
            general.hits,
            "Gives recipient categories, but not the identities of third "
            "parties receiving children's data as the 2025 amendments require.",
        )
    if child or general.status == "satisfied":
        return sat(
            child[:1] + list(general.hits[:2]),
            "Describes disclosure practices that cover children's information.",
        )
    if general.status == "partial":
        return part(general.hits, "Disclosure practices are described only vaguely.")
    return miss("Disclosure of children's information is not described.")


def coppa_retention(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    outcome = G.retention(spec, index, conds)
    if outcome.status == "satisfied" and _child_hits(index, rx(r"retain|retention|delet|keep")):
        return outcome
    if outcome.status == "missing":
        return outcome
    return part(
        outcome.hits,
        "Retention is described, but not as a written policy for "
        "children's data with a deletion timeframe.",
    )


def coppa_persistent_identifiers(
    spec: RequirementSpec, index: PolicyIndex, conds: Conds
) -> Outcome:
    hits = found(index, P.PERSISTENT_INTERNAL, negatable=False)
    if hits:
        return sat(hits[:2], "Describes persistent identifiers used for internal operations.")
    return miss("Persistent identifiers for internal operations are not described.")


def coppa_audio(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.CHILD_AUDIO, negatable=False)
    deleted = [h for h in hits if rx(r"delet").search(h.clause.text)]
    if deleted:
        return sat(deleted[:1], "Says how children's audio is used and that it is deleted.")
    if hits:
        return part(hits[:1], "Mentions children's audio without the deletion promise.")
    return miss("Children's audio recordings are not addressed.")


def coppa_parental_rights(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    rights = _child_hits(
        index,
        rx(
            r"\breview\w*|have (?:it|them|the information) deleted|"
            r"\bdelet\w*|refuse|prevent (?:its |their )?further|further "
            r"(?:use|collection)"
        ),
    )
    parent = [h for h in rights if rx(r"parent").search(h.clause.text)]
    if parent:
        return sat(parent[:2], "Describes parents' rights to review, delete and refuse.")
    consent = _child_hits(index, rx(r"parent\w*"))
    if consent:
        return part(
            consent[:2],
            "Mentions parents, but not their rights to review, delete and "
            "refuse further collection, or how to use them.",
        )
    return miss("Parents' rights are not described.")


def coppa_school_consent(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    benefit = found(
        index,
        rx(
            r"(?:use and )?benefit of (?:the |their |your )?school|educational "
            r"purposes? only|solely for (?:educational|school) purposes"
        ),
        negatable=False,
    )
    no_other = [
        h for h in benefit if rx(r"no other commercial|not for any other").search(h.clause.text)
    ]
    if no_other:
        return sat(no_other[:1], "Limits school-consented data to the school's use and benefit.")
    if benefit:
        return part(
            benefit[:1],
            "Says data serve the school's benefit but not that they are "
            "used for no other commercial purpose.",
        )
    return miss("Relies on school consent without limiting use to the school's benefit.")


# --- FERPA --------------------------------------------------------------------------------------
_SCHOOL_OFFICIAL = rx(
    r"school officials?|legitimate educational interests?|direct control|"
    r"\bFERPA\b"
)
_ON_BEHALF = rx(
    r"on (?:behalf|the instructions?) of (?:the |your |their )?(?:school|institution|"
    r"district|educational)|(?:data )?processor on behalf of (?:your|the) school"
)


def ferpa_school_official(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    official = found(index, _SCHOOL_OFFICIAL, negatable=False)
    if official:
        return sat(
            official[:2], "Describes the vendor as a school official under the school's control."
        )
    behalf = found(index, _ON_BEHALF, negatable=False)
    if behalf:
        return part(
            behalf[:1],
            "Says data are processed on the school's behalf, but not that "
            "the vendor is under its direct control for legitimate educational "
            "interests.",
        )
    return miss("Nothing places the vendor under the school's control as a school official.")


def ferpa_redisclosure(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    strict = found(
        index,
        rx(
            r"(?:will not|never|do not) (?:re-?disclose|disclose"
            + S
            + r"without (?:the )?(?:school|consent))|only for (?:the )?"
            r"(?:educational|school) purposes?|solely (?:for|to provide) "
            r"(?:the )?(?:educational|school)"
        ),
        negatable=False,
    )
    if strict:
        return sat(strict[:2], "Limits use to the school's purpose and bars redisclosure.")
    soft = found(
        index,
        rx(
            r"(?:use and )?benefit of (?:the |their |your )?school|on behalf of "
            r"(?:the |your )?school"
        ),
        negatable=False,
    )
    if soft:
        return part(
            soft[:1],
            "Ties student data to the school's purposes, but does not bar "
            "other uses or redisclosure.",
        )
    return miss("No limit on use or redisclosure of education records is stated.")


def ferpa_rights_via_school(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(
        index,
        rx(
            r"contact (?:your|the) (?:school|institution|district|teacher)|through "
            r"(?:your|the) school|eligible students?|parents?" + S + r"(?:inspect|review|amend)"
        ),
        negatable=False,
    )
    if hits:
        return sat(hits[:2], "Says how parents or students exercise record rights via the school.")
    return miss("Nothing explains how parents or eligible students inspect or correct records.")


# --- SOPIPA -------------------------------------------------------------------------------------
def _student_fact(index: PolicyIndex, statement: str) -> list[Hit]:
    return fact_hits(index, "student_data", lambda f: f.value.get("statement") == statement)


def sopipa_no_targeted_ads(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = _student_fact(index, "no_targeted_ads") + negated(
        index,
        rx(
            r"(?:targeted|behaviou?ral|interest-based) (?:advertising|ads)|advertis\w+ to "
            r"students|target (?:ads|advertising)"
        ),
    )
    if hits:
        return sat(hits[:2], "Promises no targeted advertising based on student data.")
    return miss(
        "No promise against targeted advertising based on student data.",
        found(index, rx(r"marketing|advertis\w+"), negatable=False)[:3],
    )


def sopipa_no_profiling(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = _student_fact(index, "no_profiling") + negated(
        index, rx(r"(?:build|amass|create|compile)\w*" + S + r"profiles?")
    )
    if hits:
        return sat(hits[:2], "Promises no student profiles beyond school purposes.")
    return miss("No promise against building student profiles for non-school purposes.")


def sopipa_no_sale(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    denials = _student_fact(index, "no_sale") + [
        h for h in _sale_statements(index) if is_negated(h)
    ]
    clean = [h for h in denials if not _QUALIFIED.search(sentence_of(h))]
    if clean:
        return sat(clean[:1], "Promises not to sell personal information.")
    if denials:
        return part(
            denials[:1],
            "Denies selling only for some purposes (e.g. marketing); "
            "SOPIPA bars any sale of student information.",
        )
    return miss("No promise not to sell student information.")


def sopipa_limited_disclosure(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    minimal = found(
        index,
        rx(
            r"only (?:provide|share|disclose)" + S + r"(?:needs?|necessary|"
            r"required)|only as (?:needed|necessary)|solely to perform|(?:not|"
            r"never) to use" + S + r"(?:any )?other purpose"
        ),
        negatable=False,
    )
    bound = found(
        index,
        rx(
            r"contractual\w*|bound by|agreed to confidentiality|confidentiality "
            r"(?:terms|agreements)|instruct them not to"
        ),
        negatable=False,
    )
    if minimal and bound:
        return sat(
            minimal[:1] + bound[:1], "Limits disclosure to permitted recipients bound by contract."
        )
    if minimal or bound:
        return part(
            (minimal or bound)[:2],
            "Limits some disclosures, but not to the reasons "
            "SOPIPA permits, or without binding recipients by contract.",
        )
    return miss("Disclosure of student information is not limited to permitted reasons.")


def sopipa_deletion(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    school = found(
        index,
        rx(
            r"delet\w*" + S + r"(?:request|direction|instruction)\w* of (?:the |"
            r"your )?(?:school|district|institution)|(?:school|district|"
            r"institution)\w*" + S + r"(?:request|ask)\w*" + S + r"delet"
        ),
        negatable=False,
    )
    if school:
        return sat(school[:1], "Promises deletion at the school's request.")
    general = G.right_erasure(spec, index, conds)
    if general.status == "satisfied":
        return part(
            general.hits,
            "Offers deletion in general, but no commitment to delete at "
            "the school or district's request.",
        )
    return miss("No commitment to delete student data at the school's request.")
