"""The review workflow: reviews of a version, people's decisions on findings, reviewer tags on
clauses, comments, report builds, and the audit trail (PostgreSQL triggers via django-pghistory).

Machine output (findings, evidence) stays in ``findings``; everything people do lives here, so a
pipeline rerun, which rewrites machine output in place, never touches a decision.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from policies.extraction.document import CATEGORIES
from policies.models import Clause, PolicyVersion
from reviews.models.findings import Finding, FindingEvidence

OPEN_STATUSES = ("draft", "in_review", "changes_requested")


class ReviewQuerySet(models.QuerySet):
    def open(self) -> ReviewQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def visible_to(self, user) -> ReviewQuerySet:
        if user.is_superuser:
            return self
        return self.filter(version__policy__team__members=user)


@pghistory.track(append_only=True)
class Review(models.Model):
    """The sign-off unit of one version: at most one open review per version (database rule)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The approved review of an earlier version whose decisions were carried forward.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(status__in=OPEN_STATUSES),
                name="review_one_open_per_version",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"]), models.Index(fields=["approver", "status"])]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.version} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@pghistory.track(append_only=True)
class FindingReview(models.Model):
    """The current review state of one finding in one review. Decisions are its history."""

    class State(models.TextChoices):
        UNDECIDED = "undecided", "Undecided"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="finding_reviews")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    state = models.CharField(max_length=20, choices=State.choices, default=State.UNDECIDED)
    status_override = models.CharField(
        max_length=20, choices=Finding.Status.choices, blank=True,
        help_text="A reviewer's status; empty means the finding's own (machine) status stands.",
    )
    carried_forward = models.BooleanField(
        default=False, help_text="Decided in the previous review; the evidence text is unchanged."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review_id", "finding_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "finding"], name="finding_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} in review {self.review_id}: {self.state}"


class Decision(models.Model):
    """One act of a person on a finding, append-only: the history behind ``FindingReview``."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        CHANGE_STATUS = "change_status", "Changed status"
        ADD_EVIDENCE = "add_evidence", "Added evidence"
        REMOVE_EVIDENCE = "remove_evidence", "Removed evidence"
        MANUAL = "manual", "Added a manual finding"
        CARRY_FORWARD = "carry_forward", "Carried forward"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state_before = models.CharField(max_length=20, blank=True)
    state_after = models.CharField(max_length=20, blank=True)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The clause added or removed as evidence.",
    )
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["review", "finding"])]

    def __str__(self) -> str:
        return f"{self.kind} on finding {self.finding_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), append_only=True)
class ReviewerAnnotation(models.Model):
    """A reviewer's data-practice label on a clause: apart from the model's Predictions, and
    training data for the classifier (``selectors.approved_annotation_examples``)."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="reviewer_annotations")
    label = models.CharField(max_length=80, choices=[(c, c) for c in CATEGORIES])
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clause_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "label"], name="reviewer_annotation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} on clause {self.clause_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), append_only=True)
class Comment(models.Model):
    """A comment on a finding or a clause of a review, with the teammates it @mentions."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(clause__isnull=False),
                name="comment_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author_id}"


class ReportBuild(models.Model):
    """One generation of the report of an approved review (Celery): the progress a page polls,
    then the frozen report data (JSON) and its PDF."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="report_builds")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"report build {self.pk} of review {self.review_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


# The audit trail of machine-made rows people change (status, evidence): trigger-written,
# append-only event tables, so nothing written outside our services escapes the record. A
# finding's lock version is not tracked: every decision bumps it, and the decision itself is
# recorded (FindingReview's events and the Decision rows), so an event per bump was noise.
FindingEvent = pghistory.create_event_model(
    Finding,
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    exclude=["updated_at", "run", "engine_version", "catalogue_version", "lock_version"],
    append_only=True, abstract=False, model_name="FindingEvent", app_label="reviews",
)
FindingEvidenceEvent = pghistory.create_event_model(
    FindingEvidence,
    pghistory.InsertEvent(), pghistory.DeleteEvent(),
    append_only=True, abstract=False, model_name="FindingEvidenceEvent", app_label="reviews",
)
