"""Create the demo team and users and import the bundled fictional sample policies.

Idempotent: run it again and nothing is duplicated (unchanged files are skipped).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from policies import services
from policies.models import Team

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
DEMO_TEAM = "Demo privacy office"
# Demo credentials, printed on start. Only for the embedded demo: change them anywhere else.
DEMO_USERS = (
    # username, password, is_superuser, description
    ("admin", "admin-demo-pass", True, "administrator (Django admin too)"),
    ("reviewer", "reviewer-demo-pass", False, "compliance reviewer"),
)


class Command(BaseCommand):
    help = "Create demo users and a team, and import the bundled sample policies."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
            users = {}
            for username, password, is_superuser, _desc in DEMO_USERS:
                user, created = get_user_model().objects.get_or_create(
                    username=username,
                    defaults={"is_superuser": is_superuser, "is_staff": is_superuser},
                )
                if created:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                team.members.add(user)
                users[username] = user
        files = sorted(p for p in SAMPLES_DIR.iterdir() if p.is_file() and not p.name.startswith(("_", ".")) and p.suffix in {".txt", ".md", ".html", ".htm", ".pdf", ".docx"})
        outcomes = services.policies_import_files(
            team=team, by=users["admin"], files=[(p.name, p.read_bytes()) for p in files],
            tags=["demo"],
        )
        for outcome in outcomes:
            line = f"  {outcome.status:9} {outcome.filename}"
            if outcome.error:
                line += f": {outcome.error}"
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-in (http://127.0.0.1:8000/):"))
        for username, password, _su, desc in DEMO_USERS:
            self.stdout.write(f"  {username:9} / {password:20} {desc}")
