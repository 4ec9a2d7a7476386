"""State changes of the reviews app, one module per area, re-exported here:

- ``findings``: requirement catalogue, checks stage, scope, findings and ratings.
- ``review``: the review lifecycle, decisions, reviewer tags, comments, report builds.
"""

from reviews.services.findings import (
    checks_stage,
    findings_compute_and_store,
    findings_refresh,
    requirements_sync_from_catalogue,
    version_scope_choose,
)
from reviews.services.review import (
    DecisionMade,
    StaleFinding,
    annotation_add,
    annotation_remove,
    comment_add,
    finding_create_manual,
    finding_decide,
    finding_evidence_add,
    finding_evidence_remove,
    findings_approve_remaining,
    mentioned_usernames,
    report_build_execute,
    report_build_start,
    review_approve,
    review_assign,
    review_blockers,
    review_reopen,
    review_request_changes,
    review_start,
    review_submit,
    undecided_count,
)

__all__ = [
    "DecisionMade",
    "StaleFinding",
    "annotation_add",
    "annotation_remove",
    "checks_stage",
    "comment_add",
    "finding_create_manual",
    "finding_decide",
    "finding_evidence_add",
    "finding_evidence_remove",
    "findings_approve_remaining",
    "findings_compute_and_store",
    "findings_refresh",
    "mentioned_usernames",
    "report_build_execute",
    "report_build_start",
    "requirements_sync_from_catalogue",
    "review_approve",
    "review_assign",
    "review_blockers",
    "review_reopen",
    "review_request_changes",
    "review_start",
    "review_submit",
    "undecided_count",
    "version_scope_choose",
]
