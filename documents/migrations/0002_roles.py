from django.db import migrations


def forwards(apps, schema_editor):
    from congress_office.roles import sync_roles
    from documents.permissions import DOCUMENTS_ROLE_PERMISSIONS

    sync_roles(apps, DOCUMENTS_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
