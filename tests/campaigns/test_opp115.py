"""OPP-115 reading (pure) and the import_opp115 / agreement commands on a synthetic corpus."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.campaigns import opp115
from reviews.campaigns.models import Assignment, Campaign
from tests.campaigns import synthetic_opp115
from tests.campaigns.synthetic_opp115 import FIRST

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "opp115"


@pytest.fixture
def corpus(tmp_path):
    return synthetic_opp115.write(tmp_path / "opp")


def test_segments_become_clauses_with_exact_offsets(corpus):
    policy = opp115.read_policy(corpus, "1_alpha.example")
    texts = [policy.text[s.start : s.end] for s in policy.segments]
    assert texts == [
        "About us We are Alpha, a made-up shop.",
        "We collect your e-mail & name when you order.",
        "We may pass order data to delivery partners.",
    ]
    assert policy.text == "\n\n".join(texts)
    assert policy.segments[0].heading == "About us"
    assert [s.index for s in policy.segments] == [0, 1, 2]


def test_ratings_count_each_category_once_per_annotator(corpus):
    policy = opp115.read_policy(corpus, "1_alpha.example")
    assert policy.annotators == ["10", "11", "12"]
    assert policy.ratings["11"][1] == frozenset({FIRST})
    assert policy.ratings["11"][2] == frozenset({FIRST})


def test_empty_segments_are_skipped_but_keep_their_ids():
    text, segments = opp115.join_segments(["One.", "  <br> ", "Three."])
    assert [s.index for s in segments] == [0, 2]
    assert text[segments[1].start : segments[1].end] == "Three."


def test_policy_names_in_id_order(corpus):
    assert opp115.policy_names(corpus) == ["1_alpha.example", "2_beta.example"]


@pytest.mark.django_db
def test_import_and_agreement_json(corpus):
    out = io.StringIO()
    call_command(
        "import_opp115", str(corpus), "--campaign", "Synthetic", stdout=out, stderr=io.StringIO()
    )
    campaign = Campaign.objects.get(name="Synthetic")
    assert campaign.team.name == "Synthetic"
    assert campaign.licence_restricted
    assert campaign.documents.count() == 2
    assert Assignment.objects.filter(campaign=campaign, done_at__isnull=False).count() == 6
    users = {u.username: u.is_active for u in campaign.annotators.all()}
    assert users == {"opp115-10": False, "opp115-11": False, "opp115-12": False, "opp115-13": False}
    version = campaign.documents.get(label="1_alpha.example").version
    clause = version.clauses.get(order=1)
    assert (
        version.text[clause.start : clause.end] == "We collect your e-mail & name when you order."
    )

    out = io.StringIO()
    call_command("agreement", "Synthetic", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == set(campaign.labels)
    first = result[FIRST]
    assert first["items"] == 5
    assert first["fleiss_kappa"] == pytest.approx(4 / 9, abs=1e-4)
    assert first["krippendorff_alpha"] == pytest.approx(13 / 27, abs=1e-4)
    assert first["percent_agreement"] == pytest.approx(11 / 15, abs=1e-4)
    # Everyone agrees on "Policy Change" (one yes unit, four no units): kappa is 1.
    assert result["Policy Change"]["fleiss_kappa"] == pytest.approx(1.0)
    # Nobody used Do Not Track: chance-corrected values are undefined (null), agreement 1.
    assert result["Do Not Track"]["fleiss_kappa"] is None
    assert result["Do Not Track"]["percent_agreement"] == 1.0

    table = io.StringIO()
    call_command("agreement", "Synthetic", stdout=table)
    assert FIRST in table.getvalue()


@pytest.mark.django_db
def test_import_errors(corpus, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "import_opp115", str(tmp_path / "missing"), "--campaign", "X", stderr=io.StringIO()
        )
    call_command(
        "import_opp115",
        str(corpus),
        "--campaign",
        "Twice",
        "--limit",
        "1",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Campaign.objects.get(name="Twice").documents.count() == 1
    with pytest.raises(CommandError):
        call_command("import_opp115", str(corpus), "--campaign", "Twice", stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("agreement", "No such", "--json")


@pytest.mark.django_db
def test_export_command(corpus):
    call_command(
        "import_opp115",
        str(corpus),
        "--campaign",
        "Synthetic",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command(
        "export_campaign", "Synthetic", "--format", "jsonl", "--kind", "annotations", stdout=out
    )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 14  # 15 practices, one a repeat
    assert {r["annotator"] for r in rows} == {"opp115-10", "opp115-11", "opp115-12", "opp115-13"}
    out = io.StringIO()
    call_command("export_campaign", "Synthetic", "--format", "csv", "--kind", "gold", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split(",")[:3] == ["campaign", "document", "version_id"]
    # Unanimous clauses are gold: alpha#0 Other, alpha#1 First Party, beta#0 Policy Change.
    assert len(lines) == 1 + 3


@pytest.mark.slow
@pytest.mark.django_db
def test_real_corpus_subset():
    if not (REAL / "sanitized_policies").is_dir():
        pytest.skip("OPP-115 is not available here")
    started = time.monotonic()
    call_command(
        "import_opp115",
        str(REAL),
        "--campaign",
        "OPP-115 subset",
        "--limit",
        "12",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command("agreement", "OPP-115 subset", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert "First Party Collection/Use" in result and "Do Not Track" in result
    first = result["First Party Collection/Use"]
    assert first["items"] > 200
    # The corpus annotators agree substantially on first-party practices (about 0.76 overall).
    assert 0.5 < first["fleiss_kappa"] < 0.95
    assert abs(first["fleiss_kappa"] - first["krippendorff_alpha"]) < 0.01
    assert time.monotonic() - started < 60
