"""Batch operations (helper 8): a PDF job of kind "zip", several PDFs of one report in one .zip."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0017_message_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pdfjob",
            name="kind",
            field=models.CharField(
                choices=[("pdf", "PDF"), ("xlsx", "Excel"), ("zip", "ZIP")],
                default="pdf",
                max_length=8,
                verbose_name="类型",
            ),
        ),
    ]
