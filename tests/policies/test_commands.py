"""Command-line commands: import_policies, analyze, seed_demo."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from policies.models import ExtractionRun, Policy, PolicyVersion, Team
from tests.policies.test_services import POLICY


def run_command(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    return out.getvalue(), code


@pytest.fixture
def policy_folder(tmp_path):
    (tmp_path / "a.txt").write_text(POLICY)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.md").write_text("# B Privacy\n\nWe collect e-mail addresses.\n")
    (tmp_path / "notes.csv").write_text("ignored,by,suffix\n")
    return tmp_path


@pytest.mark.django_db
class TestImportPolicies:
    def test_folder_is_imported_recursively_with_a_summary(self, policy_folder, team):
        out, code = run_command("import_policies", str(policy_folder))
        assert code == 0
        assert "Imported 2, unchanged 0, failed 0." in out
        assert Policy.objects.count() == 2
        assert ExtractionRun.objects.filter(status="queued").count() == 2

    def test_second_import_reports_unchanged(self, policy_folder, team):
        run_command("import_policies", str(policy_folder))
        out, code = run_command("import_policies", str(policy_folder))
        assert code == 0 and "Imported 0, unchanged 2, failed 0." in out
        assert PolicyVersion.objects.count() == 2

    def test_zip_archive_and_failures_exit_non_zero(self, tmp_path, team):
        archive = tmp_path / "policies.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("one.txt", POLICY)
            zf.writestr("broken.pdf", b"%PDF-1.7 garbage")
            zf.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
        out, code = run_command("import_policies", str(archive), str(tmp_path / "missing.txt"))
        assert code == 1
        assert "Imported 1, unchanged 0, failed 3." in out
        assert "broken.pdf" in out and "archives inside archives" in out and "no such file" in out

    def test_zip_bomb_is_refused(self, tmp_path, team):
        archive = tmp_path / "bomb.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("big.txt", b"a" * (5 * 1024 * 1024))
        out, code = run_command("import_policies", str(archive))
        assert code == 1 and "compression" in out
        assert not Policy.objects.exists()

    def test_team_is_required_when_ambiguous(self, policy_folder, team):
        Team.objects.create(name="Second")
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--team"):
            call_command("import_policies", str(policy_folder), stdout=io.StringIO())


@pytest.mark.django_db
class TestAnalyze:
    def test_prints_the_contract_json(self, tmp_path):
        path = tmp_path / "acme.txt"
        path.write_text(POLICY)
        out, code = run_command("analyze", str(path), "--json")
        assert code == 0
        [entry] = json.loads(out)
        assert entry["file"] == str(path)
        assert {"policy_id", "version_id", "title", "text", "clauses", "facts"} <= entry.keys()
        text = entry["text"]
        assert entry["clauses"], "no clauses"
        for clause in entry["clauses"]:
            assert {"id", "order", "start", "end", "kind", "heading", "text", "categories"} <= clause.keys()
            assert clause["text"] == text[clause["start"] : clause["end"]]
            for category in clause["categories"]:
                assert 0 <= category["confidence"] <= 1
        headings = {c["heading"] for c in entry["clauses"]}
        assert "1. Information We Collect" in headings or "Information We Collect" in headings
        assert entry["facts"]["last_updated"] == "2024-03-03"

    def test_unreadable_file_yields_an_error_entry_and_non_zero_exit(self, tmp_path):
        good, bad = tmp_path / "good.txt", tmp_path / "bad.pdf"
        good.write_text(POLICY)
        bad.write_bytes(b"%PDF-1.4 nonsense")
        out, code = run_command("analyze", str(good), str(bad), "--json")
        assert code == 1
        entries = json.loads(out)
        assert "error" not in entries[0] and "bad.pdf" in entries[1]["error"]


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    out, code = run_command("seed_demo")
    assert code == 0 and "reviewer" in out and "admin" in out
    first = PolicyVersion.objects.count()
    assert first >= 5
    out, code = run_command("seed_demo")
    assert PolicyVersion.objects.count() == first
    assert "failed" not in out


@pytest.mark.django_db
def test_train_classifier_from_annotations_gathers_every_registered_source(tmp_path, settings):
    """`--from-annotations` reads people's labels through the registered sources."""
    from policies import selectors

    settings.POLICY_TRAINING_EXAMPLE_SOURCES = [
        "reviews.selectors.approved_annotation_examples",
        "reviews.campaigns.selectors.adjudicated_gold_examples",
    ]
    assert selectors.approved_annotation_examples() == []  # nothing approved yet
    settings.POLICY_TRAINING_EXAMPLE_SOURCES = ["tests.policies.test_commands.fake_examples"]
    assert selectors.approved_annotation_examples() == fake_examples()


def fake_examples():
    return [("We keep logs for 30 days.", "Retention", ["Data Retention"])]
