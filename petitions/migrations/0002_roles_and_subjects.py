from django.db import migrations

SUBJECTS = ["土地征收", "拆迁补偿", "劳资纠纷", "环境污染", "涉法涉诉", "村务", "社会保障", "城乡建设", "交通运输", "教育", "医疗卫生", "其他"]


def forwards(apps, schema_editor):
    from congress_office.roles import sync_roles
    from petitions.permissions import PETITIONS_ROLE_PERMISSIONS

    sync_roles(apps, PETITIONS_ROLE_PERMISSIONS)
    Subject = apps.get_model("petitions", "Subject")
    for name in SUBJECTS:
        Subject.objects.get_or_create(township=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("core", "0003_handling_engine")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
