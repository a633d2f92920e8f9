from django.db import migrations


def grant(apps, schema_editor):
    from congress_office.roles import sync_roles
    from deputies.permissions import DEPUTIES_ROLE_PERMISSIONS

    sync_roles(apps, DEPUTIES_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("deputies", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
