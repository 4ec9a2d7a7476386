"""Pages of the policies app: full pages, htmx fragments, and who may see what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies import services
from policies.models import ExtractionRun, Policy
from tests import factories
from tests.policies.test_services import POLICY, import_text

HX = {"HX-Request": "true"}


@pytest.fixture
def processed(team, reviewer):
    outcome = import_text(team, reviewer, vendor="Acme")
    services.extraction_run_execute(run_id=outcome.run.pk)
    return outcome.version


@pytest.mark.django_db
class TestSignIn:
    @pytest.mark.parametrize("name", ["policies:policy_list", "policies:policy_import"])
    def test_pages_require_sign_in(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_sign_in_page_and_sign_in(self, client, reviewer):
        assert client.get(reverse("login")).status_code == 200
        response = client.post(reverse("login"), {"username": "rita", "password": "pw-test-123"})
        assert response.status_code == 302
        assert client.get(reverse("policies:policy_list")).status_code == 200

    def test_sign_out_is_a_post(self, reviewer_client):
        response = reviewer_client.post(reverse("logout"))
        assert response.status_code == 302
        assert reviewer_client.get(reverse("policies:policy_list")).status_code == 302


@pytest.mark.django_db
class TestPolicyList:
    def test_lists_only_my_teams_policies(self, reviewer_client, team, outsider):
        factories.PolicyFactory(team=team, name="Mine")
        factories.PolicyFactory(team=outsider.teams.first(), name="Theirs")
        page = reviewer_client.get(reverse("policies:policy_list")).content.decode()
        assert "Mine" in page and "Theirs" not in page

    def test_search_by_name_or_vendor_returns_the_table_fragment(self, reviewer_client, team):
        factories.PolicyFactory(team=team, name="Alpha notice", vendor="Zed Corp")
        factories.PolicyFactory(team=team, name="Beta notice", vendor="Yak Ltd")
        response = reviewer_client.get(reverse("policies:policy_list"), {"q": "yak"}, headers=HX)
        body = response.content.decode()
        assert "Beta notice" in body and "Alpha notice" not in body
        assert "<html" not in body and 'id="policy-table"' in body

    def test_filter_by_run_status(self, reviewer_client, team, reviewer):
        done = import_text(team, reviewer, filename="done.txt")
        services.extraction_run_execute(run_id=done.run.pk)
        import_text(team, reviewer, text=POLICY + "\nMore.\n", filename="waiting.txt")
        body = reviewer_client.get(reverse("policies:policy_list"), {"status": "queued"}).content.decode()
        assert "Waiting" in body and ">Done<" not in body

    def test_paginates(self, reviewer_client, team):
        for i in range(30):
            factories.PolicyFactory(team=team, name=f"P{i:02d}")
        body = reviewer_client.get(reverse("policies:policy_list")).content.decode()
        assert "Page 1 of 2" in body
        assert "Page 2 of 2" in reviewer_client.get(reverse("policies:policy_list"), {"page": 2}).content.decode()


@pytest.mark.django_db
class TestImportPage:
    def test_upload_a_file_redirects_to_the_version(self, reviewer_client, team):
        upload = SimpleUploadedFile("acme.txt", POLICY.encode(), content_type="text/plain")
        response = reviewer_client.post(
            reverse("policies:policy_import"), {"team": team.pk, "vendor": "Acme", "files": [upload]}
        )
        version = Policy.objects.get().versions.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("policies:version_detail", args=[version.pk])

    def test_htmx_upload_answers_with_a_client_redirect(self, reviewer_client, team):
        upload = SimpleUploadedFile("acme.txt", POLICY.encode())
        response = reviewer_client.post(
            reverse("policies:policy_import"), {"team": team.pk, "vendor": "Acme", "files": [upload]},
            headers=HX,
        )
        assert response.status_code == 200 and response["HX-Redirect"].startswith("/policies/versions/")

    def test_paste_text(self, reviewer_client, team):
        response = reviewer_client.post(
            reverse("policies:policy_import"),
            {"team": team.pk, "vendor": "Acme", "name": "Acme notice", "text": POLICY},
        )
        assert response.status_code == 302
        assert Policy.objects.get().name == "Acme notice"

    def test_several_files_show_a_summary_with_reasons(self, reviewer_client, team):
        files = [
            SimpleUploadedFile("a.txt", POLICY.encode()),
            SimpleUploadedFile("b.pdf", b"%PDF-1.4 not really"),
        ]
        response = reviewer_client.post(
            reverse("policies:policy_import"), {"team": team.pk, "vendor": "Acme", "files": files},
            headers=HX,
        )
        body = response.content.decode()
        assert response.status_code == 200 and 'id="import-form"' in body and "<html" not in body
        assert "a.txt</strong>: imported" in body and "b.pdf</strong>: failed" in body

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"vendor": "Acme"}, "Choose at least one file"),
            ({"vendor": "Acme", "text": "Some text"}, "Give pasted text a name"),
            ({"text": "x", "name": "n"}, "This field is required"),
        ],
    )
    def test_validation_errors_re_render_the_form(self, reviewer_client, team, data, message):
        response = reviewer_client.post(
            reverse("policies:policy_import"), {"team": team.pk, **data}, headers=HX
        )
        assert response.status_code == 200 and message in response.content.decode()
        assert not Policy.objects.exists()

    def test_cannot_import_into_another_team(self, reviewer_client, outsider):
        other_team = outsider.teams.first()
        response = reviewer_client.post(
            reverse("policies:policy_import"),
            {"team": other_team.pk, "vendor": "X", "name": "n", "text": POLICY},
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        assert not Policy.objects.exists()

    def test_user_without_team_is_told(self, client, db):
        from django.contrib.auth.models import Group

        loner = factories.UserFactory(username="loner")
        loner.groups.add(Group.objects.get(name="Reviewer"))
        client.force_login(loner)
        response = client.get(reverse("policies:policy_import"), follow=True)
        assert "not a member of any team" in response.content.decode()

    def test_csrf_is_enforced(self, reviewer, team):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(reviewer)
        response = strict.post(
            reverse("policies:policy_import"), {"team": team.pk, "vendor": "A", "name": "n", "text": "t"}
        )
        assert response.status_code == 403


@pytest.mark.django_db
class TestVersionPage:
    def test_shows_clauses_under_headings_with_categories_and_facts(self, reviewer_client, processed):
        body = reviewer_client.get(reverse("policies:version_detail", args=[processed.pk])).content.decode()
        assert "Information We Collect" in body and "How We Share Information" in body
        assert 'class="chip cat-' in body
        assert "privacy@acme-learning.example" in body
        assert 'id="run-status"' in body and "every 2s" not in body  # finished: no polling

    def test_policy_page_shows_the_latest_version(self, reviewer_client, processed):
        response = reviewer_client.get(reverse("policies:policy_detail", args=[processed.policy_id]))
        assert response.status_code == 200 and f"v{processed.number}" in response.content.decode()

    def test_category_filter_returns_the_clause_list_fragment(self, reviewer_client, processed):
        response = reviewer_client.get(
            reverse("policies:version_detail", args=[processed.pk]),
            {"category": "Data Security"},
            headers={**HX, "HX-Target": "clause-list"},
        )
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="clause-list"') and "<html" not in body

    def test_other_teams_get_404(self, outsider_client, processed):
        for url in (
            reverse("policies:version_detail", args=[processed.pk]),
            reverse("policies:policy_detail", args=[processed.policy_id]),
            reverse("policies:version_original", args=[processed.pk]),
            reverse("policies:run_status", args=[processed.runs.get().pk]),
        ):
            assert outsider_client.get(url).status_code == 404, url
        retry = reverse("policies:run_retry", args=[processed.runs.get().pk])
        assert outsider_client.post(retry).status_code == 404

    def test_original_is_always_a_download(self, reviewer_client, team, reviewer):
        html = b"<html><body><script>alert(1)</script><p>We collect data.</p></body></html>"
        outcome = services.policy_version_import(team=team, by=reviewer, data=html, filename="p.html")
        response = reviewer_client.get(reverse("policies:version_original", args=[outcome.version.pk]))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == html

    def test_uploaded_html_is_never_rendered_as_markup(self, reviewer_client, team, reviewer):
        html = b"<html><body><h1>Policy</h1><p>We collect &lt;b&gt;data&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;.</p></body></html>"
        outcome = services.policy_version_import(team=team, by=reviewer, data=html, filename="p.html")
        services.extraction_run_execute(run_id=outcome.run.pk)
        body = reviewer_client.get(reverse("policies:version_detail", args=[outcome.version.pk])).content.decode()
        assert "<img src=x" not in body and "&lt;img src=x" in body


@pytest.mark.django_db
class TestRunProgress:
    def test_queued_run_polls(self, reviewer_client, team, reviewer):
        outcome = import_text(team, reviewer)
        response = reviewer_client.get(reverse("policies:run_status", args=[outcome.run.pk]), headers=HX)
        body = response.content.decode()
        assert response.status_code == 200 and 'hx-trigger="every 2s"' in body
        assert "cannot be reached" in body  # never reached the broker in this test

    def test_finished_run_stops_polling_and_announces_it(self, reviewer_client, processed):
        run = processed.runs.get()
        response = reviewer_client.get(reverse("policies:run_status", args=[run.pk]), headers=HX)
        assert response.status_code == 286
        assert "run-finished" in response["HX-Trigger"]
        assert "every 2s" not in response.content.decode()

    def test_failed_run_shows_the_error_and_a_retry_button(self, reviewer_client, team, reviewer):
        outcome = import_text(team, reviewer)
        ExtractionRun.objects.filter(pk=outcome.run.pk).update(
            status=ExtractionRun.Status.FAILED, error="The document could not be segmented."
        )
        body = reviewer_client.get(reverse("policies:version_detail", args=[outcome.version.pk])).content.decode()
        assert "The document could not be segmented." in body and ">Retry</button>" in body
        response = reviewer_client.post(reverse("policies:run_retry", args=[outcome.run.pk]), headers=HX)
        assert response.status_code == 200 and "Queued" in response.content.decode()
        assert outcome.version.runs.count() == 2

    def test_retry_as_a_plain_form_post_redirects(self, reviewer_client, team, reviewer):
        outcome = import_text(team, reviewer)
        ExtractionRun.objects.filter(pk=outcome.run.pk).update(status=ExtractionRun.Status.FAILED)
        response = reviewer_client.post(reverse("policies:run_retry", args=[outcome.run.pk]))
        assert response.status_code == 302


@pytest.mark.django_db
class TestViewerRole:
    """A viewer of the team reads everything and changes nothing."""

    def test_viewer_reads_policies(self, viewer_client, processed):
        assert viewer_client.get(reverse("policies:policy_list")).status_code == 200
        body = viewer_client.get(reverse("policies:version_detail", args=[processed.pk])).content.decode()
        assert "Information We Collect" in body
        assert reverse("policies:policy_import") not in body

    def test_viewer_cannot_import(self, viewer_client, team):
        assert viewer_client.get(reverse("policies:policy_import")).status_code == 403
        response = viewer_client.post(
            reverse("policies:policy_import"), {"team": team.pk, "vendor": "A", "name": "n", "text": POLICY}
        )
        assert response.status_code == 403 and not Policy.objects.exists()

    def test_viewer_cannot_retry(self, viewer_client, processed):
        run = processed.runs.get()
        ExtractionRun.objects.filter(pk=run.pk).update(status=ExtractionRun.Status.FAILED)
        assert viewer_client.post(reverse("policies:run_retry", args=[run.pk])).status_code == 403
        assert processed.runs.count() == 1


class TestDocumentPages:
    """The policy page's document loads a page of clauses at a time (like the review page)."""

    @pytest.fixture
    def long_version(self, team, reviewer):
        from reviews.benchmarks import make_synthetic_version

        return make_synthetic_version(team=team, clauses=250, findings=0, by=reviewer)

    def url(self, version):
        return reverse("policies:version_detail", args=[version.pk])

    def test_first_page_and_placeholders_for_the_rest(self, reviewer_client, long_version):
        body = reviewer_client.get(self.url(long_version)).content.decode()
        assert "(99)" in body and "(100)" not in body  # clauses 0-99 only
        assert 'id="doc-page-1"' in body and 'id="doc-page-2"' in body and 'id="doc-page-3"' not in body
        assert f'{self.url(long_version)}?page=2"' in body and 'hx-trigger="intersect once, load-page"' in body

    def test_a_later_page_is_a_fragment_of_its_clauses(self, reviewer_client, long_version):
        body = reviewer_client.get(self.url(long_version), {"page": 2}, headers=HX).content.decode()
        assert body.lstrip().startswith('<div class="document-page" id="doc-page-2"')
        assert "(201)" in body and "(249)" in body and "(199)" not in body and "<html" not in body

    def test_pages_keep_the_category_filter(self, reviewer_client, long_version):
        data = {"page": 1, "category": "Data Retention"}
        body = reviewer_client.get(self.url(long_version), data, headers=HX).content.decode()
        # Synthetic clause i is labelled Data Retention when i % 3 == 2.
        assert "(101)" in body and "(102)" not in body and "(100)" not in body
        first = reviewer_client.get(self.url(long_version), {"category": "Data Retention"}).content.decode()
        assert "page=1&amp;category=Data%20Retention" in first

    def test_facts_know_their_clause_order(self, reviewer_client, long_version):
        body = reviewer_client.get(self.url(long_version)).content.decode()
        assert 'class="evidence-link fact"' in body and 'data-order="' in body

    def test_queries_do_not_grow_with_the_document(self, reviewer_client, team, reviewer):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from reviews.benchmarks import make_synthetic_version

        counts = []
        for n in (30, 300):
            version = make_synthetic_version(team=team, clauses=n, findings=0, by=reviewer)
            reviewer_client.get(self.url(version))  # warm the session and caches
            with CaptureQueriesContext(connection) as ctx:
                reviewer_client.get(self.url(version))
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1]
