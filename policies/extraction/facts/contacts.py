"""Who is responsible and how to reach them: organisation, e-mails, phones, postal addresses,
contact forms, data protection officer and EU representative.

A contact is only what the text actually states: "contact us below" with nothing below yields no
contact fact, because every fact here is anchored on the address, number or form it names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from policies.extraction.document import Fact
from policies.extraction.facts import anchors, cues
from policies.extraction.facts.sentences import ClauseView
from policies.extraction.facts.vocabulary import THIRD_PARTIES

_DIGIT = anchors.compile(r"\d")
EMAIL = anchors.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# "privacy [at] example [dot] com", written that way to dodge harvesters.
OBFUSCATED_EMAIL = anchors.compile(
    r"\b([A-Za-z0-9._-]+)\s*[\[(]\s*at\s*[\])]\s*([A-Za-z0-9-]+(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*"
    r"[A-Za-z0-9-]+)+)",
    re.IGNORECASE,
)
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "domain.com", "email.com", "yourcompany.com")

_ROLE_BY_LOCAL = (
    ("dpo", anchors.compile(r"dpo|data-?protection-?officer|dataprotectionofficer")),
    (
        "privacy",
        anchors.compile(r"privacy|data-?protection|gdpr|ccpa|legal|compliance|dsar|rights"),
    ),
    ("support", anchors.compile(r"support|help|care|service|feedback|customer")),
    (
        "general",
        anchors.compile(r"^(?:info|contact|hello|hi|team|office|enquir|inquir|mail|admin|general)"),
    ),
)

# North American numbers: (213) 421-6800, 213.421.6800, +1 213 421 6800, 1-800-555-0100.
_NANP = r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]\d{4}"
# International numbers with a "+" prefix: +91 80 4662 0600, +44 (0)20 7946 0958, +1.908.918.0111.
_INTL = r"\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}"
_VANITY = r"1?[\s.-]?8(?:00|33|44|55|66|77|88)[\s.-][A-Z0-9]{3}[\s.-]?[A-Z]{4}"
PHONE = anchors.compile(rf"(?<![\w.+/-])(?:{_INTL}|{_NANP}|{_VANITY})(?![\w/-]|\.\d)")
# Numbers without a recognisable shape count only right after a phone word.
PHONE_AFTER_WORD = anchors.compile(
    r"\b(?:phone|telephone|tel|call(?:\s+us)?(?:\s+(?:at|on))?|toll[- ]free(?:\s+number)?|hotline|"
    r"mobile|helpline|freephone)\b\.?\s*(?:number\s*)?(?:is\s*)?[:.]?\s*"
    r"(?P<num>(?:\+|00)?\(?\d[\d\s().-]{5,18}\d)",
    re.IGNORECASE,
)
_TOLL_FREE_PREFIX = anchors.compile(
    r"^(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]|^(?:\+?44\s*\(?0?\)?\s*|0)80[08]|"
    r"^(?:\+?61\s*)?1[\s.-]?[38]00|^(?:\+?91[\s-]*)?1[\s-]?800"
)
_TOLL_FREE_WORD = anchors.compile(r"toll[- ]?free|free ?phone|no[- ]charge", re.IGNORECASE)

# A street line: a house number, a few words, and a street word (capitalised: "Way" not "way").
STREET = anchors.compile(
    r"(?:\b\d{1,6}[A-Za-z]?(?:[-/]\d+)?,?\s+(?:[\w.'’-]+,?\s+){0,5}?"
    r"(?:Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Road|Rd\.?|Drive|Dr\.?|Lane|Ln\.?|Way|"
    r"Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Parkway|Pkwy\.?|Highway|Hwy\.?|Terrace|Circle|Plaza|"
    r"Main|Cross|Suite|Floor|Layout|Row|Park|Quay|Wharf|Strasse|Straße|Allee|Weg|Platz|Gasse|"
    r"Rue|Avenida|Calle|Via|Broadway|Center|Centre|Building|Tower)\b"
    r"|\b[A-Z][a-zäöüß]+(?:strasse|straße|str\.|weg|gasse|platz|allee)\s+\d{1,5}\b"
    r"|\bP\.?\s?O\.?\s+Box\s+\d+)"
)
# Words one of which every STREET match holds (its street words, the German street suffixes,
# "Box"): a clause without any is not scanned with STREET.
_STREET_WORD = anchors.any_of(
    ("Street", "St", "Avenue", "Ave", "Boulevard", "Blvd", "Road", "Rd", "Drive", "Dr", "Lane",
     "Ln", "Way", "Court", "Ct", "Place", "Pl", "Square", "Sq", "Parkway", "Pkwy", "Highway",
     "Hwy", "Terrace", "Circle", "Plaza", "Main", "Cross", "Suite", "Floor", "Layout", "Row",
     "Park", "Quay", "Wharf", "Strasse", "Straße", "Allee", "Weg", "Platz", "Gasse", "Rue",
     "Avenida", "Calle", "Via", "Broadway", "Center", "Centre", "Building", "Tower",
     "strasse", "straße", "str.", "weg", "gasse", "platz", "allee", "Box")
)  # fmt: skip
LOCALITY = anchors.compile(
    r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"  # CA 90069
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"  # UK postcodes
    r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"  # Canadian postcodes
    r"|\b[A-Z][a-zA-Z]+,?\s+\d{4,6}\b"  # Karnataka 560102
    r"|\b(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-Z][a-zäöüéA-Z]+"  # 10115 Berlin, CH-8001 Zürich
)
_COUNTRY_LINE = anchors.compile(
    r"^\s*(?:United States(?: of America)?|USA|U\.S\.A\.|Canada|United Kingdom|UK|Ireland|Germany|"
    r"France|Switzerland|India|Israel|Australia|Netherlands|Singapore|Japan|Sweden|Spain|Italy|"
    r"Belgium|Austria|Denmark|Norway|Finland|Poland|New Zealand|Brazil|Mexico)\s*\.?\s*$",
    re.IGNORECASE,
)

CONTACT_FORM = anchors.compile(
    r"\b(?:contact|web|online|request|support|privacy)[- ]?forms?\b|\bwebform\b|"
    r"\b(?:click|tap)\s+here\s+to\s+(?:contact|reach|email|write)|"
    r"\bcontact\s+(?:us\s+)?page\b|\bsupport\s+(?:portal|center|centre|page)\b|"
    r"\bsubmit\s+(?:a|your)\s+(?:request|ticket|inquiry)\s+(?:through|via|using|at|on)\b|"
    r"\bhelp\s+(?:center|centre)\b|\bprivacy\s+(?:portal|request\s+page)\b",
    re.IGNORECASE,
)
URL = anchors.compile(r"\bhttps?://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+", re.IGNORECASE)
_CONTACT_URL = anchors.compile(
    r"contact|support|help|privacy-?request|dsar|form|request", re.IGNORECASE
)

DPO = anchors.compile(
    r"\b(?:data\s+protection\s+officer|DPO|(?:chief\s+)?privacy\s+officer|"
    r"data\s+protection\s+(?:lead|manager|contact))\b",
    re.IGNORECASE,
)
EU_REP = anchors.compile(
    r"\b(?:EU|EEA|UK|European|Swiss)\s+(?:GDPR\s+)?representative|"
    r"\brepresentative\s+in\s+the\s+(?:EU|EEA|European\s+(?:Union|Economic\s+Area)|UK|United\s+Kingdom)|"
    r"\bArt(?:icle|\.)?\s*27\b",
    re.IGNORECASE,
)
_NO_DPO = anchors.compile(
    r"not\s+(?:required|obliged)\s+to\s+(?:appoint|designate)|(?:have|has)\s+not\s+(?:appointed|designated)|"
    r"no\s+(?:data\s+protection\s+officer|DPO)",
    re.IGNORECASE,
)

LEGAL_ENTITY = anchors.compile(
    r"\b((?:[A-Z][\w&'’.-]*\s+){0,4}?[A-Z][\w&'’-]*),?\s+"
    r"(Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.A\.S?\.?|SAS|SARL|S\.?r\.?l\.?|"
    r"B\.V\.|N\.V\.|Corp\.?|Corporation|PLC|plc|LLP|Pty\.?\s+Ltd\.?|Pvt\.?\s+Ltd\.?|Oy|ApS|AB)"
    r"(?![\w])"
)
# "Acme (“Acme”, “we”, “us”)": the organisation defines itself.
SELF_DEFINITION = anchors.compile(
    r"\b([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})\s*\(\s*(?:the\s+)?[“\"‘'](?:\1|we|us|our|"
    r"the\s+company|company)[”\"’']",
    re.IGNORECASE,
)
_TITLE_BEFORE = anchors.compile(
    r"^\s*(?:the\s+)?([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3}?)(?:[’']s)?\s+"
    r"(?:Online\s+)?Privacy\s+(?:Policy|Notice|Statement)\b"
)
_TITLE_AFTER = anchors.compile(
    r"Privacy\s+(?:Policy|Notice|Statement)\s*[|:–—-]\s*([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})\s*$"
)
_TITLE_TAGLINE = anchors.compile(r"^\s*([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,2})\s+[-–—|:]\s+\S")
_SUBJECT = anchors.compile(
    r"\b([A-Z][A-Za-z0-9&]+(?:\s[A-Z][A-Za-z0-9&]+)?)(?:[’']s)?\s+(?:may|will|is|takes|uses|collects|does|has|shall|respects|provides|needs|offers)\b"
)
_NOT_NAMES = frozenset(
    {
        "we",
        "you",
        "our",
        "your",
        "this",
        "the",
        "it",
        "they",
        "privacy",
        "policy",
        "website",
        "services",
        "service",
        "information",
        "personal",
        "data",
        "cookies",
        "cookie",
        "users",
        "company",
        "changes",
        "children",
        "if",
        "any",
        "such",
        "these",
        "those",
        "each",
        "all",
        "no",
        "a",
        "an",
        "in",
        "please",
        "when",
        "what",
        "how",
        "who",
        "which",
        "that",
        "there",
        "contact",
        "california",
        "general",
        "legal",
        "note",
        "online",
        "last",
        "updated",
    }
)
# Cue bits (see ``cues``): each extractor's necessary wording, so the clauses without it are
# skipped before any regex runs.
_EMAIL_CUES = cues.register("email", ("@", "[at", "(at", "[ a", "( a", "[  ", "(  "))
DIGIT_CUES = cues.register("digit", ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
_FORM_CUES = cues.register(
    "contact_form", ("form", "here", "contact", "portal", "submit", "help", "http", "www.")
)
_DPO_CUES = cues.register("dpo", ("officer", "dpo", "data protection"))
_EU_REP_CUES = cues.register("eu_representative", ("representative", "27"))
_ENTITY_CUES = cues.register(
    "legal_entity",
    ("inc", "llc", "ltd", "limited", "gmbh", "ag", "s.a", "sa", "corp", "plc", "llp", "b.v", "oy",
     "ab", "sarl", "s.r.l"),
)  # fmt: skip

_BANNER = anchors.compile(r"archived|wayback|snapshot|extracted and transformed", re.IGNORECASE)
_THIRD_PARTY_NAMES = frozenset(n.lower() for names in THIRD_PARTIES.values() for n in names)


@cues.gate(1 << _EMAIL_CUES)
def email_facts(view: ClauseView) -> list[Fact]:
    out: list[Fact] = []
    if not view.has(_EMAIL_CUES):
        return out
    if "@" in view.text:
        for m in EMAIL.finditer(view.text):
            address = m.group(0).rstrip(".-")
            if address.lower().split("@", 1)[1] in _PLACEHOLDER_DOMAINS:
                continue
            out.append(
                view.fact(
                    "email",
                    {"address": address, "role": _email_role(view, m.start(), address)},
                    m.start(),
                    m.start() + len(address),
                )
            )
    if "at" in view.lower and ("[" in view.text or "(" in view.text):
        for m in OBFUSCATED_EMAIL.finditer(view.text):
            domain = re.sub(
                r"\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*", ".", m.group(2), flags=re.IGNORECASE
            )
            address = f"{m.group(1)}@{domain}"
            out.append(
                view.fact(
                    "email",
                    {"address": address, "role": _email_role(view, m.start(), address)},
                    m.start(),
                    m.end(),
                )
            )
    return out


def _email_role(view: ClauseView, pos: int, address: str) -> str:
    local = address.split("@", 1)[0].lower()
    for role, pattern in _ROLE_BY_LOCAL:
        if pattern.search(local):
            return role
    sentence = view.sentence_text(pos).lower()
    if "data protection officer" in sentence or re.search(r"\bdpo\b", sentence):
        return "dpo"
    return "other"


@cues.gate(1 << DIGIT_CUES, PHONE, PHONE_AFTER_WORD)
def phone_facts(view: ClauseView) -> list[Fact]:
    if not view.has(DIGIT_CUES) or sum(map(view.text.count, "0123456789")) < 7:
        return []
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []
    candidates = [(m.start(), m.end()) for m in view.finditer(PHONE)]
    candidates += [(m.start("num"), m.end("num")) for m in view.finditer(PHONE_AFTER_WORD)]
    for start, end in sorted(candidates):
        number = view.text[start:end].rstrip(".- ")
        end = start + len(number)
        digits = sum(ch.isdigit() for ch in number)
        if not 7 <= digits <= 15 or any(s < end and start < e for s, e in taken):
            continue
        before = view.lower[max(0, start - 20) : start]
        if "fax" in before or re.search(
            r"\b(?:section|sections|§|code|no\.|number of)\s*$", before
        ):
            continue
        if re.fullmatch(r"(?:19|20)\d\d[\s./-]\d\d?[\s./-]\d\d?", number):  # a date
            continue
        toll_free = bool(_TOLL_FREE_PREFIX.search(number)) or bool(
            view.search(_TOLL_FREE_WORD, max(0, start - 40), start)
        )
        taken.append((start, end))
        out.append(view.fact("phone", {"number": number, "toll_free": toll_free}, start, end))
    return out


@cues.gate(1 << _FORM_CUES, CONTACT_FORM, URL)
def contact_form_facts(view: ClauseView) -> list[Fact]:
    out: list[Fact] = []
    if not view.has(_FORM_CUES):
        return out
    low = view.lower
    if (
        "form" in low
        or "here" in low
        or "contact" in low
        or "portal" in low
        or "submit" in low
        or "help" in low
    ):
        for m in view.finditer(CONTACT_FORM):
            s, e = view.sentence_at(m.start())
            url = URL.search(view.text, s, e)
            out.append(
                view.fact(
                    "contact_form",
                    {
                        "url": url.group(0).rstrip(".,;") if url else None,
                        "text": view.text[s:e][:200],
                    },
                    s,
                    e,
                )
            )
            break
    if not out and ("http" in low or "www." in low):
        for m in view.finditer(URL):
            url = m.group(0).rstrip(".,;")
            path = url.split("//", 1)[-1].split("/", 1)[1] if "/" in url.split("//", 1)[-1] else ""
            if path and _CONTACT_URL.search(path) and "contact" in low:
                out.append(
                    view.fact(
                        "contact_form",
                        {"url": url, "text": view.sentence_text(m.start())[:200]},
                        m.start(),
                        m.start() + len(url),
                    )
                )
                break
    return out


@cues.gate(1 << _DPO_CUES, DPO)
def dpo_facts(view: ClauseView, neighbour_has_contact: bool) -> list[Fact]:
    if not view.has(_DPO_CUES) or not (
        "officer" in view.lower or "dpo" in view.lower or "data protection" in view.lower
    ):
        return []
    m = view.search(DPO)
    if m is None or (m.group(0) == "dpo" and "@" not in view.text):
        return []
    if view.search(_NO_DPO):
        return []
    has_contact = "@" in view.text or bool(view.search(PHONE)) or neighbour_has_contact
    s, e = view.sentence_at(m.start())
    return [view.fact("dpo", {"text": view.text[s:e][:300], "has_contact": has_contact}, s, e)]


@cues.gate(1 << _EU_REP_CUES, EU_REP)
def eu_representative_facts(view: ClauseView) -> list[Fact]:
    if not view.has(_EU_REP_CUES):
        return []
    if "representative" not in view.lower and "27" not in view.lower:
        return []
    m = view.search(EU_REP)
    if m is None or view.negated(m.start(), m.end()):
        return []
    s, e = view.sentence_at(m.start())
    return [view.fact("eu_representative", {"text": view.text[s:e][:300]}, s, e)]


def address_facts(views: Sequence[ClauseView]) -> list[Fact]:
    """Postal addresses: a street line followed (within the clause or the next short clauses,
    as contact blocks are often one line per clause) by a postcode/city line or a country."""
    out: list[Fact] = []
    for i, view in enumerate(views):
        if (
            not view.has(DIGIT_CUES)
            or not view.search(_DIGIT)
            or not _STREET_WORD.search(view.text)
        ):
            continue
        for m in STREET.finditer(view.text):
            tail = view.text[m.start() : m.start() + 220]
            parts = [tail]
            if not (LOCALITY.search(tail, m.end() - m.start()) or _country_in(tail)):
                # Look into the following short clauses (a contact block split line by line).
                found = False
                for nxt in views[i + 1 : i + 5]:
                    if len(nxt.text) > 90:
                        break
                    parts.append(nxt.text)
                    if LOCALITY.search(nxt.text) or _COUNTRY_LINE.match(nxt.text):
                        found = True
                        if not any(_COUNTRY_LINE.match(v.text) for v in views[i + 1 : i + 5]):
                            break
                if not found:
                    continue
            end = _address_end(view.text, m.start())
            extra = [p for p in parts[1:] if _is_address_line(p)]
            pieces = [view.text[m.start() : end].strip(" ,")] + [p.strip(" ,") for p in extra]
            text = ", ".join(re.sub(r"\s*\n\s*", ", ", p) for p in pieces if p)
            text = re.sub(r",\s*,", ",", text)
            out.append(view.fact("address", {"text": text[:300]}, m.start(), end))
            break
    return out


def _country_in(text: str) -> bool:
    return any(_COUNTRY_LINE.match(line) for line in text.split("\n")[1:])


def _is_address_line(line: str) -> bool:
    return bool(LOCALITY.search(line) or _COUNTRY_LINE.match(line) or STREET.search(line)) or (
        len(line) < 50 and bool(re.fullmatch(r"[A-Z][\w .,'’-]*", line.strip()))
    )


def _address_end(text: str, start: int) -> int:
    """End of an address that starts at ``start``: the end of its last address-like line, or the
    end of the sentence for an address written inside a sentence."""
    lines_end = start
    pos = start
    for line in text[start:].split("\n")[:6]:
        if pos > start and not _is_address_line(line):
            break
        lines_end = pos + len(line)
        pos += len(line) + 1
        if "\n" not in text[start:]:
            break
    if "\n" not in text[start:lines_end]:
        # Inside a sentence: stop at the postcode/country that closes the address.
        window = text[start : start + 220]
        last = None
        for lm in LOCALITY.finditer(window):
            last = lm
        if last is not None:
            return start + last.end()
        sentence_end = re.search(r"\.\s|\.$|;", window)
        return start + (sentence_end.start() if sentence_end else len(window))
    return lines_end


def organization_fact(views: Sequence[ClauseView]) -> Fact | None:
    """The organisation the policy belongs to (one fact), chosen from legal entity names,
    self-definitions ("Acme (“we”)"), the title, then the most frequent subject."""
    best = (
        _legal_entity(views)
        or _self_definition(views)
        or _title_name(views)
        or _frequent_subject(views)
    )
    if best is None:
        return None
    view, start, end, name = best
    return view.fact("organization", {"name": name}, start, end)


def _usable(view: ClauseView) -> bool:
    return not view.search(_BANNER, 0, 200)


# One of these stands in every clause that names a legal entity (cheaper than LEGAL_ENTITY).
_ENTITY_SUFFIX = anchors.any_of(
    ("Inc", "LLC", "Ltd", "Limited", "GmbH", "AG", "S.A", "SA", "Corp", "PLC", "plc", "LLP",
     "B.V", "Oy", "AB", "SARL", "S.r.l")
)  # fmt: skip


def _legal_entity(views: Sequence[ClauseView]) -> tuple[ClauseView, int, int, str] | None:
    scores: Counter[str] = Counter()
    first: dict[str, tuple[ClauseView, int, int]] = {}
    for rank, view in enumerate(views):
        if not view.has(_ENTITY_CUES) or not _ENTITY_SUFFIX.search(view.text) or not _usable(view):
            continue
        for m in LEGAL_ENTITY.finditer(view.text):
            if view.search(_RECIPIENT_BEFORE, max(0, m.start() - 12), m.start()):
                continue  # "we share data with Acme, LLC": a recipient, not the author
            name = _clean_name(m.group(1))
            if not name or name.lower() in _NOT_NAMES or name.lower() in _THIRD_PARTY_NAMES:
                continue
            full = f"{name} {m.group(2)}"
            if name.split()[0].lower() in _THIRD_PARTY_NAMES:
                continue
            context = view.heading + " " + view.lower
            bonus = (
                3
                if rank < 8
                or "contact" in context
                or "covers" in context
                or "operated by" in context
                else 0
            )
            scores[full] += 1 + bonus
            first.setdefault(
                full, (view, m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip())), m.end())
            )
    if not scores:
        return None
    full, _score = max(scores.items(), key=lambda kv: (kv[1], -first[kv[0]][0].clause.order))
    view, start, end = first[full]
    return view, start, end, full


_RECIPIENT_BEFORE = anchors.compile(
    r"\b(?:with|to|through|via|using|uses?|from|including)\s+$", re.IGNORECASE
)


def _clean_name(raw: str) -> str:
    words = raw.split()
    # Drop leading sentence words ("The", "Contact", "Covers") that are not part of a name.
    while words and words[0].lower() in _NOT_NAMES | {
        "by",
        "covers",
        "of",
        "from",
        "to",
        "with",
        "and",
        "between",
    }:
        words = words[1:]
    return " ".join(words).strip(" ,")


def _self_definition(views: Sequence[ClauseView]) -> tuple[ClauseView, int, int, str] | None:
    for view in views[:40]:
        if "(" not in view.text:
            continue
        m = SELF_DEFINITION.search(view.text)
        if m:
            name = _clean_name(m.group(1))
            if name and name.lower() not in _NOT_NAMES:
                start = m.start(1) + m.group(1).find(name)
                return view, start, start + len(name), name
    return None


def _title_name(views: Sequence[ClauseView]) -> tuple[ClauseView, int, int, str] | None:
    for view in [v for v in views[:6] if _usable(v)][:3]:
        line = view.text.split("\n", 1)[0]
        if len(line) > 120:
            continue
        for pattern in (_TITLE_BEFORE, _TITLE_AFTER, _TITLE_TAGLINE):
            m = pattern.search(line)
            if m and m.group(1).split()[0].lower() not in _NOT_NAMES:
                return view, m.start(1), m.end(1), m.group(1).strip()
    return None


def _frequent_subject(views: Sequence[ClauseView]) -> tuple[ClauseView, int, int, str] | None:
    counts: Counter[str] = Counter()
    first: dict[str, tuple[ClauseView, int, int]] = {}
    for view in views:
        for m in _SUBJECT.finditer(view.text):
            name = m.group(1)
            if name.split()[0].lower() in _NOT_NAMES or name.lower() in _THIRD_PARTY_NAMES:
                continue
            counts[name] += 1
            first.setdefault(name, (view, m.start(1), m.end(1)))
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    if n < 2:
        return None
    view, start, end = first[name]
    return view, start, end, name
