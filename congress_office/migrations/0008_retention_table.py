from django.db import migrations

CLASSES = [
    ("meetings", "会议文件", "Y"),
    ("documents", "公文", "D30"),
    ("cases", "信访及代表建议", "D30"),
    ("records", "代表履职及考核", "D10"),
]


def forwards(apps, schema_editor):
    RetentionClass = apps.get_model("core", "RetentionClass")
    for code, name, period in CLASSES:
        RetentionClass.objects.get_or_create(code=code, defaults={"name": name, "period": period})


class Migration(migrations.Migration):
    dependencies = [("core", "0007_archive")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
