"""The check engine: one verdict per requirement of each regulation in scope.

Regulations out of scope get no verdicts at all (the reviewer sees the scope decision instead);
requirements of an in-scope regulation whose condition fails get ``not_applicable`` with the
reason. Each requirement names a rule (``check``); unknown names, e.g. internal requirements an
admin added, fall back to the generic cue-phrase rule.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policies.extraction.document import ClauseInput, Fact
from reviews.catalogue import CONDITIONS, RequirementSpec
from reviews.checks import rules_general as G, rules_us as U
from reviews.checks.index import Evidence, PolicyIndex, build_index, cue_pattern, is_negated
from reviews.checks.outcome import (
    MISSING,
    NOT_APPLICABLE,
    PARTIAL,
    SATISFIED,
    Outcome,
    Rule,
    clause_ids,
    miss,
    sat,
)

if TYPE_CHECKING:
    from reviews.scope import Scope

ENGINE_VERSION = "2026.11.1"


@dataclass(frozen=True, slots=True)
class Verdict:
    requirement_id: str
    regulation: str
    status: str  # satisfied | partial | missing | not_applicable
    confidence: float
    evidence: tuple[Evidence, ...]
    considered: tuple[int, ...]
    rationale: str


RULES: dict[str, Rule] = {
    name: getattr(module, name)
    for module, names in (
        (
            G,
            "contact organization_identity controller_identity coppa_operator_contact "
            "eu_representative dpo_contact purposes legal_basis legitimate_interests recipients "
            "transfers retention gdpr_rights right_erasure right_rectification right_access "
            "withdraw_consent complaint_authority provision_requirement automated_decisions "
            "further_processing other_source_categories other_source_origin data_categories "
            "categories_and_use review_and_change policy_changes last_updated security dnt third_party_tracking "
            "tracking_choice_link accountable_person affiliates processing_agents lgpd_rights",
        ),
        (
            U,
            "ccpa_categories sources ccpa_sold_shared ccpa_business_purpose_disclosure "
            "ccpa_under_16 ccpa_sensitive ccpa_right_to_know ccpa_opt_out ccpa_limit "
            "non_discrimination ccpa_request_methods verification authorized_agent gpc "
            "financial_incentive minors_opt_in request_metrics coppa_collection coppa_use "
            "coppa_disclosure coppa_retention coppa_persistent_identifiers coppa_audio "
            "coppa_parental_rights coppa_school_consent ferpa_school_official ferpa_redisclosure "
            "ferpa_rights_via_school sopipa_no_targeted_ads sopipa_no_profiling sopipa_no_sale "
            "sopipa_limited_disclosure sopipa_deletion",
        ),
    )
    for name in names.split()
}


@functools.lru_cache(maxsize=1024)
def _cues(cues: tuple[str, ...]):
    return cue_pattern(cues)


def generic_cue_rule(spec: RequirementSpec, index: PolicyIndex, conds: dict[str, bool]) -> Outcome:
    """For requirements without a built-in rule: satisfied when a cue phrase appears outside a
    table of contents and not in a negated sentence; low confidence either way."""
    pattern = _cues(spec.cues)
    hits = [h for h in index.search(pattern) if not is_negated(h)] if pattern else []
    if hits:
        return sat(hits[:3], f'Cue phrase "{hits[0].text}" found (generic rule).', confidence=0.5)
    return miss(
        "None of the requirement's cue phrases appear in the policy (generic rule).", confidence=0.5
    )


def _verdict(spec: RequirementSpec, outcome: Outcome, index: PolicyIndex) -> Verdict:
    pattern = _cues(spec.cues)
    cue_clauses = index.clauses_matching(pattern) if pattern else []
    considered_clauses = [h.clause for h in outcome.hits] + list(outcome.considered) + cue_clauses
    considered = tuple(dict.fromkeys(c.id for c in considered_clauses))
    rationale = outcome.rationale
    if outcome.status == MISSING and considered and "lause" not in rationale:
        rationale += (
            f" Clauses {clause_ids(considered_clauses)} were considered but do not state it."
        )
    evidence = tuple(dict.fromkeys(h.evidence for h in outcome.hits))
    return Verdict(
        spec.id,
        spec.regulation,
        outcome.status,
        round(outcome.confidence, 2),
        evidence if outcome.status in (SATISFIED, PARTIAL) else (),
        considered,
        rationale,
    )


def evaluate(
    requirements: Sequence[RequirementSpec],
    clauses: Sequence[ClauseInput],
    facts: Sequence[Fact],
    scope: Scope,
    text: str,
) -> list[Verdict]:
    """Judge each requirement of the in-scope regulations against one policy."""
    index = build_index(text, clauses, facts)
    return evaluate_index(requirements, index, scope)


def evaluate_index(
    requirements: Sequence[RequirementSpec], index: PolicyIndex, scope: Scope
) -> list[Verdict]:
    conds = scope.conditions
    verdicts: dict[str, Verdict] = {}
    for spec in requirements:
        if not scope.applies(spec.regulation):
            continue
        if not conds.get(spec.condition, False):
            why = CONDITIONS.get(spec.condition, spec.condition)
            verdicts[spec.id] = Verdict(
                spec.id,
                spec.regulation,
                NOT_APPLICABLE,
                0.6,
                (),
                (),
                f"Not required here: no sign in the policy that {why[0].lower()}{why[1:]}",
            )
            continue
        rule = RULES.get(spec.check, generic_cue_rule)
        verdicts[spec.id] = _verdict(spec, rule(spec, index, conds), index)
    _apply_alternatives(requirements, verdicts)
    return list(verdicts.values())


def _apply_alternatives(requirements: Sequence[RequirementSpec], verdicts: dict[str, Verdict]):
    """A satisfied alternative (e.g. CalOPPA (b)(7)) meets its sibling item."""
    for spec in requirements:
        alt = verdicts.get(spec.id)
        if spec.alternative_of is None or alt is None or alt.status != SATISFIED:
            continue
        target = verdicts.get(spec.alternative_of)
        if target is not None and target.status in (MISSING, PARTIAL):
            verdicts[target.requirement_id] = Verdict(
                target.requirement_id,
                target.regulation,
                SATISFIED,
                alt.confidence,
                alt.evidence,
                tuple(dict.fromkeys(target.considered + alt.considered)),
                f"Met through the alternative {spec.id}: {alt.rationale}",
            )
