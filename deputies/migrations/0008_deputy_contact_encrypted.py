"""Deputies' phone and ID number encrypted (issue 13 item 7), schema part: the ID number (encrypted)
and both keyed hashes, the hashes in the history, the full-view log, the view_contact permission.
The phone column becomes text here, still plain; 0009_encrypt_deputy_phones encrypts it, hashes
the history's phones, drops them from the history and declares the column encrypted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import congress_office.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_list_indexes"),
        ("deputies", "0007_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="deputy",
            options={
                "ordering": ["term", "group", "name"],
                "permissions": [
                    ("import_deputies", "可导入代表名册"),
                    ("view_record", "可查看履职档案"),
                    ("view_contact", "可查看代表完整联系电话和身份证号"),
                ],
                "verbose_name": "人大代表",
                "verbose_name_plural": "人大代表",
            },
        ),
        migrations.AddField(
            model_name="deputy",
            name="id_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="身份证号摘要"
            ),
        ),
        migrations.AddField(
            model_name="deputy",
            name="id_number",
            field=congress_office.crypto.EncryptedCharField(blank=True, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="deputy",
            name="phone_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="联系电话摘要"
            ),
        ),
        migrations.AddField(
            model_name="historicaldeputy",
            name="id_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="身份证号摘要"
            ),
        ),
        migrations.AddField(
            model_name="historicaldeputy",
            name="phone_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="联系电话摘要"
            ),
        ),
        # text, still plain: the ciphertext is longer than the 20 characters of the old column
        migrations.AlterField(
            model_name="deputy",
            name="phone",
            field=models.TextField(blank=True, verbose_name="联系电话"),
        ),
        migrations.CreateModel(
            name="DeputyContactAccess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("view", "查看"), ("export", "导出名册"), ("archive", "档案全本")],
                        default="view",
                        max_length=10,
                        verbose_name="方式",
                    ),
                ),
                ("fields", models.CharField(max_length=100)),
                ("detail", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("accessed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "deputy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_accesses",
                        to="deputies.deputy",
                        verbose_name="代表",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.township",
                        verbose_name="乡镇",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "代表联系方式查看记录",
                "verbose_name_plural": "代表联系方式查看记录",
                "ordering": ["-accessed_at", "-pk"],
                "indexes": [models.Index(fields=["township", "-accessed_at"], name="deputy_contact_access_idx")],
            },
        ),
    ]
