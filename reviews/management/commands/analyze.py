"""Analyse policy files in process and print the results as JSON (the command-line contract).

Each file is imported (into the team "Command line") and the whole pipeline runs synchronously
here: no worker or broker is needed. Schema: docs/analyze-json.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from policies import services as policy_services
from policies.models import ExtractionRun, Team
from reviews import selectors, services
from reviews.catalogue import REGULATIONS

COMMAND_LINE_TEAM = "Command line"


class Command(BaseCommand):
    help = "Import each FILE, run the whole pipeline in process, print one JSON document."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="Print JSON (the only format).")
        parser.add_argument(
            "--regulations",
            default="",
            help="Force the scope, e.g. gdpr,ccpa,coppa,caloppa,ferpa,sopipa.",
        )
        parser.add_argument("--team", default=COMMAND_LINE_TEAM)

    def handle(self, *args, **options) -> None:
        team, _ = Team.objects.get_or_create(name=options["team"])
        forced = [r.strip().lower() for r in options["regulations"].split(",") if r.strip()]
        unknown = sorted(set(forced) - set(REGULATIONS))
        if unknown:
            raise CommandError(
                f"Unknown regulation(s) {', '.join(unknown)}; use {', '.join(REGULATIONS)}."
            )
        entries, failed = [], False
        for path in options["files"]:
            entry = self._analyse(path, team, forced)
            failed |= "error" in entry
            entries.append(entry)
        json.dump(entries, self.stdout, ensure_ascii=False, indent=2)
        self.stdout.write("")
        if failed:
            sys.exit(1)

    def _analyse(self, path: Path, team: Team, forced: list[str]) -> dict:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return {"file": str(path), "error": f"{path}: cannot be read ({exc.strerror})."}
        try:
            outcome = policy_services.policy_version_import(
                team=team, by=None, data=data, filename=path.name, enqueue=False
            )
        except ValidationError as exc:
            return {"file": str(path), "error": " ".join(exc.messages)}
        version = outcome.version
        run = version.runs.order_by("-created_at", "-id").first()
        if run is None or run.status != ExtractionRun.Status.SUCCEEDED:
            if run is None or run.is_finished:
                run = policy_services.extraction_run_create(version=version, enqueue=False)
            run = policy_services.extraction_run_execute(run_id=run.pk)
        if run.status == ExtractionRun.Status.FAILED:
            return {"file": str(path), "policy_id": version.policy_id,
                    "version_id": version.pk, "error": run.error}
        # The scope flag is a reviewer's choice of laws: stored, and the checks judged again.
        services.version_scope_choose(version=version, regulations=forced or None, by=None)
        return {"file": str(path), **selectors.version_analysis(version=version)}
