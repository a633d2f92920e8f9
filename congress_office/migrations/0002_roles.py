"""Create the role groups and grant the core's permissions."""
from django.db import migrations


def create_roles(apps, schema_editor):
    from congress_office.roles import CORE_ROLE_PERMISSIONS, sync_roles

    sync_roles(apps, CORE_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
