"""Import the OPP-115 corpus as an annotation campaign (research use only; never commit it).

manage.py import_opp115 /work/shared/data/opp115 --campaign "OPP-115" [--team T] [--limit N]
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from policies.models import Team
from reviews.campaigns import services


class Command(BaseCommand):
    help = "Import OPP-115 (sanitized_policies + annotations) as a campaign with its annotators."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="The OPP-115 folder.")
        parser.add_argument("--campaign", required=True, help="Name of the new campaign.")
        parser.add_argument(
            "--team", help="Team that owns the policies (default: the campaign name)."
        )
        parser.add_argument("--limit", type=int, help="Import only the first N policies (by id).")

    def handle(self, *args, **options) -> None:
        root: Path = options["directory"]
        if not (root / "sanitized_policies").is_dir() or not (root / "annotations").is_dir():
            raise CommandError(f"{root} has no sanitized_policies/ and annotations/ folders.")
        team, _ = Team.objects.get_or_create(name=options["team"] or options["campaign"])
        self.stderr.write(
            self.style.WARNING(
                "OPP-115 is licensed for research, teaching and scholarship only ((C) CMU): "
                "the imported campaign is marked licence-restricted."
            )
        )

        def progress(done: int, total: int, name: str) -> None:
            if options["verbosity"] > 1 or done == total or done % 10 == 0:
                self.stderr.write(f"{done}/{total} {name}")

        try:
            campaign = services.opp115_import(
                root=root,
                campaign_name=options["campaign"],
                team=team,
                limit=options["limit"],
                progress=progress,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Imported {campaign.documents.count()} policies, "
            f"{campaign.annotations.count()} annotations by {campaign.annotators.count()} "
            f"annotators into campaign {campaign.name!r} (team {team.name!r})."
        )
