"""The review workflow's services: lifecycle and guards, decisions and optimistic locking,
carry-forward, tags, comments with mentions, notifications, the audit trail and reports."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from policies import services as policy_services
from reviews import selectors, services
from reviews.models import (
    Comment,
    Decision,
    Finding,
    FindingEvent,
    FindingReview,
    ReportBuild,
    Review,
    ReviewerAnnotation,
)
from tests.conftest import member
from tests.policies.test_services import POLICY


def processed_version(team, user, text: str = POLICY, filename: str = "acme.txt", name: str = ""):
    """A version that went through the whole pipeline in process (findings and rating)."""
    outcome = policy_services.policy_version_import(
        team=team, by=user, data=text.encode(), filename=filename, enqueue=False, name=name
    )
    policy_services.extraction_run_execute(run_id=outcome.run.pk)
    return outcome.version


def decide_all(review, user, action="approve"):
    for finding in Finding.objects.filter(version_id=review.version_id):
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=user, action=action, comment="checked",
        )


@pytest.fixture
def version(team, reviewer):
    return processed_version(team, reviewer)


@pytest.fixture
def review(version, reviewer):
    return services.review_start(version_id=version.pk, by=reviewer)


pytestmark = pytest.mark.django_db


class TestLifecycle:
    def test_start_makes_a_draft_with_an_undecided_row_per_finding(self, review, version):
        assert review.status == Review.Status.DRAFT
        findings = Finding.objects.filter(version=version).count()
        assert findings > 0
        assert FindingReview.objects.filter(review=review, state="undecided").count() == findings
        assert services.undecided_count(review=review) == findings

    def test_start_is_idempotent_while_a_review_is_open(self, review, version, reviewer):
        assert services.review_start(version_id=version.pk, by=reviewer).pk == review.pk

    def test_the_database_allows_one_open_review_per_version(self, review, version):
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(version=version, status=Review.Status.IN_REVIEW)

    def test_viewer_cannot_start(self, version, viewer):
        with pytest.raises(PermissionDenied):
            services.review_start(version_id=version.pk, by=viewer)

    def test_full_flow_submit_request_changes_resubmit_approve_reopen(self, review, reviewer, approver):
        services.review_assign(review_id=review.pk, by=reviewer, assignee=reviewer, approver=approver, due_date=None)
        review = services.review_submit(review_id=review.pk, by=reviewer)
        assert review.status == "in_review" and review.submitted_at
        review = services.review_request_changes(review_id=review.pk, by=approver, note="Check the DPO.")
        assert review.status == "changes_requested"
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        review = services.review_approve(review_id=review.pk, by=approver)
        assert review.status == "approved" and review.approved_by == approver and review.approved_at
        review = services.review_reopen(review_id=review.pk, by=approver)
        assert review.status == "in_review" and review.approved_by is None

    def test_only_an_approver_approves_or_requests_changes(self, review, reviewer):
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        with pytest.raises(PermissionDenied):
            services.review_approve(review_id=review.pk, by=reviewer)
        with pytest.raises(PermissionDenied):
            services.review_request_changes(review_id=review.pk, by=reviewer, note="x")

    def test_request_changes_needs_a_note(self, review, reviewer, approver):
        services.review_submit(review_id=review.pk, by=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.review_request_changes(review_id=review.pk, by=approver, note="  ")
        assert exc.value.code == "note_required"

    def test_no_approval_with_undecided_findings(self, review, reviewer, approver):
        services.review_submit(review_id=review.pk, by=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.review_approve(review_id=review.pk, by=approver)
        assert "undecided" in str(exc.value)
        assert Review.objects.get(pk=review.pk).status == "in_review"

    def test_no_approval_of_a_draft(self, review, reviewer, approver):
        decide_all(review, reviewer)
        with pytest.raises(ValidationError):
            services.review_approve(review_id=review.pk, by=approver)

    def test_four_eyes_the_maker_of_a_manual_finding_cannot_approve(self, review, reviewer, approver, team):
        services.finding_create_manual(
            review_id=review.pk, by=approver, title="Cookie banner missing", status="missing",
            rationale="No banner.",
        )
        decide_all(review, reviewer)
        services.review_submit(review_id=review.pk, by=reviewer)
        with pytest.raises(ValidationError) as exc:
            services.review_approve(review_id=review.pk, by=approver)
        assert exc.value.code == "four_eyes"
        other = member(team, "olga", "Approver")
        assert services.review_approve(review_id=review.pk, by=other).status == "approved"

    def test_bad_transitions_are_refused(self, review, reviewer, approver):
        with pytest.raises(ValidationError):
            services.review_request_changes(review_id=review.pk, by=approver, note="x")
        with pytest.raises(ValidationError):
            services.review_reopen(review_id=review.pk, by=approver)
        services.review_submit(review_id=review.pk, by=reviewer)
        with pytest.raises(ValidationError):
            services.review_submit(review_id=review.pk, by=reviewer)

    def test_reopen_refused_while_another_review_is_open(self, review, version, reviewer, approver):
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        services.review_approve(review_id=review.pk, by=approver)
        second = services.review_start(version_id=version.pk, by=reviewer)
        assert second.pk != review.pk
        with pytest.raises(ValidationError) as exc:
            services.review_reopen(review_id=review.pk, by=approver)
        assert exc.value.code == "already_open"

    def test_approval_enqueues_the_report_build(self, review, reviewer, approver, django_capture_on_commit_callbacks):
        from unittest import mock

        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        with mock.patch("reviews.tasks.build_report.delay_on_commit") as delay:
            services.review_approve(review_id=review.pk, by=approver)
        build = ReportBuild.objects.get(review=review)
        delay.assert_called_once_with(build.pk)


class TestAssignmentAndMail:
    def test_assignment_mails_the_newly_named(
        self, review, reviewer, approver, team, mailoutbox, django_capture_on_commit_callbacks
    ):
        other = member(team, "rob", "Reviewer")
        with django_capture_on_commit_callbacks(execute=True):
            services.review_assign(review_id=review.pk, by=reviewer, assignee=other, approver=approver, due_date=None)
        review.refresh_from_db()
        assert review.assignee == other and review.approver == approver
        assert sorted(to for m in mailoutbox for to in m.to) == ["april@example.com", "rob@example.com"]
        assert "assigned" in mailoutbox[0].subject.lower()

    def test_approver_must_hold_the_approve_permission(self, review, reviewer):
        with pytest.raises(ValidationError) as exc:
            services.review_assign(review_id=review.pk, by=reviewer, assignee=None, approver=reviewer, due_date=None)
        assert exc.value.code == "bad_approver"

    def test_outsider_cannot_be_assigned(self, review, reviewer, outsider):
        with pytest.raises(ValidationError):
            services.review_assign(review_id=review.pk, by=reviewer, assignee=outsider, approver=None, due_date=None)

    def test_changes_requested_and_approval_mail_the_assignee(
        self, review, reviewer, approver, mailoutbox, django_capture_on_commit_callbacks
    ):
        services.review_assign(review_id=review.pk, by=reviewer, assignee=reviewer, approver=approver, due_date=None)
        mail.outbox.clear()
        services.review_submit(review_id=review.pk, by=reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            services.review_request_changes(review_id=review.pk, by=approver, note="Please check retention.")
        assert any("Changes requested" in m.subject and m.to == ["rita@example.com"] for m in mail.outbox)
        assert "retention" in mail.outbox[-1].body
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        with django_capture_on_commit_callbacks(execute=False):
            services.review_approve(review_id=review.pk, by=approver)
        from django.core.mail import send_mail  # noqa: F401 - the callbacks were captured, not run

        assert not any("approved" in m.subject.lower() for m in mail.outbox)
        review.refresh_from_db()
        services.review_reopen(review_id=review.pk, by=approver)
        decide_all(review, reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            services.review_approve(review_id=review.pk, by=approver)
        assert any("approved" in m.subject.lower() and m.to == ["rita@example.com"] for m in mail.outbox)


class TestDecisions:
    def finding(self, version, **filters):
        return Finding.objects.filter(version=version, **filters).order_by("pk").first()

    def test_approve_records_state_and_history(self, review, version, reviewer):
        finding = self.finding(version)
        made = services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="approve",
        )
        row = made.review_row
        assert row.state == "approved" and row.decided_by == reviewer
        decision = Decision.objects.get(finding=finding)
        assert made.decision == decision and made.finding.lock_version == finding.lock_version + 1
        assert (decision.kind, decision.state_before, decision.state_after) == ("approve", "undecided", "approved")
        assert Finding.objects.get(pk=finding.pk).lock_version == finding.lock_version + 1

    def test_a_decision_is_audited_once_not_as_a_finding_change(self, review, version, reviewer):
        """The lock version a decision bumps is not tracked: the audit trail gets the review
        row's update (and the Decision), not a second event for the finding itself."""
        from django.apps import apps

        finding = self.finding(version)
        row_events = apps.get_model("reviews", "FindingReviewEvent").objects
        before = (FindingEvent.objects.count(), row_events.count())
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="approve",
        )
        assert (FindingEvent.objects.count(), row_events.count()) == (before[0], before[1] + 1)
        assert FindingEvent.objects.filter(pgh_obj=finding).exists()  # its insert was recorded

    def test_reject_needs_a_reason(self, review, version, reviewer):
        finding = self.finding(version)
        with pytest.raises(ValidationError) as exc:
            services.finding_decide(
                review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
                by=reviewer, action="reject",
            )
        assert exc.value.code == "comment_required"
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="reject", comment="The clause says the opposite.",
        )
        assert FindingReview.objects.get(review=review, finding=finding).state == "rejected"

    def test_change_status_overrides_without_touching_machine_output(self, review, version, reviewer):
        finding = self.finding(version, status="satisfied")
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="change_status", status="partial", comment="Only names, no purposes.",
        )
        row = FindingReview.objects.get(review=review, finding=finding)
        assert row.status_override == "partial"
        assert Finding.objects.get(pk=finding.pk).status == "satisfied"
        view = selectors.finding_row(review=review, finding_id=finding.pk)
        assert view.status == "partial" and view.overridden

    def test_stale_lock_version_is_refused_and_nothing_changes(self, review, version, reviewer):
        finding = self.finding(version)
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="approve",
        )
        with pytest.raises(services.StaleFinding):
            services.finding_decide(
                review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
                by=reviewer, action="reject", comment="too late",
            )
        assert FindingReview.objects.get(review=review, finding=finding).state == "approved"
        assert Decision.objects.filter(finding=finding).count() == 1

    def test_decisions_survive_a_pipeline_rerun(self, review, version, reviewer):
        finding = self.finding(version)
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="reject", comment="wrong",
        )
        from reviews.services import findings_refresh

        findings_refresh(version=version)
        assert Finding.objects.filter(pk=finding.pk).exists()
        assert FindingReview.objects.get(review=review, finding=finding).state == "rejected"

    def test_evidence_add_and_remove(self, review, version, reviewer):
        finding = self.finding(version)
        clause = version.clauses.order_by("-order").first()
        span = services.finding_evidence_add(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, clause_id=clause.pk,
        )
        assert (span.start, span.end) == (clause.start, clause.end)
        services.finding_evidence_remove(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version + 1,
            by=reviewer, evidence_id=span.pk,
        )
        assert not finding.spans.filter(pk=span.pk).exists()
        kinds = list(Decision.objects.filter(finding=finding).values_list("kind", flat=True))
        assert kinds == ["add_evidence", "remove_evidence"]

    def test_manual_finding_for_a_requirement_and_for_an_internal_issue(self, review, version, reviewer):
        clause = version.clauses.order_by("order").last()
        internal = services.finding_create_manual(
            review_id=review.pk, by=reviewer, title="Tone is misleading", status="partial",
            rationale="Says 'never' then lists exceptions.", clause_ids=[clause.pk],
        )
        assert internal.origin == "manual" and internal.regulation == "internal"
        assert internal.spans.get().clause == clause
        req = Finding.objects.filter(version=version, requirement__isnull=False).first().requirement
        manual = services.finding_create_manual(
            review_id=review.pk, by=reviewer, requirement_id=req.pk, status="missing", rationale="Absent.",
        )
        assert manual.regulation == req.regulation and manual.requirement == req
        with pytest.raises(ValidationError):
            services.finding_create_manual(review_id=review.pk, by=reviewer, status="missing", rationale="x")

    def test_approved_reviews_are_frozen(self, review, version, reviewer, approver):
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        services.review_approve(review_id=review.pk, by=approver)
        finding = Finding.objects.filter(version=version).first()
        with pytest.raises(ValidationError) as exc:
            services.finding_decide(
                review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
                by=reviewer, action="approve",
            )
        assert exc.value.code == "closed"

    def test_viewer_cannot_decide(self, review, version, viewer):
        finding = Finding.objects.filter(version=version).first()
        with pytest.raises(PermissionDenied):
            services.finding_decide(
                review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
                by=viewer, action="approve",
            )

    def test_approve_remaining_approves_non_gaps_only(self, review, version, reviewer):
        count = services.findings_approve_remaining(review_id=review.pk, by=reviewer)
        non_gaps = Finding.objects.filter(version=version, status__in=["satisfied", "not_applicable"]).count()
        assert count == non_gaps
        counters = selectors.review_counters(review=review)
        assert counters.undecided == Finding.objects.filter(version=version, status__in=["missing", "partial"]).count()


class TestTagsCommentsAndTraining:
    def test_tags_are_kept_apart_from_predictions(self, review, version, reviewer):
        clause = version.clauses.exclude(kind="heading").first()
        services.annotation_add(clause_id=clause.pk, label="Data Retention", by=reviewer, review_id=review.pk)
        services.annotation_add(clause_id=clause.pk, label="Data Retention", by=reviewer, review_id=review.pk)
        annotation = ReviewerAnnotation.objects.get(clause=clause)
        assert annotation.created_by == reviewer and annotation.created_at
        assert not clause.predictions.filter(label="Data Retention", confidence=1).exists()
        services.annotation_remove(clause_id=clause.pk, label="Data Retention", by=reviewer)
        assert not ReviewerAnnotation.objects.filter(clause=clause).exists()

    def test_unknown_label_refused(self, version, reviewer):
        clause = version.clauses.first()
        with pytest.raises(ValidationError):
            services.annotation_add(clause_id=clause.pk, label="Nonsense", by=reviewer)

    def test_approved_annotation_examples(self, review, version, reviewer, approver):
        clause = version.clauses.exclude(kind="heading").first()
        services.annotation_add(clause_id=clause.pk, label="Data Security", by=reviewer, review_id=review.pk)
        services.annotation_add(clause_id=clause.pk, label="Other", by=reviewer, review_id=review.pk)
        assert selectors.approved_annotation_examples() == []  # not signed off yet
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        services.review_approve(review_id=review.pk, by=approver)
        examples = selectors.approved_annotation_examples()
        assert examples == [(version.text[clause.start : clause.end], clause.heading, ["Data Security", "Other"])]

    def test_mentions_are_parsed(self):
        assert services.mentioned_usernames("@april see @rob. mail x@y.org @april") == ["april", "rob"]

    def test_comment_mentions_mail_teammates_only(
        self, review, version, reviewer, approver, outsider, mailoutbox, django_capture_on_commit_callbacks
    ):
        finding = Finding.objects.filter(version=version).first()
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.comment_add(
                review_id=review.pk, by=reviewer, body="@april please look; cc @otto", finding_id=finding.pk,
            )
        assert list(comment.mentions.all()) == [approver]
        assert [m.to for m in mailoutbox] == [["april@example.com"]]
        assert "please look" in mailoutbox[0].body

    def test_comment_on_a_clause_of_another_version_is_refused(self, review, reviewer, team):
        other = processed_version(team, reviewer, text=POLICY.replace("Acme", "Zeta"), filename="zeta.txt")
        with pytest.raises(ValidationError):
            services.comment_add(review_id=review.pk, by=reviewer, body="x", clause_id=other.clauses.first().pk)
        assert not Comment.objects.exists()


class TestCarryForward:
    def test_unchanged_evidence_carries_decisions_forward(self, review, version, reviewer, approver, team):
        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        services.review_approve(review_id=review.pk, by=approver)
        changed = POLICY.replace(
            "We collect your name, e-mail address and school",
            "We collect your name, phone number, date of birth and school",
        ).replace("We do\nnot sell your personal information.", "We keep data for 30 days.")
        v2 = processed_version(team, reviewer, text=changed, filename="acme-v2.txt", name=version.policy.name)
        assert v2.policy_id == version.policy_id and v2.number == 2
        second = services.review_start(version_id=v2.pk, by=reviewer)
        assert second.previous == review
        carried = FindingReview.objects.filter(review=second, carried_forward=True)
        assert carried.exists()
        assert all(r.state == "approved" for r in carried)
        assert Decision.objects.filter(review=second, kind="carry_forward").count() == carried.count()
        # Findings whose evidence changed are not carried: at least the retention one.
        assert FindingReview.objects.filter(review=second, state="undecided").exists()
        count, clauses = selectors.changed_clauses(review=second)
        assert count >= 1
        assert any("phone number" in v2.text[c.start : c.end] for c in clauses)


class TestAuditAndReport:
    def test_timeline_records_who_and_what_changed(self, review, version, reviewer):
        finding = Finding.objects.filter(version=version).first()
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="change_status", status="missing", comment="not there",
        )
        entries = selectors.review_timeline(review=review)
        change = next(e for e in entries if e.what == "decision update")
        assert change.who == "rita"
        assert change.before["status_override"] == "" and change.after["status_override"] == "missing"
        assert any(e.what == "review insert" and e.who == "rita" for e in entries)

    def test_audit_tables_are_append_only(self, review):
        from django.apps import apps
        from django.db import InternalError, ProgrammingError

        event_model = apps.get_model("reviews", "ReviewEvent")
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            event_model.objects.all().update(status="approved")
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            event_model.objects.all().delete()
        assert event_model.objects.count() >= 1

    def test_report_build_freezes_data_and_pdf(self, review, version, reviewer, approver):
        from reviews import reports

        services.review_submit(review_id=review.pk, by=reviewer)
        decide_all(review, reviewer)
        services.comment_add(review_id=review.pk, by=reviewer, body="Fine.",
                             finding_id=Finding.objects.filter(version=version).first().pk)
        from unittest import mock

        with mock.patch("reviews.tasks.build_report.delay_on_commit"):
            services.review_approve(review_id=review.pk, by=approver)
        build = ReportBuild.objects.get(review=review)
        from reviews import tasks

        tasks.build_report(build.pk)
        build.refresh_from_db()
        assert build.status == "succeeded" and build.progress == 100
        data = build.data
        assert data["review"]["approved_by"] == "april"
        assert data["review"]["reviewers"] == ["rita"]
        assert data["rating"]["overall"] in ("Pass", "Warning", "Fail")
        assert len(data["findings"]) == Finding.objects.filter(version=version).count()
        assert any(f["comments"] for f in data["findings"])
        assert data["audit"]
        assert bytes(build.pdf).startswith(b"%PDF")
        csv_text = reports.findings_csv(data)
        assert csv_text.splitlines()[0].startswith("finding_id,regulation,requirement")
        assert len(csv_text.strip().splitlines()) == len(data["findings"]) + 1
        # Running the task again leaves the finished build alone.
        tasks.build_report(build.pk)
        assert ReportBuild.objects.get(pk=build.pk).finished_at == build.finished_at


class TestExportCommand:
    def test_export_findings_json_and_csv(self, review, version, reviewer):
        import io
        import json

        from django.core.management import call_command

        decide_all(review, reviewer, action="approve")
        out = io.StringIO()
        call_command("export_findings", str(version.policy_id), "--format", "json", stdout=out)
        data = json.loads(out.getvalue())
        assert data["review"]["id"] == review.pk
        assert {f["review_state"] for f in data["findings"]} == {"approved"}
        out = io.StringIO()
        call_command("export_findings", str(version.policy_id), "--format", "csv", stdout=out)
        lines = out.getvalue().strip().splitlines()
        assert lines[0].startswith("finding_id,") and len(lines) == len(data["findings"]) + 1

    def test_export_without_a_review_gives_machine_findings(self, version):
        import io
        import json

        from django.core.management import call_command

        out = io.StringIO()
        call_command("export_findings", str(version.policy_id), stdout=out)
        data = json.loads(out.getvalue())
        assert data["review"]["id"] is None
        assert len(data["findings"]) == Finding.objects.filter(version=version).count()
