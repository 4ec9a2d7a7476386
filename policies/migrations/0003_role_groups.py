"""Create the role groups with their permissions (policies/roles.py is the source)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from policies import roles

    # Permissions are normally created after migrations; make sure ours exist now.
    # (A migration's app config is a stub without models_module, which create_permissions checks.)
    app_config = apps.get_app_config("policies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    roles.ensure_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_team_permissions"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
