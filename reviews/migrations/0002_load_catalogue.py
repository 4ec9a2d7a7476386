"""Load the bundled requirement catalogue (reviews/catalogue.yaml) into the database.

Later catalogue changes are applied with `manage.py sync_requirements`, which runs the same
upsert through reviews.services.
"""

from django.db import migrations


def load(apps, schema_editor):
    from reviews import catalogue

    Requirement = apps.get_model("reviews", "Requirement")
    version = catalogue.catalogue_file_version() or catalogue.CATALOGUE_VERSION
    for spec in catalogue.load_catalogue():
        Requirement.objects.update_or_create(
            id=spec.id,
            defaults={
                "regulation": spec.regulation, "citation": spec.citation, "title": spec.title,
                "must_disclose": spec.must_disclose, "applies_when": spec.applies_when,
                "condition": spec.condition, "kind": spec.kind, "cues": list(spec.cues),
                "alternative_of": spec.alternative_of or "", "rule": spec.check,
                "is_builtin": True, "catalogue_version": version,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
