"""The task outbox and the stuck-job sweeper (issue 13 item 1), against a real Redis of the tests'
own (a redis-server on a free port, stopped and started again) and a real Celery worker on it.

Users act through the Django test client while Redis dies: every request answers normally, the
jobs' pages say they wait for the queue, the tasks stay in the outbox; once Redis is back the
flush sends them and every job finishes exactly once, every e-mail goes out exactly once, even
when a row is sent twice. The sweeper takes up a job whose message Redis lost, or whose worker
died, and after JOB_MAX_REQUEUES fails it, saying so on the job's page.
"""

import email
import os
import re
import secrets
import time
from collections import Counter
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from congress_office import celery_app, outbox
from congress_office.models import JobKind, Notification, PdfJob, PdfJobStatus, TaskOutbox
from congress_office.roles import Role
from congress_office.services.pdf import (
    GAVE_UP,
    QUEUE_DOWN,
    REQUEUED_RUNNING,
    REQUEUED_WAITING,
    job_progress,
    job_save,
    job_sweep_stuck,
)
from congress_office.tasks import flush_outbox, render_pdf_job, send_notification_email, sweep_stuck_jobs

from ..petitions.handling_fixtures import accepted_petition
from .conftest import CeleryWorker, OwnRedis, _close_other_connections, _database_url, wait_until

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]

DEADLINE_REPORT = reverse("core:pdfjob_start", args=["core.deadline_overview"])
EXPORT = reverse("petitions:petition_export")
LATER = timedelta(minutes=1)  # past OUTBOX_FLUSH_AFTER_SECONDS: the flush's turn


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """A redis-server of the module's own, the test process's Celery producer pointed at it, and a
    worker (prefork, the test database) consuming a queue of its own there, e-mailing to files."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("the outbox tests need PostgreSQL: set DATABASE_URL")
    server = OwnRedis()
    server.start()
    queue = f"outbox-{os.getpid()}-{secrets.token_hex(4)}"
    conf, amqp = celery_app.conf, celery_app.amqp
    saved = conf.broker_url, conf.task_always_eager, conf.task_default_queue, celery_app._pool, amqp._producer_pool
    conf.broker_url, conf.task_always_eager, conf.task_default_queue = server.url, False, queue
    fresh_pools()  # the app's pools hold connections to the session's Redis
    mail_dir = tmp_path_factory.mktemp("outbox-mail")
    media_root = tmp_path_factory.mktemp("outbox-media")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "tests.core.filemail_settings",
        "PYTHONPATH": str(django_settings.BASE_DIR),
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": server.url,
        "CELERY_QUEUE": queue,
        "CELERY_EAGER": "0",
        "TEST_MEDIA_ROOT": str(media_root),
        "TEST_EMAIL_DIR": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(queue=queue, env=env, log_dir=tmp_path_factory.mktemp("outbox-worker"), media_root=media_root)
    worker.mail_dir = mail_dir
    worker.redis = server
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        celery_app._pool.force_close_all()  # this module's own pool (fresh_pools)
        conf.broker_url, conf.task_always_eager, conf.task_default_queue, celery_app._pool, amqp._producer_pool = saved
        server.stop()
        with django_db_blocker.unblock():
            _close_other_connections(connection, connection.settings_dict["NAME"])


@pytest.fixture
def own(stack, settings, role_groups):
    """The module's stack with Redis up (a failed test may have left it down), an empty queue and
    mailbox, the worker's media folder as the test's."""
    if not stack.redis.is_running():
        redis_back(stack)
    redis_client = _redis(stack)
    redis_client.delete(stack.queue)
    for path in stack.mail_dir.iterdir():
        path.unlink()
    settings.MEDIA_ROOT = stack.media_root
    yield stack
    if stack.redis.is_running():
        _redis(stack).delete(stack.queue)


def fresh_pools():
    """New connection and producer pools for the app (the producer's follows the connections'),
    of this module's own: not kombu's shared ones, which other tests' fixtures restore."""
    stale = celery_app._pool
    celery_app._pool = celery_app.connection_for_write().Pool(limit=celery_app.conf.broker_pool_limit)
    celery_app.amqp._producer_pool = None
    return stale


def redis_back(stack):
    """Start the module's Redis again (empty), and drop the app's pooled connections to the one
    that died, so its control commands (the worker's ping) connect again."""
    stack.redis.start()
    fresh_pools().force_close_all()


def _redis(stack):
    import redis

    return redis.Redis(port=stack.redis.port)


def emails(stack):
    """(recipient, subject) of every message the worker wrote, with how many times."""
    sent = Counter()
    separator = b"\n" + b"-" * 79 + b"\n"
    for path in sorted(stack.mail_dir.iterdir()):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                sent[(message["To"], str(make_header(decode_header(message["Subject"]))))] += 1
    return sent


def succeeded(stack, task):
    """How many runs of `task` the worker logged as succeeded, by their return value."""
    return Counter(re.findall(rf"{re.escape(task.name)}\[[^\]]+\] succeeded in [0-9.]+s: (.*)", stack.log_text()))


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def finished(*jobs, timeout=120):
    def done():
        return all(PdfJob.objects.get(pk=job.pk).is_finished for job in jobs)

    wait_until(done, timeout=timeout, interval=0.2, message="the jobs to finish")
    return [PdfJob.objects.get(pk=job.pk) for job in jobs]


def page(client, job):
    response = client.get(job.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_redis_dies_between_user_actions_and_nothing_is_lost_or_done_twice(
    own, settings, township, unit, make_user, client
):
    """With Redis down, assigning a petition (e-mail to the unit's handler), starting a PDF job and a
    large export all answer normally and wait in the outbox; a PDF job whose message Redis held
    when it died is lost there. Once Redis is back, the flush sends what waited and the sweeper
    sends the lost job again: every job is done, each claimed once, every notification e-mailed
    once, and sending the same outbox rows a second time changes nothing."""
    settings.EXPORT_INLINE_MAX_ROWS = 1
    clerk = make_user(Role.CLERK, township, username="clerk")
    handler = make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit)
    first, second = (accepted_petition(township=township, clerk=clerk, title=f"事由{n}") for n in (1, 2))
    client.force_login(clerk)

    def assign(petition):
        url = reverse("petitions:petition_assign", args=[petition.pk])
        return client.post(url, {"mode": "assign", "lead_unit": unit.pk, "note": "请依法处理"})

    # the broker up: the e-mail of the first assignment goes out through the worker
    assert assign(first).status_code == 302
    notified = Notification.objects.get(recipient=handler)
    wait_until(lambda: Notification.objects.get(pk=notified.pk).emailed_at, timeout=60, message="the first e-mail")

    # no worker takes the next job: its message is in Redis when Redis dies, and is lost
    own.kill()
    assert client.post(DEADLINE_REPORT).status_code == 302
    lost = PdfJob.objects.get()
    assert _redis(own).llen(own.queue) == 1 and TaskOutbox.objects.get(args=[str(lost.pk)]).sent_at
    own.redis.stop()

    # Redis down: every action answers normally, its task waits in the outbox
    response, assign_took = timed(lambda: assign(second))
    assert response.status_code == 302
    response, pdf_took = timed(lambda: client.post(DEADLINE_REPORT))
    assert response.status_code == 302
    pdf = PdfJob.objects.exclude(pk=lost.pk).get(kind=JobKind.PDF)
    assert response.url == pdf.get_absolute_url()
    response, export_took = timed(lambda: client.get(EXPORT))
    assert response.status_code == 302
    export = PdfJob.objects.get(kind=JobKind.XLSX)
    assert response.url == export.get_absolute_url()
    print(f"with Redis down: assign {assign_took:.2f} s, PDF job {pdf_took:.2f} s, export job {export_took:.2f} s")
    for job in (pdf, export):
        job.refresh_from_db()
        assert (job.status, job.message) == (PdfJobStatus.PENDING, str(QUEUE_DOWN))
        assert str(QUEUE_DOWN) in page(client, job)
    waiting = TaskOutbox.objects.filter(sent_at__isnull=True)
    assert Counter(waiting.values_list("task", flat=True)) == {
        send_notification_email.name: 1,
        render_pdf_job.name: 1,
        "congress_office.tasks.export_xlsx_job": 1,
    }
    assert all(row.last_error for row in waiting)  # tried once (or not, the broker had just failed)
    assert waiting.filter(attempts=1).exists()
    second_mail = Notification.objects.exclude(pk=notified.pk).get(recipient=handler)
    assert second_mail.emailed_at is None

    # Redis back (empty: the lost job's message is gone) and a worker on it; the flush sends
    redis_back(own)
    own.ensure_running()
    result = outbox.flush(now=timezone.now() + LATER)
    assert (result["sent"], result["error"]) == (3, "")
    assert not TaskOutbox.objects.filter(sent_at__isnull=True).exists()
    pdf, export = finished(pdf, export)
    wait_until(lambda: Notification.objects.get(pk=second_mail.pk).emailed_at, timeout=60, message="the e-mail")
    for job in (pdf, export):
        assert (job.status, job.progress, job.runs, job.attempt) == (PdfJobStatus.DONE, 100, 1, 0), job.message
    assert PdfJob.objects.get(pk=lost.pk).status == PdfJobStatus.PENDING  # nothing in the outbox for it

    # the sweeper: queued for longer than JOB_PENDING_TIMEOUT with nothing in the outbox
    swept = job_sweep_stuck(now=timezone.now() + timedelta(seconds=settings.JOB_PENDING_TIMEOUT + 60))
    assert swept == {"requeued": 1, "failed": 0}
    (lost,) = finished(lost)
    assert (lost.status, lost.runs, lost.attempt) == (PdfJobStatus.DONE, 1, 1), lost.message
    assert lost.notice == str(REQUEUED_WAITING) % {"n": 1}
    assert lost.file.name.endswith(".pdf") and export.file.name.endswith(".xlsx")

    to_email = Notification.objects.exclude(recipient__email="").select_related("recipient")
    wait_until(lambda: not to_email.filter(emailed_at__isnull=True).exists(), timeout=60, message="every e-mail")
    expected = Counter({(n.recipient.email, f"[{settings.SITE_NAME}] {n.title}"): 1 for n in to_email})
    assert emails(own) == expected
    assert sum(1 for to, _subject in expected if to == handler.email) == 2

    # the same rows sent twice (the commit's send and the flush both ran): nothing happens twice
    mails_before = succeeded(own, send_notification_email)
    renders_before = succeeded(own, render_pdf_job)
    again = TaskOutbox.objects.filter(args__in=[[second_mail.pk], [str(pdf.pk)]])
    assert again.update(sent_at=None) == 2
    assert outbox.flush(now=timezone.now() + LATER)["sent"] == 2
    wait_until(
        lambda: (
            succeeded(own, send_notification_email).total() == mails_before.total() + 1
            and succeeded(own, render_pdf_job).total() == renders_before.total() + 1
        ),
        timeout=60,
        message="the worker to run both tasks again",
    )
    assert emails(own) == expected
    # both ran and did nothing: the e-mail task found it e-mailed, the job task found it done
    assert succeeded(own, send_notification_email) - mails_before == Counter({"False": 1})
    assert succeeded(own, render_pdf_job) - renders_before == Counter({"None": 1})
    assert PdfJob.objects.get(pk=pdf.pk).runs == 1
    assert Counter(PdfJob.objects.values_list("status", "runs")) == {(PdfJobStatus.DONE, 1): 3}


def test_the_sweeper_restarts_a_job_whose_worker_died_and_fails_one_past_the_maximum(
    own, township, make_user, client_for
):
    """A job left running by a dead worker (no progress for JOB_RUNNING_TIMEOUT) is queued again
    at a new attempt, says so, and the worker finishes it. One already queued again
    JOB_MAX_REQUEUES times is failed and says so. A job whose task waits in the outbox is the
    flush's, not the sweeper's."""
    own.kill()  # nothing consumes until the pages are checked
    clerk = make_user(Role.CLERK, township, username="clerk")
    client = client_for(clerk)
    old = timezone.now() - timedelta(seconds=django_settings.JOB_RUNNING_TIMEOUT + 60)

    def job(**fields):
        made = PdfJob.objects.create(
            owner=clerk, township=township, report="core.deadline_overview", title="期限事项办理情况表", **fields
        )
        PdfJob.objects.filter(pk=made.pk).update(updated_at=old)
        return PdfJob.objects.get(pk=made.pk)

    dead = job(status=PdfJobStatus.RUNNING, progress=40, task_id="the-dead-task", runs=1)
    hopeless = job(status=PdfJobStatus.RUNNING, progress=40, task_id="another-dead-task", runs=3, attempt=2)
    waiting = job()
    TaskOutbox.objects.create(task=render_pdf_job.name, args=[str(waiting.pk)])  # the broker was down

    assert sweep_stuck_jobs() == {"requeued": 1, "failed": 1, "exports": 0}

    dead.refresh_from_db()
    assert (dead.status, dead.attempt, dead.notice, dead.task_id) == (
        PdfJobStatus.PENDING,
        1,
        str(REQUEUED_RUNNING),
        "",
    )
    assert "任务执行超时，已重新开始" in page(client, dead)
    hopeless.refresh_from_db()
    assert (hopeless.status, hopeless.message) == (PdfJobStatus.FAILED, str(GAVE_UP))
    assert "任务多次未能完成，已标记为失败，请重新生成" in page(client, hopeless)
    assert PdfJob.objects.get(pk=waiting.pk).attempt == 0

    own.ensure_running()
    (dead,) = finished(dead)
    assert (dead.status, dead.runs, dead.attempt) == (PdfJobStatus.DONE, 2, 1), dead.message
    assert "任务执行超时" not in page(client, dead)  # done: the notice has served its purpose

    # the one waiting in the outbox: the flush sends it, the worker renders it
    assert outbox.flush(now=timezone.now() + LATER)["sent"] == 1
    (waiting,) = finished(waiting)
    assert (waiting.status, waiting.runs, waiting.attempt) == (PdfJobStatus.DONE, 1, 0)
    hopeless.refresh_from_db()
    assert (hopeless.status, hopeless.runs) == (PdfJobStatus.FAILED, 3)


def test_a_job_whose_message_keeps_getting_lost_is_failed_after_the_maximum(own, township, make_user, client_for):
    """Queued, and its message lost each time: the sweeper sends it again (第 1 次, 第 2 次, on the
    page), then fails it; the late messages find it failed and run nothing."""
    own.kill()
    clerk = make_user(Role.CLERK, township, username="clerk")
    client = client_for(clerk)
    assert client.post(DEADLINE_REPORT).status_code == 302
    job = PdfJob.objects.get()
    _redis(own).delete(own.queue)  # the message is lost
    now = timezone.now()
    step = timedelta(seconds=django_settings.JOB_PENDING_TIMEOUT + 60)

    for n in (1, 2):
        assert job_sweep_stuck(now=now + step * n) == {"requeued": 1, "failed": 0}
        job.refresh_from_db()
        assert (job.status, job.attempt) == (PdfJobStatus.PENDING, n)
        assert f"任务在队列中等待过久，已重新提交（第 {n} 次）" in page(client, job)
        assert job_sweep_stuck(now=now + step * n) == {"requeued": 0, "failed": 0}  # queued again just now
    assert job_sweep_stuck(now=now + step * 3) == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.status, job.message, job.runs) == (PdfJobStatus.FAILED, str(GAVE_UP), 0)
    assert "任务多次未能完成，已标记为失败，请重新生成" in page(client, job)

    # the two messages the sweeper sent are still queued: a worker finds the job failed
    assert _redis(own).llen(own.queue) == 2
    own.ensure_running()  # a new worker, a new log
    wait_until(lambda: succeeded(own, render_pdf_job)["None"] == 2, timeout=60, message="the late messages")
    job.refresh_from_db()
    assert (job.status, job.runs) == (PdfJobStatus.FAILED, 0)


def test_a_run_the_sweeper_gave_up_on_writes_nothing(township, make_user, role_groups):
    """The sweeper queued the job again (a new attempt) and a new run claimed it: the old run, still
    alive after all, can neither report progress nor write its outcome; the new run can."""
    from congress_office.services.pdf import job_claim

    clerk = make_user(Role.CLERK, township, username="clerk")
    job = PdfJob.objects.create(owner=clerk, township=township, report="core.deadline_overview", title="报表")
    old_run = job_claim(job.pk, "old-task", "开始生成")
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.PENDING, attempt=1)  # what the sweeper does
    new_run = job_claim(job.pk, "new-task", "开始生成")
    assert (new_run.attempt, new_run.runs) == (1, 2)

    job_progress(old_run)(60, "旧的运行")
    old_run.status, old_run.message = PdfJobStatus.FAILED, "旧的运行失败"
    assert job_save(old_run) is False
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.task_id) == (PdfJobStatus.RUNNING, 5, "开始生成", "new-task")

    job_progress(new_run)(60, "正在排版")
    new_run.status, new_run.progress, new_run.message = PdfJobStatus.DONE, 100, "已完成"
    assert job_save(new_run) is True
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == (PdfJobStatus.DONE, 100, "已完成")


def test_enqueue_in_a_transaction_sends_after_commit_and_a_rollback_sends_nothing(own):
    """The row is written in the caller's transaction; nothing reaches the broker before the commit,
    and a rolled-back transaction leaves neither a row nor a message."""
    from django.db import transaction

    own.kill()  # the messages stay in the queue, to be counted
    with transaction.atomic():
        row = outbox.enqueue(flush_outbox)
        assert _redis(own).llen(own.queue) == 0
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert _redis(own).llen(own.queue) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(flush_outbox)
        raise RuntimeError
    assert TaskOutbox.objects.count() == 1 and _redis(own).llen(own.queue) == 1


def test_the_flush_stops_at_the_first_failure_and_removes_rows_sent_long_ago(own, settings):
    """With the broker down the flush tries the oldest row once and stops (attempts and the error
    recorded, the others untouched); rows sent more than OUTBOX_KEEP_DAYS ago are deleted, the
    recent ones kept."""
    own.kill()  # the messages stay in the queue, to be counted
    rows = [TaskOutbox.objects.create(task=flush_outbox.name) for _ in range(3)]
    old = TaskOutbox.objects.create(task=flush_outbox.name, sent_at=timezone.now() - timedelta(days=8))
    recent = TaskOutbox.objects.create(task=flush_outbox.name, sent_at=timezone.now() - timedelta(days=6))
    own.redis.stop()

    result = outbox.flush(now=timezone.now() + LATER)

    assert result["sent"] == 0 and "OperationalError" in result["error"]
    first, *others = [TaskOutbox.objects.get(pk=row.pk) for row in rows]
    assert (first.attempts, first.sent_at) == (1, None) and "127.0.0.1" in first.last_error
    assert all(row.attempts == 0 and row.sent_at is None for row in others)
    assert not TaskOutbox.objects.filter(pk=old.pk).exists() and TaskOutbox.objects.filter(pk=recent.pk).exists()

    redis_back(own)
    assert outbox.flush(now=timezone.now() + LATER)["sent"] == 3
    assert _redis(own).llen(own.queue) == 3
