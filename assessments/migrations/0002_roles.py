from django.db import migrations


def forwards(apps, schema_editor):
    from assessments.permissions import ASSESSMENTS_ROLE_PERMISSIONS
    from congress_office.roles import sync_roles

    sync_roles(apps, ASSESSMENTS_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
