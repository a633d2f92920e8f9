"""The task outbox (issue 13 item 1): TaskOutbox, and what the stuck-job sweeper needs of the jobs
(a PDF or export job's heartbeat, attempt, claims and notice; an annual package's requeues)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskOutbox",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("task", models.CharField(max_length=200, verbose_name="任务")),
                ("args", models.JSONField(blank=True, default=list, verbose_name="参数")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="发送次数")),
                ("last_error", models.CharField(blank=True, max_length=300, verbose_name="最近错误")),
            ],
            options={
                "verbose_name": "任务发件箱",
                "verbose_name_plural": "任务发件箱",
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="archiveexport",
            name="requeues",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="重新提交次数"),
        ),
        migrations.AddField(
            model_name="pdfjob",
            name="attempt",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="重新提交次数"),
        ),
        migrations.AddField(
            model_name="pdfjob",
            name="notice",
            field=models.CharField(blank=True, max_length=200, verbose_name="提示"),
        ),
        migrations.AddField(
            model_name="pdfjob",
            name="runs",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="运行次数"),
        ),
        migrations.AddField(
            model_name="pdfjob",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="pdfjob",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "running"])),
                fields=["updated_at"],
                name="pdfjob_unfinished_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="taskoutbox",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", True)), fields=["created_at"], name="taskoutbox_unsent_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="taskoutbox",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", False)), fields=["sent_at"], name="taskoutbox_sent_idx"
            ),
        ),
    ]
