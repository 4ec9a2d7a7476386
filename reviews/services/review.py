"""State changes of the review workflow: the review lifecycle, decisions on findings, reviewer
tags, comments with @mentions, notifications and report builds.

Every write runs inside ``_audit`` so the trigger-written audit rows (django-pghistory) name the
person and the review. Decisions lock the finding row and check its ``lock_version``
(optimistic locking): a form rendered before someone else's change is refused, never applied.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import smtplib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from policies import roles
from policies.extraction.document import CATEGORIES
from policies.models import Clause, PolicyVersion
from reviews.models import (
    Comment,
    Decision,
    Finding,
    FindingEvidence,
    FindingReview,
    ReportBuild,
    Review,
    ReviewerAnnotation,
)

State = FindingReview.State
logger = logging.getLogger(__name__)


class StaleFinding(ValidationError):
    """The decision was made on an out-of-date view of the finding; nothing was changed."""

    def __init__(self, finding_id: int) -> None:
        super().__init__(
            "Someone else changed this finding while you were looking at it. Your change was not "
            "saved; the current state is shown.",
            code="stale",
        )
        self.finding_id = finding_id


@contextlib.contextmanager
def _audit(by: AbstractBaseUser | None, review_id: int | None = None) -> Iterator[None]:
    """Name the person (and review) on every audit row written inside the block."""
    metadata = {"review": review_id}
    if by is not None:
        metadata |= {"user": by.pk, "username": by.get_username()}
    with pghistory.context(**metadata):
        yield


# ---------------------------------------------------------------------------------------------
# Lifecycle


def review_start(*, version_id: int, by: AbstractBaseUser) -> Review:
    """Open a draft review of a version (or return the open one). When an earlier version of the
    policy has an approved review, decisions on findings whose evidence text is unchanged are
    carried forward and marked so; the rest stay undecided (queued)."""
    roles.require(by, roles.REVIEW)
    with transaction.atomic(), _audit(by):
        version = PolicyVersion.objects.select_for_update().defer("original").get(pk=version_id)
        existing = Review.objects.open().filter(version=version).first()
        if existing is not None:
            return existing
        previous = (
            Review.objects.filter(
                version__policy_id=version.policy_id,
                version__number__lt=version.number,
                status=Review.Status.APPROVED,
            )
            .select_related("version")
            .order_by("-version__number", "-approved_at")
            .first()
        )
        latest = Review.objects.filter(version=version).order_by("-created_at").first()
        review = Review(
            version=version, created_by=by, assignee=latest.assignee if latest else None,
            approver=latest.approver if latest else None, previous=previous,
        )
        review.full_clean()
        review.save()
        findings = list(Finding.objects.filter(version=version).order_by("pk"))
        rows = {f.pk: FindingReview(review=review, finding=f) for f in findings}
        decisions = []
        if previous is not None:
            decisions = _carry_forward(review=review, previous=previous, rows=rows, findings=findings)
        FindingReview.objects.bulk_create(rows.values())
        Decision.objects.bulk_create(decisions)
    return review


def _cited_fingerprints(findings: Sequence[Finding]) -> dict[int, tuple[str, ...]]:
    """The normalised-text fingerprints of the clauses each finding cites (evidence or
    considered): equal fingerprints mean the text the verdict rests on is unchanged."""
    cited: dict[int, set[str]] = {f.pk: set() for f in findings}
    for finding_id, fingerprint in FindingEvidence.objects.filter(finding__in=findings).values_list(
        "finding_id", "clause__fingerprint"
    ):
        cited[finding_id].add(fingerprint)
    return {pk: tuple(sorted(prints)) for pk, prints in cited.items()}


def _carry_forward(
    *, review: Review, previous: Review, rows: dict[int, FindingReview], findings: list[Finding]
) -> list[Decision]:
    """Copy the previous review's decisions onto the same requirement's finding when its status
    and the text of every clause it cites are unchanged."""
    old_rows = {
        r.finding.requirement_id: r
        for r in FindingReview.objects.filter(review=previous, finding__origin=Finding.Origin.AUTOMATED)
        .exclude(state=State.UNDECIDED)
        .select_related("finding")
    }
    old_texts = _cited_fingerprints([r.finding for r in old_rows.values()])
    automated = [f for f in findings if f.origin == Finding.Origin.AUTOMATED]
    new_texts = _cited_fingerprints(automated)
    decisions = []
    for finding in automated:
        old = old_rows.get(finding.requirement_id)
        if old is None or old.finding.status != finding.status:
            continue
        if old_texts[old.finding_id] != new_texts[finding.pk]:
            continue
        row = rows[finding.pk]
        row.state, row.status_override, row.carried_forward = old.state, old.status_override, True
        row.decided_by_id, row.decided_at = old.decided_by_id, old.decided_at
        decisions.append(
            Decision(
                review=review, finding=finding, kind=Decision.Kind.CARRY_FORWARD,
                state_before=State.UNDECIDED, state_after=old.state,
                status_after=old.status_override, actor=review.created_by,
                comment=f"Carried forward from review {previous.pk} (v{previous.version.number}): "
                "the cited text is unchanged.",
            )
        )
    return decisions


def _locked_review(review_id: int) -> Review:
    return Review.objects.select_for_update().select_related("version__policy").get(pk=review_id)


def _must_be(review: Review, *statuses: str, action: str) -> None:
    if review.status not in statuses:
        raise ValidationError(
            f"A review that is {review.get_status_display().lower()} cannot be {action}.",
            code="bad_status",
        )


def _team_member(version: PolicyVersion, user: AbstractBaseUser) -> bool:
    return user.is_superuser or version.policy.team.members.filter(pk=user.pk).exists()


def review_assign(
    *, review_id: int, by: AbstractBaseUser, assignee: AbstractBaseUser | None,
    approver: AbstractBaseUser | None, due_date: datetime.date | None,
) -> Review:
    """Set who reviews, who approves and by when; the newly named people are told by e-mail."""
    roles.require(by, roles.REVIEW)
    with transaction.atomic(), _audit(by, review_id):
        review = _locked_review(review_id)
        _must_be(review, *Review.Status.values[:3], action="reassigned")
        if assignee is not None and not (
            _team_member(review.version, assignee) and roles.can(assignee, roles.REVIEW)
        ):
            raise ValidationError("The assignee must be a reviewer of the team.", code="bad_assignee")
        if approver is not None and not (
            _team_member(review.version, approver) and roles.can(approver, roles.APPROVE)
        ):
            raise ValidationError("The approver must be an approver of the team.", code="bad_approver")
        told = [
            u for u, before in ((assignee, review.assignee_id), (approver, review.approver_id))
            if u is not None and u.pk != before and u.pk != by.pk
        ]
        review.assignee, review.approver, review.due_date = assignee, approver, due_date
        review.save(update_fields=["assignee", "approver", "due_date", "updated_at"])
        _notify(
            told, review,
            subject=f"Review assigned: {review.version}",
            body=f"{by.get_username()} assigned you to the review of {review.version}"
            + (f", due {due_date:%Y-%m-%d}" if due_date else "") + ".",
        )
    return review


def review_submit(*, review_id: int, by: AbstractBaseUser, note: str = "") -> Review:
    """Hand a draft (or a review sent back) to the approver."""
    roles.require(by, roles.REVIEW)
    with transaction.atomic(), _audit(by, review_id):
        review = _locked_review(review_id)
        _must_be(review, Review.Status.DRAFT, Review.Status.CHANGES_REQUESTED, action="submitted")
        review.status, review.submitted_at = Review.Status.IN_REVIEW, timezone.now()
        review.save(update_fields=["status", "submitted_at", "updated_at"])
        if review.approver is not None and review.approver_id != by.pk:
            _notify([review.approver], review, subject=f"Ready for approval: {review.version}",
                    body=f"{by.get_username()} submitted the review of {review.version}.")
    return review


def review_request_changes(*, review_id: int, by: AbstractBaseUser, note: str) -> Review:
    """An approver sends an in-review review back, saying why."""
    roles.require(by, roles.APPROVE)
    if not note.strip():
        raise ValidationError("Say what needs to change.", code="note_required")
    with transaction.atomic(), _audit(by, review_id):
        review = _locked_review(review_id)
        _must_be(review, Review.Status.IN_REVIEW, action="sent back")
        review.status = Review.Status.CHANGES_REQUESTED
        review.save(update_fields=["status", "updated_at"])
        _notify(
            [u for u in (review.assignee, review.created_by) if u is not None], review,
            subject=f"Changes requested: {review.version}",
            body=f"{by.get_username()} requested changes to the review of {review.version}:\n\n{note}",
        )
    return review


def review_blockers(*, review: Review, by: AbstractBaseUser | None = None) -> list[str]:
    """Why the review cannot be approved (by ``by``) now; empty when it can."""
    reasons = []
    if review.status != Review.Status.IN_REVIEW:
        reasons.append("Only a review that is in review can be approved.")
    undecided = undecided_count(review=review)
    if undecided:
        reasons.append(f"{undecided} finding(s) are still undecided.")
    if by is not None and Finding.objects.filter(
        version_id=review.version_id, origin=Finding.Origin.MANUAL, created_by=by
    ).exists():
        reasons.append("You made manual findings in this review: another approver must approve it.")
    return reasons


def undecided_count(*, review: Review) -> int:
    decided = FindingReview.objects.filter(review=review).exclude(state=State.UNDECIDED)
    return (
        Finding.objects.filter(version_id=review.version_id)
        .exclude(pk__in=decided.values("finding_id"))
        .count()
    )


def review_approve(*, review_id: int, by: AbstractBaseUser, note: str = "") -> Review:
    """Approve an in-review review: an approver, not the maker of its manual findings (four
    eyes), with every finding decided. Starts the report build."""
    from reviews import tasks

    roles.require(by, roles.APPROVE)
    with transaction.atomic(), _audit(by, review_id):
        review = _locked_review(review_id)
        blockers = review_blockers(review=review, by=by)
        if blockers:
            code = "four_eyes" if "another approver" in blockers[-1] else "cannot_approve"
            raise ValidationError(" ".join(blockers), code=code)
        review.status, review.approved_by, review.approved_at = (
            Review.Status.APPROVED, by, timezone.now(),
        )
        review.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        build = ReportBuild.objects.create(review=review, created_by=by)
        tasks.build_report.delay_on_commit(build.pk)
        _notify(
            [u for u in (review.assignee, review.created_by) if u is not None and u.pk != by.pk],
            review, subject=f"Review approved: {review.version}",
            body=f"{by.get_username()} approved the review of {review.version}."
            + (f"\n\n{note}" if note else ""),
        )
    return review


def review_reopen(*, review_id: int, by: AbstractBaseUser, note: str = "") -> Review:
    """An approver reopens an approved review (back to in review). Refused while another
    review of the version is open (the database allows one)."""
    roles.require(by, roles.APPROVE)
    with transaction.atomic(), _audit(by, review_id):
        review = _locked_review(review_id)
        _must_be(review, Review.Status.APPROVED, action="reopened")
        if Review.objects.open().filter(version_id=review.version_id).exists():
            raise ValidationError("Another review of this version is open.", code="already_open")
        review.status, review.approved_by, review.approved_at = Review.Status.IN_REVIEW, None, None
        review.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return review


# ---------------------------------------------------------------------------------------------
# Decisions on findings


def _open_review_for_decision(review_id: int, by: AbstractBaseUser) -> Review:
    roles.require(by, roles.REVIEW)
    review = Review.objects.only("pk", "status", "version_id").get(pk=review_id)
    _must_be_open(review)
    return review


def _must_be_open(review: Review) -> None:
    if not review.is_open:
        raise ValidationError("This review is approved: reopen it to change decisions.", code="closed")


def _lock_for_decision(
    review_id: int, finding_id: int, lock_version: int, by: AbstractBaseUser
) -> tuple[Review, Finding, FindingReview]:
    """Check the role; lock the finding and its review row (one query: the review and the
    requirement come along, unlocked); refuse a closed review or a lock version other than the
    one the caller saw; bump the lock version."""
    roles.require(by, roles.REVIEW)
    row = (
        FindingReview.objects.select_for_update(of=("self", "finding"))
        .select_related("review", "finding__requirement", "finding__created_by")
        .filter(review_id=review_id, finding_id=finding_id)
        .first()
    )
    if row is None:  # a finding the checks added after the review started has no row yet
        review = _open_review_for_decision(review_id, by)
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("requirement")
            .get(pk=finding_id, version_id=review.version_id)
        )
        row, _ = FindingReview.objects.get_or_create(review=review, finding=finding)
    review, finding = row.review, row.finding
    _must_be_open(review)
    if finding.lock_version != lock_version:
        raise StaleFinding(finding.pk)
    finding.lock_version += 1
    Finding.objects.filter(pk=finding.pk).update(lock_version=F("lock_version") + 1)
    return review, finding, row


@dataclass(frozen=True)
class DecisionMade:
    """What a decision wrote: the finding (its new lock version), its review row, the record."""

    finding: Finding
    review_row: FindingReview
    decision: Decision


def finding_decide(
    *, review_id: int, finding_id: int, lock_version: int, by: AbstractBaseUser, action: str,
    comment: str = "", status: str = "",
) -> DecisionMade:
    """Approve or reject a finding, or change its status; a reject or a status change needs a
    comment. ``lock_version`` is the one the person saw."""
    if action not in (Decision.Kind.APPROVE, Decision.Kind.REJECT, Decision.Kind.CHANGE_STATUS):
        raise ValidationError("Unknown decision.", code="bad_action")
    if action != Decision.Kind.APPROVE and not comment.strip():
        raise ValidationError(
            "Give a reason." if action == Decision.Kind.REJECT else "Say why the status changes.",
            code="comment_required",
        )
    if action == Decision.Kind.CHANGE_STATUS and status not in Finding.Status.values:
        raise ValidationError("Choose a status.", code="bad_status_value")
    with transaction.atomic(), _audit(by, review_id):
        review, finding, row = _lock_for_decision(review_id, finding_id, lock_version, by)
        state_before, status_before = row.state, row.status_override or finding.status
        if action == Decision.Kind.CHANGE_STATUS:
            row.status_override = "" if status == finding.status else status
            row.state = State.APPROVED  # the reviewer's own status is a decided one
        else:
            row.state = State.APPROVED if action == Decision.Kind.APPROVE else State.REJECTED
        row.carried_forward, row.decided_by, row.decided_at = False, by, timezone.now()
        row.save(update_fields=["state", "status_override", "carried_forward", "decided_by", "decided_at"])
        decision = Decision.objects.create(
            review=review, finding=finding, kind=action, state_before=state_before,
            state_after=row.state, status_before=status_before,
            status_after=row.status_override or finding.status, comment=comment.strip(), actor=by,
        )
    return DecisionMade(finding, row, decision)


def finding_evidence_add(
    *, review_id: int, finding_id: int, lock_version: int, by: AbstractBaseUser, clause_id: int,
    comment: str = "",
) -> FindingEvidence:
    """Cite a whole clause of the version as evidence of the finding."""
    with transaction.atomic(), _audit(by, review_id):
        review, finding, row = _lock_for_decision(review_id, finding_id, lock_version, by)
        try:
            clause = Clause.objects.get(pk=clause_id, version_id=review.version_id)
        except Clause.DoesNotExist as exc:
            raise ValidationError("No such clause in this version.", code="bad_clause") from exc
        span = FindingEvidence(finding=finding, clause=clause, start=clause.start, end=clause.end)
        span.full_clean()
        span.save()
        Decision.objects.create(
            review=review, finding=finding, kind=Decision.Kind.ADD_EVIDENCE, clause=clause,
            state_before=row.state, state_after=row.state, comment=comment.strip(), actor=by,
        )
    return span


def finding_evidence_remove(
    *, review_id: int, finding_id: int, lock_version: int, by: AbstractBaseUser, evidence_id: int,
    comment: str = "",
) -> None:
    with transaction.atomic(), _audit(by, review_id):
        review, finding, row = _lock_for_decision(review_id, finding_id, lock_version, by)
        span = FindingEvidence.objects.filter(pk=evidence_id, finding=finding).first()
        if span is None:
            raise ValidationError("That evidence is not cited by this finding.", code="bad_evidence")
        span.delete()
        Decision.objects.create(
            review=review, finding=finding, kind=Decision.Kind.REMOVE_EVIDENCE,
            clause_id=span.clause_id, state_before=row.state, state_after=row.state,
            comment=comment.strip(), actor=by,
        )


def finding_create_manual(
    *, review_id: int, by: AbstractBaseUser, status: str, rationale: str,
    requirement_id: str | None = None, title: str = "", clause_ids: Sequence[int] = (),
) -> Finding:
    """A reviewer's own finding, for a catalogue requirement or an internal issue (``title``).
    It counts as approved by its maker; four eyes keep that maker from approving the review."""
    from reviews.models import Requirement

    if not rationale.strip():
        raise ValidationError("Explain the finding.", code="rationale_required")
    with transaction.atomic(), _audit(by, review_id):
        review = _open_review_for_decision(review_id, by)
        requirement = Requirement.objects.filter(pk=requirement_id).first() if requirement_id else None
        if requirement_id and requirement is None:
            raise ValidationError("Unknown requirement.", code="bad_requirement")
        if requirement is None and not title.strip():
            raise ValidationError("Name the issue or choose a requirement.", code="title_required")
        finding = Finding(
            version_id=review.version_id, requirement=requirement,
            regulation=requirement.regulation if requirement else "internal",
            title=title.strip() or requirement.title, status=status, rationale=rationale.strip(),
            origin=Finding.Origin.MANUAL, created_by=by,
        )
        finding.full_clean(exclude=["run", "requirement"])
        finding.save()
        clauses = Clause.objects.filter(version_id=review.version_id, pk__in=list(clause_ids))
        FindingEvidence.objects.bulk_create(
            [FindingEvidence(finding=finding, clause=c, start=c.start, end=c.end) for c in clauses]
        )
        FindingReview.objects.create(
            review=review, finding=finding, state=State.APPROVED, decided_by=by,
            decided_at=timezone.now(),
        )
        Decision.objects.create(
            review=review, finding=finding, kind=Decision.Kind.MANUAL, state_before=State.UNDECIDED,
            state_after=State.APPROVED, status_after=status, comment=rationale.strip(), actor=by,
        )
    return finding


def findings_approve_remaining(*, review_id: int, by: AbstractBaseUser) -> int:
    """Approve every undecided finding that is not a gap (satisfied or not applicable) in one
    go: the routine part of a review. Returns how many were approved."""
    with transaction.atomic(), _audit(by, review_id):
        review = _open_review_for_decision(review_id, by)
        for finding in Finding.objects.filter(version_id=review.version_id).order_by("pk"):
            FindingReview.objects.get_or_create(review=review, finding=finding)
        rows = list(
            FindingReview.objects.select_for_update()
            .filter(
                review=review, state=State.UNDECIDED, status_override="",
                finding__status__in=[Finding.Status.SATISFIED, Finding.Status.NOT_APPLICABLE],
            )
            .select_related("finding")
            .order_by("pk")
        )
        now = timezone.now()
        for row in rows:
            row.state, row.decided_by, row.decided_at = State.APPROVED, by, now
        FindingReview.objects.bulk_update(rows, ["state", "decided_by", "decided_at"])
        Finding.objects.filter(pk__in=[r.finding_id for r in rows]).update(
            lock_version=F("lock_version") + 1
        )
        Decision.objects.bulk_create(
            Decision(
                review=review, finding=r.finding, kind=Decision.Kind.APPROVE,
                state_before=State.UNDECIDED, state_after=State.APPROVED,
                status_before=r.finding.status, status_after=r.finding.status, actor=by,
                comment="Approved with the other undecided non-gap findings.",
            )
            for r in rows
        )
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Reviewer tags and comments


def annotation_add(
    *, clause_id: int, label: str, by: AbstractBaseUser, review_id: int | None = None
) -> ReviewerAnnotation:
    """Tag a clause with a data-practice category (idempotent)."""
    roles.require(by, roles.REVIEW)
    if label not in CATEGORIES:
        raise ValidationError("Unknown category.", code="bad_label")
    with transaction.atomic(), _audit(by, review_id):
        annotation, _ = ReviewerAnnotation.objects.get_or_create(
            clause_id=clause_id, label=label, defaults={"created_by": by, "review_id": review_id}
        )
    return annotation


def annotation_remove(
    *, clause_id: int, label: str, by: AbstractBaseUser, review_id: int | None = None
) -> None:
    roles.require(by, roles.REVIEW)
    with transaction.atomic(), _audit(by, review_id):
        ReviewerAnnotation.objects.filter(clause_id=clause_id, label=label).delete()


_MENTION = re.compile(r"(?<![\w.@])@([\w.+-]+)")


def mentioned_usernames(body: str) -> list[str]:
    """``@name`` tokens of a comment, in order, without repeats (an e-mail address is not one)."""
    return list(dict.fromkeys(m.rstrip(".") for m in _MENTION.findall(body)))


def comment_add(
    *, review_id: int, by: AbstractBaseUser, body: str, finding_id: int | None = None,
    clause_id: int | None = None,
) -> Comment:
    """Comment on a finding or a clause of the review; @mentioned teammates get an e-mail."""
    roles.require(by, roles.REVIEW)
    if not body.strip():
        raise ValidationError("Write a comment.", code="empty")
    with transaction.atomic(), _audit(by, review_id):
        review = Review.objects.select_related("version__policy").get(pk=review_id)
        if finding_id is not None and not Finding.objects.filter(
            pk=finding_id, version_id=review.version_id
        ).exists():
            raise ValidationError("No such finding in this review.", code="bad_finding")
        if clause_id is not None and not Clause.objects.filter(
            pk=clause_id, version_id=review.version_id
        ).exists():
            raise ValidationError("No such clause in this review.", code="bad_clause")
        comment = Comment(
            review=review, finding_id=finding_id, clause_id=clause_id, body=body.strip(), author=by
        )
        comment.full_clean()
        comment.save()
        names = mentioned_usernames(body)
        mentioned = list(
            get_user_model().objects.filter(
                username__in=names, teams=review.version.policy.team_id
            ).exclude(pk=by.pk)
        ) if names else []
        comment.mentions.set(mentioned)
        _notify(
            mentioned, review, subject=f"{by.get_username()} mentioned you: {review.version}",
            body=f"{by.get_username()} wrote on the review of {review.version}:\n\n{comment.body}",
        )
    return comment


def _notify(users, review: Review, *, subject: str, body: str) -> None:
    """E-mail people after the transaction commits (no mail for a rolled-back change)."""
    recipients = sorted({u.email for u in users if u is not None and u.email})
    if not recipients:
        return
    url = reverse("reviews:review_detail", args=[review.pk])
    text = f"{body}\n\nOpen the review: {url}\n"

    def send() -> None:
        # The change is committed: a mail server that is down must not turn it into an error.
        try:
            send_mail(subject, text, None, recipients)
        except (OSError, smtplib.SMTPException):
            logger.exception("Could not send %r to %s", subject, recipients)

    transaction.on_commit(send)


# ---------------------------------------------------------------------------------------------
# Reports


def report_build_start(*, review_id: int, by: AbstractBaseUser) -> ReportBuild:
    """Build the report of an approved review again (e.g. after comments were added)."""
    from reviews import tasks

    with transaction.atomic():
        review = _locked_review(review_id)
        if review.status != Review.Status.APPROVED:
            raise ValidationError("Only an approved review has a report.", code="not_approved")
        build = ReportBuild.objects.create(review=review, created_by=by)
        tasks.build_report.delay_on_commit(build.pk)
    return build


def report_build_execute(*, build_id: int) -> ReportBuild:
    """Freeze the report data and render the PDF, recording progress on the build. Idempotent:
    a finished build is left alone."""
    from reviews import reports, selectors

    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().get(pk=build_id)
        if build.is_finished:
            return build
        build.status, build.progress = ReportBuild.Status.RUNNING, 5
        build.save(update_fields=["status", "progress"])

    def progress(percent: int) -> None:
        ReportBuild.objects.filter(pk=build_id).update(progress=min(99, max(5, percent)))

    try:
        data = selectors.review_report_data(review_id=build.review_id, progress=progress)
        progress(70)
        pdf = reports.report_pdf(data)
    except Exception as exc:  # recorded for the page; the task itself does not retry
        ReportBuild.objects.filter(pk=build_id).update(
            status=ReportBuild.Status.FAILED, error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    ReportBuild.objects.filter(pk=build_id).update(
        status=ReportBuild.Status.SUCCEEDED, progress=100, data=data, pdf=pdf,
        finished_at=timezone.now(),
    )
    build.refresh_from_db()
    return build

