"""Print a campaign's inter-annotator agreement.

manage.py agreement NAME --json     # {label: {fleiss_kappa, krippendorff_alpha,
                                    #          percent_agreement, items}}
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from reviews.campaigns import selectors
from reviews.campaigns.models import Campaign


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


class Command(BaseCommand):
    help = "Agreement per label (unit = clause, rating = each annotator's yes/no per label)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="Campaign name.")
        parser.add_argument("--json", action="store_true", help="One JSON object keyed by label.")

    def handle(self, *args, **options) -> None:
        campaign = Campaign.objects.filter(name=options["name"]).first()
        if campaign is None:
            raise CommandError(f"No campaign named {options['name']!r}.")
        report = selectors.campaign_agreement(campaign=campaign)
        if options["json"]:
            self.stdout.write(json.dumps(report.json_by_label(), indent=2))
            return
        self.stdout.write(f"{'label':40} {'fleiss':>6} {'alpha':>6} {'agree':>6} {'items':>6}")
        for label in report.labels:
            row = report.per_label[label]
            self.stdout.write(
                f"{label[:40]:40} {_fmt(row.fleiss_kappa)} {_fmt(row.krippendorff_alpha)} "
                f"{_fmt(row.percent_agreement)} {row.items:6d}"
            )
