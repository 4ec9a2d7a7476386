"""Models of the reviews app, one module per area, re-exported here:

- ``findings``: requirements, scope, findings with their evidence, ratings.
- ``review``: reviews, decisions, reviewer tags, comments, report builds, audit events.
"""

from reviews.models.findings import (
    Finding,
    FindingEvidence,
    Requirement,
    VersionRating,
    VersionScope,
)
from reviews.models.review import (
    Comment,
    Decision,
    FindingEvent,
    FindingEvidenceEvent,
    FindingReview,
    ReportBuild,
    Review,
    ReviewerAnnotation,
)

__all__ = [
    "Comment",
    "Decision",
    "Finding",
    "FindingEvent",
    "FindingEvidence",
    "FindingEvidenceEvent",
    "FindingReview",
    "ReportBuild",
    "Requirement",
    "Review",
    "ReviewerAnnotation",
    "VersionRating",
    "VersionScope",
]
