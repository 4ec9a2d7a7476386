"""Train the clause classifier (see docs/classifier.md).

Default: train on our authored corpus (``policies/extraction/corpus/*.jsonl``), choose thresholds
on a held-out 15% of it, and write the shipped default model. ``--opp115 DIR`` trains a research
model on the OPP-115 train split instead; that data is research-only, so such a model may never
be written to the default path (nor committed).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.extraction import classify, training


class Command(BaseCommand):
    # Pure computation on files: skip the system checks, which import every URLconf and model
    # and would make this command fail on unrelated problems elsewhere in the project.
    requires_system_checks: list[str] = []
    help = "Train the clause classifier and write <out>.npz + <out>.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--opp115", type=Path, help="OPP-115 folder: train on its train split.")
        parser.add_argument(
            "--from-annotations",
            action="store_true",
            help="Also train on reviewer-approved clause annotations from the database.",
        )
        parser.add_argument(
            "--corpus",
            type=Path,
            default=training.CORPUS_DIR,
            help="Authored corpus folder (default: the committed corpus).",
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=classify.DEFAULT_MODEL_PATH,
            help="Output stem (default: the shipped default model).",
        )

    def handle(self, *args, **options) -> None:
        out: Path = options["out"]
        if options["opp115"]:
            if _same_model(out, classify.DEFAULT_MODEL_PATH):
                raise CommandError(
                    "Refusing to write an OPP-115-trained model to the default model path: "
                    "OPP-115 is licensed for research only. Pass --out elsewhere."
                )
            self.stderr.write(
                self.style.WARNING(
                    "WARNING: OPP-115 is research-only ((C) CMU, 'research, teaching and "
                    "scholarship purposes only'). This model is for evaluation; never commit or ship it."
                )
            )
            train = training.load_opp115(options["opp115"], "train")
            val = training.load_opp115(options["opp115"], "val")
            name, source = "opp115", f"OPP-115 train split ({len(train)} segments, majority labels)"
        else:
            examples, problems = training.load_corpus(options["corpus"])
            for problem in problems:
                self.stderr.write(f"skipped {problem}")
            train, val = training.holdout_split(examples)
            name, source = "authored", f"authored corpus {options['corpus'].name}/*.jsonl"
        if options["from_annotations"]:
            train = train + self._annotation_examples()
            name += "+annotations"
        if not train:
            raise CommandError("No training examples.")
        model = training.fit(train, val, name=name, summary={"source": source})
        if val:
            report = training.evaluate(model, val, "val")
            model.meta["summary"]["val_metrics"] = {
                k: report[k] for k in ("segments", "micro_f1", "macro_f1", "per_category")
            }
        model.save(out)
        self.stdout.write(
            json.dumps(
                {
                    "model": model.version,
                    "out": str(out),
                    "train_examples": len(train),
                    "val_examples": len(val),
                    "val_micro_f1": model.meta["summary"].get("val_metrics", {}).get("micro_f1"),
                    "thresholds": model.thresholds,
                },
                indent=2,
            )
        )

    def _annotation_examples(self) -> list[training.Example]:
        from policies import selectors

        source = selectors.approved_annotation_examples
        return [
            training.Example(text=text, heading=heading, labels=tuple(labels), group=f"ann-{i}")
            for i, (text, heading, labels) in enumerate(source())
            if text.strip() and labels
        ]


def _same_model(a: Path, b: Path) -> bool:
    return all(
        x.resolve() == y.resolve()
        for x, y in zip(classify._model_paths(a), classify._model_paths(b), strict=True)
    )
