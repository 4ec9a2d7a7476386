"""Rules for disclosures several laws share: identity and contact, purposes, legal bases,
recipients, transfers, retention, rights, changes, dates, tracking and security."""

from __future__ import annotations

import itertools

from reviews.catalogue import RequirementSpec
from reviews.checks import patterns as P
from reviews.checks.index import LazyHits, PolicyIndex, rx
from reviews.checks.outcome import (
    Outcome,
    distinct_at_least,
    fact_hits,
    found,
    miss,
    part,
    sat,
)

Conds = dict[str, bool]
S = P.S

# --- identity and contact -----------------------------------------------------------------------


def contact_hits(index: PolicyIndex) -> dict[str, list]:
    """Concrete contact details found outside tables of contents, by channel."""
    return {
        "e-mail": fact_hits(index, "email") or found(index, P.EMAIL, negatable=False),
        "telephone": fact_hits(index, "phone") or found(index, P.PHONE, negatable=False),
        "postal address": fact_hits(index, "address") or found(index, P.POSTAL, negatable=False),
        # A form counts only with its address; "click here to contact us" lost its link in text.
        "contact form": fact_hits(index, "contact_form", lambda f: bool(f.value.get("url"))),
    }


def has_contact(index: PolicyIndex) -> bool:
    """Whether the policy gives any concrete way to reach the organisation (for the rating)."""
    return any(contact_hits(index).values())


def _pointer_outcome(index: PolicyIndex) -> Outcome:
    pointers = found(index, P.CONTACT_POINTER, negatable=False)
    if pointers:
        return part(
            pointers,
            f"Clause {pointers[0].clause.id} points to contact details or a contact link, but the "
            "text gives no e-mail, telephone or postal address.",
            confidence=0.55,
        )
    return miss("The policy gives no e-mail address, telephone number or postal address.")


def contact(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    channels = {k: v for k, v in contact_hits(index).items() if v}
    if channels:
        hits = [h for v in channels.values() for h in v[:1]]
        return sat(hits, f"Gives a {' and a '.join(channels)} to contact.", confidence=0.9)
    return _pointer_outcome(index)


def organization_hits(index: PolicyIndex) -> list:
    return fact_hits(index, "organization") or found(index, P.ORG, negatable=False)


def organization_identity(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    org = organization_hits(index)
    if org:
        return sat(org[:1], f'Names the organisation ("{org[0].text.strip()}").')
    return miss("No legal name of the organisation responsible is given.")


def controller_identity(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    org = organization_hits(index)
    reach = contact(spec, index, conds)
    if org and reach.status == "satisfied":
        return sat(org[:1] + list(reach.hits), "Names the organisation and gives contact details.")
    if org:
        return part(org[:1], "Names the organisation but gives no usable contact details.")
    if reach.status == "satisfied":
        return part(reach.hits, "Gives contact details but no legal name of the controller.")
    return miss("Neither the controller's legal name nor its contact details are given.")


def coppa_operator_contact(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    org = organization_hits(index)
    channels = {k: v for k, v in contact_hits(index).items() if v and k != "contact form"}
    have = (["name"] if org else []) + list(channels)
    hits = org[:1] + [h for v in channels.values() for h in v[:1]]
    lacking = [x for x in ("name", "postal address", "telephone", "e-mail") if x not in have]
    if not lacking:
        return sat(hits, "Gives the operator's name, postal address, telephone and e-mail.")
    if hits:
        return part(hits, f"Operator details lack: {', '.join(lacking)}.")
    return miss("No operator name or contact details are given.")


_REPRESENTATIVE = rx(
    r"representative (?:in|for) the (?:EU|European Union|Union|UK|EEA)|Article 27"
    r"|\bEU representative|\bUK representative"
)


def eu_representative(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = fact_hits(index, "eu_representative") or found(index, _REPRESENTATIVE)
    if hits:
        return sat(hits, "Names a representative in the EU/UK.")
    return miss(
        "The organisation appears to be based outside the EU but names no EU representative."
    )


def dpo_contact(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    dpo = fact_hits(index, "dpo")
    with_contact = [
        h for h, f in zip(dpo, index.facts_of("dpo"), strict=False) if f.value.get("has_contact")
    ]
    if with_contact:
        return sat(with_contact, "Gives contact details for the data protection officer.")
    hits = dpo or found(index, P.DPO)
    for hit in hits:
        if P.EMAIL.search(hit.clause.text) or P.PHONE.search(hit.clause.text):
            return sat([hit], "Gives contact details for the data protection officer.")
    if hits:
        return part(hits, "Mentions a data protection officer without contact details.")
    return miss("No contact for the data protection officer.")


# --- purposes and legal bases -------------------------------------------------------------------
_PURPOSE = rx(
    r"\b(?:we|may) (?:may )?(?:use|process|collect and (?:use|process))\b"
    + S
    + r"\b(?:to|for|in order to)\b|for the following purposes|purposes? (?:of|for) (?:processing|"
    r"which)|how (?:do )?we use|used (?:to|for)\b|helps? us (?:to )?\w+"
)


def purposes(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "purpose")
    kinds = {f.value.get("purpose") for f in index.facts_of("purpose")}
    hits = found(index, _PURPOSE)
    clauses = {h.clause.id for h in hits}
    if len(kinds) >= 2 or len(clauses) >= 2:
        return sat((facts or hits)[:3], "States what the personal data are used for.")
    if facts or hits:
        return part((facts or hits)[:2], "Gives only one vague purpose of use.")
    return miss("The policy never says what the personal data are used for.")


_BASES = {
    "contract": rx(
        r"perform(?:ance of)? (?:a|the|our|any) contract|(?:basis|ground) of (?:a |the |our )?contract|(?:conclude|enter into|fulfil"
        r"l?) (?:a|the) contract|contractual necessity|necessary for the contract"
    ),
    "legitimate interests": P.LEGITIMATE_INTEREST,
    "legal obligation": rx(
        r"(?:comply with|compliance with|fulfil) (?:a |our |any )?legal "
        r"obligations?|obligation to keep"
    ),
    "consent": rx(
        r"(?:based on|on the basis of|with) your (?:prior |explicit )?consent"
        r"|where you have (?:given|provided) (?:your )?consent"
    ),
    "vital interests": rx(r"vital interests?"),
    "public task": rx(r"public (?:task|interest)"),
}
_BASIS_WORD = rx(r"(?:legal|lawful) (?:basis|bases|ground)|Art(?:icle|\.)\s*6")


def legal_basis(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    named = {f.value.get("basis") for f in index.facts_of("legal_basis")}
    hits = fact_hits(index, "legal_basis")
    for name, pattern in _BASES.items():
        h = found(index, pattern, negatable=False)
        if h:
            named.add(name.replace(" ", "_"))
            hits += h[:1]
    word = found(index, _BASIS_WORD, negatable=False)
    if len(named) >= 2 or (named and word):
        return sat(hits[:4], "Names the legal grounds relied on for the processing.")
    if named or word:
        return part(
            hits[:2] + word[:1],
            "Names only one legal ground (or the term without the "
            "grounds); the basis for the other purposes is not given.",
        )
    return miss("No legal basis for the processing is stated.")


_INTEREST_DETAIL = rx(
    r"(?:legitimate interests?|our interests?) (?:to|in|of|such as|including|"
    r"namely)\b\s+\w+"
)


def legitimate_interests(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    detail = found(index, _INTEREST_DETAIL, negatable=False)
    if detail:
        return sat(detail[:3], "Says which legitimate interests are pursued.")
    bare = found(index, P.LEGITIMATE_INTEREST, negatable=False)
    if bare:
        return part(bare[:2], "Relies on legitimate interests without saying what they are.")
    return miss("Legitimate interests are relied on but never described.")


# --- recipients, transfers ----------------------------------------------------------------------
RECIPIENT_CATEGORIES = {
    "service providers": rx(
        r"service providers?|vendors?|processors?|contractors?|companies "
        r"(?:that|who) (?:help|perform|provide)|perform (?:services|tasks) on "
        r"our behalf|(?:third[- ]party|outside) (?:service|software)"
    ),
    "affiliates": P.AFFILIATES,
    "payment processors": rx(
        r"payment processors?|credit card processing|payment (?:service|"
        r"provider)"
    ),
    "authorities": rx(
        r"law enforcement|government(?:al)? (?:officials|authorities|agencies)|"
        r"public (?:and government )?authorities|court order|required by law|legal "
        r"process|comply with (?:a |the )?(?:law|legal)"
    ),
    "acquirers": rx(
        r"merger|acquisition|sale of (?:all|some|assets|the business)|business "
        r"transfers?|transfer our business|bankruptcy|reorgani[sz]ation"
    ),
    "advertisers": rx(r"advertis(?:ers|ing partners|ing companies|ing networks)"),
    "business partners": rx(r"business partners?|partner with|our partners?"),
    "analytics providers": rx(r"google analytics|analytics (?:providers?|services?)"),
    "other users / public": rx(r"other users|publicly|public internet|your contacts"),
}


_SHARING_VERB = rx(r"share|disclos|provide|access|receive|sell|transfer")


def recipient_hits(index: PolicyIndex) -> dict[str, list]:
    memo = index._memo.get("recipient_hits")
    if memo is not None:
        return {name: list(hits) for name, hits in memo.items()}  # type: ignore[attr-defined]
    out: dict[str, list] = {}
    for name, pattern in RECIPIENT_CATEGORIES.items():
        hits = [
            h
            for h in found(index, pattern)
            if index.clause_has(P.DISCLOSES, h.clause) or index.clause_has(_SHARING_VERB, h.clause)
        ]
        if hits:
            out[name] = hits
    hit_of = {id(fact): hit for fact, hit in index.fact_pairs("recipient_category")}
    for fact in index.facts_of("recipient_category"):
        name = str(fact.value.get("category", "")).replace("_", " ")
        listed = out.setdefault(name, [])
        if id(fact) in hit_of:
            listed.append(hit_of[id(fact)])
    index._memo["recipient_hits"] = {name: list(hits) for name, hits in out.items()}
    return out


def recipients(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    cats = recipient_hits(index)
    if cats:
        hits = [v[0] for v in cats.values()]
        return sat(hits[:4], f"Names recipients: {', '.join(sorted(cats))}.")
    generic = found(index, P.DISCLOSES)
    if generic:
        return part(
            generic[:2],
            "Mentions sharing with 'third parties' without saying which kinds of recipients.",
        )
    return miss("The policy does not say who receives personal data.")


_VALID_SAFEGUARDS = {"scc", "adequacy", "bcr", "dpf"}
_SAFEGUARD = rx(
    r"standard contractual clauses|adequacy decision|binding corporate rules|Data "
    r"Privacy Framework|Privacy Shield|appropriate safeguards|model clauses"
)


def transfers(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    # Consent buried in "by using the site you consent to transfers" is no Art. 49 derogation,
    # and the Privacy Shield was invalidated in 2020: neither counts as a safeguard here.
    safeguards = [
        h
        for h in found(index, _SAFEGUARD, negatable=False)
        if "privacy shield" not in h.text.lower()
    ] + fact_hits(
        index, "transfer", lambda f: bool(set(f.value.get("safeguards") or ()) & _VALID_SAFEGUARDS)
    )
    mention = fact_hits(index, "transfer") + found(index, P.TRANSFER, negatable=False)
    if safeguards:
        return sat(
            safeguards[:2] + mention[:1],
            "Says data leave the EEA and which safeguard covers the transfer.",
        )
    if mention:
        return part(
            mention[:2],
            "Mentions international transfers but not the adequacy "
            "decision or safeguard relied on, nor how to get a copy.",
        )
    return miss("Transfers outside the EEA are not described.")


# --- retention ----------------------------------------------------------------------------------
_PERIOD = rx(
    r"\b(?:retain|retained|keep|kept|store|stored|delete|deleted|erase|erased|purge|purged|"
    r"anonymi[sz]e|anonymi[sz]ed)\b" + S + r"\b(?:\d+|one|two|three|six|twelve|thirty|ninety)\s+"
    r"(?:days?|weeks?|months?|years?)\b|\b(?:\d+|one|two|three|six|twelve|thirty|ninety)\s+"
    r"(?:days?|weeks?|months?|years?)\b" + S + r"\b(?:retain|retained|kept|stored|deleted|"
    r"erased|purged)\b"
)
_VAGUE_RETENTION = rx(
    r"\b(?:retain|keep|store|hold)\b" + S + r"\b(?:as long as|for as long|no longer than|until|"
    r"only for the period|to the extent necessary)\b|\bretention (?:period|policy|schedule)\b"
)


def retention(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = index.facts_of("retention")
    precise = [
        h
        for h, f in zip(fact_hits(index, "retention"), facts, strict=False)
        if f.value.get("period_days") is not None or f.value.get("vague") is False
    ]
    own = [h for h in found(index, _PERIOD) if not _third_party_subject(h.clause.text, h)]
    if precise or own:
        return sat((precise or own)[:2], "States how long personal data are kept.")
    vague = fact_hits(index, "retention") + [
        h for h in found(index, _VAGUE_RETENTION) if not _third_party_subject(h.clause.text, h)
    ]
    if vague:
        return part(
            vague[:2],
            "Only says data are kept as long as necessary; no period or "
            "concrete criteria are given.",
        )
    return miss(
        "Nothing says how long personal data are kept.", index.in_category("Data Retention")
    )


_THIRD_SUBJECT = rx(r"\b(?:these|such|those) (?:third parties|companies|providers)\b|\bthey\b")


def _third_party_subject(text: str, hit) -> bool:
    """ "These third parties do not retain ..." is about processors, not the policy's owner."""
    rel = hit.start - hit.clause.start
    return bool(_THIRD_SUBJECT.search(text, max(0, rel - 60), rel))


# --- rights -------------------------------------------------------------------------------------
RIGHTS = {
    "access": rx(
        r"right (?:of|to) access|access (?:to )?(?:your|the) (?:personal )?(?:data|"
        r"information)|request (?:a copy|access)|retrieve your (?:personal )?data"
    ),
    "rectification": rx(
        r"rectif\w+|correct(?:ion)?\b|update (?:your|the) (?:personal )?"
        r"(?:data|information)|amend"
    ),
    "erasure": rx(
        r"erasure|right to be forgotten|right to delete|delet\w+ (?:of )?(?:your|the|"
        r"such)? ?(?:personal )?(?:data|information|account)|have it deleted|request "
        r"deletion|and/or delete|or delete"
    ),
    "restriction": rx(r"restrict(?:ion|ed|ing|s)?\b"),
    "objection": rx(r"right to object|object to (?:the )?processing|objection"),
    "portability": rx(
        r"portability|(?:receive|obtain|retrieve) (?:a copy of )?your (?:personal )?"
        r"data(?: in a)?"
    ),
}


def rights_found(index: PolicyIndex, names=tuple(RIGHTS)) -> dict[str, LazyHits]:
    """Hits per right found (fact hits first). Lazy and kept per policy: the list rules take
    only the first hit of each right, so a right's pattern is scanned only that far."""
    out = {}
    fact_rights = {f.value.get("right"): f for f in index.facts_of("right")}
    for name in names:
        key = "rights_found:" + name
        hits = index._memo.get(key)
        if hits is None:
            scanned = (h for h in found(index, RIGHTS[name]) if not P.is_security_context(h))
            fact_name = {"rectification": "rectification", "erasure": "erasure"}.get(name, name)
            if fact_name in fact_rights:
                facts = fact_hits(index, "right", lambda f, n=fact_name: f.value.get("right") == n)
                hits = LazyHits(itertools.chain(facts, scanned))
            else:
                hits = LazyHits(scanned)
            index._memo[key] = hits
        if hits:
            out[name] = hits
    return out


def gdpr_rights(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    have = rights_found(index)
    if len(have) == len(RIGHTS):
        return sat([v[0] for v in have.values()], "Lists all six data subject rights.")
    if have:
        lacking = [r for r in RIGHTS if r not in have]
        return part(
            [v[0] for v in have.values()],
            f"Lists some rights ({', '.join(have)}) but not: {', '.join(lacking)}.",
        )
    return miss("The data subject rights are not described.")


def _single_right(name: str, label: str):
    def rule(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
        hits = [h for h in rights_found(index, (name,)).get(name, []) if not P.is_shine(h, index)]
        if hits:
            return sat(hits[:2], f"States the right to {label}.")
        return miss(f"No right to {label} is described.")

    return rule


right_erasure = _single_right("erasure", "have personal information deleted")
right_rectification = _single_right("rectification", "correct personal information")
right_access = _single_right("access", "access personal information")

_WITHDRAW = rx(
    r"withdraw\w* (?:your |the |of )?consent|revok\w+ (?:your )?consent|consent"
    + S
    + r"(?:withdraw|revoke)\w*"
)


def withdraw_consent(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _WITHDRAW) + fact_hits(
        index, "right", lambda f: f.value.get("right") == "withdraw_consent"
    )
    if hits:
        return sat(hits[:2], "Says consent can be withdrawn.")
    return miss("Consent is relied on but nothing says it can be withdrawn.")


_AUTHORITY = rx(
    r"(?:supervisory|data protection|regulatory) authorit\w*|Information "
    r"Commissioner|\bICO\b|\bCNIL\b|\bEDPB\b|data protection commission\w*"
    r"|Privacy Commissioner|\bANPD\b"
)


def complaint_authority(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _AUTHORITY) + fact_hits(
        index, "right", lambda f: f.value.get("right") == "complaint_authority"
    )
    if hits:
        return sat(hits[:2], "Says a complaint can be lodged with a supervisory authority.")
    complaints = found(index, rx(r"complain\w*|not satisfied|dissatisfied"), negatable=False)
    if complaints:
        return miss(
            f"Clause(s) {', '.join(str(h.clause.id) for h in complaints[:3])} invite complaints "
            "to the company only; no supervisory authority is named.",
            complaints,
        )
    return miss("Nothing says a complaint can be lodged with a supervisory authority.")


_CONSEQUENCE = rx(
    r"if you (?:choose|decide|prefer) not to (?:provide|give|share)|if you do not "
    r"(?:provide|give|want to provide)|(?:unable|not be able) to (?:provide|render|"
    r"offer|use|create)" + S + r"(?:services?|account)|required (?:to provide|in "
    r"order to)|(?:mandatory|obligatory|required) (?:fields?|information)"
)
_OPTIONAL = rx(r"\boptional\b|if you choose to provide|voluntar(?:y|ily)")


def provision_requirement(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _CONSEQUENCE, negatable=False)
    if hits:
        return sat(hits[:2], "Says which data are needed and what happens if they are not given.")
    soft = found(index, _OPTIONAL, negatable=False)
    if soft:
        return part(
            soft[:2],
            "Says some data are optional but not which are required or what "
            "follows from not giving them.",
        )
    return miss("Nothing says whether giving the data is required or what follows from refusing.")


def automated_decisions(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.AUTOMATED_DECISION)
    logic = [h for h in hits if rx(r"logic|consequence|significance").search(h.clause.text)]
    if logic:
        return sat(logic[:2], "Describes automated decisions, their logic and consequences.")
    if hits:
        return part(hits[:2], "Mentions automated decisions without the logic or consequences.")
    return miss("Automated decisions are not described.")


def further_processing(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.NEW_PURPOSE, negatable=False)
    told = [h for h in hits if rx(r"notify|inform|tell|ask|consent|notice").search(h.clause.text)]
    if told:
        return sat(told[:2], "Promises notice before reusing data for a new purpose.")
    if hits:
        return part(hits[:2], "Mentions other purposes without promising prior information.")
    return miss("Nothing promises information before data are reused for a new purpose.")


_SOURCE_NAMES = rx(
    r"Google|Microsoft|Facebook|Apple|LinkedIn|Clever|Classroom|your school|your "
    r"employer|social (?:media|network)|data brokers?|public (?:records|sources)"
)
_DATA_WORDS = rx(
    r"\bname\b|e-?mail|address|phone|profile|class|student information|contact "
    r"details|account information|identifier"
)


def _other_source_hits(index: PolicyIndex) -> list:
    return found(index, P.OTHER_SOURCES) + fact_hits(
        index, "data_source", lambda f: f.value.get("source") in ("third_party", "school_employer")
    )


def other_source_categories(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = _other_source_hits(index)
    typed = [h for h in hits if _DATA_WORDS.search(h.clause.text)]
    if typed:
        return sat(typed[:2], "Says which kinds of data come from other sources.")
    if hits:
        return part(hits[:2], "Says data come from other sources without saying which kinds.")
    return miss("Data from other sources are not described by category.")


def other_source_origin(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = _other_source_hits(index)
    named = [h for h in hits if _SOURCE_NAMES.search(h.clause.text)]
    if named:
        return sat(named[:2], "Names where indirectly obtained data come from.")
    if hits:
        return part(hits[:2], "Refers to 'third-party sources' without naming them.")
    return miss("The sources of indirectly obtained data are not named.")


# --- categories of data -------------------------------------------------------------------------
DATA_TYPES = rx(
    r"\bnames?\b|e-?mail address|postal address|(?:phone|telephone|mobile) "
    r"numbers?|\bIP address|device (?:type|information|identifiers?)|browser type|"
    r"payment (?:information|details)|credit card|location|cookies|usage data|"
    r"username|password|date of birth|photos?"
)


def data_categories(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "data_category")
    hits = found(index, DATA_TYPES, negatable=False)
    kinds = {h.text.lower() for h in hits} | {
        str(f.value.get("category")) for f in index.facts_of("data_category")
    }
    if len(kinds) >= 2:
        return sat((facts or hits)[:3], "Lists the kinds of personal information collected.")
    if kinds:
        return part((facts or hits)[:2], "Names only one kind of personal information.")
    return miss("The kinds of personal information collected are not listed.")


def categories_and_use(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    cats, uses = data_categories(spec, index, conds), purposes(spec, index, conds)
    if cats.status == uses.status == "satisfied":
        return sat(cats.hits[:2] + uses.hits[:2], "Describes the information held and its uses.")
    if "satisfied" in (cats.status, uses.status) or "partial" in (cats.status, uses.status):
        return part(cats.hits + uses.hits, "Describes the information held or its uses, not both.")
    return miss("Neither the information held nor its uses are described.")


# --- policy changes, dates, security ------------------------------------------------------------
_CHANGES = rx(
    r"(?:chang\w*|updat\w*|modif\w*|revis\w*|amend\w*)" + S + r"(?:privacy policy|this "
    r"policy|privacy statement|privacy notice)|(?:privacy policy|this policy)"
    + S
    + r"(?:chang\w*|updat\w*|modif\w*|revis\w*)"
)
_NOTICE_HOW = rx(r"\bpost\w*|notif\w*|e-?mail|notice|publish\w*|inform|display|announce")


def policy_changes(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "policy_change")
    hits = found(index, _CHANGES, negatable=False)
    how = [h for h in hits if _NOTICE_HOW.search(h.clause.text)]
    if facts or how:
        return sat((facts or how)[:2], "Says how changes to the policy are announced.")
    if hits:
        return part(hits[:2], "Says the policy may change but not how users are told.")
    return miss("Nothing says how users learn of changes to the policy.")


def last_updated(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "last_updated")
    own = found(index, P.LAST_UPDATED, negatable=False)
    if facts or own:
        return sat(
            (facts or own)[:1],
            "Gives the date the policy was last updated or took effect.",
            confidence=0.9,
        )
    other_dates = found(index, rx(P._DATE), negatable=False)
    if other_dates:
        return miss(
            "The only dates in the text are not labelled as the policy's own "
            "(e.g. an archive or capture date).",
            other_dates,
        )
    return miss("No last-updated or effective date is given.")


_SECURITY = rx(
    r"encrypt\w*|\bTLS\b|\bSSL\b|secur(?:e|ity) (?:measures|procedures|protocols|"
    r"technolog\w+|safeguards)|safeguards?|access controls?|industry[- ]standard|"
    r"two-factor|2-factor|firewalls?|protect (?:your|the) (?:personal )?(?:data|"
    r"information)"
)


def security(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "security")
    hits = found(index, _SECURITY)
    if distinct_at_least((h.clause.id for h in hits), 2) or len(facts) >= 2:
        return sat((facts or hits)[:3], "Describes the security measures protecting the data.")
    if hits or facts:
        return part((facts or hits)[:2], "Mentions security only briefly.")
    return miss("No security commitment is made.")


# --- tracking -----------------------------------------------------------------------------------
_DNT = rx(r"do[- ]not[- ]track|\bDNT\b")


def dnt(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    facts = fact_hits(index, "dnt")
    stances = {f.value.get("stance") for f in index.facts_of("dnt")}
    hits = found(index, _DNT, negatable=False)
    if stances & {"honors", "does_not_honor"} or (
        hits and rx(r"respond|honou?r|recogni[sz]e|comply|act on|treat").search(hits[0].clause.text)
    ):
        return sat((facts or hits)[:2], "Says how the service responds to Do Not Track signals.")
    if facts or hits:
        return part((facts or hits)[:2], "Mentions Do Not Track without saying how it responds.")
    gpc = found(index, rx(r"Global Privacy Control|\bGPC\b"), negatable=False)
    if gpc:
        return miss(
            "Only Global Privacy Control is addressed; the Do Not Track response is not.", gpc
        )
    return miss("Nothing says how the service responds to Do Not Track signals.")


def third_party_tracking(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.THIRD_PARTY_TRACKING, negatable=False)
    if hits:
        return sat(hits[:2], "Says whether other parties may track users across sites.")
    return miss(
        "Nothing says whether other parties collect information about users' activity across sites."
    )


_CHOICE_LINK = rx(
    r"aboutads\.info|networkadvertising\.org|youronlinechoices|optout\.aboutads|"
    r"Network Advertising Initiative|Digital Advertising Alliance"
)


def tracking_choice_link(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _CHOICE_LINK, negatable=False)
    if hits:
        return sat(hits[:2], "Links to an industry tracking-choice programme.")
    return Outcome(
        "not_applicable",
        "Optional route not taken: no link to a tracking-choice "
        "programme; the Do Not Track item is judged on its own.",
    )


# --- PIPEDA / LGPD ------------------------------------------------------------------------------
_ACCOUNTABLE = rx(
    r"privacy officer|chief privacy officer|data protection officer|accountable for"
    r"|\bencarregado\b|\bDPO\b"
)


def accountable_person(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, _ACCOUNTABLE)
    if hits and (P.POSTAL.search(hits[0].clause.text) or P.EMAIL.search(hits[0].clause.text)):
        return sat(hits[:1], "Names the person accountable for privacy with contact details.")
    if hits:
        return part(hits[:1], "Names a privacy officer without an address.")
    return miss("No person accountable for privacy is named.")


def affiliates(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(index, P.AFFILIATES)
    if hits:
        return sat(hits[:2], "Says what is made available to related companies.")
    return miss("Sharing with related companies is not described.")


def processing_agents(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = found(
        index,
        rx(
            r"\b(?:processors?|operators?)\b" + S + r"(?:responsib|on (?:our|"
            r"its) behalf|instruct)|on our behalf|controller"
        ),
        negatable=False,
    )
    if hits:
        return part(
            hits[:2],
            "Mentions who processes data for the controller; the division of "
            "responsibilities is not spelled out.",
            confidence=0.5,
        )
    return miss("The responsibilities of controller and processors are not described.")


def lgpd_rights(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    have = rights_found(index)
    if len(have) >= 5:
        return sat([v[0] for v in have.values()], "Lists the data subject rights.")
    if have:
        return part([v[0] for v in have.values()], "Lists only some data subject rights.")
    return miss("The data subject rights are not described.")


_REVIEW_CHANGE = rx(
    r"(?:access|review|update|correct|change|edit|modify|rectif\w*|delete)\b"
    + S
    + r"\b(?:your|the) (?:personal )?(?:data|information|profile|account|details)"
    r"|right to (?:access|rectification|correct)"
)


_CHANGE_METHOD = rx(
    r"settings|contact|e-?mail|@|directly|request|log ?in|written notice|profile|dashboard"
)


def review_and_change(spec: RequirementSpec, index: PolicyIndex, conds: Conds) -> Outcome:
    hits = [h for h in found(index, _REVIEW_CHANGE) if not P.is_security_context(h)]
    how = [
        h
        for h in hits
        if any(
            index.clause_has(_CHANGE_METHOD, c) for c in (h.clause, *index.following(h.clause, 10))
        )
    ]
    if how:
        return sat(how[:2], "Explains how users can review and change their information.")
    if hits:
        return part(hits[:2], "Says information can be changed but not how.")
    return miss("No process for reviewing or changing personal information is described.")
