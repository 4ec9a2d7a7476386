"""State changes of the reviews app: the requirement catalogue, scope, findings and ratings."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from policies.extraction.document import ClauseInput, Fact as FactRecord
from policies.models import ExtractionRun, PolicyVersion
from reviews import catalogue, checks, rating, scope, selectors
from reviews.models import Finding, FindingEvidence, Requirement, VersionRating, VersionScope


def requirements_sync_from_catalogue(*, path=None) -> tuple[int, int]:
    """Load the bundled catalogue into the database: built-in requirements are created or
    updated to the file's text; team-added requirements are never touched. Returns (created,
    updated)."""
    specs = catalogue.load_catalogue(path)
    version = catalogue.catalogue_file_version(path) or catalogue.CATALOGUE_VERSION
    created = updated = 0
    for spec in specs:
        _, was_created = Requirement.objects.update_or_create(
            id=spec.id,
            defaults={
                "regulation": spec.regulation, "citation": spec.citation, "title": spec.title,
                "must_disclose": spec.must_disclose, "applies_when": spec.applies_when,
                "condition": spec.condition, "kind": spec.kind, "cues": list(spec.cues),
                "alternative_of": spec.alternative_of or "", "rule": spec.check,
                "is_builtin": True, "catalogue_version": version,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated


def checks_stage(
    *, run: ExtractionRun, version: PolicyVersion, clauses: Sequence[ClauseInput],
    facts: Sequence[FactRecord],
) -> None:
    """The pipeline's last stage (wired in settings.POLICY_PIPELINE_EXTRA_STAGES): detect the
    scope, judge every requirement, store findings and the rating. Runs inside the run's
    final transaction."""
    findings_compute_and_store(version=version, run=run, clauses=clauses, facts=facts)


def findings_compute_and_store(
    *, version: PolicyVersion, run: ExtractionRun | None, clauses: Sequence[ClauseInput],
    facts: Sequence[FactRecord],
) -> list[checks.Verdict]:
    specs = selectors.requirement_specs()
    index = checks.build_index(version.text, clauses, facts)
    detected = scope.detect_scope_from_index(index)
    version_scope, _ = VersionScope.objects.update_or_create(
        version=version, defaults={"detected": selectors.scope_to_json(detected)}
    )
    applied = _with_internal(
        scope.Scope.forced(version_scope.chosen, detected)
        if version_scope.chosen is not None
        else detected
    )
    verdicts = checks.evaluate_index(specs, index, applied)
    spans = {c.id: (c.start, c.end) for c in clauses}
    _findings_store(version=version, run=run, verdicts=verdicts, clause_spans=spans)
    _rating_store(
        version=version, verdicts=verdicts, specs=specs, applied=applied, facts=facts,
        has_contact=checks.has_contact(index),
    )
    return verdicts


def _with_internal(applied: scope.Scope) -> scope.Scope:
    """A team's internal requirements apply to every policy, whatever the legal scope."""
    internal = scope.ScopeDecision(
        catalogue.INTERNAL, True, ("The team's internal requirements apply to every policy.",), ()
    )
    return scope.Scope({**applied.decisions, catalogue.INTERNAL: internal}, applied.conditions)


@transaction.atomic
def findings_refresh(*, version: PolicyVersion) -> list[checks.Verdict]:
    """Judge a version again from its stored clauses and facts (after a scope or catalogue
    change). Fast: no reading, segmenting or classifying."""
    clauses, facts = selectors.version_pipeline_inputs(version=version)
    return findings_compute_and_store(version=version, run=None, clauses=clauses, facts=facts)


@transaction.atomic
def version_scope_choose(
    *, version: PolicyVersion, regulations: Sequence[str] | None, by: AbstractBaseUser | None
) -> VersionScope:
    """A reviewer chooses the regulations that apply (None: back to the detected scope), and the
    findings are judged again under it."""
    if regulations is not None:
        unknown = set(regulations) - set(catalogue.REGULATIONS)
        if unknown:
            raise ValidationError(
                f"Unknown regulation(s): {', '.join(sorted(unknown))}.", code="bad_regulation"
            )
    version_scope, _ = VersionScope.objects.select_for_update().get_or_create(version=version)
    version_scope.chosen = sorted(set(regulations)) if regulations is not None else None
    version_scope.chosen_by, version_scope.chosen_at = by, timezone.now()
    version_scope.save(update_fields=["chosen", "chosen_by", "chosen_at", "updated_at"])
    if version.clauses.exists():
        findings_refresh(version=version)
    return version_scope


def _findings_store(
    *, version: PolicyVersion, run: ExtractionRun | None, verdicts: Sequence[checks.Verdict],
    clause_spans: dict[int, tuple[int, int]],
) -> None:
    """Upsert one automated finding per requirement, in place, so that decisions attached to a
    finding survive reruns; automated findings of requirements no longer judged are removed."""
    existing = {
        f.requirement_id: f
        for f in Finding.objects.select_for_update()
        .filter(version=version, origin=Finding.Origin.AUTOMATED)
        .order_by("pk")
    }
    wanted = {v.requirement_id for v in verdicts}
    stale = [f.pk for rid, f in existing.items() if rid not in wanted]
    Finding.objects.filter(pk__in=stale).delete()
    common = {
        "run": run,
        "engine_version": checks.ENGINE_VERSION,
        "catalogue_version": catalogue.CATALOGUE_VERSION,
    }
    to_create, to_update = [], []
    for verdict in verdicts:
        finding = existing.get(verdict.requirement_id)
        fields = {
            "regulation": verdict.regulation,
            "status": verdict.status,
            "confidence": max(0.0, min(1.0, verdict.confidence)),
            "rationale": verdict.rationale,
            **common,
        }
        if finding is None:
            to_create.append(
                Finding(version=version, requirement_id=verdict.requirement_id,
                        origin=Finding.Origin.AUTOMATED, **fields)
            )
            continue
        changed = any(getattr(finding, k) != v for k, v in fields.items() if k != "run")
        for key, value in fields.items():
            setattr(finding, key, value)
        if changed:
            finding.lock_version += 1
        to_update.append(finding)
    Finding.objects.bulk_create(to_create)
    Finding.objects.bulk_update(
        to_update,
        ["regulation", "status", "confidence", "rationale", "run", "engine_version",
         "catalogue_version", "lock_version", "updated_at"],
    )
    by_requirement = {f.requirement_id: f for f in [*to_create, *to_update]}
    FindingEvidence.objects.filter(finding__in=list(by_requirement.values())).delete()
    spans = []
    for verdict in verdicts:
        finding = by_requirement[verdict.requirement_id]
        spans += [
            FindingEvidence(finding=finding, clause_id=e.clause_id, start=e.start, end=e.end,
                            role=FindingEvidence.Role.EVIDENCE)
            for e in verdict.evidence
        ]
        evidence_clauses = {e.clause_id for e in verdict.evidence}
        # A considered clause is cited whole.
        spans += [
            FindingEvidence(finding=finding, clause_id=clause_id, role=FindingEvidence.Role.CONSIDERED,
                            start=clause_spans[clause_id][0], end=clause_spans[clause_id][1])
            for clause_id in verdict.considered
            if clause_id not in evidence_clauses
        ]
    FindingEvidence.objects.bulk_create(spans)


def _rating_store(
    *, version: PolicyVersion, verdicts, specs, applied: scope.Scope, facts: Sequence[FactRecord],
    has_contact: bool,
) -> VersionRating:
    sells_children = bool(
        applied.conditions.get("sells_or_shares_under_16")
        or (
            (applied.applies("coppa") or applied.applies("sopipa"))
            and any(f.kind == "sale" and f.value.get("sells") for f in facts)
        )
    )
    result = rating.rate(
        verdicts, specs, sells_children_data=sells_children, has_contact=has_contact
    )
    obj, _ = VersionRating.objects.update_or_create(
        version=version,
        defaults={
            "overall": result.overall,
            "reasons": list(result.reasons),
            "coverage": {
                code: {
                    "name": c.name, "applicable": c.applicable, "satisfied": c.satisfied,
                    "partial": c.partial, "missing": c.missing, "coverage": c.coverage,
                    "gaps": list(c.gaps),
                }
                for code, c in result.per_regulation.items()
            },
        },
    )
    return obj
