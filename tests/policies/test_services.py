"""The import and extraction services against the real database (and, for enqueueing, the real
Redis broker)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from policies import services, tasks
from policies.models import Clause, ExtractionRun, Fact, Policy, PolicyVersion, Prediction
from tests import factories

POLICY = """Acme Learning Privacy Policy

Last updated: March 3, 2024

1. Information We Collect

We collect your name, e-mail address and school when you create an account. We also collect
device identifiers and usage data automatically through cookies.

2. How We Share Information

We share data with service providers such as Amazon Web Services that host our platform. We do
not sell your personal information.

3. Contact Us

Questions? E-mail privacy@acme-learning.example or write to Acme Learning, 1 Main Street,
Springfield, IL 62701, USA.
"""


def import_text(team, user, text=POLICY, filename="acme.txt", **kwargs):
    return services.policy_version_import(
        team=team, by=user, data=text.encode("utf-8"), filename=filename, **kwargs
    )


@pytest.mark.django_db
class TestPolicyVersionImport:
    def test_creates_policy_version_and_queued_run(self, team, reviewer):
        outcome = import_text(team, reviewer, vendor="Acme")
        assert outcome.status == "imported"
        version = outcome.version
        assert version.number == 1
        assert version.policy.name == "Acme" and version.policy.vendor == "Acme"
        assert version.text.startswith("Acme Learning Privacy Policy")
        assert bytes(version.original) == POLICY.encode("utf-8")
        assert version.size == len(POLICY.encode("utf-8"))
        assert version.media_type == "text/plain"
        assert version.effective_date.isoformat() == "2024-03-03"
        assert outcome.run.status == ExtractionRun.Status.QUEUED
        assert outcome.run.version == version

    def test_identical_content_creates_nothing(self, team, reviewer):
        first = import_text(team, reviewer)
        again = import_text(team, reviewer)
        assert again.status == "unchanged"
        assert again.version == first.version
        assert PolicyVersion.objects.count() == 1 and ExtractionRun.objects.count() == 1

    def test_same_text_in_another_encoding_is_unchanged(self, team, reviewer):
        import_text(team, reviewer)
        again = services.policy_version_import(
            team=team, by=reviewer, data=b"\xef\xbb\xbf" + POLICY.encode("utf-8"), filename="acme.txt"
        )
        assert again.status == "unchanged"

    def test_changed_content_creates_next_version(self, team, reviewer):
        import_text(team, reviewer)
        changed = import_text(team, reviewer, text=POLICY + "\n4. Children\n\nWe do not serve children.\n")
        assert changed.status == "imported"
        assert changed.version.number == 2
        assert Policy.objects.count() == 1

    def test_same_file_name_in_other_team_is_another_policy(self, team, reviewer):
        import_text(team, reviewer)
        import_text(factories.TeamFactory(name="Elsewhere"), reviewer)
        assert Policy.objects.count() == 2

    def test_unreadable_file_raises_and_writes_nothing(self, team, reviewer):
        with pytest.raises(ValidationError) as info:
            services.policy_version_import(
                team=team, by=reviewer, data=b"%PDF-1.4 broken", filename="broken.pdf"
            )
        assert "broken.pdf" in " ".join(info.value.messages)
        assert not Policy.objects.exists() and not PolicyVersion.objects.exists()

    def test_batch_import_keeps_going_after_a_failure(self, team, reviewer):
        outcomes = services.policies_import_files(
            team=team, by=reviewer,
            files=[("empty.txt", b"   \n"), ("acme.txt", POLICY.encode())],
        )
        assert [o.status for o in outcomes] == ["failed", "imported"]
        assert "empty" in outcomes[0].error.lower()

    def test_enqueues_extraction_only_after_commit(self, team, reviewer, django_capture_on_commit_callbacks):
        with mock.patch.object(tasks.extract_version, "apply_async") as send:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                outcome = import_text(team, reviewer)
            send.assert_not_called()
            for callback in callbacks:
                callback()
        send.assert_called_once_with((outcome.run.pk,), retry=False)
        outcome.run.refresh_from_db()
        assert outcome.run.enqueued_at is not None


@pytest.mark.django_db
class TestBrokerDown:
    """A dead broker must not fail an import: the run waits, then is sent by the requeue job."""

    def test_import_succeeds_and_run_stays_queued(self, team, reviewer, django_capture_on_commit_callbacks, dead_broker):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = import_text(team, reviewer)
        outcome.run.refresh_from_db()
        assert outcome.run.status == ExtractionRun.Status.QUEUED
        assert outcome.run.enqueued_at is None

    def test_requeue_sends_runs_once_the_broker_is_back(self, team, reviewer):
        run = factories.ExtractionRunFactory(version__policy__team=team)
        ExtractionRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        with mock.patch.object(tasks.extract_version, "apply_async") as send:
            sent = services.runs_requeue_stale()
        assert sent == [run.pk]
        send.assert_called_once_with((run.pk,), retry=False)

    def test_requeue_recovers_a_run_whose_worker_vanished(self, team):
        run = factories.ExtractionRunFactory(
            version__policy__team=team, status=ExtractionRun.Status.RUNNING, attempts=1,
            heartbeat_at=timezone.now() - timedelta(hours=2),
        )
        with mock.patch.object(tasks.extract_version, "apply_async"):
            assert services.runs_requeue_stale() == [run.pk]
        run.refresh_from_db()
        assert run.status == ExtractionRun.Status.QUEUED and run.attempts == 1

    def test_requeue_leaves_fresh_and_live_runs_alone(self, team):
        factories.ExtractionRunFactory(version__policy__team=team)  # just created
        factories.ExtractionRunFactory(
            version__policy__team=team, status=ExtractionRun.Status.RUNNING,
            heartbeat_at=timezone.now(),
        )
        with mock.patch.object(tasks.extract_version, "apply_async") as send:
            assert services.runs_requeue_stale() == []
        send.assert_not_called()


@pytest.mark.django_db
class TestExtractionRunExecute:
    def test_runs_the_pipeline_and_stores_clauses_predictions_facts(self, team, reviewer):
        outcome = import_text(team, reviewer)
        run = services.extraction_run_execute(run_id=outcome.run.pk)
        assert run.status == ExtractionRun.Status.SUCCEEDED, run.error
        assert run.progress == 100 and run.attempts == 1 and run.model_version
        text = outcome.version.text
        clauses = list(Clause.objects.filter(version=outcome.version).order_by("order"))
        assert len(clauses) >= 6
        covered = "".join(text[c.start : c.end] for c in clauses)
        assert "".join(covered.split()) == "".join(text.split())
        assert any(c.kind == Clause.Kind.HEADING for c in clauses)
        assert Prediction.objects.filter(clause__version=outcome.version).exists()
        assert Fact.objects.filter(version=outcome.version, kind="email").exists()

    def test_is_idempotent(self, team, reviewer):
        outcome = import_text(team, reviewer)
        services.extraction_run_execute(run_id=outcome.run.pk)
        before = sorted(Clause.objects.values_list("pk", "start", "end"))
        predictions = sorted(Prediction.objects.values_list("clause_id", "label"))
        again = services.extraction_run_execute(run_id=outcome.run.pk)
        assert again.attempts == 1  # finished: left alone
        rerun = services.extraction_run_create(version=outcome.version, enqueue=False)
        services.extraction_run_execute(run_id=rerun.pk)
        assert sorted(Clause.objects.values_list("pk", "start", "end")) == before
        assert sorted(Prediction.objects.values_list("clause_id", "label")) == predictions

    def test_redelivered_run_of_a_dead_worker_is_taken_over(self, team, reviewer):
        outcome = import_text(team, reviewer)
        ExtractionRun.objects.filter(pk=outcome.run.pk).update(
            status=ExtractionRun.Status.RUNNING, attempts=1,
            heartbeat_at=timezone.now() - timedelta(hours=1),
        )
        run = services.extraction_run_execute(run_id=outcome.run.pk)
        assert run.status == ExtractionRun.Status.SUCCEEDED and run.attempts == 2

    def test_duplicate_delivery_while_a_worker_is_live_does_nothing(self, team, reviewer):
        outcome = import_text(team, reviewer)
        ExtractionRun.objects.filter(pk=outcome.run.pk).update(
            status=ExtractionRun.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
        )
        run = services.extraction_run_execute(run_id=outcome.run.pk)
        assert run.status == ExtractionRun.Status.RUNNING and run.attempts == 1
        assert not Clause.objects.exists()

    def test_failure_is_recorded_in_plain_words_and_can_be_retried(self, team, reviewer):
        outcome = import_text(team, reviewer)
        with mock.patch("policies.extraction.pipeline.segment_text", side_effect=RuntimeError("boom")):
            run = services.extraction_run_execute(run_id=outcome.run.pk)
        assert run.status == ExtractionRun.Status.FAILED
        assert "retry" in run.error.lower() and "boom" not in run.error
        assert not Clause.objects.exists()
        retry = services.extraction_run_retry(run_id=run.pk, by=reviewer)
        assert retry.pk != run.pk and retry.status == ExtractionRun.Status.QUEUED
        with pytest.raises(ValidationError):
            services.extraction_run_retry(run_id=retry.pk, by=reviewer)

    def test_one_active_run_per_version_is_enforced_by_the_database(self, team, reviewer):
        from django.db import IntegrityError, transaction

        outcome = import_text(team, reviewer)
        with pytest.raises(IntegrityError), transaction.atomic():
            ExtractionRun.objects.create(version=outcome.version, pipeline_version="x")
