"""``facts_summary``: the ``facts`` object of ``analyze --json`` (schema in ``docs/facts.md``).

Lists are deduplicated by their normalised value (first occurrence wins, as evidence), so the
summary says *what* the policy states and *where* it first says it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from policies.extraction.document import Fact
from policies.extraction.facts.dates import find_last_updated

_STANCE_RANK = {"does_not_honor": 2, "honors": 2, "mentioned": 1}


def _entry(fact: Fact, **fields: Any) -> dict[str, Any]:
    return {
        **(fields or fact.value),
        "clause_id": fact.clause_id,
        "start": fact.start,
        "end": fact.end,
    }


def _unique(facts: Sequence[Fact], kind: str, key: Callable[[dict], Any]) -> list[dict[str, Any]]:
    seen: set[Any] = set()
    out = []
    for f in facts:
        if f.kind != kind:
            continue
        k = key(f.value)
        if k in seen:
            continue
        seen.add(k)
        out.append(_entry(f))
    return out


def _first_non_null(
    entries: list[dict[str, Any]], facts: Sequence[Fact], kind: str, key: str, field: str
) -> None:
    """Fill ``field`` of each deduplicated entry from a later duplicate when the first had none."""
    by_key = {e[key]: e for e in entries}
    for f in facts:
        if f.kind == kind and f.value.get(field) is not None:
            entry = by_key.get(f.value[key])
            if entry is not None and entry.get(field) is None:
                entry[field] = f.value[field]


def facts_summary(facts: Sequence[Fact], text: str) -> dict[str, Any]:
    """The document-level digest of ``facts`` (as returned by ``extract_facts`` for ``text``)."""
    facts = sorted(facts, key=lambda f: (f.start, f.end))
    by_kind: dict[str, list[Fact]] = {}
    for f in facts:
        by_kind.setdefault(f.kind, []).append(f)

    org = by_kind.get("organization", [])
    dated = [f for f in by_kind.get("last_updated", []) if f.value["label"] == "last_updated"]
    dated = dated or by_kind.get("last_updated", [])
    if dated:
        last_updated = max(f.value["date"] for f in dated)
    else:
        found = find_last_updated(text)
        last_updated = found[0].isoformat() if found else None

    data_categories = _unique(facts, "data_category", lambda v: v["category"])
    _first_non_null(data_categories, facts, "data_category", "category", "source")
    rights = _unique(facts, "right", lambda v: v["right"])
    _first_non_null(rights, facts, "right", "right", "method")

    children = by_kind.get("children", [])
    ages = [f.value["min_age"] for f in children if f.value["min_age"] is not None]
    directed = [
        f.value["directed_to_children"]
        for f in children
        if f.value["directed_to_children"] is not None
    ]
    consents = [f.value["consent"] for f in children if f.value["consent"] is not None]

    sale = by_kind.get("sale", [])
    ads = by_kind.get("shares_for_ads", [])
    vague = by_kind.get("vague_term", [])
    per_clause = Counter(f.clause_id for f in vague)
    terms = Counter(f.value["term"] for f in vague)

    return {
        "organization": org[0].value["name"] if org else None,
        "emails": _unique(facts, "email", lambda v: v["address"].lower()),
        "phones": _unique(facts, "phone", lambda v: re.sub(r"\D", "", v["number"])),
        "addresses": _unique(facts, "address", lambda v: v["text"].lower()),
        "last_updated": last_updated,
        "data_categories": data_categories,
        "purposes": _unique(facts, "purpose", lambda v: v["purpose"]),
        "third_parties": _unique(facts, "third_party", lambda v: v["name"].lower()),
        "retention": [
            _entry(
                f,
                text=f.value["text"],
                period_days=f.value["period_days"],
                trigger=f.value["trigger"],
                vague=f.value["vague"],
            )
            for f in by_kind.get("retention", [])
        ],
        "rights": rights,
        "children": {
            "min_age": min(ages) if ages else None,
            "directed_to_children": (any(directed) if directed else None),
            "consent": consents[0] if consents else None,
        },
        "dnt": _stance(by_kind.get("dnt", [])),
        "transfers": [_entry(f) for f in by_kind.get("transfer", [])],
        "sells_data": (any(f.value["sells"] for f in sale) if sale else None),
        "shares_for_ads": (any(f.value["shares"] for f in ads) if ads else None),
        "vague_terms": {
            "total": len(vague),
            "per_clause": {str(k): n for k, n in sorted(per_clause.items())},
            "terms": dict(terms.most_common()),
        },
    }


def _stance(facts: Sequence[Fact]) -> str | None:
    """The most specific stance stated (an explicit stance beats a mere mention)."""
    if not facts:
        return None
    return max(facts, key=lambda f: _STANCE_RANK[f.value["stance"]]).value["stance"]
