"""Campaign pages through the client: full pages, htmx fragments, and denials."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.campaigns import services
from reviews.campaigns.models import Annotation, Campaign, ClauseMark
from tests.campaigns.conftest import CLAUSES

FIRST, THIRD = "First Party Collection/Use", "Third Party Sharing/Collection"
HX = {"HX-Request": "true"}


@pytest.fixture
def assigned(campaign):
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    return campaign


@pytest.fixture
def mine(assigned, annotators):
    return assigned.assignments.filter(annotator=annotators[0]).select_related("document").first()


def test_lead_creates_campaign_with_automatic_assignment(client, lead, team, versions, annotators):
    client.force_login(lead)
    page = client.get(reverse("campaigns:campaign_create"))
    assert page.status_code == 200 and b"New campaign" in page.content
    response = client.post(
        reverse("campaigns:campaign_create"),
        {
            "team": team.pk,
            "name": "Made here",
            "guidelines": "Be <b>careful</b>",
            "overlap": 2,
            "blind": "on",
            "versions": [v.pk for v in versions[:2]],
            "annotators": [a.pk for a in annotators],
            "assign": "on",
            "extra_labels": "Cookies",
        },
        headers=HX,
    )
    campaign = Campaign.objects.get(name="Made here")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert campaign.assignments.count() == 4
    assert campaign.labels[-1] == "Cookies"
    detail = client.get(response["HX-Redirect"])
    assert b"Progress per annotator" in detail.content
    # Guidelines are escaped, never rendered as HTML.
    assert b"&lt;b&gt;careful&lt;/b&gt;" in detail.content


def test_create_form_errors_rerender_fragment(client, lead, team):
    client.force_login(lead)
    response = client.post(
        reverse("campaigns:campaign_create"), {"team": team.pk, "name": ""}, headers=HX
    )
    assert response.status_code == 200
    assert b'id="campaign-form"' in response.content and b"<html" not in response.content


def test_annotator_page_and_htmx_toggle(client, mine, annotators):
    client.force_login(annotators[0])
    url = reverse("campaigns:assignment_annotate", args=[mine.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert CLAUSES[0].encode() in page.content and b"annotate.js" in page.content
    clause = mine.document.version.clauses.order_by("order").first()
    toggle = reverse("campaigns:clause_toggle", args=[mine.pk, clause.pk])
    fragment = client.post(toggle, {"label": FIRST}, headers=HX)
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert f'id="clause-{clause.pk}"'.encode() in fragment.content
    assert b'class="lab lab-0 on"' in fragment.content
    assert Annotation.objects.filter(clause=clause, annotator=annotators[0], label=FIRST).exists()
    bad = client.post(toggle, {"label": "Nope"}, headers=HX)
    assert bad.status_code == 422 and b"not a label" in bad.content


def test_progressive_loading_chunks(client, team, lead, annotators):
    from tests.campaigns.conftest import make_version

    texts = [f"Clause number {i} about data." for i in range(95)]
    version = make_version(team, "Long one", texts)
    campaign = services.campaign_create(
        team=team, by=lead, name="Long", overlap=1, versions=[version], annotators=annotators[:1]
    )
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=lead)
    assignment = campaign.assignments.get()
    client.force_login(annotators[0])
    url = reverse("campaigns:assignment_annotate", args=[assignment.pk])
    page = client.get(url)
    assert page.content.count(b'class="ann-clause') == 40
    assert b"?offset=40" in page.content
    chunk = client.get(url + "?offset=80", headers=HX)
    assert chunk.content.count(b'class="ann-clause') == 15
    assert b"<html" not in chunk.content and b"?offset=" not in chunk.content
    focus = version.clauses.get(order=60)
    focused = client.get(url + f"?focus={focus.pk}")
    assert f'id="clause-{focus.pk}"'.encode() in focused.content


def test_mark_and_span_endpoints(client, mine, annotators):
    client.force_login(annotators[0])
    clause = mine.document.version.clauses.order_by("order")[1]
    mark = reverse("campaigns:clause_mark", args=[mine.pk, clause.pk])
    assert client.post(mark, {"unsure": "1"}, headers=HX).status_code == 200
    assert client.post(mark, {"comment": "tricky"}, headers=HX).status_code == 200
    row = ClauseMark.objects.get(clause=clause, annotator=annotators[0])
    assert (row.unsure, row.comment) == (True, "tricky")
    span = client.post(
        reverse("campaigns:span_add", args=[mine.pk, clause.pk]),
        {"label": THIRD, "start": clause.start, "end": clause.start + 7},
        headers=HX,
    )
    assert span.status_code == 200 and b"<mark" in span.content
    outside = client.post(
        reverse("campaigns:span_add", args=[mine.pk, clause.pk]),
        {"label": THIRD, "start": 0, "end": clause.end + 50},
        headers=HX,
    )
    assert outside.status_code == 422


def test_other_annotator_cannot_see_or_change_assignment(client, mine, annotators, team):
    from tests.conftest import member

    stranger = member(team, "sam", "Annotator")
    client.force_login(stranger)
    assert client.get(reverse("campaigns:assignment_annotate", args=[mine.pk])).status_code == 404
    clause = mine.document.version.clauses.first()
    toggle = reverse("campaigns:clause_toggle", args=[mine.pk, clause.pk])
    assert client.post(toggle, {"label": FIRST}, headers=HX).status_code == 404
    assert (
        client.get(reverse("campaigns:campaign_detail", args=[mine.campaign_id])).status_code == 404
    )


def test_lead_reads_but_cannot_label_someone_elses_assignment(client, mine, lead):
    client.force_login(lead)
    page = client.get(reverse("campaigns:assignment_annotate", args=[mine.pk]))
    assert page.status_code == 200 and b"Read-only" in page.content
    clause = mine.document.version.clauses.first()
    toggle = reverse("campaigns:clause_toggle", args=[mine.pk, clause.pk])
    assert client.post(toggle, {"label": FIRST}, headers=HX).status_code == 403


def test_blind_page_never_shows_other_labels(client, assigned, versions):
    a, b = list(
        assigned.assignments.filter(document__version=versions[0]).select_related(
            "campaign", "document", "annotator"
        )
    )
    clause = versions[0].clauses.first()
    services.annotation_toggle(
        assignment=b, clause_id=clause.pk, label="Do Not Track", by=b.annotator
    )
    client.force_login(a.annotator)
    page = client.get(reverse("campaigns:assignment_annotate", args=[a.pk]))
    assert b"Others:" not in page.content
    assert b"lab-7 on" not in page.content
    Campaign.objects.filter(pk=assigned.pk).update(blind=False)
    page = client.get(reverse("campaigns:assignment_annotate", args=[a.pk]))
    assert b"Others:" in page.content and b.annotator.username.encode() in page.content


def test_annotator_denied_lead_pages(client, assigned, annotators):
    client.force_login(annotators[0])
    for name in ("campaign_agreement", "agreement_csv", "campaign_adjudication", "campaign_export"):
        assert client.get(reverse(f"campaigns:{name}", args=[assigned.pk])).status_code == 403


def _finish(assigned, versions):
    a, b = list(
        assigned.assignments.filter(document__version=versions[0]).select_related(
            "campaign", "document", "annotator"
        )
    )
    clauses = list(versions[0].clauses.order_by("order"))
    services.annotation_toggle(assignment=a, clause_id=clauses[0].pk, label=FIRST, by=a.annotator)
    services.annotation_toggle(assignment=b, clause_id=clauses[0].pk, label=THIRD, by=b.annotator)
    services.assignment_done(assignment_id=a.pk, by=a.annotator)
    services.assignment_done(assignment_id=b.pk, by=b.annotator)
    return clauses


def test_agreement_page_and_csv(client, assigned, versions, lead):
    _finish(assigned, versions)
    client.force_login(lead)
    page = client.get(reverse("campaigns:campaign_agreement", args=[assigned.pk]))
    assert page.status_code == 200
    assert b"Krippendorff" in page.content and b'class="heatmap"' in page.content
    csv_response = client.get(reverse("campaigns:agreement_csv", args=[assigned.pk]))
    assert csv_response["Content-Type"] == "text/csv"
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("scope,document,label")
    assert any(line.startswith(f"label,,{FIRST}") for line in lines)
    assert any(line.startswith("pair,") for line in lines)


def test_adjudication_page_and_htmx_decision(client, assigned, versions, lead):
    clauses = _finish(assigned, versions)
    client.force_login(lead)
    page = client.get(reverse("campaigns:campaign_adjudication", args=[assigned.pk]))
    assert page.status_code == 200 and b"0 of 1 disagreements settled" in page.content
    url = reverse("campaigns:adjudicate", args=[assigned.pk, clauses[0].pk])
    fragment = client.post(url, {"kind": "merged", "labels": [FIRST, THIRD]}, headers=HX)
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    assert b"settled (Merged" in fragment.content
    assert fragment["HX-Trigger"] == "curation-changed"
    missing_note = client.post(url, {"kind": "new", "labels": ["Other"]}, headers=HX)
    assert b"Say why in a note" in missing_note.content
    page = client.get(reverse("campaigns:campaign_adjudication", args=[assigned.pk]))
    assert b"1 of 1 disagreements settled" in page.content


def test_export_views(client, assigned, versions, lead):
    import json

    _finish(assigned, versions)
    client.force_login(lead)
    jsonl = client.get(reverse("campaigns:campaign_export", args=[assigned.pk]) + "?format=jsonl")
    rows = [json.loads(line) for line in b"".join(jsonl.streaming_content).decode().splitlines()]
    assert {r["label"] for r in rows if r["source"] == "annotation"} >= {FIRST, THIRD}
    assert all({"annotator", "time", "start", "end", "clause_id"} <= set(r) for r in rows)
    bad = client.get(reverse("campaigns:campaign_export", args=[assigned.pk]) + "?format=xml")
    assert bad.status_code == 400


def test_done_and_list(client, mine, annotators):
    client.force_login(annotators[0])
    listing = client.get(reverse("campaigns:campaign_list"))
    assert mine.campaign.name.encode() in listing.content
    done = client.post(reverse("campaigns:assignment_done", args=[mine.pk]), headers=HX)
    assert done["HX-Redirect"] == reverse("campaigns:campaign_detail", args=[mine.campaign_id])
    mine.refresh_from_db()
    assert mine.is_done


def test_viewer_has_no_campaigns(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("campaigns:campaign_list")).status_code == 403


def test_active_learning_page(client, mine, annotators):
    client.force_login(annotators[0])
    page = client.get(reverse("campaigns:active_learning", args=[mine.campaign_id]))
    assert page.status_code == 200
    assert b"?focus=" in page.content
