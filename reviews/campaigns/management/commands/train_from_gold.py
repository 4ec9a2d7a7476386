"""Train a classifier from campaign gold in this process (the pages run it on a worker).

manage.py train_from_gold NAME [NAME ...] [--with-corpus] [--heldout 20]
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.campaigns import services
from reviews.campaigns.models import Campaign, TrainingJob


class Command(BaseCommand):
    help = "Train, register and compare a classifier on the gold of the named campaigns."

    def add_arguments(self, parser) -> None:
        parser.add_argument("names", nargs="+", help="Campaign names (one team).")
        parser.add_argument(
            "--with-corpus", action="store_true", help="Also train on the authored corpus."
        )
        parser.add_argument(
            "--heldout",
            type=int,
            default=20,
            help="Percent of documents held out for the comparison.",
        )

    def handle(self, *args, **options) -> None:
        campaigns = list(Campaign.objects.filter(name__in=options["names"]))
        missing = set(options["names"]) - {c.name for c in campaigns}
        if missing:
            raise CommandError(f"No campaign named {', '.join(sorted(missing))}.")
        try:
            # Created outside a worker: the job row is queued, then executed right here.
            with transaction.atomic():
                job = TrainingJob(
                    team=campaigns[0].team,
                    include_corpus=options["with_corpus"],
                    heldout_percent=options["heldout"],
                )
                job.full_clean()
                job.save()
                job.campaigns.set(campaigns)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        job = services.training_job_execute(job_id=job.pk)
        if job.status != TrainingJob.Status.SUCCEEDED:
            raise CommandError(job.error)
        comparison = job.comparison or {}
        self.stdout.write(
            json.dumps(
                {
                    "job": job.pk,
                    "model": job.model.version if job.model else None,
                    "licence_restricted": job.model.licence_restricted if job.model else None,
                    "baseline": job.baseline_version,
                    "heldout_clauses": comparison.get("heldout_clauses"),
                    "new_micro_f1": (comparison.get("new") or {}).get("micro_f1"),
                    "current_micro_f1": (comparison.get("current") or {}).get("micro_f1"),
                },
                indent=2,
            )
        )
