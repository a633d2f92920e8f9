"""Notifications, timeline steps and deadline titles keep a message key with parameters next to
their Chinese text, so they are rendered in the reader's language (congress_office.message_keys).
Old rows have no key and show their stored text."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0016_reply_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message_keys",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="message_keys",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="deadline",
            name="message_keys",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="message_keys",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
