"""Pages of the reviews app, one module per area, re-exported for ``reviews/urls.py``:

- ``findings``: the findings panel and the scope form.
- ``review``: the review page, its htmx actions, the queue, the timeline and the report.
"""

from reviews.views.findings import version_findings, version_scope
from reviews.views.review import (
    clause_detail,
    clause_tag,
    comment_add,
    finding_decide,
    finding_evidence_add,
    finding_evidence_remove,
    finding_manual,
    findings_approve_remaining,
    my_queue,
    report_csv,
    report_json,
    report_pdf,
    report_rebuild,
    report_status,
    review_assign,
    review_clauses,
    review_detail,
    review_report,
    review_timeline,
    review_transition,
    version_review,
)

__all__ = [
    "clause_detail",
    "clause_tag",
    "comment_add",
    "finding_decide",
    "finding_evidence_add",
    "finding_evidence_remove",
    "finding_manual",
    "findings_approve_remaining",
    "my_queue",
    "report_csv",
    "report_json",
    "report_pdf",
    "report_rebuild",
    "report_status",
    "review_assign",
    "review_clauses",
    "review_detail",
    "review_report",
    "review_timeline",
    "review_transition",
    "version_findings",
    "version_review",
    "version_scope",
]
