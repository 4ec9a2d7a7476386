"""Import policy files, folders and .zip archives from the command line."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from policies import services
from policies.extraction.archives import expand_paths
from policies.models import ExtractionRun, Team


class Command(BaseCommand):
    help = (
        "Import privacy policies from files, folders (recursively) and .zip archives. "
        "Exits with status 1 if any file failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--team", help="Team name (default: the only team, else required).")
        parser.add_argument("--vendor", default="", help="Vendor for every imported policy.")
        parser.add_argument("--user", help="User name recorded as the importer.")
        parser.add_argument("--tags", default="", help="Comma-separated tags.")
        parser.add_argument("--wait", action="store_true", help="Wait for extraction to finish.")
        parser.add_argument("--timeout", type=int, default=900, help="Seconds to --wait at most.")

    def handle(self, *args, **options) -> None:
        team = self._team(options["team"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        tags = [t for t in options["tags"].split(",") if t.strip()]
        sources = list(expand_paths(options["paths"], max_bytes=settings.POLICY_MAX_UPLOAD_BYTES))
        counts = {"imported": 0, "unchanged": 0, "failed": 0}
        failures: list[str] = []
        runs: list[int] = []
        for source in tqdm(sources, desc="Importing", unit="file", disable=not sources):
            if source.data is None:
                counts["failed"] += 1
                failures.append(source.error)
                continue
            try:
                outcome = services.policy_version_import(
                    team=team, by=user, data=source.data, filename=Path(source.name).name,
                    vendor=options["vendor"], tags=tags,
                )
            except ValidationError as exc:
                counts["failed"] += 1
                failures.append(" ".join(exc.messages))
                continue
            counts[outcome.status] += 1
            if outcome.run is not None:
                runs.append(outcome.run.pk)
        self.stdout.write(
            f"Imported {counts['imported']}, unchanged {counts['unchanged']}, "
            f"failed {counts['failed']}."
        )
        for failure in failures:
            self.stdout.write(self.style.ERROR(f"  failed: {failure}"))
        if options["wait"] and runs:
            self._wait(runs, options["timeout"])
        if counts["failed"]:
            raise SystemExit(1)

    def _team(self, name: str | None) -> Team:
        if name:
            team, _ = Team.objects.get_or_create(name=name)
            return team
        teams = list(Team.objects.all()[:2])
        if len(teams) == 1:
            return teams[0]
        if not teams:
            return Team.objects.create(name="Default team")
        raise CommandError("Several teams exist; choose one with --team.")

    def _wait(self, run_ids: list[int], timeout: int) -> None:
        deadline = time.monotonic() + timeout
        pending = set(run_ids)
        with tqdm(total=len(run_ids), desc="Extracting", unit="policy") as bar:
            while pending and time.monotonic() < deadline:
                done = set(
                    ExtractionRun.objects.filter(pk__in=pending)
                    .exclude(status__in=[ExtractionRun.Status.QUEUED, ExtractionRun.Status.RUNNING])
                    .values_list("pk", flat=True)
                )
                bar.update(len(done))
                pending -= done
                if pending:
                    time.sleep(1)
        failed = ExtractionRun.objects.filter(pk__in=run_ids, status=ExtractionRun.Status.FAILED)
        for run in failed.select_related("version__policy"):
            self.stdout.write(self.style.ERROR(f"  extraction failed: {run.version}: {run.error}"))
        if pending:
            raise CommandError(
                f"{len(pending)} run(s) still unfinished after {timeout} s: is a worker running "
                "(`celery -A config worker`)?"
            )
        if failed.exists():
            raise SystemExit(1)
