from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskOutbox(models.Model):
    """A Celery task to send: written in the transaction of the change that needs it, handed to
    the broker after that transaction commits, or later by the periodic flush when the broker was
    unreachable (congress_office.outbox). Every task sent this way is idempotent, so a row sent
    twice (the commit's send and the flush both ran) does nothing the second time."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("任务发件箱")
        verbose_name_plural = _("任务发件箱")
        ordering = ["created_at", "pk"]
        indexes = [
            # the flush reads the unsent rows, oldest first: a small part of the table
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="taskoutbox_unsent_idx"),
            # the sweeper's recent sends and the flush's removal of rows sent long ago
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="taskoutbox_sent_idx"),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
