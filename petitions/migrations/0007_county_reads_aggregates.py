"""The county role reads aggregates only (issue 12): it no longer holds petitions.view_petition,
so the petition list, detail, attachments, printed notices and the .xlsx export answer 403.
sync_roles only adds permissions, so this removes the one the county group held."""

from django.db import migrations

COUNTY = "county"
REMOVED = [("petitions", "view_petition")]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COUNTY).first()
    if group is None:
        return
    for app_label, codename in REMOVED:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            group.permissions.remove(permission)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COUNTY).first()
    if group is None:
        return
    for app_label, codename in REMOVED:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_roles_and_subjects")]

    operations = [migrations.RunPython(forwards, backwards)]
