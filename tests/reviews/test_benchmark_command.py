"""`manage.py benchmark` runs and prints its figures (what they measure is for the command to
print, never asserted as a time here)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from policies.models import Clause, Team


def run(*args) -> dict:
    out = StringIO()
    call_command("benchmark", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_review_benchmark_prints_its_figures_and_leaves_nothing_behind():
    figures = run("review", "--rounds", "1")
    assert set(figures) >= {"page_vs_bare", "growth_10x", "swap_vs_page", "queries_300", "queries_3000"}
    assert figures["queries_300"] == figures["queries_3000"] > 0
    assert figures["page_seconds_3000"] > 0 and figures["swap_seconds"] > 0
    assert not Team.objects.filter(name="benchmark-review-team").exists()
    assert not Clause.objects.exists()  # the synthetic versions were rolled back


def test_extraction_benchmark_prints_its_figures():
    figures = run("extraction", "--size", "40000", "--rounds", "1")
    assert set(figures) >= {"pipeline_vs_split", "growth_16x", "clauses_per_second"}
    assert figures["pipeline_vs_split"] > 1 and figures["clauses_per_second"] > 0
    # What the checks add per policy, over each bundled sample.
    assert figures["policies"] == 6
    assert 0 < figures["checks_ms_per_policy_mean"] <= figures["checks_ms_per_policy_max"]
