"""Which laws a policy has to satisfy, and the yes/no conditions its requirements depend on.

Detection is a suggestion from the policy text, shown to the reviewer with its reasons and
evidence; a reviewer may force the set of regulations (``Scope.forced``). Rules, in short
(details in docs/compliance.md):

- GDPR: a territorial or GDPR-specific mention (GDPR, EU/EEA/UK, data controller, supervisory
  authority, legal basis ...), or three GDPR-style rights/grounds, unless the policy says it is
  for US users only and never names Europe.
- CCPA/CPRA: the policy addresses California consumers (CCPA/CPRA, "California residents",
  Do Not Sell, Civ. Code 1798.xxx). The revenue/volume thresholds cannot be seen in text.
- COPPA: the service is aimed at under-13s or knowingly collects from them with parental or
  school consent; "not intended for children under 13" alone does not bring it in.
- CalOPPA: applies by default to any commercial online service collecting PII, since it reaches
  every such operator with California users; off only when no personal data are collected.
- FERPA: schools/institutions and students or education records; SOPIPA: K-12 signals.
- PIPEDA: Canada; LGPD: Brazil.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policies.extraction.document import ClauseInput, Fact
from reviews.catalogue import CONDITIONS, REGULATIONS
from reviews.checks import patterns as P
from reviews.checks.index import (
    Evidence,
    Hit,
    LazyHits,
    PolicyIndex,
    build_index,
    rx,
)
from reviews.checks.outcome import distinct_at_least

COPPA_2025_COMPLIANCE_DATE = datetime.date(2025, 4, 22)


@dataclass(frozen=True, slots=True)
class ScopeDecision:
    regulation: str
    applies: bool
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    forced: bool = False


@dataclass(frozen=True)
class Scope:
    decisions: dict[str, ScopeDecision]
    conditions: dict[str, bool]

    def applies(self, regulation: str) -> bool:
        decision = self.decisions.get(regulation)
        return bool(decision and decision.applies)

    @property
    def regulations(self) -> tuple[str, ...]:
        return tuple(code for code in REGULATIONS if self.applies(code))

    @classmethod
    def forced(cls, regulations: Iterable[str], detected: Scope | None = None) -> Scope:
        """A reviewer's choice of laws; conditions still come from detection when given."""
        chosen = {code.strip().lower() for code in regulations if code.strip()}
        unknown = chosen - set(REGULATIONS)
        if unknown:
            raise ValueError(f"unknown regulation code(s): {', '.join(sorted(unknown))}")
        decisions = {}
        for code in REGULATIONS:
            before = detected.decisions.get(code) if detected else None
            applies = code in chosen
            reason = "Chosen by the reviewer." if applies else "Left out by the reviewer."
            decisions[code] = ScopeDecision(
                regulation=code,
                applies=applies,
                reasons=(reason, *(before.reasons if before else ())),
                evidence=before.evidence if before else (),
                forced=True,
            )
        conditions = dict(detected.conditions) if detected else {"always": True}
        for code, key in _REGULATION_CONDITION.items():
            if code in chosen:
                conditions[key] = True
        return cls(decisions=decisions, conditions=conditions)


# Regulation-level conditions that mirror a scope decision.
_REGULATION_CONDITION = {
    "coppa": "directed_to_children",
    "ferpa": "school_service",
    "sopipa": "k12_service",
}


def _found(index: PolicyIndex, pattern: re.Pattern[str], *, negatable: bool = True) -> LazyHits:
    """Lazy: a condition that only asks "is there one" stops the scan at the first hit."""
    hits = index.iter_hits(pattern)
    return LazyHits(h for h in hits if not index.negated(h)) if negatable else LazyHits(hits)


def _evidence(hits: Sequence[Hit], limit: int = 4) -> tuple[Evidence, ...]:
    seen, out = set(), []
    for hit in hits:
        if hit.clause.id in seen:
            continue
        seen.add(hit.clause.id)
        out.append(hit.evidence)
        if len(out) == limit:
            break
    return tuple(out)


def _quote(hits: Sequence[Hit]) -> str:
    return ", ".join(sorted({f'"{h.text.strip()}"' for h in hits[:3]}))


def _decide(code: str, yes: bool, reasons: list[str], hits: Sequence[Hit]) -> ScopeDecision:
    return ScopeDecision(code, yes, tuple(reasons), _evidence(hits) if yes else ())


def _gdpr(index: PolicyIndex) -> ScopeDecision:
    strong = _found(index, P.GDPR_STRONG, negatable=False)
    if strong:
        return _decide("gdpr", True, [f"Refers to EU/GDPR notions: {_quote(strong)}."], strong)
    weak = _found(index, P.GDPR_STYLE, negatable=False)
    us_only = _found(index, P.US_ONLY, negatable=False)
    if distinct_at_least((P.canonical(h.text) for h in weak), 3) and not us_only:
        reasons = [f"Uses GDPR-style rights and grounds: {_quote(weak)}."]
        return _decide("gdpr", True, reasons, weak)
    if us_only:
        return _decide("gdpr", False, ["The policy says it is for users in the United States."], [])
    return _decide("gdpr", False, ["No mention of the EU/EEA/UK or the GDPR."], [])


def _ccpa(index: PolicyIndex) -> ScopeDecision:
    hits = _found(index, P.CALIFORNIA_CONSUMER, negatable=False)
    if hits:
        reasons = [
            f"Addresses California consumers: {_quote(hits)}.",
            "Whether the business meets the CCPA thresholds cannot be seen in the text.",
        ]
        return _decide("ccpa", True, reasons, hits)
    return _decide("ccpa", False, ["Does not address California residents or the CCPA."], [])


def _coppa(index: PolicyIndex) -> ScopeDecision:
    directed = [
        f
        for f in index.facts_of("children")
        if f.value.get("directed_to_children") or f.value.get("consent") in ("parent", "school")
    ]
    hits = _found(index, P.CHILDREN_DIRECTED)
    if hits or directed:
        evidence_hits = hits
        reasons = [
            "Aimed at under-13s or collects from them with parental or school consent"
            + (f": {_quote(hits)}." if hits else ".")
        ]
        decision = _decide("coppa", True, reasons, evidence_hits)
        if directed and not hits:
            extra = tuple(Evidence(f.clause_id, f.start, f.end) for f in directed[:3])
            decision = ScopeDecision("coppa", True, decision.reasons, extra)
        return decision
    mention = _found(index, P.CHILDREN_MENTION, negatable=False)
    if mention:
        reasons = ["Mentions children only to say the service is not for them."]
        return ScopeDecision("coppa", False, tuple(reasons), ())
    return _decide("coppa", False, ["No sign the service is aimed at children under 13."], [])


def _caloppa(index: PolicyIndex) -> ScopeDecision:
    hits = _found(index, P.COLLECTS_PII, negatable=False)
    if hits or index.facts_of("data_category"):
        reasons = [
            "A commercial online service collecting personal information; CalOPPA reaches every "
            "such operator with California users (default rule)."
        ]
        return _decide("caloppa", True, reasons, hits)
    return _decide("caloppa", False, ["No collection of personal information is described."], [])


def _ferpa(index: PolicyIndex) -> ScopeDecision:
    school = _found(index, P.SCHOOL, negatable=False)
    student = _found(index, P.STUDENT, negatable=False)
    explicit = _found(index, P.FERPA_EXPLICIT, negatable=False)
    if explicit or (school and student):
        hits = explicit or (school[:2] + student[:2])
        reasons = [f"Used by schools with students' data: {_quote(hits)}."]
        return _decide("ferpa", True, reasons, hits)
    return _decide("ferpa", False, ["No sign that schools share student records."], [])


def _sopipa(index: PolicyIndex, coppa: ScopeDecision) -> ScopeDecision:
    k12 = _found(index, P.K12, negatable=False)
    young_students = _found(index, P.YOUNG_STUDENTS, negatable=False)
    if k12 or young_students:
        hits = k12 or young_students
        reasons = [f"Designed for K-12 school use: {_quote(hits)}."]
        return _decide("sopipa", True, reasons, hits)
    return _decide("sopipa", False, ["No sign of K-12 school use."], [])


def _country(code: str, pattern: re.Pattern[str], name: str, index: PolicyIndex) -> ScopeDecision:
    hits = _found(index, pattern, negatable=False)
    if hits:
        return _decide(code, True, [f"Refers to {name}: {_quote(hits)}."], hits)
    return _decide(code, False, [f"No reference to {name}."], [])


def _policy_date(index: PolicyIndex) -> datetime.date | None:
    for fact in index.facts_of("last_updated"):
        try:
            return datetime.date.fromisoformat(fact.value["date"])
        except (KeyError, TypeError, ValueError):
            continue
    return P.own_last_updated(index)


def _conditions(index: PolicyIndex, decisions: dict[str, ScopeDecision]) -> dict[str, bool]:
    def any_of(pattern: re.Pattern[str], negatable: bool = True) -> bool:
        return bool(_found(index, pattern, negatable=negatable))

    def fact(kind: str, **want: object) -> bool:
        return any(all(f.value.get(k) == v for k, v in want.items()) for f in index.facts_of(kind))

    sale_facts = index.facts_of("sale") + index.facts_of("shares_for_ads")
    date = _policy_date(index)
    conditions = {
        "always": True,
        "not_established_in_eu": P.established_outside_eu(index),
        "has_dpo": bool(index.facts_of("dpo")) or any_of(P.DPO),
        "relies_on_legitimate_interests": fact("legal_basis", basis="legitimate_interests")
        or any_of(P.LEGITIMATE_INTEREST, negatable=False),
        "relies_on_consent": fact("legal_basis", basis="consent") or any_of(P.CONSENT_BASIS),
        "discloses_to_recipients": bool(index.facts_of("recipient_category"))
        or bool(index.facts_of("third_party"))
        or any_of(P.DISCLOSES),
        "transfers_outside_eea": bool(index.facts_of("transfer")) or any_of(P.TRANSFER),
        "collects_from_data_subject": bool(index.facts_of("data_category"))
        or any_of(P.COLLECTS_PII, negatable=False),
        "automated_decisions": any_of(P.AUTOMATED_DECISION),
        "new_purpose_processing": any_of(P.NEW_PURPOSE, negatable=False),
        "data_from_other_sources": fact("data_source", source="third_party")
        or fact("data_source", source="school_employer")
        or any_of(P.OTHER_SOURCES),
        "sells_or_shares": any(
            (f.value.get("sells") or f.value.get("shares")) and not f.value.get("negated")
            for f in sale_facts
        )
        or any_of(P.SELLS)
        or any_of(P.AD_SHARING),
        "uses_sensitive_beyond_permitted": any_of(P.SENSITIVE_BEYOND, negatable=False),
        "offers_financial_incentive": any_of(P.FINANCIAL_INCENTIVE),
        "sells_or_shares_under_16": any_of(P.SELLS_MINORS),
        "large_business_10m": any_of(P.TEN_MILLION, negatable=False),
        "coppa_2025_amendments": date is None or date >= COPPA_2025_COMPLIANCE_DATE,
        "uses_persistent_identifiers_internal": any_of(P.PERSISTENT_INTERNAL, negatable=False),
        "collects_child_audio": any_of(P.CHILD_AUDIO),
        "school_consent_for_children": any_of(P.SCHOOL_CONSENT, negatable=False),
        "has_review_process": any_of(P.ACCOUNTS, negatable=False),
        "tracks_across_sites": bool(index.facts_of("third_party"))
        and any_of(P.TRACKING_HINT)
        or any_of(P.THIRD_PARTY_TRACKING),
        "shares_with_affiliates": any_of(P.AFFILIATES),
    }
    for code, key in _REGULATION_CONDITION.items():
        conditions[key] = decisions[code].applies
    missing = set(CONDITIONS) - set(conditions)
    assert not missing, f"conditions without a detector: {missing}"
    return conditions


def detect_scope_from_index(index: PolicyIndex) -> Scope:
    decisions = {
        "gdpr": _gdpr(index),
        "ccpa": _ccpa(index),
        "coppa": _coppa(index),
        "caloppa": _caloppa(index),
        "ferpa": _ferpa(index),
        "pipeda": _country("pipeda", P.CANADA, "Canada or PIPEDA", index),
        "lgpd": _country("lgpd", P.BRAZIL, "Brazil or the LGPD", index),
    }
    decisions["sopipa"] = _sopipa(index, decisions["coppa"])
    ordered = {code: decisions[code] for code in REGULATIONS}
    return Scope(decisions=ordered, conditions=_conditions(index, ordered))


def detect_scope(text: str, clauses: Sequence[ClauseInput], facts: Sequence[Fact]) -> Scope:
    """Suggest which regulations apply and answer the condition vocabulary from the text."""
    return detect_scope_from_index(build_index(text, clauses, facts))


__all__ = ["Scope", "ScopeDecision", "detect_scope", "detect_scope_from_index", "rx"]
