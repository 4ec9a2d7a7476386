"""Create the demo team and users and import the bundled fictional sample policies.

Idempotent: run it again and nothing is duplicated (unchanged files are skipped).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from policies import roles, services
from policies.models import Team

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
DEMO_TEAM = "Demo privacy office"
# Demo credentials, printed on start. Only for the embedded demo: change them anywhere else.
DEMO_USERS = (
    # username, password, role, description
    ("admin", "admin-demo-pass", roles.ADMIN, "administrator (Django admin too)"),
    ("reviewer", "reviewer-demo-pass", roles.REVIEWER, "compliance reviewer"),
    ("approver", "approver-demo-pass", roles.APPROVER, "approver (signs reviews off)"),
    ("viewer", "viewer-demo-pass", roles.VIEWER, "read-only viewer"),
    ("lead", "lead-demo-pass", roles.LEAD, "annotation lead (campaigns, adjudication, models)"),
    ("annotator", "annotator-demo-pass", roles.ANNOTATOR, "annotator (assigned campaign documents)"),
)
# Vendors of the bundled fictional samples (file stem -> organisation).
SAMPLE_VENDORS = {
    "brightboard-learning": "BrightBoard Learning",
    "northwind-meetings": "Northwind Meetings",
    "pebble-games": "Pebble Games",
    "harbor-health-portal": "Harbor Health",
    "cedar-library-archive": "Cedar Public Library",
    "sunrise-coffee": "Sunrise Coffee",
}


class Command(BaseCommand):
    help = "Create demo users and a team, and import the bundled sample policies."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
            users = {}
            roles.ensure_role_groups()
            for username, password, role, _desc in DEMO_USERS:
                is_admin = role == roles.ADMIN
                user, created = get_user_model().objects.get_or_create(
                    username=username, defaults={"is_superuser": is_admin, "is_staff": is_admin}
                )
                if created:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                team.members.add(user)
                users[username] = user
        files = sorted(
            p for p in SAMPLES_DIR.iterdir()
            if p.suffix in {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
        )
        outcomes = [
            services.policies_import_files(
                team=team, by=users["admin"], files=[(p.name, p.read_bytes())],
                vendor=SAMPLE_VENDORS.get(p.stem, ""), tags=["demo"],
            )[0]
            for p in files
        ]
        for outcome in outcomes:
            line = f"  {outcome.status:9} {outcome.filename}"
            if outcome.error:
                line += f": {outcome.error}"
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-in (http://127.0.0.1:8000/):"))
        for username, password, _su, desc in DEMO_USERS:
            self.stdout.write(f"  {username:9} / {password:20} {desc}")
