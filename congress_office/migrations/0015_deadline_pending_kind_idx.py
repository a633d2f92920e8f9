"""仅逾期 of one kind of subject (the 收文 register, issue 12): the pending deadlines past due of
the kinds asked for, from a partial index instead of a bitmap of every deadline of those kinds."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_task_outbox"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("state__in", ("open", "extended", "overdue"))),
                fields=["kind", "due_date"],
                name="deadline_pending_kind_idx",
            ),
        ),
    ]
