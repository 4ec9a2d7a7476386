"""The checks stage and the findings services against the real database."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from policies import services as policy_services
from reviews import services
from reviews.models import Finding, FindingEvidence, Requirement, VersionRating, VersionScope
from tests.policies.test_services import POLICY, import_text

GDPR_POLICY = POLICY + """
4. Your Rights (EEA residents)

If you are in the European Economic Area, the GDPR gives you the right to access, rectify or erase
your personal data, to restrict or object to processing and to data portability. You may lodge a
complaint with your local data protection supervisory authority. We keep account data for 12
months after you close your account.
"""


@pytest.fixture
def analysed(team, reviewer):
    outcome = import_text(team, reviewer, text=GDPR_POLICY)
    run = policy_services.extraction_run_execute(run_id=outcome.run.pk)
    assert run.status == "succeeded", run.error
    return outcome.version


@pytest.mark.django_db
class TestChecksStage:
    def test_one_finding_per_applicable_requirement_with_evidence_inside_clauses(self, analysed):
        findings = Finding.objects.filter(version=analysed)
        assert findings.filter(regulation="gdpr").exists()
        assert not findings.exclude(
            status__in=["satisfied", "partial", "missing", "not_applicable"]
        ).exists()
        assert findings.values("requirement").distinct().count() == findings.count()
        for span in FindingEvidence.objects.filter(finding__version=analysed).select_related("clause"):
            assert span.clause.start <= span.start < span.end <= span.clause.end
        retention = findings.get(requirement_id="gdpr-13-2-a")
        assert retention.status == "satisfied"
        assert "12" in analysed.text[retention.spans.first().start : retention.spans.first().end + 20]
        assert findings.get(requirement_id="gdpr-13-2-d").status == "satisfied"
        assert findings.first().engine_version and findings.first().catalogue_version

    def test_scope_and_rating_are_stored(self, analysed):
        scope = VersionScope.objects.get(version=analysed)
        assert scope.detected["decisions"]["gdpr"]["applies"] is True
        assert scope.chosen is None
        rating = VersionRating.objects.get(version=analysed)
        assert rating.overall in {"Pass", "Warning", "Fail"} and rating.reasons
        assert 0 <= rating.coverage["gdpr"]["coverage"] <= 1

    def test_rerun_updates_findings_in_place(self, analysed):
        before = dict(Finding.objects.filter(version=analysed).values_list("requirement_id", "pk"))
        locks = dict(Finding.objects.filter(version=analysed).values_list("requirement_id", "lock_version"))
        rerun = policy_services.extraction_run_create(version=analysed, enqueue=False)
        policy_services.extraction_run_execute(run_id=rerun.pk)
        after = dict(Finding.objects.filter(version=analysed).values_list("requirement_id", "pk"))
        assert after == before  # same rows: decisions attached to them survive
        assert dict(Finding.objects.filter(version=analysed).values_list("requirement_id", "lock_version")) == locks
        assert Finding.objects.filter(version=analysed, run=rerun).count() == len(after)

    def test_choosing_the_scope_judges_again_under_it(self, analysed, reviewer):
        services.version_scope_choose(version=analysed, regulations=["coppa"], by=reviewer)
        regulations = set(Finding.objects.filter(version=analysed).values_list("regulation", flat=True))
        assert regulations == {"coppa"}
        services.version_scope_choose(version=analysed, regulations=None, by=reviewer)
        assert Finding.objects.filter(version=analysed, regulation="gdpr").exists()

    def test_unknown_regulation_is_refused(self, analysed, reviewer):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.version_scope_choose(version=analysed, regulations=["hipaa"], by=reviewer)

    def test_team_internal_requirement_is_judged_by_its_cue_phrases(self, analysed, reviewer):
        Requirement.objects.create(
            id="acme-sub-processor-list", regulation="internal", citation="Vendor standard 4.2",
            title="Sub-processor list", must_disclose="Names the hosting provider.",
            cues=["Amazon Web Services"],
        )
        Requirement.objects.create(
            id="acme-breach-window", regulation="internal", citation="Vendor standard 7.1",
            title="Breach notice window", must_disclose="Promises breach notice within 72 hours.",
            cues=["within 72 hours"],
        )
        services.findings_refresh(version=analysed)
        assert Finding.objects.get(version=analysed, requirement_id="acme-sub-processor-list").status == "satisfied"
        assert Finding.objects.get(version=analysed, requirement_id="acme-breach-window").status == "missing"


@pytest.mark.django_db
def test_sync_requirements_command_keeps_team_requirements():
    Requirement.objects.create(
        id="team-own", regulation="internal", citation="x", title="Own", must_disclose="y"
    )
    Requirement.objects.filter(id="gdpr-13-2-a").update(title="edited")
    out = io.StringIO()
    call_command("sync_requirements", stdout=out)
    assert "0 created" in out.getvalue()
    assert Requirement.objects.get(id="gdpr-13-2-a").title != "edited"
    assert Requirement.objects.filter(id="team-own").exists()


@pytest.mark.django_db
def test_analyze_reports_scope_and_findings_and_forces_regulations(tmp_path):
    path = tmp_path / "gdpr.txt"
    path.write_text(GDPR_POLICY)
    out = io.StringIO()
    call_command("analyze", str(path), "--json", stdout=out)
    [entry] = json.loads(out.getvalue())
    assert entry["regulations"]["gdpr"]["applies"] is True and entry["regulations"]["gdpr"]["reasons"]
    statuses = {f["status"] for f in entry["findings"]}
    assert statuses <= {"satisfied", "partial", "missing", "not_applicable"}
    for finding in entry["findings"]:
        assert {"requirement", "regulation", "status", "confidence", "evidence", "rationale"} <= finding.keys()
        for evidence in finding["evidence"]:
            assert evidence["quote"] == entry["text"][evidence["start"] : evidence["end"]]
    out = io.StringIO()
    call_command("analyze", str(path), "--json", "--regulations", "coppa,ferpa", stdout=out)
    [forced] = json.loads(out.getvalue())
    assert {f["regulation"] for f in forced["findings"]} == {"COPPA", "FERPA"}
    assert forced["regulations"]["coppa"]["applies"] and not forced["regulations"]["gdpr"]["applies"]


@pytest.mark.django_db
class TestFindingsViews:
    def test_panel_fragment_with_matrix_rating_and_quotes(self, reviewer_client, analysed):
        response = reviewer_client.get(
            reverse("reviews:version_findings", args=[analysed.pk]), headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="findings-panel"')
        assert "Requirement matrix" in body and "GDPR" in body and "<mark>" in body

    def test_gaps_only_filter(self, reviewer_client, analysed):
        body = reviewer_client.get(
            reverse("reviews:version_findings", args=[analysed.pk]), {"gaps": "1"}
        ).content.decode()
        assert "status-satisfied" not in body.split('id="reg-', 1)[-1]

    def test_scope_form_post(self, reviewer_client, analysed):
        response = reviewer_client.post(
            reverse("reviews:version_scope", args=[analysed.pk]), {"regulations": ["ccpa"]},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and "findings-changed" in response["HX-Trigger"]
        assert set(Finding.objects.filter(version=analysed).values_list("regulation", flat=True)) == {"ccpa"}

    def test_policy_list_shows_the_rating_badge(self, reviewer_client, analysed):
        body = reviewer_client.get(reverse("policies:policy_list")).content.decode()
        overall = VersionRating.objects.get(version=analysed).overall
        assert f'rating-{overall.lower()}' in body
