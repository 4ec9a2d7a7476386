"""`manage.py benchmark extraction [--json]`: print the pipeline's measured cost."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.extraction import readers
from reviews import benchmarks


class Command(BaseCommand):
    help = "Measure the pipeline against a bare sentence split, side by side (see docs/benchmarks.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["extraction"])
        parser.add_argument("files", nargs="*", type=Path, help="Policy files (default: bundled samples).")
        parser.add_argument("--size", type=int, default=2_000_000, help="Characters of text (default 2 MB).")
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["files"]:
            try:
                seed = "\n\n".join(
                    readers.read_document(p.read_bytes(), p.name).text for p in options["files"]
                )
            except (OSError, readers.ReadError) as exc:
                raise CommandError(str(exc)) from exc
        else:
            seed = benchmarks.sample_text()
        figures = benchmarks.measure_extraction(seed=seed, size=options["size"], rounds=options["rounds"])
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
            f"clauses_per_second:                              {data['clauses_per_second']}"
        )
