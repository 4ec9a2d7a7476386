"""Requirements, the scope of a version, findings (verdicts) with their evidence, and ratings.

Findings are machine output when ``origin`` is automated: a rerun updates them in place (one
row per version and requirement), so people's decisions that point at a finding survive.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from policies.models import Clause, ExtractionRun, PolicyVersion
from reviews import catalogue


class Requirement(models.Model):
    """One catalogue item. Built-in items keep the ids of the reference catalogue; a compliance
    team adds its own (``rule`` empty: judged by its cue phrases) in the admin."""

    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure", "Disclosure"
        COMMITMENT = "commitment", "Commitment"
        ALTERNATIVE = "alternative", "Alternative"
        GUIDANCE = "guidance", "Guidance"

    id = models.CharField(max_length=80, primary_key=True)
    regulation = models.CharField(
        max_length=20, choices=[(k, v) for k, v in catalogue.ALL_REGULATIONS.items()]
    )
    citation = models.CharField(max_length=300)
    title = models.CharField(max_length=200)
    must_disclose = models.TextField()
    applies_when = models.TextField(default="always")
    condition = models.CharField(
        max_length=60, default="always", choices=[(k, k) for k in catalogue.CONDITIONS]
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISCLOSURE)
    cues = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    alternative_of = models.CharField(max_length=80, blank=True)
    # "check" would shadow Model.check(), so the engine's rule name is stored as ``rule``.
    rule = models.CharField(
        max_length=60, blank=True, help_text="Engine rule; empty means 'judge by the cue phrases'."
    )
    is_builtin = models.BooleanField(default=False, editable=False)
    active = models.BooleanField(default=True)
    catalogue_version = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["regulation", "id"]

    def __str__(self) -> str:
        return f"{self.id}: {self.title}"

    def as_spec(self) -> catalogue.RequirementSpec:
        return catalogue.requirement_from_dict(
            {
                "id": self.id, "regulation": self.regulation, "citation": self.citation,
                "title": self.title, "must_disclose": self.must_disclose,
                "applies_when": self.applies_when, "condition": self.condition,
                "kind": self.kind, "cues": self.cues,
                "alternative_of": self.alternative_of or None, "check": self.rule or "cues",
            }
        )


class VersionScope(models.Model):
    """Which regulations apply to a version and why: detected from the text, or chosen."""

    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="scope")
    detected = models.JSONField(
        default=dict,
        help_text='{"decisions": {code: {applies, reasons, evidence}}, "conditions": {...}}',
    )
    chosen = ArrayField(
        models.CharField(max_length=20), null=True, blank=True,
        help_text="Regulation codes chosen by a reviewer; empty means 'use the detected scope'.",
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version_id"]

    def __str__(self) -> str:
        return f"scope of {self.version}"


class Finding(models.Model):
    """The verdict on one requirement (or a manual issue) for one version."""

    class Status(models.TextChoices):
        SATISFIED = "satisfied", "Satisfied"
        PARTIAL = "partial", "Partial"
        MISSING = "missing", "Missing"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class Origin(models.TextChoices):
        AUTOMATED = "automated", "Automated"
        MANUAL = "manual", "Manual"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="findings")
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    regulation = models.CharField(max_length=20)
    title = models.CharField(max_length=200, help_text="For manual findings without a requirement.")
    status = models.CharField(max_length=20, choices=Status.choices)
    confidence = models.FloatField(default=1.0)
    rationale = models.TextField()
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.AUTOMATED)
    run = models.ForeignKey(
        ExtractionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    engine_version = models.CharField(max_length=20, blank=True)
    catalogue_version = models.CharField(max_length=20, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: bumped on every change."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version_id", "regulation", "requirement_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "requirement"],
                condition=Q(origin="automated"),
                name="finding_one_automated_per_requirement",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="finding_conf_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id or self.title}: {self.status}"

    @property
    def is_gap(self) -> bool:
        return self.status in (self.Status.MISSING, self.Status.PARTIAL)


class FindingEvidence(models.Model):
    """A span a finding cites (``evidence``) or a clause it looked at and set aside (``considered``)."""

    class Role(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        CONSIDERED = "considered", "Considered"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="spans")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="finding_spans")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EVIDENCE)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["finding_id", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="evidence_span_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.start}-{self.end}"


class VersionRating(models.Model):
    """The overall Pass/Warning/Fail of a version and its coverage per regulation."""

    class Overall(models.TextChoices):
        PASS = "Pass", "Pass"
        WARNING = "Warning", "Warning"
        FAIL = "Fail", "Fail"

    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="rating")
    overall = models.CharField(max_length=10, choices=Overall.choices)
    reasons = models.JSONField(default=list)
    coverage = models.JSONField(default=dict, help_text="regulation -> coverage figures and gaps")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version_id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.overall}"
