"""Reads of the reviews app."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from policies import selectors as policy_selectors
from policies.extraction.document import ClauseInput, Fact as FactRecord
from policies.models import Clause, PolicyVersion, Prediction
from reviews import catalogue, scope
from reviews.models import Finding, FindingEvidence, Requirement, VersionRating, VersionScope


def requirement_specs() -> list[catalogue.RequirementSpec]:
    """The active requirements as engine input (built-in and team-added)."""
    return [r.as_spec() for r in Requirement.objects.filter(active=True).order_by("regulation", "id")]


def scope_to_json(detected: scope.Scope) -> dict:
    return {
        "decisions": {
            code: {
                "applies": d.applies,
                "reasons": list(d.reasons),
                "evidence": [
                    {"clause_id": e.clause_id, "start": e.start, "end": e.end} for e in d.evidence
                ],
            }
            for code, d in detected.decisions.items()
        },
        "conditions": detected.conditions,
    }


def version_pipeline_inputs(*, version: PolicyVersion) -> tuple[list[ClauseInput], list[FactRecord]]:
    """The stored clauses (with their predicted categories) and facts, as engine input."""
    text = version.text
    clauses = [
        ClauseInput(
            id=c.pk, order=c.order, start=c.start, end=c.end, text=c.text_in(text), kind=c.kind,
            heading=c.heading, heading_path=tuple(c.heading_path),
            categories={p.label: p.confidence for p in c.predictions.all()},
        )
        for c in Clause.objects.filter(version=version)
        .prefetch_related(Prefetch("predictions", queryset=Prediction.objects.all()))
        .order_by("order")
    ]
    facts = [
        FactRecord(f.kind, f.value, f.clause_id, f.start, f.end)
        for f in version.facts.order_by("start", "kind")
    ]
    return clauses, facts


def applied_regulations(*, version: PolicyVersion) -> dict:
    """The scope as applied (chosen by a reviewer, else detected), with reasons."""
    version_scope = VersionScope.objects.filter(version=version).first()
    if version_scope is None:
        return {}
    decisions = version_scope.detected.get("decisions", {})
    result = {}
    for code, name in catalogue.REGULATIONS.items():
        detected = decisions.get(code, {"applies": False, "reasons": [], "evidence": []})
        if version_scope.chosen is not None:
            applies = code in version_scope.chosen
            reasons = ["Chosen by a reviewer." if applies else "Left out by a reviewer."]
            reasons += detected["reasons"]
        else:
            applies, reasons = detected["applies"], detected["reasons"]
        result[code] = {
            "name": name, "applies": applies, "reasons": reasons,
            "chosen": version_scope.chosen is not None, "evidence": detected["evidence"],
        }
    return result


def version_findings(*, version: PolicyVersion, gaps_only: bool = False) -> QuerySet[Finding]:
    findings = (
        Finding.objects.filter(version=version)
        .select_related("requirement")
        .prefetch_related(
            Prefetch(
                "spans",
                queryset=FindingEvidence.objects.select_related("clause").order_by("role", "start"),
            )
        )
    )
    if gaps_only:
        findings = findings.filter(status__in=[Finding.Status.MISSING, Finding.Status.PARTIAL])
    return findings.order_by("regulation", "requirement_id", "pk")


@dataclass(frozen=True)
class Quote:
    """An evidence span with a little of its clause around it, for reading in place."""

    clause_id: int
    start: int
    end: int
    text: str
    before: str = ""
    after: str = ""


_CONTEXT = 90


def _quote(span: FindingEvidence, text: str) -> Quote:
    clause = span.clause
    lo = max(clause.start, span.start - _CONTEXT)
    hi = min(clause.end, span.end + _CONTEXT)
    before, after = text[lo : span.start], text[span.end : hi]
    # Start at a sentence start or word boundary when the context was cut.
    if lo > clause.start:
        cut = max(before.rfind(". "), before.rfind("; "))
        before = before[cut + 2 :] if cut >= 0 else "…" + before.split(" ", 1)[-1]
    if hi < clause.end:
        cut = after.find(". ")
        after = after[: cut + 1] if cut >= 0 else after.rsplit(" ", 1)[0] + "…"
    return Quote(span.clause_id, span.start, span.end, text[span.start : span.end], before, after)


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    quotes: list[Quote]
    considered: list[Clause]


@dataclass(frozen=True)
class RegulationFindings:
    code: str
    name: str
    findings: list[FindingView]
    coverage: dict


def _finding_view(finding: Finding, text: str) -> FindingView:
    spans = finding.spans.all()
    return FindingView(
        finding,
        [_quote(s, text) for s in spans if s.role == FindingEvidence.Role.EVIDENCE],
        [s.clause for s in spans if s.role == FindingEvidence.Role.CONSIDERED],
    )


def findings_by_regulation(*, version: PolicyVersion, gaps_only: bool = False) -> list[RegulationFindings]:
    """Findings grouped by regulation (catalogue order), gaps first within each group."""
    order = {"missing": 0, "partial": 1, "satisfied": 2, "not_applicable": 3}
    rating = VersionRating.objects.filter(version=version).first()
    grouped: dict[str, list[FindingView]] = defaultdict(list)
    text = version.text
    for finding in version_findings(version=version, gaps_only=gaps_only):
        grouped[finding.regulation].append(_finding_view(finding, text))
    return [
        RegulationFindings(
            code,
            name,
            sorted(
                grouped[code],
                key=lambda v: (order.get(v.finding.status, 9), v.finding.requirement_id or ""),
            ),
            (rating.coverage.get(code, {}) if rating else {}),
        )
        for code, name in catalogue.ALL_REGULATIONS.items()
        if grouped.get(code)
    ]


def version_rating(*, version: PolicyVersion) -> VersionRating | None:
    return VersionRating.objects.filter(version=version).first()


def version_analysis(*, version: PolicyVersion) -> dict:
    """The full ``analyze --json`` entry of a version (docs/analyze-json.md)."""
    entry = policy_selectors.version_export(version=version)
    text = entry["text"]
    entry["regulations"] = applied_regulations(version=version)
    entry["findings"] = [
        {
            "requirement": f.requirement_id or f"manual-{f.pk}",
            "regulation": catalogue.ALL_REGULATIONS.get(f.regulation, f.regulation),
            "status": f.status,
            "confidence": round(f.confidence, 3),
            "evidence": [
                {"clause_id": s.clause_id, "start": s.start, "end": s.end, "quote": text[s.start : s.end]}
                for s in f.spans.all()
                if s.role == FindingEvidence.Role.EVIDENCE
            ],
            "considered": [s.clause_id for s in f.spans.all() if s.role == FindingEvidence.Role.CONSIDERED],
            "rationale": f.rationale,
        }
        for f in version_findings(version=version)
    ]
    rating = version_rating(version=version)
    entry["rating"] = (
        {"overall": rating.overall, "reasons": rating.reasons, "coverage": rating.coverage}
        if rating else None
    )
    return entry
