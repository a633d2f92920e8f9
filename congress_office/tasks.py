"""Celery tasks of the core. Tasks take IDs, re-check state, and call a service."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from . import outbox
from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def send_notification_email(notification_id):
    """E-mail one notification; does nothing if it is gone, or was e-mailed already."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        # users have no language of their own: the e-mail is in the site's language
        with translation.override(settings.LANGUAGE_CODE):
            title, body = notification.display_title, notification.display_body
        if notification.url:
            # e-mail needs an absolute link; notifications store the path
            body = f"{body}\n\n{settings.SITE_NAME}：{settings.SITE_URL.rstrip('/')}{notification.url}"
        send_mail(f"[{settings.SITE_NAME}] {title}", body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task
def scan_deadlines(today=None):
    """The daily beat task: feedback windows that ended close their cases (so nobody is reminded
    of them), then overdue marking and reminders (see services.deadlines.deadlines_scan)."""
    from datetime import date

    from .services.cases import case_lapse_feedback
    from .services.deadlines import deadlines_scan

    day = date.fromisoformat(today) if today else None
    lapsed = case_lapse_feedback(today=day)
    result = deadlines_scan(today=day)
    return {
        "lapsed": lapsed,
        "scanned": result.scanned,
        "marked_overdue": result.marked_overdue,
        "reminders_sent": result.reminders_sent,
    }


@shared_task(bind=True)
def render_pdf_job(self, job_id):
    from .services.pdf import pdf_job_run

    pdf_job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task(bind=True)
def render_zip_job(self, job_id):
    """Several PDFs of one report in one .zip (services.pdf_zip)."""
    from .services.pdf_zip import pdf_zip_job_run

    pdf_zip_job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task(bind=True)
def export_xlsx_job(self, job_id):
    """A list export above EXPORT_INLINE_MAX_ROWS rows, written to .xlsx (services.exports)."""
    from .services.exports import xlsx_job_run

    xlsx_job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task
def flush_outbox():
    """The beat's flush of the task outbox (every 30 s): what the broker did not take when it was
    sent after its commit goes now, oldest first; rows sent long ago are removed."""
    from .outbox import flush

    return flush()


@shared_task
def sweep_stuck_jobs():
    """The beat's sweeper (every minute): PDF and export jobs and annual packages stuck queued
    (their message lost) or running (their worker died) are queued again, or failed after
    JOB_MAX_REQUEUES."""
    from .services.archive_export import archive_export_resume_stale
    from .services.pdf import job_sweep_stuck

    return {**job_sweep_stuck(), "exports": archive_export_resume_stale()}


@shared_task
def expire_job_files():
    """The daily deletion of finished jobs' files past JOB_FILE_KEEP_DAYS (services.pdf)."""
    from .services.pdf import job_files_expire

    return job_files_expire()


@shared_task
def resend_waiting_jobs():
    """Formerly the beat's resend of waiting jobs; kept so that a message of it still queued (or an
    old beat schedule) does the new work: the outbox flush and the sweeper."""
    return {"outbox": flush_outbox(), "jobs": sweep_stuck_jobs()}


@shared_task(bind=True)
def archive_export_run(self, export_id):
    from .services.archive_export import archive_export_run as run

    return run(export_id=export_id, task_id=self.request.id or "")


@shared_task
def archive_export_chunk(export_id, item_ids):
    from .services.archive_export import archive_export_chunk as run

    return run(export_id=export_id, item_ids=item_ids)


@shared_task
def archive_render_chunk(item_ids):
    """Render and store the files of archived items (their archived copy), once each."""
    from .models import ArchiveItem
    from .services.archive_render import render_items, unrendered

    items = unrendered(ArchiveItem.objects.filter(pk__in=item_ids)).select_related("fonds", "archived_by")
    return render_items(items.order_by("pk"))


@shared_task
def archive_export_sweep():
    """Queue the rendering of archived items still without files (annual packages whose worker
    died are the sweeper's, sweep_stuck_jobs)."""
    from .services.archive_render import render_pending

    return {"renders": render_pending()}


def _job_queue_state(args, sent):
    from .services.pdf import job_queue_state

    job_queue_state(args, sent)


def _export_queue_state(args, sent):
    from .services.archive_export import export_queue_state

    export_queue_state(args, sent)


# a job whose task waits in the outbox (the broker is down) says so on its page
outbox.on_send(render_pdf_job, _job_queue_state)
outbox.on_send(export_xlsx_job, _job_queue_state)
outbox.on_send(render_zip_job, _job_queue_state)
outbox.on_send(archive_export_run, _export_queue_state)
