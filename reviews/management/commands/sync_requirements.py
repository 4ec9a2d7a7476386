"""Apply the bundled requirement catalogue to the database (after an upgrade)."""

from django.core.management.base import BaseCommand

from reviews import services


class Command(BaseCommand):
    help = "Create or update the built-in requirements from reviews/catalogue.yaml."

    def handle(self, *args, **options) -> None:
        created, updated = services.requirements_sync_from_catalogue()
        self.stdout.write(f"Requirements: {created} created, {updated} updated.")
