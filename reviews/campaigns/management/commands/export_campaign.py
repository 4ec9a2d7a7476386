"""Export a campaign's annotations and gold, one row per clause and label.

manage.py export_campaign NAME [--format jsonl|csv] [--kind all|annotations|gold] [--text]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reviews.campaigns import exports, selectors
from reviews.campaigns.models import Campaign


class Command(BaseCommand):
    help = "Write a campaign's annotations and/or gold as JSONL or CSV to standard output."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--kind", choices=["all", "annotations", "gold"], default="all")
        parser.add_argument("--text", action="store_true", help="Include each clause's text.")

    def handle(self, *args, **options) -> None:
        campaign = Campaign.objects.filter(name=options["name"]).first()
        if campaign is None:
            raise CommandError(f"No campaign named {options['name']!r}.")
        rows = selectors.export_rows(
            campaign=campaign, kind=options["kind"], with_text=options["text"]
        )
        write = exports.to_jsonl if options["format"] == "jsonl" else exports.to_csv
        for chunk in write(rows):
            self.stdout.write(chunk, ending="")
