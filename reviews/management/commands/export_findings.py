"""`manage.py export_findings POLICY_ID [--format json|csv] [--number N]`: print the findings
of a policy's version (latest by default) with their review state, in the report's formats."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from policies.models import Policy
from reviews import reports, selectors


class Command(BaseCommand):
    help = "Export the findings of a policy version (with review decisions) as JSON or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("policy_id", type=int)
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--number", type=int, default=None, help="Version number (default: latest).")

    def handle(self, *args, **options) -> None:
        policy = Policy.objects.filter(pk=options["policy_id"]).first()
        if policy is None:
            raise CommandError(f"No policy {options['policy_id']}.")
        versions = policy.versions.defer("original").order_by("-number")
        version = (
            versions.filter(number=options["number"]).first() if options["number"] else versions.first()
        )
        if version is None:
            raise CommandError("No such version.")
        review = selectors.current_review(version=version)
        data = (
            selectors.review_report_data(review_id=review.pk)
            if review is not None
            else selectors.version_report_data(version=version)
        )
        render = reports.findings_csv if options["format"] == "csv" else reports.findings_json
        self.stdout.write(render(data), ending="" if options["format"] == "csv" else "\n")
