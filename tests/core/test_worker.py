"""Tasks run by a real Celery worker process over Redis, on the test database (PostgreSQL).

The worker (tests/core/conftest.py) is a separate `celery worker` process, prefork with
concurrency 2, consuming this session's own queue; these tests send it tasks through the
broker and poll the database (never fixed sleeps) until the work is done.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import transaction

from congress_office.models import Deadline, DeadlineRule, DeadlineState, Notification, PdfJobStatus, Reminder
from congress_office.roles import Role
from congress_office.services.notifications import notify
from congress_office.services.pdf import pdf_job_start
from congress_office.tasks import scan_deadlines, send_notification_email
from tests.core.conftest import wait_until
from tests.core.test_reminders import base

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.xdist_group("worker"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

TODAY = date(2026, 11, 16)  # a Monday


def bulk_deadlines(township, unit, days_left, prefix):
    """One pending deadline per entry of `days_left` (due TODAY + n), written in one query."""
    rows = []
    for n, days in enumerate(days_left):
        due = TODAY + timedelta(days=days)
        start = TODAY - timedelta(days=30)
        rows.append(
            Deadline(
                township=township,
                kind="core.general",
                title=f"{prefix}{n:04d}",
                responsible_unit=unit,
                start_date=start,
                rule=DeadlineRule.CALENDAR_DAYS,
                limit=(due - start).days,
                original_due_date=due,
                due_date=due,
            )
        )
    return Deadline.objects.bulk_create(rows)


def expected_stage(days):
    if days < 0:
        return f"overdue:{TODAY.isoformat()}"
    return f"before:{min(n for n in (7, 3, 1) if days <= n)}"


def assert_one_notification_per_recipient_and_stage():
    per_pair = Counter(Notification.objects.values_list("recipient_id", "title"))
    duplicated = {pair: count for pair, count in per_pair.items() if count != 1}
    assert not duplicated


def test_two_scans_at_once_in_the_worker_remind_exactly_once(celery_worker, township, unit, make_user):
    """scan_deadlines sent twice at the same moment runs in both worker processes at once;
    still each (deadline, stage) is reminded once, each recipient told once per stage, the two
    runs' counts add up exactly, and every notification is e-mailed by the worker."""
    for name in ("clerk", "clerk2"):
        make_user(Role.CLERK, township, username=name)
    make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit)
    make_user(Role.CHAIR, township, username="chair")
    days_left = [7, 3, 1, -4] * 20
    deadlines = bulk_deadlines(township, unit, days_left, "并发")
    expected = {d.pk: expected_stage(days) for d, days in zip(deadlines, days_left, strict=True)}

    first = celery_worker.send(scan_deadlines, TODAY.isoformat())
    second = celery_worker.send(scan_deadlines, TODAY.isoformat())
    results = [celery_worker.wait_for_task(task_id, timeout=120) for task_id in (first, second)]

    log = celery_worker.log_text()
    finished_first = min(log.index(f"[{first}] succeeded"), log.index(f"[{second}] succeeded"))
    assert log.index(f"[{first}] received") < finished_first
    assert log.index(f"[{second}] received") < finished_first, "the two scans did not overlap"

    assert [r["scanned"] for r in results] == [len(deadlines)] * 2
    assert sum(r["reminders_sent"] for r in results) == len(deadlines)
    assert sum(r["marked_overdue"] for r in results) == 20
    assert {d: base(s) for d, s in Reminder.objects.values_list("deadline_id", "stage")} == expected
    assert Reminder.objects.count() == len(deadlines)
    assert Deadline.objects.filter(state=DeadlineState.OVERDUE).count() == 20

    assert_one_notification_per_recipient_and_stage()
    per_user = Counter(Notification.objects.values_list("recipient__username", flat=True))
    assert per_user == Counter({"clerk": 80, "clerk2": 80, "handler": 80, "chair": 20})
    assert sorted(Reminder.objects.values_list("recipients", flat=True)) == sorted([3] * 60 + [4] * 20)

    wait_until(
        lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(),
        timeout=120,
        interval=0.2,
        message="the worker to e-mail every notification",
    )


def test_pdf_job_rendered_by_the_worker(celery_worker, township, unit, make_user):
    """pdf_job_start queues the render on commit; the worker takes the job to done, progress 100,
    with a PDF file."""
    clerk = make_user(Role.CLERK, township, username="clerk")
    bulk_deadlines(township, unit, [-4, -2, 3, 10], "报表事项")
    Deadline.objects.filter(due_date__lt=TODAY).update(state=DeadlineState.OVERDUE)

    with celery_worker.routing():
        job = pdf_job_start(report="core.deadline_overview", user=clerk)
    assert job.status == PdfJobStatus.PENDING

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_until(finished, timeout=120, interval=0.2, message="the PDF job to finish")
    assert job.status == PdfJobStatus.DONE, job.message
    assert job.progress == 100
    assert job.finished_at is not None
    assert job.file.name.endswith(".pdf")
    with job.file.open("rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")
    assert len(content) > 1000


def test_notification_email_sent_by_the_worker(celery_worker, township, make_user):
    """notify() enqueues the e-mail task on commit; the worker sends it and sets emailed_at.
    A recipient without an address gets no task; a redelivered task sends nothing again."""
    clerk = make_user(Role.CLERK, township, username="clerk")
    nomail = make_user(Role.CLERK, township, username="nomail", email="")

    with celery_worker.routing():
        with transaction.atomic():
            notify(recipients=[clerk, nomail], title="测试通知", body="正文", township=township)
            assert celery_worker.queue_length() == 0  # nothing leaves before commit
    sent = Notification.objects.get(recipient=clerk)

    def emailed():
        sent.refresh_from_db()
        return sent.emailed_at

    first_emailed_at = wait_until(emailed, timeout=60, interval=0.1, message="emailed_at to be set")
    assert Notification.objects.get(recipient=nomail).emailed_at is None

    again = celery_worker.send(send_notification_email, sent.pk)
    assert celery_worker.wait_for_task(again) is False
    sent.refresh_from_db()
    assert sent.emailed_at == first_emailed_at


def test_worker_killed_mid_scan_loses_and_duplicates_nothing(celery_worker, township, unit, make_user):
    """SIGKILL the worker's whole process tree while a scan over hundreds of deadlines runs:
    what was committed is complete (each reminder with all its notifications), nothing is
    half-sent; a fresh worker's scan then sends exactly the missing stages, once each."""
    make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit)
    for n in range(3):  # without e-mail, to keep the run short: one e-mail task per reminder
        make_user(Role.CLERK, township, username=f"clerk{n}", email="")
    recipients = 4
    days_left = [3] * 250
    deadlines = bulk_deadlines(township, unit, days_left, "中断")

    celery_worker.send(scan_deadlines, TODAY.isoformat())
    wait_until(lambda: Reminder.objects.count() >= 10, timeout=60, interval=0.02, message="the scan to start")
    celery_worker.kill()

    at_kill = Reminder.objects.count()
    assert 0 < at_kill < len(deadlines), f"the scan was not interrupted mid-run ({at_kill} reminders)"
    # what the killed scan committed is whole: each reminder has all its notifications, no more
    assert Notification.objects.count() == at_kill * recipients
    assert set(Reminder.objects.values_list("recipients", flat=True)) == {recipients}
    reminded_titles = set(Reminder.objects.values_list("deadline__title", flat=True))
    titles = Notification.objects.values_list("title", flat=True)
    notified_titles = {t.split("】", 1)[1].split(" ", 1)[0] for t in titles}
    assert notified_titles == reminded_titles

    celery_worker.purge()  # the e-mails of the first run are not what this test is about
    celery_worker.ensure_running()
    rerun = celery_worker.send(scan_deadlines, TODAY.isoformat())
    result = celery_worker.wait_for_task(rerun, timeout=180)

    assert result["reminders_sent"] == len(deadlines) - at_kill
    assert Reminder.objects.count() == len(deadlines)
    assert {base(s) for s in Reminder.objects.values_list("stage", flat=True)} == {"before:3"}
    assert set(Reminder.objects.values_list("deadline_id", flat=True)) == {d.pk for d in deadlines}
    assert Notification.objects.count() == len(deadlines) * recipients
    assert_one_notification_per_recipient_and_stage()
