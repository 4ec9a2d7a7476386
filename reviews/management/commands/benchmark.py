"""`manage.py benchmark extraction|review [--json]`: print measured costs.

``extraction``: the pipeline against a bare sentence split. ``review``: the review page at 300
and 3,000 clauses against a bare template loop, one decision's htmx response against the page,
and the query counts (see docs/review.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.extraction import readers
from reviews import benchmarks


class Command(BaseCommand):
    help = "Measure the pipeline against a bare sentence split, side by side (see docs/benchmarks.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["extraction", "review"])
        parser.add_argument("files", nargs="*", type=Path, help="Policy files (default: bundled samples).")
        parser.add_argument("--size", type=int, default=2_000_000, help="Characters of text (default 2 MB).")
        parser.add_argument("--rounds", type=int, default=None, help="Default 5 (extraction), 7 (review).")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["kind"] == "review":
            self.review(options)
            return
        options["rounds"] = options["rounds"] or 5
        if options["files"]:
            try:
                reads = [readers.read_document(p.read_bytes(), p.name) for p in options["files"]]
            except (OSError, readers.ReadError) as exc:
                raise CommandError(str(exc)) from exc
        else:
            reads = benchmarks.sample_reads()
        figures = benchmarks.measure_extraction(
            seed="\n\n".join(read.text for read in reads), size=options["size"],
            rounds=options["rounds"], policies=reads,
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures.as_json()))
            return
        data = figures.as_json()
        self.stdout.write(
            f"Input: {data['bytes'] / 1e6:.2f} MB of policy text, {data['rounds']} interleaved rounds\n"
            f"Pipeline (read, segment, classify, facts, scope, checks): {data['pipeline_seconds_median']:.3f} s\n"
            f"Bare regex sentence split:                                 {data['split_seconds_median']:.4f} s\n"
            f"pipeline_vs_split (median of per-round ratios): {data['pipeline_vs_split']}  (goal <= 20)\n"
            f"growth_16x (cost per byte at 16x / at 1x):       {data['growth_16x']}  (goal <= 1.3)\n"
            f"clauses_per_second:                              {data['clauses_per_second']}\n"
            f"scope + checks per policy ({data['policies']} policies, CPU, min of 21 runs): "
            f"mean {data['checks_ms_per_policy_mean']} ms, max {data['checks_ms_per_policy_max']} ms"
        )

    def review(self, options) -> None:
        figures = benchmarks.measure_review(rounds=options["rounds"] or 7).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"Review page, server time (test client, real PostgreSQL), {figures['rounds']} interleaved rounds\n"
            f"page at 3,000 clauses: {figures['page_seconds_3000']:.4f} s; at 300: {figures['page_seconds_300']:.4f} s\n"
            f"bare template loop over the 3,000 rows: {figures['bare_seconds_3000']:.4f} s\n"
            f"one decision (htmx): {figures['swap_seconds']:.4f} s\n"
            f"page_vs_bare: {figures['page_vs_bare']}  (goal <= 15)\n"
            f"growth_10x:   {figures['growth_10x']}  (linear is about 10 or less)\n"
            f"swap_vs_page: {figures['swap_vs_page']}  (goal <= 0.1)\n"
            f"queries_300:  {figures['queries_300']}\n"
            f"queries_3000: {figures['queries_3000']}  (must equal queries_300)"
        )
