"""Policies, their immutable versions, the clauses cut from them, and the machine outputs on them.

Offsets (``start``/``end``) always point into ``PolicyVersion.text``, which never changes once
created. Machine outputs (sections, clauses, predictions, facts) are replaced by the pipeline;
human judgement lives in ``reviews`` and points here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from policies.extraction import document


class Team(models.Model):
    """Who owns policies. Every access rule is "policies of my teams"."""

    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        # The product's permissions, granted through role groups (policies/roles.py).
        permissions = [
            ("review_policy", "Can import policies and review findings"),
            ("approve_review", "Can approve reviews"),
            ("lead_annotation", "Can lead annotation campaigns and promote models"),
            ("annotate", "Can annotate clauses in campaigns"),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyQuerySet(models.QuerySet):
    def visible_to(self, user) -> PolicyQuerySet:
        if user.is_superuser:
            return self
        return self.filter(team__members=user)


class Policy(models.Model):
    """A vendor's privacy policy over time; its texts are the versions."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="policies")
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(
                "team", models.functions.Lower("vendor"), models.functions.Lower("name"),
                name="policy_unique_name_per_vendor_and_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.name}" if self.vendor else self.name


class PolicyVersion(models.Model):
    """One immutable text of a policy, with the original upload kept byte for byte."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the normalised text.")
    original = models.BinaryField()
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text="Size of the original upload in bytes.")
    title = models.CharField(max_length=300, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    blocks = models.JSONField(
        default=list, blank=True, help_text="Reader's structure hints: [start, end, kind, level]."
    )
    reader_warnings = ArrayField(models.TextField(), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "content_hash"], name="version_unique_content"),
            models.UniqueConstraint(fields=["policy", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class Section(models.Model):
    """A heading and what stands under it, as the segmenter found it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField()
    heading = models.TextField(blank=True)
    level = models.PositiveSmallIntegerField(default=0)
    heading_path = ArrayField(models.TextField(), default=list, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="section_unique_order"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="section_span_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.heading or "(untitled section)"


class Clause(models.Model):
    """A slice ``version.text[start:end]``: a heading, paragraph, list item or table row."""

    class Kind(models.TextChoices):
        HEADING = document.HEADING, "Heading"
        PARAGRAPH = document.PARAGRAPH, "Paragraph"
        LIST_ITEM = document.LIST_ITEM, "List item"
        TABLE_ROW = document.TABLE_ROW, "Table row"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="clauses")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="clauses")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    heading_path = ArrayField(models.TextField(), default=list, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    fingerprint = models.CharField(
        max_length=40, help_text="Hash of the clause's normalised text: finds it in later versions."
    )

    class Meta:
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="clause_unique_order"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="clause_span_valid"
            ),
        ]
        indexes = [models.Index(fields=["fingerprint"])]

    def __str__(self) -> str:
        return f"{self.version} clause {self.order}"

    @property
    def heading(self) -> str:
        return self.heading_path[-1] if self.heading_path else ""

    def text_in(self, version_text: str) -> str:
        """The clause text, sliced from an already-loaded version text (avoids a query)."""
        return version_text[self.start : self.end]


class ExtractionRunQuerySet(models.QuerySet):
    def active(self) -> ExtractionRunQuerySet:
        return self.filter(status__in=[ExtractionRun.Status.QUEUED, ExtractionRun.Status.RUNNING])


class ExtractionRun(models.Model):
    """One execution of the pipeline on a version: the progress a page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True, help_text="What went wrong, in words a reviewer can use.")
    pipeline_version = models.CharField(max_length=40)
    model_version = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time the job reached the broker; empty = not yet."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExtractionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_0_100"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(status__in=["queued", "running"]),
                name="run_one_active_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.version} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class Prediction(models.Model):
    """A model's label and confidence for a clause. Never mixed with people's annotations."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="predictions")
    run = models.ForeignKey(ExtractionRun, on_delete=models.CASCADE, related_name="predictions")
    label = models.CharField(max_length=80)
    confidence = models.FloatField()
    model_version = models.CharField(max_length=80)

    class Meta:
        ordering = ["clause_id", "-confidence"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "label"], name="prediction_unique_label"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="prediction_conf_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.confidence:.2f})"


class Fact(models.Model):
    """A typed fact found in a version's text, with the span that states it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="facts")
    run = models.ForeignKey(ExtractionRun, on_delete=models.CASCADE, related_name="facts")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=40)
    value = models.JSONField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["version_id", "kind", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="fact_span_valid"
            ),
        ]
        indexes = [models.Index(fields=["version", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ClassifierModelQuerySet(models.QuerySet):
    def promoted(self) -> ClassifierModelQuerySet:
        return self.filter(is_promoted=True)


class ClassifierModel(models.Model):
    """A trained clause classifier in the registry. The promoted one classifies new runs; with
    none promoted, the model shipped in the repository does. Artifacts live in the database so
    every worker sees the same model."""

    version = models.CharField(max_length=80, unique=True)
    meta = models.JSONField(help_text="The model's settings, thresholds and training summary.")
    arrays = models.BinaryField(help_text="Weights as a NumPy .npz archive (no pickle).")
    training_summary = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    licence_restricted = models.BooleanField(
        default=False,
        help_text="Trained on data the product may not ship (e.g. OPP-115): never promoted.",
    )
    is_promoted = models.BooleanField(default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassifierModelQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_promoted"], condition=Q(is_promoted=True), name="one_promoted_model"
            ),
            models.CheckConstraint(
                condition=~(Q(is_promoted=True) & Q(licence_restricted=True)),
                name="restricted_model_never_promoted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}{' (promoted)' if self.is_promoted else ''}"
