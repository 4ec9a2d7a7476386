"""Overall rating of a policy from its verdicts: coverage per regulation, gaps, Pass/Warning/Fail.

Rubric (in the spirit of ed-tech vetting programmes; documented in docs/compliance.md):
- Fail: no way to contact the organisation at all, no description of what is collected, or the
  policy says it sells children's or students' data.
- Warning: any applicable ``disclosure`` requirement is missing.
- Pass: otherwise (partials and missing commitments/guidance lower coverage but do not warn).
Coverage = (satisfied + partial / 2) / applicable, where applicable excludes not_applicable
verdicts and alternatives (an alternative only ever helps its sibling).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviews.catalogue import REGULATIONS, RequirementSpec
from reviews.checks.engine import Verdict

PASS, WARNING, FAIL = "Pass", "Warning", "Fail"

# Requirements whose absence means nobody can reach the organisation or learn what it collects.
CONTACT_CHECKS = ("contact", "controller_identity", "coppa_operator_contact")
COLLECTION_CHECKS = ("data_categories", "ccpa_categories", "coppa_collection", "categories_and_use")


@dataclass(frozen=True, slots=True)
class RegulationCoverage:
    regulation: str
    name: str
    applicable: int
    satisfied: int
    partial: int
    missing: int
    coverage: float  # 0-1
    gaps: tuple[str, ...]  # requirement ids judged missing or partial


@dataclass(frozen=True, slots=True)
class Rating:
    overall: str  # Pass | Warning | Fail
    reasons: tuple[str, ...]
    per_regulation: dict[str, RegulationCoverage]


def rate(
    verdicts: Sequence[Verdict],
    requirements: Sequence[RequirementSpec],
    *,
    sells_children_data: bool = False,
    has_contact: bool | None = None,
) -> Rating:
    """Rate a policy. ``sells_children_data`` comes from scope conditions/facts when known
    (e.g. ``conditions["sells_or_shares_under_16"]``, or a sale stated by a K-12 service).
    ``has_contact`` (``checks.has_contact(index)``) decides the no-contact Fail when given;
    otherwise it is inferred from the contact verdicts, where a name-only partial hides it."""
    specs = {s.id: s for s in requirements}
    per: dict[str, RegulationCoverage] = {}
    for code in REGULATIONS:
        mine = [v for v in verdicts if v.regulation == code]
        if not mine:
            continue
        counted = [
            v
            for v in mine
            if v.status != "not_applicable"
            and (
                specs.get(v.requirement_id) is None or specs[v.requirement_id].kind != "alternative"
            )
        ]
        sat = sum(v.status == "satisfied" for v in counted)
        par = sum(v.status == "partial" for v in counted)
        mis = sum(v.status == "missing" for v in counted)
        coverage = (sat + par / 2) / len(counted) if counted else 1.0
        gaps = tuple(v.requirement_id for v in counted if v.status in ("missing", "partial"))
        per[code] = RegulationCoverage(
            code, REGULATIONS[code], len(counted), sat, par, mis, round(coverage, 3), gaps
        )

    def status_of(checks: Sequence[str]) -> list[str]:
        return [
            v.status
            for v in verdicts
            if v.requirement_id in specs and specs[v.requirement_id].check in checks
        ]

    fail: list[str] = []
    contact = status_of(CONTACT_CHECKS)
    no_contact = (
        (not has_contact)
        if has_contact is not None
        else (bool(contact) and all(s == "missing" for s in contact))
    )
    if no_contact:
        fail.append("No way to contact the organisation is given.")
    collection = status_of(COLLECTION_CHECKS)
    if collection and all(s == "missing" for s in collection):
        fail.append("The policy does not say what personal information is collected.")
    if sells_children_data:
        fail.append("The policy states that children's or students' data are sold.")
    if fail:
        return Rating(FAIL, tuple(fail), per)
    missing_disclosures = [
        v.requirement_id
        for v in verdicts
        if v.status == "missing"
        and specs.get(v.requirement_id) is not None
        and specs[v.requirement_id].kind == "disclosure"
    ]
    if missing_disclosures:
        shown = ", ".join(missing_disclosures[:6]) + (
            " ..." if len(missing_disclosures) > 6 else ""
        )
        return Rating(
            WARNING, (f"{len(missing_disclosures)} required disclosure(s) missing: {shown}.",), per
        )
    return Rating(PASS, ("Every applicable required disclosure is at least partly present.",), per)
