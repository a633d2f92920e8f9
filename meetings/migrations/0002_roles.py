from django.db import migrations


def forwards(apps, schema_editor):
    from congress_office.roles import sync_roles
    from meetings.permissions import MEETINGS_ROLE_PERMISSIONS

    sync_roles(apps, MEETINGS_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
