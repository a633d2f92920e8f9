from django.db import migrations


def grant(apps, schema_editor):
    from congress_office.roles import sync_roles
    from deputies.suggestions.permissions import SUGGESTIONS_ROLE_PERMISSIONS

    sync_roles(apps, SUGGESTIONS_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("deputies", "0003_suggestions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
