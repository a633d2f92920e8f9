"""Replies carry attachments (CaseReplyAttachment); a supervision notice keeps the 机关代字 of its
number (青人督〔2026〕3号), filled in for the notices already issued; a township names the clerk
printed as 制表人 on the deputies' yearly records (issue 14, items 8 and 9)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import congress_office.models.cases


def fill_supervision_codes(apps, schema_editor):
    """The notices already issued read 机关代字 + 督 from now on, as new ones do."""
    Township = apps.get_model("core", "Township")
    CaseSupervision = apps.get_model("core", "CaseSupervision")
    for township in Township.objects.all():
        agency = township.agency_code or f"{township.name[:1]}人"
        CaseSupervision.objects.filter(township_id=township.pk, code="").update(code=f"{agency}督")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0015_deadline_pending_kind_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesupervision",
            name="code",
            field=models.CharField(blank=True, max_length=20, verbose_name="督办单代字"),
        ),
        migrations.RunPython(fill_supervision_codes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="historicaltownship",
            name="record_compiler",
            field=models.CharField(
                blank=True,
                help_text="人大办负责履职档案的工作人员姓名，印在代表履职档案上；留空则印“××人大办公室”。",
                max_length=30,
                verbose_name="履职档案制表人",
            ),
        ),
        migrations.AddField(
            model_name="township",
            name="record_compiler",
            field=models.CharField(
                blank=True,
                help_text="人大办负责履职档案的工作人员姓名，印在代表履职档案上；留空则印“××人大办公室”。",
                max_length=30,
                verbose_name="履职档案制表人",
            ),
        ),
        migrations.CreateModel(
            name="CaseReplyAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("item_id", models.PositiveBigIntegerField()),
                (
                    "file",
                    models.FileField(
                        max_length=300,
                        upload_to=congress_office.models.cases.reply_attachment_path,
                        verbose_name="附件",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="文件名")),
                ("size", models.PositiveIntegerField(default=0)),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "item_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
                (
                    "reply",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="attachments", to="core.casereply"
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.township"
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "答复附件",
                "verbose_name_plural": "答复附件",
                "ordering": ["pk"],
                "indexes": [models.Index(fields=["item_type", "item_id"], name="reply_attachment_item_idx")],
            },
        ),
    ]
