"""Access expectations of the campaigns app's URLs.

The world's campaign covers the team's processed version; the Annotator and the Lead are its
annotators, and ``world.assignment`` is the Annotator's. Leads (Lead, Admin) manage; only the
assignee changes labels; other members do not see the campaign at all.
"""

from policies.extraction import classify
from policies.extraction.document import CATEGORIES
from policies.services import classifier_model_register
from reviews.campaigns import services
from reviews.campaigns.models import TrainingJob
from tests.access.base import Expectation

LEADS = frozenset({"Lead", "Admin"})
ANNOTATORS = frozenset({"Annotator"})
CAMPAIGN_READERS = LEADS | ANNOTATORS


def prepare(world) -> None:
    annotator, lead = world.users["Annotator"], world.users["Lead"]
    world.campaign = services.campaign_create(
        team=world.team,
        by=lead,
        name="Access campaign",
        versions=[world.version],
        annotators=[annotator, lead],
        overlap=2,
    )
    services.campaign_assign_balanced(campaign_id=world.campaign.pk, by=lead)
    world.assignment = world.campaign.assignments.select_related("campaign", "document").get(
        annotator=annotator
    )
    world.clause = world.version.clauses.order_by("order").first()
    world.span = services.span_add(
        assignment=world.assignment,
        clause_id=world.clause.pk,
        label=CATEGORIES[0],
        start=world.clause.start,
        end=world.clause.start + 1,
        by=annotator,
    )
    world.job = TrainingJob.objects.create(team=world.team, created_by=lead)
    world.job.campaigns.set([world.campaign])
    world.model = classifier_model_register(
        classifier=classify.load_default(), training_summary={}, metrics={}, by=lead
    )


def _campaign(w):
    return {"campaign_id": w.campaign.pk}


def _assignment(w):
    return {"assignment_id": w.assignment.pk}


def _clause(w):
    return {"assignment_id": w.assignment.pk, "clause_id": w.clause.pk}


EXPECTATIONS = {
    "campaigns:campaign_list": Expectation(CAMPAIGN_READERS, outsider_status=None),
    "campaigns:campaign_create": Expectation(LEADS, outsider_status=None),
    "campaigns:campaign_detail": Expectation(CAMPAIGN_READERS, kwargs=_campaign),
    "campaigns:campaign_assign": Expectation(LEADS, method="POST", kwargs=_campaign),
    "campaigns:assignment_add": Expectation(
        LEADS,
        method="POST",
        kwargs=_campaign,
        data=lambda w: {"document": w.assignment.document_id, "annotator": w.users["Viewer"].pk},
    ),
    "campaigns:campaign_agreement": Expectation(LEADS, kwargs=_campaign),
    "campaigns:agreement_csv": Expectation(LEADS, kwargs=_campaign),
    "campaigns:campaign_adjudication": Expectation(LEADS, kwargs=_campaign),
    "campaigns:adjudicate": Expectation(
        LEADS,
        method="POST",
        kwargs=lambda w: {"campaign_id": w.campaign.pk, "clause_id": w.clause.pk},
        data=lambda w: {"kind": "accepted", "labels": [CATEGORIES[0]]},
    ),
    "campaigns:campaign_export": Expectation(LEADS, kwargs=_campaign, query="?format=csv"),
    "campaigns:active_learning": Expectation(CAMPAIGN_READERS, kwargs=_campaign),
    "campaigns:assignment_annotate": Expectation(CAMPAIGN_READERS, kwargs=_assignment),
    "campaigns:assignment_remove": Expectation(LEADS, method="POST", kwargs=_assignment),
    "campaigns:assignment_done": Expectation(ANNOTATORS, method="POST", kwargs=_assignment),
    "campaigns:assignment_reopen": Expectation(ANNOTATORS, method="POST", kwargs=_assignment),
    "campaigns:clause_toggle": Expectation(
        ANNOTATORS, method="POST", kwargs=_clause, data=lambda w: {"label": CATEGORIES[1]}
    ),
    "campaigns:clause_mark": Expectation(
        ANNOTATORS, method="POST", kwargs=_clause, data=lambda w: {"unsure": "1"}
    ),
    "campaigns:span_add": Expectation(
        ANNOTATORS,
        method="POST",
        kwargs=_clause,
        data=lambda w: {"label": CATEGORIES[0], "start": w.clause.start, "end": w.clause.start + 2},
    ),
    "campaigns:span_delete": Expectation(
        ANNOTATORS,
        method="POST",
        kwargs=lambda w: {"assignment_id": w.assignment.pk, "span_id": w.span.pk},
        data=lambda w: {"clause": w.clause.pk},
    ),
    "campaigns:training_list": Expectation(LEADS, outsider_status=None),
    "campaigns:training_detail": Expectation(
        LEADS, kwargs=lambda w: {"job_id": w.job.pk}, outsider_status=None
    ),
    "campaigns:model_promote": Expectation(
        LEADS, method="POST", kwargs=lambda w: {"model_id": w.model.pk}, outsider_status=None
    ),
    "campaigns:model_rollback": Expectation(LEADS, method="POST", outsider_status=None),
}
