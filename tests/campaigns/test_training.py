"""The learning loop: a training job from gold (task body called directly), the comparison,
promotion and one-click rollback through the pages, and the active-learning order."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from policies import classifiers
from policies.extraction import classify
from policies.models import ClassifierModel
from reviews.campaigns import active_learning, selectors, services, tasks
from reviews.campaigns.models import TrainingJob
from tests.campaigns.conftest import make_version

TEMPLATES = [
    (
        "We collect your e-mail address and name when you register, version {d}.",
        ["First Party Collection/Use"],
    ),
    (
        "We share your personal data with advertising partners and analytics firms ({d}).",
        ["Third Party Sharing/Collection"],
    ),
    (
        "You can opt out of marketing messages in your account settings ({d}).",
        ["User Choice/Control"],
    ),
    ("We keep your data for {d} months and then delete it.", ["Data Retention"]),
    ("We protect your data with encryption and access controls ({d}).", ["Data Security"]),
    ("We will post any changes to this policy on this page ({d}).", ["Policy Change"]),
]


@pytest.fixture
def gold_campaign(team, lead, annotators):
    versions = [
        make_version(team, f"Gold {d}", [t.format(d=d) for t, _ in TEMPLATES]) for d in range(8)
    ]
    campaign = services.campaign_create(
        team=team, by=lead, name="Gold", overlap=1, versions=versions, annotators=annotators[:1]
    )
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=lead)
    for assignment in campaign.assignments.select_related("campaign", "document"):
        clauses = list(assignment.document.version.clauses.order_by("order"))
        for clause, (_, labels) in zip(clauses, TEMPLATES, strict=True):
            for label in labels:
                services.annotation_toggle(
                    assignment=assignment, clause_id=clause.pk, label=label, by=annotators[0]
                )
        services.assignment_done(assignment_id=assignment.pk, by=annotators[0])
    return campaign


def test_gold_examples(gold_campaign):
    examples = selectors.gold_examples(campaigns=[gold_campaign])
    assert len(examples) == 8 * len(TEMPLATES)
    assert len({e.document for e in examples}) == 8
    assert examples[0].labels == ("First Party Collection/Use",)


def test_start_enqueues_after_commit(gold_campaign, team, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.training_job_start(team=team, by=lead, campaigns=[gold_campaign])
    assert len(callbacks) == 1
    assert job.status == TrainingJob.Status.QUEUED


def test_training_task_registers_and_compares(gold_campaign, team, lead):
    job = TrainingJob.objects.create(team=team, created_by=lead, heldout_percent=25)
    job.campaigns.set([gold_campaign])
    tasks.train_from_gold(job.pk)  # the task body, run directly
    job.refresh_from_db()
    assert job.status == TrainingJob.Status.SUCCEEDED, job.error
    assert job.progress == 100
    model = job.model
    assert model.version.startswith("gold-") and not model.is_promoted
    assert model.training_summary["campaigns"] == ["Gold"]
    assert model.training_summary["heldout_documents"] >= 1
    comparison = job.comparison
    assert comparison["heldout_clauses"] >= len(TEMPLATES)
    assert set(comparison["new"]["per_category"]) == set(classify.CATEGORIES)
    assert comparison["current"]["model"] == classify.load_default().version
    rows = selectors.comparison_rows(job=job)
    assert rows[0].category == "First Party Collection/Use" and rows[0].new_f1 is not None
    # Idempotent: a finished job is left alone.
    tasks.train_from_gold(job.pk)
    assert ClassifierModel.objects.count() == 1


def test_training_without_gold_fails_with_a_reason(team, lead, versions, annotators):
    empty = services.campaign_create(team=team, by=lead, name="Empty", versions=versions)
    job = TrainingJob.objects.create(team=team, created_by=lead)
    job.campaigns.set([empty])
    job = services.training_job_execute(job_id=job.pk)
    assert job.status == TrainingJob.Status.FAILED
    assert "no gold" in job.error


def test_pages_promote_and_rollback(client, gold_campaign, team, lead):
    job = TrainingJob.objects.create(team=team, created_by=lead)
    job.campaigns.set([gold_campaign])
    services.training_job_execute(job_id=job.pk)
    job.refresh_from_db()
    client.force_login(lead)
    page = client.get(reverse("campaigns:training_detail", args=[job.pk]))
    assert page.status_code == 200 and b"New model vs current" in page.content
    assert b"Promote this model" in page.content
    poll = client.get(
        reverse("campaigns:training_detail", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Target": "job-status"},
    )
    assert poll["HX-Redirect"] == reverse("campaigns:training_detail", args=[job.pk])
    client.post(reverse("campaigns:model_promote", args=[job.model_id]), {"job": job.pk})
    assert classifiers.active().version == job.model.version
    listing = client.get(reverse("campaigns:training_list"))
    assert b"promoted" in listing.content
    client.post(reverse("campaigns:model_rollback"))
    assert classifiers.active().version == classify.load_default().version


def test_start_training_from_the_page(
    client, gold_campaign, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("campaigns:training_list"),
            {
                "campaigns": [gold_campaign.pk],
                "heldout_percent": 20,
            },
        )
    job = TrainingJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:training_detail", args=[job.pk])
    assert len(callbacks) == 1


def test_restricted_campaign_model_cannot_be_promoted(client, gold_campaign, team, lead):
    type(gold_campaign).objects.filter(pk=gold_campaign.pk).update(licence_restricted=True)
    job = TrainingJob.objects.create(team=team, created_by=lead)
    job.campaigns.set([gold_campaign])
    services.training_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.model.licence_restricted
    client.force_login(lead)
    client.post(reverse("campaigns:model_promote", args=[job.model_id]))
    assert not ClassifierModel.objects.filter(is_promoted=True).exists()


class _Fixed:
    """A stand-in classifier with fixed probabilities (active learning is pure)."""

    thresholds = dict.fromkeys(classify.CATEGORIES, 0.5)

    def __init__(self, rows):
        self.rows = rows

    def predict_proba(self, items):
        return np.array(self.rows[: len(items)], dtype=float)


def test_uncertainty_ranks_threshold_closest_first():
    n = len(classify.CATEGORIES)
    sure = [0.99] + [0.01] * (n - 1)
    unsure = [0.99, 0.52] + [0.01] * (n - 2)
    middling = [0.8] + [0.1] * (n - 1)
    candidates = [active_learning.Candidate(key=i, text=f"clause {i}") for i in range(3)]
    ranked = active_learning.rank(candidates, _Fixed([sure, unsure, middling]), limit=2)
    assert [r.candidate.key for r in ranked] == [1, 2]
    assert ranked[0].category == classify.CATEGORIES[1]
    assert ranked[0].uncertainty == pytest.approx(1 - 0.02 / 0.5)
    assert active_learning.rank([], _Fixed([])) == []


def test_uncertainty_queue_skips_touched_clauses(gold_campaign, team, lead, annotators):
    fresh = make_version(team, "Fresh", ["We sell nothing.", "Contact us by post."])
    services.campaign_documents_add(campaign=gold_campaign, versions=[fresh])
    ranked = selectors.uncertainty_queue(campaign=gold_campaign, user=lead, limit=50)
    assert {r.candidate.key for r in ranked} == set(fresh.clauses.values_list("pk", flat=True))
    # An annotator sees only the documents assigned to them (none of Fresh).
    assert selectors.uncertainty_queue(campaign=gold_campaign, user=annotators[0]) == []


def test_train_from_gold_command(gold_campaign):
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("train_from_gold", "Gold", "--heldout", "25", stdout=out)
    result = json.loads(out.getvalue())
    assert result["model"].startswith("gold-") and result["heldout_clauses"] > 0
    assert ClassifierModel.objects.filter(version=result["model"]).exists()
    with pytest.raises(CommandError):
        call_command("train_from_gold", "Missing")
