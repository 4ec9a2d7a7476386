"""Evaluate a clause classifier on an OPP-115 split (majority labels; see docs/classifier.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from threadpoolctl import threadpool_limits

from policies.extraction import classify, training


class Command(BaseCommand):
    # Pure computation on files: skip the system checks, which import every URLconf and model
    # and would make this command fail on unrelated problems elsewhere in the project.
    requires_system_checks: list[str] = []
    help = "Per-category precision/recall/F1, micro/macro F1 and clauses/s on an OPP-115 split."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--opp115", type=Path, required=True, help="OPP-115 folder.")
        parser.add_argument("--split", default="test", choices=("train", "val", "test"))
        parser.add_argument(
            "--model",
            type=Path,
            default=classify.DEFAULT_MODEL_PATH,
            help="Model stem (default: the shipped default model).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options) -> None:
        root: Path = options["opp115"]
        if not (root / "split.csv").is_file():
            raise CommandError(f"{root} has no split.csv; is it the OPP-115 folder?")
        model = classify.load(options["model"])
        examples = training.load_opp115(root, options["split"])
        # One core, as the throughput requirement is stated for one core.
        with threadpool_limits(limits=1):
            result = training.evaluate(model, examples, options["split"])
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(
            f"{result['model']} on OPP-115 {result['split']}: {result['segments']} segments, "
            f"micro-F1 {result['micro_f1']:.4f}, macro-F1 {result['macro_f1']:.4f}, "
            f"{result['clauses_per_second']:.0f} clauses/s"
        )
        for cat, m in result["per_category"].items():
            self.stdout.write(
                f"  {cat:40s} P {m['precision']:.3f}  R {m['recall']:.3f}  "
                f"F1 {m['f1']:.3f}  n={m['support']}"
            )
