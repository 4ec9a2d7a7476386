"""The review page and its htmx actions through the test client: fragments and full pages,
plain form posts, denials, constant query counts, and real concurrent decisions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reviews import benchmarks, services
from reviews.models import Decision, Finding, FindingReview, ReportBuild, ReviewerAnnotation
from tests.reviews.test_review_services import decide_all, processed_version

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def version(team, reviewer):
    return processed_version(team, reviewer)


@pytest.fixture
def review(version, reviewer):
    return services.review_start(version_id=version.pk, by=reviewer)


def decide_url(review, finding):
    return reverse("reviews:finding_decide", args=[review.pk, finding.pk])


class TestPages:
    def test_version_review_offers_start_then_redirects(self, reviewer_client, version):
        url = reverse("reviews:version_review", args=[version.pk])
        response = reviewer_client.get(url)
        assert response.status_code == 200 and b"Start review" in response.content
        response = reviewer_client.post(url)
        assert response.status_code == 302 and "/reviews/" in response["Location"]
        assert reviewer_client.get(url).status_code == 302

    def test_review_page_shows_both_panes_and_gaps_first(self, reviewer_client, review, version):
        response = reviewer_client.get(reverse("reviews:review_detail", args=[review.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="document"' in html and 'id="findings-pane"' in html
        assert html.count('<li class="finding"') == Finding.objects.filter(version=version).count()
        first_missing = html.find('data-status="missing"')
        first_satisfied = html.find('data-status="satisfied"')
        assert 0 < first_missing < first_satisfied
        assert 'id="help-overlay"' in html and "data-help-toggle" in html

    def test_filter_returns_the_findings_fragment_only(self, reviewer_client, review, version):
        url = reverse("reviews:review_detail", args=[review.pk]) + "?status=missing"
        response = reviewer_client.get(url, headers={**HX, "HX-Target": "findings-pane"})
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="findings-pane"')
        assert 'data-status="satisfied"' not in html and 'data-status="missing"' in html
        assert "<html" not in html

    def test_clause_panel_shows_findings_and_facts_citing_it(self, reviewer_client, review, version):
        span = Finding.objects.filter(version=version, spans__role="evidence").first().spans.first()
        url = reverse("reviews:clause_detail", args=[review.pk, span.clause_id])
        html = reviewer_client.get(url, headers=HX).content.decode()
        assert html.lstrip().startswith('<section id="clause-panel"')
        assert "Findings citing it" in html and span.finding.requirement.title in html
        assert reviewer_client.get(url).status_code == 200  # also a page of its own

    def test_viewer_sees_no_action_forms(self, viewer_client, review):
        html = viewer_client.get(reverse("reviews:review_detail", args=[review.pk])).content.decode()
        assert "act-approve" not in html and "Add a manual finding" not in html

    def test_outsider_gets_404(self, outsider_client, review):
        assert outsider_client.get(reverse("reviews:review_detail", args=[review.pk])).status_code == 404


class TestActions:
    def test_htmx_approve_swaps_the_row_and_counters_out_of_band(self, reviewer_client, review, version):
        finding = Finding.objects.filter(version=version).first()
        response = reviewer_client.post(
            decide_url(review, finding), {"action": "approve", "lock_version": finding.lock_version}, headers=HX
        )
        html = response.content.decode()
        assert response.status_code == 200
        # Only the row's decision part: its evidence and comments are not sent again.
        assert html.lstrip().startswith(
            f'<div class="finding-decision" id="finding-{finding.pk}-decision" data-status="{finding.status}" '
            f'data-state="approved" data-lock-version="{finding.lock_version + 1}"'
        )
        assert f'name="lock_version" value="{finding.lock_version + 1}"' in html
        assert "<li" not in html.split('id="review-counters"')[0] and "HX-Retarget" not in response
        assert 'id="review-counters" class="counters" hx-swap-oob="true"' in html
        assert 'id="review-rating"' not in html  # approving cannot move the rating
        assert "review-changed" in response["HX-Trigger"]
        assert 'id="document"' not in html  # never the whole document again
        other = Finding.objects.filter(version=version).exclude(pk=finding.pk).first()
        html = reviewer_client.post(
            decide_url(review, other),
            {"action": "reject", "lock_version": other.lock_version, "comment": "wrong"}, headers=HX,
        ).content.decode()
        assert 'id="review-rating" class="rating-box" hx-swap-oob="true"' in html

    def test_plain_post_redirects_back_to_the_finding(self, reviewer_client, review, version):
        finding = Finding.objects.filter(version=version).first()
        response = reviewer_client.post(
            decide_url(review, finding),
            {"action": "reject", "lock_version": finding.lock_version, "comment": "Not what it says."},
        )
        assert response.status_code == 302 and response["Location"].endswith(f"#finding-{finding.pk}")
        assert FindingReview.objects.get(review=review, finding=finding).state == "rejected"

    def test_reject_without_reason_is_refused_in_the_row(self, reviewer_client, review, version):
        finding = Finding.objects.filter(version=version).first()
        response = reviewer_client.post(
            decide_url(review, finding), {"action": "reject", "lock_version": finding.lock_version}, headers=HX
        )
        html = response.content.decode()
        assert "Give a reason" in html
        assert FindingReview.objects.get(review=review, finding=finding).state == "undecided"
        # A refused decision answers with the whole row, aimed at the row, not the decision part.
        assert response["HX-Retarget"] == f"#finding-{finding.pk}"
        assert html.lstrip().startswith(f'<li class="finding" id="finding-{finding.pk}"')

    def test_stale_form_is_refused_with_the_current_state(self, reviewer_client, review, version, reviewer):
        finding = Finding.objects.filter(version=version).first()
        services.finding_decide(
            review_id=review.pk, finding_id=finding.pk, lock_version=finding.lock_version,
            by=reviewer, action="reject", comment="first",
        )
        response = reviewer_client.post(
            decide_url(review, finding), {"action": "approve", "lock_version": finding.lock_version}, headers=HX
        )
        html = response.content.decode()
        assert "Someone else changed this finding" in html
        assert 'data-state="rejected"' in html  # the current state is shown
        # The whole row (others may have changed its evidence too) replaces the whole row.
        assert html.lstrip().startswith(f'<li class="finding" id="finding-{finding.pk}"')
        assert response["HX-Retarget"] == f"#finding-{finding.pk}"
        assert FindingReview.objects.get(review=review, finding=finding).state == "rejected"

    def test_viewer_cannot_post(self, viewer_client, review, version):
        finding = Finding.objects.filter(version=version).first()
        response = viewer_client.post(
            decide_url(review, finding), {"action": "approve", "lock_version": finding.lock_version}, headers=HX
        )
        assert response.status_code == 403
        assert not Decision.objects.exists()

    def test_tagging_a_clause_swaps_the_panel_and_the_clause_chips(self, reviewer_client, review, version):
        clause = version.clauses.exclude(kind="heading").first()
        url = reverse("reviews:clause_tag", args=[review.pk, clause.pk])
        html = reviewer_client.post(url, {"label": "Data Security"}, headers=HX).content.decode()
        assert f'id="clause-tags-{clause.pk}" hx-swap-oob="true"' in html and "Data Security" in html
        assert ReviewerAnnotation.objects.filter(clause=clause, label="Data Security").exists()
        reviewer_client.post(url, {"label": "Data Security", "remove": "on"}, headers=HX)
        assert not ReviewerAnnotation.objects.filter(clause=clause).exists()

    def test_comment_on_a_finding_swaps_its_row(self, reviewer_client, review, version):
        finding = Finding.objects.filter(version=version).first()
        html = reviewer_client.post(
            reverse("reviews:comment_add", args=[review.pk]), {"body": "Checked the DPA.", "finding": finding.pk},
            headers=HX,
        ).content.decode()
        assert "Checked the DPA." in html and f'id="finding-{finding.pk}"' in html

    def test_manual_finding_and_evidence_by_clause_number(self, reviewer_client, review, version):
        response = reviewer_client.post(
            reverse("reviews:finding_manual", args=[review.pk]),
            {"title": "Dark pattern", "status": "partial", "rationale": "Opt-out hidden.", "clause_numbers": "2"},
        )
        assert response.status_code == 302
        manual = Finding.objects.get(version=version, origin="manual")
        assert manual.spans.get().clause.order == 1
        finding = Finding.objects.filter(version=version, origin="automated").first()
        html = reviewer_client.post(
            reverse("reviews:finding_evidence_add", args=[review.pk, finding.pk]),
            {"clause_number": 3, "lock_version": finding.lock_version}, headers=HX,
        ).content.decode()
        assert "Clause 3 added as evidence" in html

    def test_lifecycle_through_pages_and_report_downloads(
        self, client, review, version, reviewer, approver
    ):
        from reviews import tasks

        client.force_login(reviewer)
        url = reverse("reviews:review_transition", args=[review.pk])
        client.post(url, {"action": "submit"})
        decide_all(review, reviewer)
        client.force_login(approver)
        client.post(url, {"action": "request_changes", "note": "Look at retention."})
        client.force_login(reviewer)
        client.post(url, {"action": "submit"})
        client.force_login(approver)
        response = client.post(url, {"action": "approve"}, headers=HX)
        assert response.status_code == 204 and response["HX-Redirect"].endswith(f"/reviews/{review.pk}/")
        review.refresh_from_db()
        assert review.status == "approved"
        report_url = reverse("reviews:review_report", args=[review.pk])
        assert b"Preparing the report" in client.get(report_url).content
        tasks.build_report(ReportBuild.objects.get(review=review).pk)
        status = client.get(reverse("reviews:report_status", args=[review.pk]), headers=HX)
        assert status.status_code == 286 and status["HX-Refresh"] == "true"
        page = client.get(report_url).content.decode()
        assert "Requirement matrix" in page and "Approved by" in page and "april" in page
        pdf = client.get(reverse("reviews:report_pdf", args=[review.pk]))
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        csv_response = client.get(reverse("reviews:report_csv", args=[review.pk]))
        assert csv_response.content.decode().startswith("finding_id,")
        data = client.get(reverse("reviews:report_json", args=[review.pk])).json()
        assert data["review"]["approved_by"] == "april" and data["audit"]

    def test_my_queue_lists_overdue_first(self, client, team, reviewer, approver):
        import datetime

        from django.utils import timezone

        today = timezone.localdate()
        due = {}
        for n, days in ((1, 5), (2, -3)):
            v = benchmarks.make_synthetic_version(team=team, clauses=12, findings=2, by=reviewer)
            r = services.review_start(version_id=v.pk, by=reviewer)
            services.review_assign(
                review_id=r.pk, by=approver, assignee=reviewer, approver=approver,
                due_date=today + datetime.timedelta(days=days),
            )
            due[n] = r
        client.force_login(reviewer)
        html = client.get(reverse("reviews:my_queue")).content.decode()
        assert html.find(f"/reviews/{due[2].pk}/") < html.find(f"/reviews/{due[1].pk}/")
        assert "overdue" in html
        client.force_login(approver)
        assert f"/reviews/{due[1].pk}/" not in client.get(reverse("reviews:my_queue")).content.decode()


class TestQueryCounts:
    @pytest.mark.parametrize("view", ["review_detail", "review_clauses"])
    def test_constant_whatever_the_number_of_clauses(self, client, team, reviewer, view):
        from django.test.utils import CaptureQueriesContext

        counts = {}
        for n in (30, 300):
            version = benchmarks.make_synthetic_version(team=team, clauses=n, by=reviewer)
            review = services.review_start(version_id=version.pk, by=reviewer)
            client.force_login(reviewer)
            url = reverse(f"reviews:{view}", args=[review.pk]) + ("?page=0" if view == "review_clauses" else "")
            client.get(url)  # warm (session, caches)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, headers=HX if view == "review_clauses" else {}).status_code == 200
            counts[n] = len(ctx.captured_queries)
        assert counts[30] == counts[300], counts

    def test_with_django_assert_num_queries(self, client, team, reviewer, django_assert_num_queries):
        sizes = {}
        for n in (30, 300):
            version = benchmarks.make_synthetic_version(team=team, clauses=n, by=reviewer)
            sizes[n] = services.review_start(version_id=version.pk, by=reviewer)
        client.force_login(reviewer)
        client.get(reverse("reviews:review_detail", args=[sizes[30].pk]))
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("reviews:review_detail", args=[sizes[30].pk]))
        with django_assert_num_queries(len(ctx.captured_queries)):
            html = client.get(reverse("reviews:review_detail", args=[sizes[300].pk])).content.decode()
        # Progressive loading: the first page of clauses, placeholders for the other two.
        assert html.count('class="clause kind-') == 100 and html.count("clause-page placeholder") == 2


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_never_lose_a_decision(team, reviewer, approver):
    """Two real requests on two connections post the same (then stale) lock version at the same
    moment: exactly one decision is applied, the other is refused with the current state."""
    version = benchmarks.make_synthetic_version(team=team, clauses=20, findings=3, by=reviewer)
    review = services.review_start(version_id=version.pk, by=reviewer)
    finding = Finding.objects.filter(version=version).first()
    url = decide_url(review, finding)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def act(user, action):
        client = Client()
        client.force_login(user)
        barrier.wait()
        response = client.post(
            url, {"action": action, "lock_version": finding.lock_version, "comment": f"by {user.username}"},
            headers=HX,
        )
        results[user.username] = response.content.decode()
        connection.close()

    threads = [
        threading.Thread(target=act, args=(reviewer, "approve")),
        threading.Thread(target=act, args=(approver, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    stale = [name for name, html in results.items() if "Someone else changed this finding" in html]
    assert len(results) == 2 and len(stale) == 1, results.keys()
    decisions = list(Decision.objects.filter(finding=finding))
    assert len(decisions) == 1
    winner = decisions[0].actor.username
    assert winner != stale[0]
    state = FindingReview.objects.get(review=review, finding=finding).state
    assert state == ("approved" if winner == "rita" else "rejected")
    assert f'data-state="{state}"' in results[stale[0]]  # the loser is shown the winner's decision
