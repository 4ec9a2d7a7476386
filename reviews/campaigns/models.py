"""Annotation campaigns: who labels which documents, their labels, the settled gold, training.

People's labels (``Annotation``) are human judgement and never mixed with machine
``policies.Prediction`` rows. Gold is a clause's agreed label set: unanimous annotations are
gold as they stand; disagreements become gold through an ``Adjudication``, whose every change
is appended to ``AdjudicationEvent`` (never updated or deleted by the product).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from policies.extraction.document import CATEGORIES
from policies.models import ClassifierModel, Clause, PolicyVersion, Team


def default_labels() -> list[str]:
    return list(CATEGORIES)


class CampaignQuerySet(models.QuerySet):
    def led_by(self, user) -> CampaignQuerySet:
        """Campaigns of the user's teams (what a lead may manage)."""
        if user.is_superuser:
            return self
        return self.filter(team__members=user)

    def assigned_to(self, user) -> CampaignQuerySet:
        return self.filter(assignments__annotator=user).distinct()


class Campaign(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200, unique=True)
    guidelines = models.TextField(blank=True, help_text="Markdown; shown to annotators.")
    labels = ArrayField(models.CharField(max_length=80), default=default_labels)
    overlap = models.PositiveSmallIntegerField(
        default=2, help_text="How many annotators label each document."
    )
    blind = models.BooleanField(
        default=True, help_text="Annotators do not see each other's labels."
    )
    hide_predictions = models.BooleanField(
        default=False, help_text="Annotators do not see the model's predictions either."
    )
    licence_restricted = models.BooleanField(
        default=False,
        help_text="Holds data the product may not ship (e.g. OPP-115): models trained on it "
        "can never be promoted.",
    )
    annotators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="annotation_campaigns", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overlap__gte=1) & Q(overlap__lte=20), name="campaign_overlap_1_20"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignDocument(models.Model):
    """A policy version in a campaign; its clauses are the units annotators label."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300, help_text="How pages name the document.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="campaign_document_once"),
        ]

    def __str__(self) -> str:
        return self.label


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> AssignmentQuerySet:
        return self.filter(done_at__isnull=True)

    def done(self) -> AssignmentQuerySet:
        return self.filter(done_at__isnull=False)


class Assignment(models.Model):
    """One annotator's work on one document of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    document = models.ForeignKey(
        CampaignDocument, on_delete=models.CASCADE, related_name="assignments"
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_assignments"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "document_id", "annotator_id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "annotator"], name="assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document} -> {self.annotator}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Annotation(models.Model):
    """One annotator's label on one clause in a campaign (present = yes)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="annotations")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "clause_id", "annotator_id", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "clause", "annotator", "label"], name="annotation_once"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "annotator"])]

    def __str__(self) -> str:
        return f"{self.annotator} {self.label} on clause {self.clause_id}"


class Span(models.Model):
    """A highlighted stretch of a clause supporting one label, offsets into the version text."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="span_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class ClauseMark(models.Model):
    """An annotator's comment and "not sure" flag on a clause; also records that they judged
    it (a judged clause with no labels is a "none of these" rating)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="marks")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.TextField(blank=True)
    unsure = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign_id", "clause_id", "annotator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "clause", "annotator"], name="clause_mark_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.annotator} on clause {self.clause_id}"


class Adjudication(models.Model):
    """The lead's settled label set for a disagreed clause: the campaign's gold for it."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "Accepted one annotator's labels"
        MERGED = "merged", "Merged annotators' labels"
        NEW = "new", "Set new labels"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="adjudications")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    labels = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign_id", "clause_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "clause"], name="adjudication_once"),
        ]

    def __str__(self) -> str:
        return f"clause {self.clause_id}: {', '.join(self.labels) or '(none)'}"


class AdjudicationEvent(models.Model):
    """Append-only audit trail of adjudications (a database trigger refuses UPDATE)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    labels = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    previous_labels = ArrayField(models.CharField(max_length=80), null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} clause {self.clause_id} by {self.actor}"


class TrainingJob(models.Model):
    """Training a classifier from campaign gold: the progress a page polls (like ExtractionRun)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    campaigns = models.ManyToManyField(Campaign, related_name="training_jobs")
    include_corpus = models.BooleanField(
        default=False, help_text="Also train on the project's authored corpus."
    )
    heldout_percent = models.PositiveSmallIntegerField(default=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=60, blank=True)
    error = models.TextField(blank=True)
    model = models.ForeignKey(
        ClassifierModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    baseline_version = models.CharField(max_length=80, blank=True)
    comparison = models.JSONField(
        default=dict, blank=True, help_text="New vs current model on held-out gold."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="training_progress_0_100"),
            models.CheckConstraint(
                condition=Q(heldout_percent__gte=5) & Q(heldout_percent__lte=50),
                name="training_heldout_5_50",
            ),
        ]

    def __str__(self) -> str:
        return f"training job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
