"""Access expectations of the reviews app's URLs."""

from tests.access.base import CHANGERS, READERS, Expectation

_ALL_SIGNED_IN = READERS | {"outsider"}


def prepare(world) -> None:
    """An open (draft) review and an approved one with a built report, on the world's version."""
    from reviews import selectors, services
    from reviews.models import Finding, FindingEvidence, ReportBuild, Review

    importer = world.team.members.get(username="importer")
    world.approved_review = Review.objects.create(
        version=world.version, status=Review.Status.APPROVED, created_by=importer
    )
    data = selectors.review_report_data(review_id=world.approved_review.pk)
    ReportBuild.objects.create(
        review=world.approved_review, status=ReportBuild.Status.SUCCEEDED, progress=100, data=data,
        pdf=b"%PDF-1.4 access test",
    )
    world.review = services.review_start(version_id=world.version.pk, by=world.users["Reviewer"])
    world.finding = Finding.objects.filter(version=world.version).order_by("pk").first()
    world.clause = world.version.clauses.order_by("order").first()
    world.evidence = FindingEvidence.objects.create(
        finding=world.finding, clause=world.clause, start=world.clause.start, end=world.clause.end
    )


def _review(w) -> dict:
    return {"review_id": w.review.pk}


def _finding(w) -> dict:
    return {"review_id": w.review.pk, "finding_id": w.finding.pk}


EXPECTATIONS = {
    "reviews:version_findings": Expectation(READERS, kwargs=lambda w: {"version_id": w.version.pk}),
    "reviews:version_scope": Expectation(
        CHANGERS, method="POST", kwargs=lambda w: {"version_id": w.version.pk},
        data=lambda w: {"regulations": ["gdpr"]},
    ),
    "reviews:version_review": Expectation(READERS, kwargs=lambda w: {"version_id": w.version.pk}),
    "reviews:my_queue": Expectation(_ALL_SIGNED_IN, outsider_status=None),
    "reviews:review_detail": Expectation(READERS, kwargs=_review),
    "reviews:review_clauses": Expectation(READERS, kwargs=_review, query="?page=0"),
    "reviews:clause_detail": Expectation(
        READERS, kwargs=lambda w: {"review_id": w.review.pk, "clause_id": w.clause.pk}
    ),
    "reviews:clause_tag": Expectation(
        CHANGERS, method="POST", kwargs=lambda w: {"review_id": w.review.pk, "clause_id": w.clause.pk},
        data=lambda w: {"label": "Data Security"},
    ),
    "reviews:comment_add": Expectation(
        CHANGERS, method="POST", kwargs=_review,
        data=lambda w: {"body": "Looks right.", "finding": w.finding.pk},
    ),
    "reviews:finding_manual": Expectation(
        CHANGERS, method="POST", kwargs=_review,
        data=lambda w: {"title": "Internal", "status": "missing", "rationale": "Because."},
    ),
    "reviews:findings_approve_remaining": Expectation(CHANGERS, method="POST", kwargs=_review),
    "reviews:finding_decide": Expectation(
        CHANGERS, method="POST", kwargs=_finding,
        data=lambda w: {"action": "approve", "lock_version": w.finding.lock_version},
    ),
    "reviews:finding_evidence_add": Expectation(
        CHANGERS, method="POST", kwargs=_finding,
        data=lambda w: {"clause_number": 1, "lock_version": w.finding.lock_version},
    ),
    "reviews:finding_evidence_remove": Expectation(
        CHANGERS, method="POST",
        kwargs=lambda w: {**_finding(w), "evidence_id": w.evidence.pk},
        data=lambda w: {"lock_version": w.finding.lock_version},
    ),
    "reviews:review_transition": Expectation(
        CHANGERS, method="POST", kwargs=_review, data=lambda w: {"action": "submit"}
    ),
    "reviews:review_assign": Expectation(CHANGERS, method="POST", kwargs=_review, data=lambda w: {}),
    "reviews:review_timeline": Expectation(READERS, kwargs=_review),
    "reviews:review_report": Expectation(READERS, kwargs=lambda w: {"review_id": w.approved_review.pk}),
    "reviews:report_status": Expectation(READERS, kwargs=lambda w: {"review_id": w.approved_review.pk}),
    "reviews:report_rebuild": Expectation(
        CHANGERS, method="POST", kwargs=lambda w: {"review_id": w.approved_review.pk}
    ),
    "reviews:report_pdf": Expectation(READERS, kwargs=lambda w: {"review_id": w.approved_review.pk}),
    "reviews:report_csv": Expectation(READERS, kwargs=lambda w: {"review_id": w.approved_review.pk}),
    "reviews:report_json": Expectation(READERS, kwargs=lambda w: {"review_id": w.approved_review.pk}),
}
