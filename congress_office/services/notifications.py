"""Notifications: in-app rows written in the caller's transaction, e-mail sent by a Celery
task through the task outbox (congress_office.outbox): handed to the broker after that
transaction commits, or later by the flush when the broker was down."""

from django.utils import timezone

from .. import outbox
from ..models import Notification


def notify(*, recipients, title, body="", url="", township=None):
    """Create one notification per distinct active recipient; e-mail those with an address.

    `title` and `body` are plain text or, better, a message_keys.Message (a gettext_noop key
    with parameters): then each reader sees them in their own language."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    template = Notification(township=township, url=url)
    template.set_message("title", title, max_length=200)
    template.set_message("body", body)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                township=township,
                title=template.title,
                body=template.body,
                message_keys=template.message_keys,
                url=url,
            )
            for user in unique.values()
        ]
    )
    to_email = [n.pk for n in notifications if n.recipient.email]
    if to_email:
        from ..tasks import send_notification_email

        # written with the notifications, sent after the commit (or by the outbox's flush); the
        # task e-mails a notification once however often it is sent (emailed_at, under a lock)
        outbox.enqueue_many(send_notification_email, [[pk] for pk in to_email])
    return notifications


def notification_mark_read(*, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user):
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
