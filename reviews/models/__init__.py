"""Models of the reviews app, one module per area, re-exported here:

- ``findings``: requirements, scope, findings with their evidence, ratings.
"""

from reviews.models.findings import (
    Finding,
    FindingEvidence,
    Requirement,
    VersionRating,
    VersionScope,
)

__all__ = ["Finding", "FindingEvidence", "Requirement", "VersionRating", "VersionScope"]
