"""Campaign services against the real database: assignment, labelling, blindness, gold."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from reviews.campaigns import selectors, services
from reviews.campaigns.models import Adjudication, AdjudicationEvent, Annotation, Campaign
from tests.campaigns.conftest import CLAUSES, assignment_of, make_version
from tests.conftest import member

FIRST, THIRD = "First Party Collection/Use", "Third Party Sharing/Collection"


def test_create_uses_opp115_labels_plus_extra(team, lead, versions):
    campaign = services.campaign_create(
        team=team,
        by=lead,
        name="X",
        extra_labels=["Cookies ", "Other", "Cookies"],
        versions=versions[:1],
    )
    assert campaign.labels[0] == FIRST
    assert campaign.labels[-1] == "Cookies"
    assert len(campaign.labels) == 11
    assert campaign.documents.count() == 1


def test_create_rejects_versions_of_another_team(team, lead):
    other = make_version(pytest.importorskip("tests.factories").TeamFactory(name="Else"), "Theirs")
    with pytest.raises(ValidationError):
        services.campaign_create(team=team, by=lead, name="X", versions=[other])


def test_balanced_assignment_gives_k_per_document_and_even_load(campaign, annotators):
    created = services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    assert len(created) == 4 * 2
    per_doc = Counter(a.document_id for a in campaign.assignments.all())
    assert set(per_doc.values()) == {2}
    load = Counter(a.annotator_id for a in campaign.assignments.all())
    assert max(load.values()) - min(load.values()) <= 1
    # Idempotent: nothing more to assign.
    assert services.campaign_assign_balanced(campaign_id=campaign.pk, by=None) == []


def test_balanced_assignment_keeps_manual_ones(campaign, annotators, versions):
    doc = campaign.documents.get(version=versions[0])
    services.assignment_add(campaign=campaign, document_id=doc.pk, annotator=annotators[2], by=None)
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    assert campaign.assignments.filter(document=doc).count() == 2
    assert campaign.assignments.filter(document=doc, annotator=annotators[2]).exists()


def test_too_few_annotators(team, lead, versions, annotators):
    campaign = services.campaign_create(
        team=team, by=lead, name="Thin", overlap=3, versions=versions, annotators=annotators[:2]
    )
    with pytest.raises(ValidationError) as exc:
        services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    assert exc.value.code == "too_few_annotators"


def test_manual_assignment_twice_is_refused(campaign, annotators):
    doc = campaign.documents.first()
    services.assignment_add(campaign=campaign, document_id=doc.pk, annotator=annotators[0], by=None)
    with pytest.raises(ValidationError):
        services.assignment_add(
            campaign=campaign, document_id=doc.pk, annotator=annotators[0], by=None
        )


@pytest.fixture
def assigned(campaign):
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    return campaign


def _pair(campaign, version):
    rows = list(
        campaign.assignments.filter(document__version=version).select_related(
            "campaign", "document", "annotator"
        )
    )
    return rows[0], rows[1]


def test_toggle_on_and_off(assigned, versions):
    a, _ = _pair(assigned, versions[0])
    clause = versions[0].clauses.first()
    assert services.annotation_toggle(
        assignment=a, clause_id=clause.pk, label=FIRST, by=a.annotator
    )
    assert Annotation.objects.filter(annotator=a.annotator, clause=clause).count() == 1
    assert not services.annotation_toggle(
        assignment=a, clause_id=clause.pk, label=FIRST, by=a.annotator
    )
    assert not Annotation.objects.filter(annotator=a.annotator, clause=clause).exists()


def test_toggle_rules(assigned, versions):
    a, b = _pair(assigned, versions[0])
    clause = versions[0].clauses.first()
    with pytest.raises(PermissionDenied):
        services.annotation_toggle(assignment=a, clause_id=clause.pk, label=FIRST, by=b.annotator)
    with pytest.raises(ValidationError):
        services.annotation_toggle(assignment=a, clause_id=clause.pk, label="Nope", by=a.annotator)
    foreign = versions[1].clauses.first()
    with pytest.raises(ValidationError):
        services.annotation_toggle(assignment=a, clause_id=foreign.pk, label=FIRST, by=a.annotator)
    services.assignment_done(assignment_id=a.pk, by=a.annotator)
    a.refresh_from_db()
    with pytest.raises(ValidationError):
        services.annotation_toggle(assignment=a, clause_id=clause.pk, label=FIRST, by=a.annotator)
    services.assignment_reopen(assignment_id=a.pk, by=a.annotator)
    a.refresh_from_db()
    assert services.annotation_toggle(
        assignment=a, clause_id=clause.pk, label=FIRST, by=a.annotator
    )


def test_mark_and_span(assigned, versions):
    a, _ = _pair(assigned, versions[0])
    clause = versions[0].clauses.order_by("order")[1]
    mark = services.clause_mark_set(
        assignment=a, clause_id=clause.pk, by=a.annotator, comment=" hm ", unsure=True
    )
    assert (mark.comment, mark.unsure) == ("hm", True)
    span = services.span_add(
        assignment=a,
        clause_id=clause.pk,
        label=THIRD,
        start=clause.start + 3,
        end=clause.start + 8,
        by=a.annotator,
    )
    assert span.annotation.label == THIRD
    with pytest.raises(ValidationError):
        services.span_add(
            assignment=a,
            clause_id=clause.pk,
            label=THIRD,
            start=clause.start,
            end=clause.end + 5,
            by=a.annotator,
        )
    services.span_delete(assignment=a, span_id=span.pk, by=a.annotator)
    with pytest.raises(ValidationError):
        services.span_delete(assignment=a, span_id=span.pk, by=a.annotator)


def test_blind_campaign_hides_other_labels_and_predictions(assigned, versions):
    a, b = _pair(assigned, versions[0])
    clause = versions[0].clauses.first()
    services.annotation_toggle(assignment=b, clause_id=clause.pk, label=THIRD, by=b.annotator)
    rows, total = selectors.assignment_clauses(assignment=a, viewer=a.annotator)
    assert total == len(CLAUSES)
    assert rows[0].others == {} and rows[0].mine == []
    # Not blind: the other annotator's label shows.
    Campaign.objects.filter(pk=assigned.pk).update(blind=False)
    a.campaign.refresh_from_db()
    rows, _ = selectors.assignment_clauses(assignment=a, viewer=a.annotator)
    assert rows[0].others == {THIRD: [b.annotator.username]}


def test_hide_predictions(assigned, versions):
    from policies.models import Prediction
    from tests import factories

    a, _ = _pair(assigned, versions[0])
    clause = versions[0].clauses.first()
    run = factories.ExtractionRunFactory(version=versions[0])
    Prediction.objects.create(
        clause=clause, run=run, label=FIRST, confidence=0.9, model_version="m"
    )
    rows, _ = selectors.assignment_clauses(assignment=a, viewer=a.annotator)
    assert rows[0].predictions == [(FIRST, 0.9)]
    Campaign.objects.filter(pk=assigned.pk).update(hide_predictions=True)
    a.campaign.refresh_from_db()
    rows, _ = selectors.assignment_clauses(assignment=a, viewer=a.annotator)
    assert rows[0].predictions == []


def _label_document(campaign, version, first_labels, second_labels):
    """Both annotators of the version label clause i with the given label sets, then finish."""
    a, b = _pair(campaign, version)
    clauses = list(version.clauses.order_by("order"))
    for who, per_clause in ((a, first_labels), (b, second_labels)):
        for clause, labels in zip(clauses, per_clause, strict=False):
            for label in labels:
                services.annotation_toggle(
                    assignment=who, clause_id=clause.pk, label=label, by=who.annotator
                )
        services.assignment_done(assignment_id=who.pk, by=who.annotator)
    return a, b, clauses


def test_units_gold_and_adjudication(assigned, versions, lead):
    a, b, clauses = _label_document(
        assigned,
        versions[0],
        [[FIRST], [THIRD], [], [], []],
        [[FIRST], [FIRST], [], [], []],
    )
    units = {u.key: u for u in selectors.campaign_units(campaign=assigned)}
    assert units[clauses[0].pk].ratings == {
        a.annotator.username: frozenset({FIRST}),
        b.annotator.username: frozenset({FIRST}),
    }
    # Undone documents' untouched clauses have no ratings.
    assert units[versions[1].clauses.first().pk].ratings == {}
    gold = selectors.campaign_gold(campaign=assigned)
    assert gold[clauses[0].pk] == [FIRST]
    assert gold[clauses[2].pk] == []  # both said: none of these
    assert clauses[1].pk not in gold  # disagreement
    items, summary, count = selectors.curation_queue(campaign=assigned)
    assert (summary.disagreed, summary.settled, count) == (1, 0, 1)
    assert items[0].merged == [FIRST, THIRD]

    services.adjudication_decide(
        campaign=assigned, clause_id=clauses[1].pk, by=lead, kind="merged", labels=[THIRD, FIRST]
    )
    gold = selectors.campaign_gold(campaign=assigned)
    assert gold[clauses[1].pk] == [FIRST, THIRD]
    _, summary, count = selectors.curation_queue(campaign=assigned)
    assert (summary.settled, summary.percent, count) == (1, 100, 0)

    with pytest.raises(ValidationError) as exc:
        services.adjudication_decide(
            campaign=assigned, clause_id=clauses[1].pk, by=lead, kind="new", labels=["Other"]
        )
    assert exc.value.code == "note_required"
    services.adjudication_decide(
        campaign=assigned,
        clause_id=clauses[1].pk,
        by=lead,
        kind="new",
        labels=["Other"],
        note="Neither fits.",
    )
    assert Adjudication.objects.get(clause=clauses[1]).labels == ["Other"]
    events = list(AdjudicationEvent.objects.order_by("id"))
    assert [(e.kind, e.previous_labels) for e in events] == [
        ("merged", None),
        ("new", [FIRST, THIRD]),
    ]


def test_audit_events_cannot_be_updated(assigned, versions, lead):
    clause = versions[0].clauses.first()
    services.adjudication_decide(
        campaign=assigned, clause_id=clause.pk, by=lead, kind="accepted", labels=[FIRST]
    )
    event = AdjudicationEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AdjudicationEvent.objects.filter(pk=event.pk).update(note="rewritten")
    # Deleting the actor's account only clears the actor.
    lead.delete()
    event.refresh_from_db()
    assert event.actor is None and event.note == ""
    assert connection.is_usable()


def test_adjudicate_rejects_foreign_clause_and_labels(assigned, team, lead):
    foreign = make_version(team, "Not in campaign").clauses.first()
    with pytest.raises(ValidationError):
        services.adjudication_decide(
            campaign=assigned, clause_id=foreign.pk, by=lead, kind="accepted", labels=[FIRST]
        )
    clause = assigned.documents.first().version.clauses.first()
    with pytest.raises(ValidationError):
        services.adjudication_decide(
            campaign=assigned, clause_id=clause.pk, by=lead, kind="accepted", labels=["Made up"]
        )


def test_agreement_report(assigned, versions):
    _label_document(
        assigned, versions[0], [[FIRST], [THIRD], [], [], []], [[FIRST], [FIRST], [], [], []]
    )
    report = selectors.campaign_agreement(campaign=assigned)
    first = report.per_label[FIRST]
    # FIRST as [no, yes]: [0,2], [1,1], [2,0] x3 -> P_bar = (1+0+1+1+1)/5 = 0.8
    assert first.items == 5
    assert first.percent_agreement == pytest.approx(0.8)
    assert len(report.pairs) == 1
    assert set(report.json_by_label()) == set(assigned.labels)


def test_progress(assigned, versions, annotators):
    a, _ = _pair(assigned, versions[0])
    services.annotation_toggle(
        assignment=a, clause_id=versions[0].clauses.first().pk, label=FIRST, by=a.annotator
    )
    per_annotator, per_document = selectors.campaign_progress(campaign=assigned)
    row = next(r for r in per_annotator if r.annotator == a.annotator)
    assert row.judged == 1 and row.assigned >= 1
    queue = selectors.annotator_queue(campaign=assigned, user=a.annotator)
    item = next(i for i in queue if i.assignment.pk == a.pk)
    assert (item.judged, item.clauses, item.percent) == (1, 5, 20)
    assert len(per_document) == 4


def test_annotator_sees_only_assigned_campaigns(assigned, team, versions, lead):
    outsider_annotator = member(team, "zed", "Annotator")
    assert not selectors.campaigns_for_user(user=outsider_annotator).exists()
    a, _ = _pair(assigned, versions[0])
    assert list(selectors.campaigns_for_user(user=a.annotator)) == [assigned]
    assert list(selectors.campaigns_for_user(user=lead)) == [assigned]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.assignment_get_for_user(user=outsider_annotator, assignment_id=a.pk)
    assert selectors.assignment_get_for_user(user=lead, assignment_id=a.pk) == a


def test_export_rows(assigned, versions, lead):
    from reviews.campaigns import exports

    a, b, clauses = _label_document(
        assigned, versions[0], [[FIRST], [THIRD], [], [], []], [[FIRST], [FIRST], [], [], []]
    )
    rows = selectors.export_rows(campaign=assigned, kind="all", with_text=True)
    first = [r for r in rows if r.clause_id == clauses[0].pk]
    assert {(r.source, r.annotator, r.label) for r in first} == {
        ("annotation", a.annotator.username, FIRST),
        ("annotation", b.annotator.username, FIRST),
        ("gold", "", FIRST),
    }
    assert all(r.text == CLAUSES[0] and (r.start, r.end) == (0, len(CLAUSES[0])) for r in first)
    lines = list(exports.to_csv(rows))
    assert lines[0].startswith("campaign,document,version_id")
    assert len(lines) == len(rows) + 1
    gold_only = selectors.export_rows(campaign=assigned, kind="gold")
    assert {r.source for r in gold_only} == {"gold"}


def test_assignment_assignee_only_marks_done(assigned, versions):
    a, b = _pair(assigned, versions[0])
    with pytest.raises(PermissionDenied):
        services.assignment_done(assignment_id=a.pk, by=b.annotator)
    assert assignment_of(assigned, a.annotator, versions[0]).done_at is None
